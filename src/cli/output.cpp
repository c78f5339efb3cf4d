#include "cli/output.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/sarif.hpp"

#ifndef THREEGATE_VERSION
#define THREEGATE_VERSION "0.1.0"
#endif
#ifndef THREEGATE_HOMEPAGE_URL
#define THREEGATE_HOMEPAGE_URL ""
#endif

namespace threegate::cli {

void add_output_flags(CLI::App& command, OutputFlags& flags) {
  auto* format = command
                     .add_option("--format", flags.formats,
                                 "output format (text, json, sarif, github, junit); repeat it with --output to write "
                                 "several reports in one run")
                     ->expected(1)
                     ->allow_extra_args(false)
                     ->take_all()
                     ->check(CLI::IsMember(report_format_names()));
  auto* output = command
                     .add_option("--output", flags.outputs,
                                 "write the report of the --format before it to FILE (\"-\": stdout)")
                     ->expected(1)
                     ->allow_extra_args(false)
                     ->take_all()
                     ->type_name("FILE");
  command.add_option("--sarif-root", flags.sarif_root,
                     "directory that SARIF URIs and GitHub annotation paths are relative to (default: the current "
                     "directory)")
      ->type_name("DIR");
  command.add_flag("--quiet,-q", flags.quiet, "text: findings only, no summary line");
  flags.command = &command;
  flags.format_option = format;
  flags.output_option = output;
}

bool StdoutTo::open(const std::string& path) {
  if (path.empty() || path == "-") return true;
  file_.open(path, std::ios::binary | std::ios::trunc);
  if (!file_) {
    std::cerr << "threegate: cannot write " << path << ": " << std::generic_category().message(errno) << "\n";
    return false;
  }
  saved_ = std::cout.rdbuf(file_.rdbuf());
  return true;
}

StdoutTo::~StdoutTo() {
  if (!saved_) return;
  std::cout.flush();
  std::cout.rdbuf(saved_);
}

ToolInfo tool_info() {
  ToolInfo t;
  t.version = THREEGATE_VERSION;
  t.information_uri = THREEGATE_HOMEPAGE_URL;
  if (!t.information_uri.empty()) t.rules_uri = t.information_uri + "/blob/main/docs/rules.md";
  return t;
}

bool Outputs::resolve(const OutputFlags& flags, std::string& error) {
  targets_.clear();
  // Walk the flags in the order given: a --format opens a report, an --output names its file.
  size_t next_format = 0, next_output = 0;
  bool output_taken = false;  // the last --format already has its --output
  if (flags.command) {
    for (const CLI::Option* o : flags.command->parse_order()) {
      if (o == flags.format_option && next_format < flags.formats.size()) {
        targets_.push_back(Target{*parse_report_format(flags.formats[next_format++]), {}, nullptr});
        output_taken = false;
      } else if (o == flags.output_option && next_output < flags.outputs.size()) {
        const std::string& path = flags.outputs[next_output++];
        if (targets_.empty() && flags.formats.empty()) {
          targets_.push_back(Target{ReportFormat::Text, {}, nullptr});  // --output alone: the default format
        } else if (targets_.empty()) {
          error = "--output " + path + " comes before any --format; write --format FORMAT --output " + path;
          return false;
        } else if (output_taken) {
          error = "--output " + path + ": the --format before it already has an --output";
          return false;
        }
        targets_.back().path = path == "-" ? "" : path;
        output_taken = true;
      }
    }
  }
  if (targets_.empty()) targets_.push_back(Target{ReportFormat::Text, {}, nullptr});
  size_t to_stdout = 0;
  for (size_t i = 0; i < targets_.size(); ++i) {
    if (targets_[i].path.empty()) ++to_stdout;
    for (size_t j = 0; j < i; ++j) {
      if (!targets_[i].path.empty() && targets_[i].path == targets_[j].path) {
        error = "--output " + targets_[i].path + " is given twice";
        return false;
      }
    }
  }
  if (to_stdout > 1) {
    error = "only one --format can go to stdout; give the others an --output FILE";
    return false;
  }

  options_ = ReportOptions{};
  options_.tool = tool_info();
  options_.root = flags.sarif_root;
  options_.summary = !flags.quiet;
  if (!flags.sarif_root.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(flags.sarif_root, ec)) {
      error = "--sarif-root " + flags.sarif_root + " is not a directory";
      return false;
    }
  }
  return true;
}

