// SARIF 2.1.0 (OASIS), as GitHub code scanning and other SARIF viewers read it.
//
// - Columns are UTF-16 code units (run.columnKind says so explicitly); endColumn is the column just
//   past the region, as SARIF defines it. threegate's own text and JSON reports count bytes.
// - Paths are relative to the root (--sarif-root, default the current directory) under the base
//   id %SRCROOT%, whose absolute URI is given in originalUriBaseIds; a file outside the root gets
//   an absolute file URI.
// - The fix (a statement to add to a policy) goes into the message and result.properties, not into
//   SARIF `fixes`: those must be exact byte replacements in one file, and where the statement goes
//   in a policy document is the user's choice.
// - partialFingerprints["threegate/v1"] hashes the rule, the file and the finding's own source text
//   (whitespace-normalized), principal and resource, never the line: moving unrelated lines keeps it.
// - Suppressed findings (an inline threegate:ignore comment, or a `suppress` entry of the
//   configuration) are results too, after the reported ones, each with one `suppressions` entry:
//   kind "inSource" or "external", status "accepted", the reason as `justification`, the comment
//   or configuration entry as `location`. SARIF viewers hide such results by default and GitHub
//   code scanning files them as dismissed, rather than as fixed when a result disappears. Their
//   fingerprints continue the reported findings' occurrence counts, so those never change.
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "report/location.hpp"
#include "report/sarif.hpp"
#include "threegate/report.hpp"
#include "threegate/rules.hpp"

namespace threegate {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* kSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr const char* kSrcRoot = "%SRCROOT%";

// The rule's documentation as plain text, for viewers that do not render Markdown.
std::string help_text(const RuleInfo& rule) {
  std::string out(rule.summary);
  auto section = [&](const char* title, std::string_view body) {
    if (body.empty()) return;
    out += "\n\n";
    out += title;
    out += body.find('\n') == std::string_view::npos && body.front() != '{' ? " " : "\n";
    out += body;
  };
  section("What it does:", rule.doc.what);
  section("Why is this bad?", rule.doc.why);
  section("Example:", rule.doc.example);
  section("Use instead:", rule.doc.use_instead);
  section("Fix:", rule.doc.fix);
  return out;
}

// rule_markdown without its "## ID name" heading: the viewer shows the rule's name already.
std::string help_markdown(const RuleInfo& rule) {
  std::string md = rule_markdown(rule);
  if (md.rfind("## ", 0) == 0) {
    size_t body = md.find("\n\n");
    if (body != std::string::npos) md.erase(0, body + 2);
  }
  while (!md.empty() && md.back() == '\n') md.pop_back();
  return md;
}

ojson rule_descriptor(const RuleInfo& rule, const ToolInfo& tool) {
  ojson r;
  r["id"] = rule.id;
  r["name"] = rule.name;
  r["shortDescription"] = {{"text", rule.summary}};
  r["fullDescription"] = {{"text", rule.doc.what.empty() ? rule.summary : rule.doc.what}};
  r["help"] = {{"text", help_text(rule)}, {"markdown", help_markdown(rule)}};
  std::string uri = rule_help_uri(rule, tool);
  if (!uri.empty()) r["helpUri"] = uri;
  r["defaultConfiguration"] = {{"level", sarif_level(rule.severity)}};
  r["properties"] = {{"tags", {rule.category, "security"}}, {"security-severity", security_severity(rule.severity)}};
  return r;
}

// A rule id that is not in the catalog still gets a descriptor, so that ruleIndex always resolves.
ojson unknown_rule_descriptor(const Finding& f) {
  ojson r;
  r["id"] = f.rule_id;
  if (!f.rule_name.empty()) r["name"] = f.rule_name;
  r["shortDescription"] = {{"text", f.rule_name.empty() ? f.rule_id : f.rule_name}};
  r["defaultConfiguration"] = {{"level", sarif_level(f.severity)}};
  r["properties"] = {{"tags", {"security"}}, {"security-severity", security_severity(f.severity)}};
  return r;
}

ojson artifact_location(const std::string& path, const std::string& root) {
  ArtifactUri a = artifact_uri(path, root);
  ojson j;
  j["uri"] = a.uri;
  if (a.relative) j["uriBaseId"] = kSrcRoot;
  return j;
}

ojson region(const Range& r) {
  LineCol b = r.file->line_col(r.begin), e = r.file->line_col(r.end);
  return {{"startLine", b.line},
          {"startColumn", utf16_column(*r.file, r.begin)},
          {"endLine", e.line},
          {"endColumn", utf16_column(*r.file, r.end)}};
}

// A physical location for a range in a real file; null otherwise.
ojson physical_location(const Range& r, const std::string& root) {
  Location l = locate(r);
  if (!l.known) return nullptr;
  return {{"artifactLocation", artifact_location(l.path, root)}, {"region", region(r)}};
}

std::string where(const Range& r, const std::string& root) {
  Location l = locate(r);
  if (!l.known) return {};
  return root_relative_path(l.path, root) + ":" + std::to_string(l.begin.line) + ":" +
         std::to_string(utf16_column(*r.file, r.begin));
}

std::string message_text(const Finding& f, const std::string& root) {
  std::string text = f.message;
  for (const auto& r : f.related) {
    text += "\n" + r.message;
    std::string at = where(r.range, root);
    if (!at.empty()) text += " (" + at + ")";
  }
  if (!f.fix.empty()) text += "\nfix: " + f.fix_target + ":\n" + f.fix;
  return text;
}

std::string normalize_space(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string fingerprint_base(const Finding& f, const std::string& root) {
  std::string material = f.rule_id;
  material += '\0';
  Location l = locate(f.range, f.path);
  if (is_real_path(l.path)) material += artifact_uri(l.path, root).uri;
  material += '\0';
  if (l.known) {
    const std::string& text = f.range.file->text();
    uint32_t b = std::min<uint32_t>(f.range.begin, static_cast<uint32_t>(text.size()));
    uint32_t e = std::min<uint32_t>(std::max(f.range.end, b), static_cast<uint32_t>(text.size()));
    material += normalize_space(std::string_view(text).substr(b, e - b));
  } else {
    material += f.message;
  }
  material += '\0';
  material += f.principal;
  material += '\0';
  material += f.resource;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(material)));
  return hex;
}

