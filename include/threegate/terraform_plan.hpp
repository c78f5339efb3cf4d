// Terraform plans and states as printed by `terraform show -json` (format_version 0.1 to 1.x):
// the resources in force after apply (planned_values; a resource being destroyed is not there),
// with values known only after apply (after_unknown) kept Unknown, tied back to the resources
// their configuration references, or taken from the .tf source when it is given. The result is
// a resource view (resource_view.hpp), so the Terraform mapping reads plans as it reads .tf.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "threegate/json.hpp"
#include "threegate/resource_view.hpp"
#include "threegate/terraform.hpp"

namespace threegate {

enum class TerraformJsonKind { None, Plan, State };

// A plan (format_version with planned_values, resource_changes or configuration) or a state
// (format_version with values); None for any other JSON document.
TerraformJsonKind terraform_json_kind(const JsonValue& document);

// What a plan tells about the run that made it, for loading its .tf source the same way.
struct PlanFacts {
  // The root variables the plan was made with.
  std::vector<std::pair<std::string, tf::Value>> variables;
  // The deploying account, when the plan read data.aws_caller_identity (or the aws provider
  // pins one with allowed_account_ids); "" otherwise.
  std::string account;
};
PlanFacts plan_facts(const JsonValue& document);

// A JSON value of the plan as a Terraform value, ranges into the plan file.
tf::Value plan_value(const JsonValue& value);

// The view of a plan or state. `source`, when given, is the plan's configuration evaluated from
// its .tf files (loaded with plan_facts()): values the plan knows only after apply take their
// structure from it, and findings point at its lines. Problems of the plan (a malformed
// structure, a hand edit that contradicts itself, blocks known only after apply) go to
// `diagnostics`, which must outlive the view. The document and the configuration must too.
std::unique_ptr<ResourceView> plan_view(const JsonValue& document, const tf::Configuration* source,
                                        Diagnostics& diagnostics);

}  // namespace threegate
