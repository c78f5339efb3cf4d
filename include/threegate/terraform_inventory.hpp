// Terraform resources as inventories: what the resources of a configuration or a plan
// (resource_view.hpp) mean to AWS — keys, aliases, replica keys, secrets and their replicas, roles,
// users and groups with their policies, organization policies. Policies keep the ranges of the
// .tf text they were written in, so findings point at the line to change.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "threegate/inventory.hpp"
#include "threegate/resource_view.hpp"
#include "threegate/terraform.hpp"

namespace threegate {

struct TerraformMapping {
  // Said once to the user: assumptions the mapping took ("the account the module deploys into
  // is taken to differ from every account written literally"), never findings.
  std::vector<std::string> notes;
  // How to name resources whose ARN is known only after apply: (ARN with symbols, address),
  // e.g. the secret's ARN → "aws_secretsmanager_secret.db". Reports use the address.
  std::vector<std::pair<std::string, std::string>> names;
  // Resources whose ARN is known (a plan's existing resources): (ARN, address).
  std::vector<std::pair<std::string, std::string>> labels;
};

// Fills `inventory` from the view's instances. Problems (a policy that is not JSON, a
// secret policy for a secret the module does not define) are TG405 diagnostics; a policy known
// only after apply leaves its gate undecided (depends), never made up.
TerraformMapping load_terraform_inventory(const ResourceView& view, Inventory& inventory, Diagnostics& diagnostics);

// A Terraform value holding a policy as a located JSON document: the structure a jsonencode()
// or an aws_iam_policy_document encodes (with the ranges of its expressions), or JSON text (a
// heredoc, a file()) mapped back into the .tf file where it was written verbatim. nullopt with
// a diagnostic when it is not JSON; nullopt without one when the value is Unknown.
std::optional<JsonValue> terraform_policy_json(const tf::Value& value, const Range& fallback, Diagnostics& diagnostics);

}  // namespace threegate
