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
  Analysis analysis;
  std::string usage_error;
  load_inputs(args.paths, options, analysis, usage_error);
  if (!usage_error.empty()) {
    std::cerr << "threegate: " << usage_error << "\n";
    return 2;
  }
  for (const auto& note : analysis.notes) std::cerr << "threegate: " << note << "\n";
  run_analysis(analysis);
  ReportSummary summary{analysis.files_read, analysis.shares, analysis.reads_checked};
  if (args.format == "json") {
    write_json(std::cout, analysis.findings, summary);
  } else {
    write_text(std::cout, analysis.findings, summary);
  }
  if (args.fail_on == "never") return 0;
  Severity threshold = args.fail_on == "error" ? Severity::Error : args.fail_on == "info" ? Severity::Info : Severity::Warning;
  for (const auto& f : analysis.findings) {
    if (static_cast<int>(f.severity) >= static_cast<int>(threshold)) return 1;
  }
  return 0;
}

}  // namespace threegate::cli