// SARIF's suppression object (§3.35) for what silenced a finding. An expired configuration entry
// silences nothing, so it never gets here.
ojson suppression(const SuppressedFinding& s, const std::string& root) {
  ojson j;
  j["kind"] = s.inline_comment ? "inSource" : "external";
  j["status"] = "accepted";
  if (!s.reason.empty()) j["justification"] = s.reason;
  ojson where = physical_location(s.range, root);
  if (!where.is_null()) j["location"] = {{"physicalLocation", std::move(where)}};
  if (!s.expires.empty()) j["properties"] = {{"expires", s.expires}};
  return j;
}

}  // namespace

std::vector<std::string> finding_fingerprints(const std::vector<Finding>& findings, const std::string& root) {
  std::vector<std::string> out;
  out.reserve(findings.size());
  std::map<std::string, size_t> occurrences;
  for (const auto& f : findings) {
    std::string base = fingerprint_base(f, root);
    out.push_back(base + ":" + std::to_string(++occurrences[base]));
  }
  return out;
}

const char* security_severity(Severity s) {
  switch (s) {
    case Severity::Error: return "8.0";
    case Severity::Warning: return "5.0";
    case Severity::Info: return "2.0";
  }
  return "2.0";
}

const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "note";
  }
  return "note";
}

void write_sarif(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& options) {
  write_sarif(out, findings, {}, options);
}

void write_sarif(std::ostream& out, const std::vector<Finding>& reported, const std::vector<SuppressedFinding>& suppressed,
                 const ReportOptions& options) {
  const std::string& root = options.root;
  // The reported findings, then the suppressed ones: fingerprints count occurrences in this order.
  std::vector<Finding> findings = reported;
  findings.reserve(reported.size() + suppressed.size());
  for (const auto& s : suppressed) findings.push_back(s.finding);
  ojson rules = ojson::array();
  std::map<std::string, size_t> rule_index;
  for (const RuleInfo* r : rule_catalog()) {
    rule_index.emplace(std::string(r->id), rules.size());
    rules.push_back(rule_descriptor(*r, options.tool));
  }
  for (const auto& f : findings) {
    if (rule_index.emplace(f.rule_id, rules.size()).second) rules.push_back(unknown_rule_descriptor(f));
  }

  ojson driver;
  driver["name"] = "threegate";
  driver["version"] = options.tool.version;
  driver["semanticVersion"] = options.tool.version;
  if (!options.tool.information_uri.empty()) driver["informationUri"] = options.tool.information_uri;
  driver["rules"] = std::move(rules);

  const std::vector<std::string> fingerprints = finding_fingerprints(findings, root);
  ojson results = ojson::array();
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    ojson res;
    res["ruleId"] = f.rule_id;
    res["ruleIndex"] = rule_index.at(f.rule_id);
    res["level"] = sarif_level(f.severity);
    res["message"] = {{"text", message_text(f, root)}};
    ojson physical = physical_location(f.range, root);
    if (physical.is_null()) {
      Location l = locate(f.range, f.path);
      if (is_real_path(l.path)) physical = {{"artifactLocation", artifact_location(l.path, root)}};
    }
    if (!physical.is_null()) res["locations"] = ojson::array({{{"physicalLocation", physical}}});
    ojson related = ojson::array();
    for (const auto& r : f.related) {
      ojson p = physical_location(r.range, root);
      if (p.is_null()) continue;
      related.push_back({{"id", related.size() + 1}, {"physicalLocation", p}, {"message", {{"text", normalize_space(r.message)}}}});
    }
    if (!related.empty()) res["relatedLocations"] = std::move(related);
    res["partialFingerprints"] = {{"threegate/v1", fingerprints[i]}};
    ojson props = ojson::object();
    if (!f.principal.empty()) props["principal"] = f.principal;
    if (!f.resource.empty()) props["resource"] = f.resource;
    if (!f.fix.empty()) props["fix"] = {{"target", f.fix_target}, {"statement", f.fix}};
    if (!props.empty()) res["properties"] = std::move(props);
    if (i >= reported.size()) res["suppressions"] = ojson::array({suppression(suppressed[i - reported.size()], root)});
    results.push_back(std::move(res));
  }

  ojson run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["originalUriBaseIds"] = {{kSrcRoot, {{"uri", root_uri(root)}}}};
  run["columnKind"] = "utf16CodeUnits";
  run["results"] = std::move(results);

  ojson log;
  log["$schema"] = kSchema;
  log["version"] = "2.1.0";
  log["runs"] = ojson::array({std::move(run)});
  // Invalid UTF-8 in a path or message must not abort the report: such bytes become U+FFFD.
  out << log.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace threegate
