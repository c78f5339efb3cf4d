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
  std::string fail_on = "warning";
  std::string kind;
  std::vector<std::string> var_files;  // Terraform: --var-file, as -var-file
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
};
int run_audit(const AuditArgs& args);
int run_who_can(const AuditArgs& args);
int run_can(const AuditArgs& args);

int run_rules(const std::string& format);
int run_explain(const std::string& id);

// Parses --kind; false when the name is not a kind.
bool parse_kind(const std::string& name, int& kind_out);

}  // namespace threegate::cli
