#include <filesystem>
#include <iostream>
#include <set>

#include "cli/commands.hpp"
#include "threegate/analysis.hpp"
#include "threegate/baseline.hpp"
#include "threegate/config.hpp"
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

bool load_effective_config(const std::string& flag, bool none, SourceSet& sources, Config& config,
                           std::string& error) {
  if (none) return true;
  std::string path = flag;
  if (path.empty()) {
    std::error_code ec;
    const std::filesystem::path cwd = std::filesystem::current_path(ec);
    path = find_config_file(cwd);
    if (path.empty()) return true;
    // Findings name it as the user would: ".threegate.yaml", "../.threegate.yaml".
    path = std::filesystem::path(path).lexically_proximate(cwd).string();
  } else {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      error = "--config " + path + ": no such file";
      return false;
    }
  }
  config = load_config(path, sources);
  return true;
}

int run_check(const CheckArgs& args) {
  CheckOptions options;
  int kind = 0;
  if (!args.kind.empty() && parse_kind(args.kind, kind)) options.kind = static_cast<PolicyKind>(kind);
  options.var_files = args.var_files;
  options.plan_source = args.plan_source;
  if (!options.plan_source.empty() && !std::filesystem::is_directory(options.plan_source)) {
    // A .tf file given stands for its folder, as on the command line.
    const std::filesystem::path p(options.plan_source);
    if (!std::filesystem::is_regular_file(p) || !(p.extension() == ".tf" || p.string().ends_with(".tf.json"))) {
      std::cerr << "threegate: --source " << options.plan_source << ": no such folder\n";
      return 2;
    }
    options.plan_source = p.parent_path().empty() ? "." : p.parent_path().string();
  }
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
  std::set<std::string> baseline;
  if (!args.baseline.empty() && !read_baseline(args.baseline, baseline, error)) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  Analysis analysis;
  Config config;
  if (!load_effective_config(args.config, args.no_config, analysis.sources, config, error)) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  load_inputs(args.paths, options, analysis, error);
  // Output files are opened only once the inputs exist, so a mistyped path leaves them untouched.
  if (error.empty()) outputs.open(error);
  if (!error.empty()) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  for (const auto& note : analysis.notes) std::cerr << "threegate: " << note << "\n";
  analysis.diagnostics.insert(analysis.diagnostics.end(), config.diagnostics.begin(), config.diagnostics.end());
  apply_config_to_inputs(config, analysis);
  run_analysis(analysis);
  const std::vector<SuppressedFinding> suppressed = apply_config_to_findings(config, analysis, today_utc());
  // The baseline records what is reported today, after suppressions; --baseline then hides those.
  if (!args.write_baseline.empty() && !write_baseline(args.write_baseline, analysis.findings, error)) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  if (!args.baseline.empty()) {
    const size_t known = apply_baseline(analysis.findings, baseline, baseline_root(args.baseline));
    if (!args.output.quiet)
      std::cerr << "threegate: " << known << " finding" << (known == 1 ? "" : "s") << " in the baseline "
                << args.baseline << " not reported\n";
  }
  ReportSummary summary{analysis.files_read, analysis.shares, analysis.reads_checked};
  // A flag overrides the configuration.
  const std::string fail_on_name = args.fail_on.empty() ? config.fail_on : args.fail_on;
  std::optional<Severity> fail_on;
  if (fail_on_name != "never") {
    fail_on = fail_on_name == "error" ? Severity::Error : fail_on_name == "info" ? Severity::Info : Severity::Warning;
  }
  // SARIF always carries the suppressed findings (code scanning shows them as dismissed); text and
  // JSON list them with --show-suppressed.
  if (!outputs.write(analysis.findings, summary, fail_on, error, &suppressed, args.show_suppressed)) {
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
