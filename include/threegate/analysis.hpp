// One run of `threegate check`: read every input into one model, derive the shares, run the
// rules, and collect findings (input problems included). Never throws on bad input.
#pragma once

#include <string>
#include <vector>

#include "threegate/finding.hpp"
#include "threegate/gates.hpp"
#include "threegate/inventory.hpp"
#include "threegate/rules.hpp"

namespace threegate {

struct CheckOptions {
  PolicyKind kind = PolicyKind::Unknown;  // --kind: how standalone policy files are used
};

struct Analysis {
  SourceSet sources;
  Inventory inventory;
  Diagnostics diagnostics;
  std::vector<PolicyUse> policies;
  std::vector<ShareResult> shares;
  std::vector<Finding> findings;  // sorted by path, line, column, rule
  size_t files_read = 0;
  size_t reads_checked = 0;
};

// Reads files and folders (folders: every *.json below them, in name order). Inputs that cannot
// be read become diagnostics; `usage_error` is set only for a path that does not exist.
void load_inputs(const std::vector<std::string>& paths, const CheckOptions& options, Analysis& analysis,
                 std::string& usage_error);

// Derives shares, runs every rule and turns diagnostics into findings.
void run_analysis(Analysis& analysis);

// Finding for a reader diagnostic (TG401–TG403).
Finding finding_from_diagnostic(const Diagnostic& d);

}  // namespace threegate
