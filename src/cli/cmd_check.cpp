#include <iostream>

#include "cli/commands.hpp"
#include "threegate/analysis.hpp"
#include "threegate/report.hpp"

namespace threegate::cli {

bool parse_kind(const std::string& name, int& kind_out) {
  static const std::pair<const char*, PolicyKind> kinds[] = {
      {"key", PolicyKind::KeyPolicy}, {"secret", PolicyKind::SecretPolicy}, {"identity", PolicyKind::Identity},
      {"scp", PolicyKind::Scp},       {"rcp", PolicyKind::Rcp},             {"boundary", PolicyKind::Boundary},
      {"session", PolicyKind::Session}};
  for (const auto& [n, k] : kinds) {
    if (name == n) {
      kind_out = static_cast<int>(k);
      return true;
    }
  }
  return false;
}

int run_check(const CheckArgs& args) {
  CheckOptions options;
  int kind = 0;
  if (!args.kind.empty() && parse_kind(args.kind, kind)) options.kind = static_cast<PolicyKind>(kind);
  options.var_files = args.var_files;
  for (const std::string& v : args.vars) {
    const size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "threegate: --var takes NAME=VALUE, got '" << v << "'\n";
      return 2;
    }
    options.vars.emplace_back(v.substr(0, eq), v.substr(eq + 1));
  }
  std::string error;
  Outputs outputs;
  if (!outputs.resolve(args.output, error)) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  Analysis analysis;
  load_inputs(args.paths, options, analysis, error);
  // Output files are opened only once the inputs exist, so a mistyped path leaves them untouched.
  if (error.empty()) outputs.open(error);
  if (!error.empty()) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  for (const auto& note : analysis.notes) std::cerr << "threegate: " << note << "\n";
  run_analysis(analysis);
  ReportSummary summary{analysis.files_read, analysis.shares, analysis.reads_checked};
  std::optional<Severity> fail_on;
  if (args.fail_on != "never") {
    fail_on = args.fail_on == "error" ? Severity::Error : args.fail_on == "info" ? Severity::Info : Severity::Warning;
  }
  if (!outputs.write(analysis.findings, summary, fail_on, error)) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  if (!fail_on) return 0;
  for (const auto& f : analysis.findings) {
    if (static_cast<int>(f.severity) >= static_cast<int>(*fail_on)) return 1;
  }
  return 0;
}

}  // namespace threegate::cli
