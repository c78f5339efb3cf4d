// JUnit XML for CI test views (GitLab, Jenkins, Azure Pipelines, CircleCI ...).
//
// One testsuite per file: CI systems list failures grouped by suite, and the file is what a user
// opens to fix them; the rule is in each testcase's name. One testcase per finding: findings at or
// above --fail-on fail, those below it are skipped (listed, not failing), so that the CI view agrees
// with the exit code. A run without findings has one passing testcase, so that CI systems that
// reject an empty report accept it.
#include <fmt/format.h>

#include <map>

#include "report/location.hpp"
#include "threegate/report.hpp"

namespace threegate {
namespace {

// Appends one code point as UTF-8.
void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// XML 1.0 cannot carry every character, even escaped: invalid UTF-8 and control characters other
// than tab, LF and CR become U+FFFD. In attributes, tab/LF/CR are written as character references
// so that attribute-value normalization keeps them.
std::string xml_escape(std::string_view s, bool attribute) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    uint32_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool valid = len != 0 && i + len <= s.size();
    for (uint32_t k = 1; valid && k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      valid = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    valid = valid && cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE &&
            cp != 0xFFFF && (cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r');
    if (!valid) {
      put_utf8(out, 0xFFFD);
      i += len == 0 || i + len > s.size() ? 1 : len;
      continue;
    }
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      default: out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string attr(std::string_view s) { return xml_escape(s, true); }
std::string text(std::string_view s) { return xml_escape(s, false); }

struct Case {
  const Finding* finding;
  std::string path;  // as shown: relative to the root when below it
  Location where;
  bool fails;
};

std::string details(const Case& c, const std::string& root) {
  const Finding& f = *c.finding;
  std::string out;
  if (!c.path.empty()) {
    out += c.path;
    if (c.where.known) out += fmt::format(":{}:{}", c.where.begin.line, c.where.begin.column);
    out += ": ";
  }
  out += fmt::format("{} {}", severity_name(f.severity), f.rule_id);
  if (!f.rule_name.empty()) out += " " + f.rule_name;
  out += ": " + f.message + "\n";
  for (const auto& r : f.related) {
    out += "    " + r.message;
    Location rl = locate(r.range);
    if (rl.known) out += fmt::format("  --> {}:{}:{}", root_relative_path(rl.path, root), rl.begin.line, rl.begin.column);
    out += "\n";
  }
  if (!f.fix.empty()) {
    out += "    fix: " + f.fix_target + ":\n";
    size_t start = 0;
    while (start < f.fix.size()) {
      size_t nl = f.fix.find('\n', start);
      if (nl == std::string::npos) nl = f.fix.size();
      out += "      " + f.fix.substr(start, nl - start) + "\n";
      start = nl + 1;
    }
  }
  return out;
}

}  // namespace

void write_junit(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary,
                 const ReportOptions& options) {
  // Suites in the order their files first appear (findings come sorted by path).
  std::vector<std::string> order;
  std::map<std::string, std::vector<Case>> suites;
  size_t failures = 0, skipped = 0;
  for (const auto& f : findings) {
    Case c{&f, {}, locate(f.range, f.path), false};
    if (is_real_path(c.where.path)) c.path = root_relative_path(c.where.path, options.root);
    c.fails = options.fail_on && static_cast<int>(f.severity) >= static_cast<int>(*options.fail_on);
    (c.fails ? failures : skipped) += 1;
    std::string suite = c.path.empty() ? "threegate" : c.path;
    if (!suites.count(suite)) order.push_back(suite);
    suites[suite].push_back(std::move(c));
  }

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  size_t tests = findings.empty() ? 1 : findings.size();
  out << fmt::format("<testsuites name=\"threegate\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n", tests,
                     failures, skipped);
  if (findings.empty()) {
    out << "  <testsuite name=\"threegate\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n";
    out << "    <testcase classname=\"threegate\" name=\"check\">\n";
    out << fmt::format("      <system-out>no findings in {} file{}; {} read{} checked</system-out>\n", summary.files,
                       summary.files == 1 ? "" : "s", summary.reads_checked, summary.reads_checked == 1 ? "" : "s");
    out << "    </testcase>\n  </testsuite>\n";
  }
  const std::string threshold = options.fail_on ? severity_name(*options.fail_on) : "never";
  for (const auto& name : order) {
    const auto& cases = suites[name];
    size_t f = 0;
    for (const auto& c : cases) f += c.fails ? 1 : 0;
    out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n", attr(name),
                       cases.size(), f, cases.size() - f);
    for (const auto& c : cases) {
      const Finding& finding = *c.finding;
      std::string test = finding.rule_id;
      if (!finding.rule_name.empty()) test += " " + finding.rule_name;
      if (c.where.known) test += fmt::format(" at {}:{}", c.where.begin.line, c.where.begin.column);
      out << fmt::format("    <testcase classname=\"{}\" name=\"{}\"", attr(name), attr(test));
      if (!c.path.empty()) out << fmt::format(" file=\"{}\"", attr(c.path));
      if (c.where.known) out << fmt::format(" line=\"{}\"", c.where.begin.line);
      out << ">\n";
      if (c.fails) {
        out << fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n", severity_name(finding.severity),
                           attr(finding.message), text(details(c, options.root)));
      } else {
        out << fmt::format("      <skipped message=\"{}\"/>\n",
                           attr(std::string(severity_name(finding.severity)) + " finding below --fail-on " + threshold));
        out << fmt::format("      <system-out>{}</system-out>\n", text(details(c, options.root)));
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace threegate
