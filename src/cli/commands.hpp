// The subcommands of the threegate binary. Each returns the process exit code:
// 0 success / nothing at or above --fail-on, 1 findings (or a denied simulation), 2 usage error.
#pragma once

#include <string>
#include <vector>

#include "cli/output.hpp"

namespace threegate::cli {

struct CheckArgs {
  std::vector<std::string> paths;
  OutputFlags output;  // --format/--output pairs, --sarif-root, --quiet
  std::string fail_on;  // empty: the configuration's (default warning)
  std::string config;   // --config FILE; empty: the nearest .threegate.yaml
  bool no_config = false;
  bool show_suppressed = false;
  std::string baseline, write_baseline;
  std::string kind;
  std::vector<std::string> var_files;  // Terraform: --var-file, as -var-file
  std::string plan_source;             // Terraform plans: --source DIR
  std::vector<std::string> vars;       // Terraform: --var name=value, as -var
};
int run_check(const CheckArgs& args);

struct SimulateArgs {
  std::string case_file;
  std::string principal, secret, key, region, kind;
  std::vector<std::string> paths;
  std::string format = "text";
};
int run_simulate(const SimulateArgs& args);

// `audit DIR`, `who-can --secret ARN DIR`, `can --principal ARN DIR` (an export folder).
struct AuditArgs {
  std::string dir;
  std::string format = "text";
  std::string secret, principal;
  std::string graph;  // audit --graph FILE.dot
  std::string output;  // --output FILE
  bool quiet = false;  // audit text: no closing totals line
  std::string config;  // --config FILE; empty: the nearest .threegate.yaml
  bool no_config = false;
  bool show_suppressed = false;  // audit
  std::string fail_on;           // audit; empty: the configuration's, when one applies
};
int run_audit(const AuditArgs& args);
int run_who_can(const AuditArgs& args);
int run_can(const AuditArgs& args);

// `config --dump`: the effective configuration.
struct ConfigArgs {
  std::string config;
  bool no_config = false;
  bool dump = false;
};
int run_config(const ConfigArgs& args);

int run_rules(const std::string& format);
int run_completion(const std::string& shell);  // bash, zsh or fish
int run_explain(const std::string& id);

// Parses --kind; false when the name is not a kind.
bool parse_kind(const std::string& name, int& kind_out);

}  // namespace threegate::cli
