// The output flags that every subcommand reporting findings shares:
//   --format F [--output FILE]  repeatable; each --output belongs to the --format before it, a
//                               format without one goes to stdout (at most one does)
//   --sarif-root DIR            SARIF URIs and GitHub annotation paths are relative to DIR
//   --quiet                     text: findings only, no summary line
// `check` uses them; another subcommand adds them with add_output_flags and writes with Outputs.
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "threegate/config.hpp"
#include "threegate/report.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace threegate::cli {

struct OutputFlags {
  std::vector<std::string> formats, outputs;  // in the order given
  std::string sarif_root;
  bool quiet = false;
  // Set by add_output_flags: the order of --format and --output is read back from the parser.
  const CLI::App* command = nullptr;
  const CLI::Option* format_option = nullptr;
  const CLI::Option* output_option = nullptr;
};

void add_output_flags(CLI::App& command, OutputFlags& flags);

// The configuration of a run: `--config FILE`, else the nearest .threegate.yaml above the current
// directory, else the defaults (also with --no-config). False with `error` set when FILE does not exist.
bool load_effective_config(const std::string& flag, bool none, SourceSet& sources, Config& config,
                           std::string& error);

// `--output FILE` of the commands that print one report (audit, who-can, can): while it lives,
// std::cout writes to FILE. An empty path or "-" leaves stdout alone.
class StdoutTo {
 public:
  // False with a message on stderr when FILE cannot be written.
  bool open(const std::string& path);
  ~StdoutTo();

 private:
  std::ofstream file_;
  std::streambuf* saved_ = nullptr;
};

// threegate's version and links, from the build (THREEGATE_VERSION, THREEGATE_HOMEPAGE_URL).
ToolInfo tool_info();

class Outputs {
 public:
  // Pairs formats with outputs; false with `error` set when the flags are contradictory.
  bool resolve(const OutputFlags& flags, std::string& error);
  // Opens every output file; call it before the work, so that a path that cannot be written fails
  // at once. False with `error` set.
  bool open(std::string& error);
  // Writes every report. False with `error` set when a file could not be written. `suppressed`:
  // the findings that suppressions silenced; a SARIF report always has them (as results with
  // `suppressions`), text and JSON reports list them, each with what silenced it, only with
  // `list_suppressed` (--show-suppressed).
  bool write(const std::vector<Finding>& findings, const ReportSummary& summary, std::optional<Severity> fail_on,
             std::string& error, const std::vector<SuppressedFinding>* suppressed = nullptr,
             bool list_suppressed = true);

 private:
  struct Target {
    ReportFormat format = ReportFormat::Text;
    std::string path;  // empty: stdout
    std::unique_ptr<std::ofstream> file;
  };
  std::vector<Target> targets_;
  ReportOptions options_;
};

}  // namespace threegate::cli
