// `threegate config --dump`: the configuration threegate reads, with every default, and its problems.
#include <iostream>

#include "cli/commands.hpp"
#include "threegate/config.hpp"
#include "threegate/report.hpp"

namespace threegate::cli {

int run_config(const ConfigArgs& args) {
  SourceSet sources;
  Config config;
  std::string error;
  if (!load_effective_config(args.config, args.no_config, sources, config, error)) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  std::cout << dump_config(config);
  if (config.diagnostics.empty()) return 0;
  // The problems go to stderr, as `check` reports them, so that stdout stays valid YAML.
  std::vector<Finding> problems;
  for (const auto& d : config.diagnostics) {
    Finding f;
    f.rule_id = d.rule_id;
    f.rule_name = "invalid-config";
    f.severity = d.severity;
    f.message = d.message;
    f.range = d.range;
    f.path = d.path;
    problems.push_back(std::move(f));
  }
  ReportOptions options;
  options.summary = false;
  write_text(std::cerr, problems, ReportSummary{}, options);
  return 1;
}

}  // namespace threegate::cli
