// One run of `threegate check`: read every input into one model, derive the shares, run the
// rules, and collect findings (input problems included). Never throws on bad input.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "threegate/finding.hpp"
#include "threegate/gates.hpp"
#include "threegate/inventory.hpp"
#include "threegate/rules.hpp"
#include "threegate/terraform.hpp"

namespace threegate {

struct Config;

struct CheckOptions {
  PolicyKind kind = PolicyKind::Unknown;  // --kind: how standalone policy files are used
  // Terraform: -var-file files and -var name=value pairs, as `terraform plan` takes them.
  std::vector<std::string> var_files;
  std::vector<std::pair<std::string, std::string>> vars;
  // Terraform plans: the folder of their .tf files (default: the plan's folder when it has some).
  std::string plan_source;
};

// What is analyzed together. Each inventory file is a scope of its own, so that two unrelated
// inventories checked in one run (a folder of cases) never mix their principals and secrets;
// standalone policy files share the first scope, which has no resources.
struct Scope {
  std::string label;  // the inventory's path, or "standalone policies"
  bool terraform = false;  // a Terraform root module
  Inventory inventory;
  std::vector<PolicyUse> policies;
  std::vector<ShareResult> shares;
};

struct Analysis {
  SourceSet sources;
  std::deque<Scope> scopes;  // scopes[0]: standalone policies
  Diagnostics diagnostics;
  std::vector<std::string> notes;  // said to the user, not findings: "no *.json file below DIR"
  std::vector<Finding> findings;  // sorted by path, line, column, rule
  std::vector<Finding> suppressed;  // silenced by an inline suppression comment or the configuration
  const Config* config = nullptr;   // .threegate.yaml, when one applies (rules read its accounts)
  std::vector<std::unique_ptr<tf::Configuration>> terraform;  // Terraform roots read (their trees hold the comments)
  // Resources known only after apply, by the name reports give them: (ARN with symbols, address).
  std::vector<std::pair<std::string, std::string>> names;
  // Terraform resources whose ARN is known (a plan's existing resources): (ARN, address).
  // Messages name them by both: "aws_secretsmanager_secret.db (arn:aws:…)".
  std::vector<std::pair<std::string, std::string>> labels;
  size_t files_read = 0;
  size_t shares = 0;
  size_t reads_checked = 0;
};

// Reads files and folders (folders: every *.json below them, in name order). Inputs that cannot
// be read become diagnostics; `usage_error` is set only for a path that does not exist.
void load_inputs(const std::vector<std::string>& paths, const CheckOptions& options, Analysis& analysis,
                 std::string& usage_error);

// Lists every policy of the scope with its use site, for the policy rules.
void collect_policy_uses(Scope& scope);

// Derives shares, runs every rule and turns diagnostics into findings.
void run_analysis(Analysis& analysis);

// Finding for a reader diagnostic (TG401–TG403).
Finding finding_from_diagnostic(const Diagnostic& d);

}  // namespace threegate
