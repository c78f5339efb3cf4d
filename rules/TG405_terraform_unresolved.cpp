// Reported from the Terraform evaluator's and mapper's diagnostics; this file holds the rule's
// documentation.
#include "threegate/rules.hpp"

namespace threegate::rules {

extern const RuleInfo kTG405;
const RuleInfo kTG405{
    "TG405",
    "terraform-unresolved",
    Severity::Warning,
    "input",
    "part of the Terraform configuration or plan cannot be evaluated offline",
    {
        "Says what threegate could not know from the .tf files alone: a module from the registry or git (its outputs are "
        "unknown), a policy known only after apply, a reference to something the configuration does not define, a "
        "function it cannot evaluate, a count or for_each known only after apply. In a plan (terraform show -json): a "
        "policy known only after apply when the .tf source is not given, and parts of the plan that are not shaped as "
        "the format says (a hand edit that contradicts itself, values that are not an object). Expected unknowns are "
        "infos; problems that lose information (a reference to nothing, a cycle between locals, an unreadable part of "
        "a plan) are warnings.",
        "threegate never makes a value up: what depends on an unknown is reported as undecided (TG109), naming it. This "
        "finding says where the unknown comes from, so that it can be given a value (a tfvars file, -var) or accepted.",
        "variable \"consumer_account_id\" {\n  type = string\n}\n\nresource \"aws_secretsmanager_secret_policy\" \"s\" {\n  "
        "policy = jsonencode({ Statement = [{ Principal = { AWS = var.consumer_account_id } }] })\n}",
        "variable \"consumer_account_id\" {\n  type    = string\n  default = \"222222222222\"\n}",
        "Give the value (a default, terraform.tfvars, --var-file, --var), vendor the module locally, check a plan with "
        "its .tf files (--source DIR), or accept the undecided answer.",
    },
    nullptr,
};

}  // namespace threegate::rules
