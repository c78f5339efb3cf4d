// Reporters turn findings into text, JSON, SARIF, GitHub workflow commands or JUnit XML.
// Line and column are computed here, not before.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "threegate/finding.hpp"

namespace threegate {

struct RuleInfo;

struct ReportSummary {
  size_t files = 0;
  size_t shares = 0;
  size_t reads_checked = 0;
};

struct SeverityCounts {
  size_t error = 0, warning = 0, info = 0;
};
SeverityCounts count_severities(const std::vector<Finding>& findings);

enum class ReportFormat { Text, Json, Sarif, Github, Junit };

// "text", "json", "sarif", "github", "junit", in that order.
const std::vector<std::string>& report_format_names();
std::optional<ReportFormat> parse_report_format(std::string_view name);

// What a report says about threegate itself (SARIF's tool.driver, the rules reference's links).
struct ToolInfo {
  std::string version = "0.0.0";
  std::string information_uri;  // the project's home page
  std::string rules_uri;        // the rules reference (docs/rules.md); a rule's help is rules_uri#anchor
};

struct ReportOptions {
  ToolInfo tool;
  // SARIF and GitHub paths are written relative to this directory (empty: the current directory).
  std::string root;
  bool color = false;    // text: ANSI colours (the caller decides: a terminal, NO_COLOR unset)
  bool summary = true;   // text: the closing summary line (off with --quiet)
  // Findings at or above it make the run fail (--fail-on); nullopt: none does (--fail-on never).
  // JUnit reports a finding below it as skipped rather than failed, so CI agrees with the exit code.
  std::optional<Severity> fail_on = Severity::Warning;
};

// path:line:col: severity TGnnn name: message, then gates, deciding statements and the fix.
void write_text(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary);
void write_text(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary,
                const ReportOptions& options);
// {"findings": [...], "summary": {...}}
void write_json(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary);
// SARIF 2.1.0, one run, every rule of the catalog in tool.driver.rules.
void write_sarif(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& options);
// GitHub Actions workflow commands (::error file=…::message), one line per finding.
void write_github(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& options);
// JUnit XML: one testsuite per file, one testcase per finding.
void write_junit(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary,
                 const ReportOptions& options);

void write_report(std::ostream& out, ReportFormat format, const std::vector<Finding>& findings,
                  const ReportSummary& summary, const ReportOptions& options);

// The stable fingerprint of each finding, in order: SARIF's partialFingerprints["threegate/v1"] and
// the keys of a baseline. A hash of the rule, the file (relative to `root`, the current directory
// when empty), the finding's own source text, principal and resource, then ":n" for the n-th
// finding with that hash; never the line, so moving unrelated lines keeps it.
std::vector<std::string> finding_fingerprints(const std::vector<Finding>& findings, const std::string& root);

// The one mapping from severity to SARIF's numeric security-severity (GitHub code scanning:
// >= 7.0 high, >= 4.0 medium, > 0 low): error "8.0", warning "5.0", info "2.0".
const char* security_severity(Severity s);
// SARIF level: error, warning, note.
const char* sarif_level(Severity s);

// The anchor of a rule's section in the rules reference ("tg102-key-policy-blocks-consumer"):
// the slug GitHub and most Markdown renderers derive from its heading "TG102 key-policy-blocks-consumer".
std::string rule_anchor(const RuleInfo& rule);
std::string rule_help_uri(const RuleInfo& rule, const ToolInfo& tool);
// The whole rules reference (docs/rules.md): an index, then one section per rule from its documentation.
void write_rules_reference(std::ostream& out);

}  // namespace threegate