bool Outputs::open(std::string& error) {
  for (auto& t : targets_) {
    if (t.path.empty()) continue;
    t.file = std::make_unique<std::ofstream>(t.path, std::ios::binary | std::ios::trunc);
    if (!*t.file) {
      error = "cannot write " + t.path + ": " + std::generic_category().message(errno);
      return false;
    }
  }
  return true;
}

namespace {

// Colour only for a person reading a terminal: https://no-color.org, and never for TERM=dumb.
bool stdout_wants_color() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) == 1;
}

std::string suppression_text(const SuppressedFinding& s) {
  std::string out = s.inline_comment ? "suppressed by an inline threegate:ignore comment" : "suppressed by the configuration";
  if (!s.expires.empty()) out += " until " + s.expires;
  out += s.reason.empty() ? std::string(" (no reason given)") : ": " + s.reason;
  return out;
}

// The suppressed findings after the report, each with what silenced it (its gates and fix are
// left out: they are in the report once the suppression goes).
void write_text_suppressed(std::ostream& out, const std::vector<SuppressedFinding>& suppressed,
                           const ReportOptions& options) {
  out << suppressed.size() << " suppressed finding" << (suppressed.size() == 1 ? "" : "s") << (suppressed.empty() ? "" : ":")
      << "\n";
  std::vector<Finding> shown;
  for (const auto& s : suppressed) {
    Finding f = s.finding;
    f.related = {RelatedLocation{suppression_text(s), s.range}};
    f.fix.clear();
    shown.push_back(std::move(f));
  }
  ReportOptions quiet = options;
  quiet.summary = false;
  write_text(out, shown, ReportSummary{}, quiet);
}

nlohmann::ordered_json range_json(const Range& r) {
  if (!r.known()) return nullptr;
  const LineCol lc = r.file->line_col(r.begin);
  return {{"path", r.file->path()}, {"line", lc.line}, {"column", lc.column}};
}

// The JSON report with "suppressed": the findings as in "findings", each with its "suppression".
void write_json_with_suppressed(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary,
                                const std::vector<SuppressedFinding>& suppressed) {
  std::ostringstream main, extra;
  write_json(main, findings, summary);
  std::vector<Finding> list;
  for (const auto& s : suppressed) list.push_back(s.finding);
  write_json(extra, list, summary);
  auto root = nlohmann::ordered_json::parse(main.str(), nullptr, false);
  auto more = nlohmann::ordered_json::parse(extra.str(), nullptr, false);
  if (root.is_discarded() || more.is_discarded()) {
    out << main.str();
    return;
  }
  auto& items = more["findings"];
  for (size_t i = 0; i < suppressed.size() && i < items.size(); ++i) {
    const auto& s = suppressed[i];
    nlohmann::ordered_json by;
    by["kind"] = s.inline_comment ? "inline" : "config";
    by["reason"] = s.reason;
    by["expires"] = s.expires.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.expires);
    by["location"] = range_json(s.range);
    items[i]["suppression"] = std::move(by);
  }
  nlohmann::ordered_json ordered;
  ordered["findings"] = std::move(root["findings"]);
  ordered["suppressed"] = std::move(items);
  ordered["summary"] = std::move(root["summary"]);
  out << ordered.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace

bool Outputs::write(const std::vector<Finding>& findings, const ReportSummary& summary,
                    std::optional<Severity> fail_on, std::string& error,
                    const std::vector<SuppressedFinding>* suppressed, bool list_suppressed) {
  options_.fail_on = fail_on;
  for (auto& t : targets_) {
    ReportOptions options = options_;
    options.color = t.format == ReportFormat::Text && !t.file && stdout_wants_color();
    std::ostream& out = t.file ? static_cast<std::ostream&>(*t.file) : std::cout;
    const bool list = suppressed && list_suppressed;
    if (list && t.format == ReportFormat::Json) write_json_with_suppressed(out, findings, summary, *suppressed);
    else if (suppressed && t.format == ReportFormat::Sarif) write_sarif(out, findings, *suppressed, options);
    else write_report(out, t.format, findings, summary, options);
    if (list && t.format == ReportFormat::Text) write_text_suppressed(out, *suppressed, options);
    out.flush();
    if (!out) {
      error = "cannot write " + (t.path.empty() ? std::string("to stdout") : t.path);
      return false;
    }
  }
  return true;
}

}  // namespace threegate::cli
