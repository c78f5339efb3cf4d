#include <fmt/format.h>

#include "report/location.hpp"
#include "threegate/report.hpp"

namespace threegate {

SeverityCounts count_severities(const std::vector<Finding>& findings) {
  SeverityCounts c;
  for (const auto& f : findings) {
    if (f.severity == Severity::Error) ++c.error;
    if (f.severity == Severity::Warning) ++c.warning;
    if (f.severity == Severity::Info) ++c.info;
  }
  return c;
}

namespace {

std::string where(const Location& l) {
  if (l.known) return fmt::format("{}:{}:{}", l.path, l.begin.line, l.begin.column);
  return l.path;
}

std::string plural(size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

// ANSI SGR sequences; empty strings when colour is off, so the layout is the same either way.
struct Palette {
  const char *bold = "", *dim = "", *reset = "", *error = "", *warning = "", *info = "", *fix = "";
  explicit Palette(bool on) {
    if (!on) return;
    bold = "\x1b[1m";
    dim = "\x1b[2m";
    reset = "\x1b[0m";
    error = "\x1b[1;31m";
    warning = "\x1b[1;33m";
    info = "\x1b[1;36m";
    fix = "\x1b[32m";
  }
  const char* severity(Severity s) const { return s == Severity::Error ? error : s == Severity::Warning ? warning : info; }
};

}  // namespace

void write_text(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary) {
  write_text(out, findings, summary, ReportOptions{});
}

void write_text(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary,
                const ReportOptions& options) {
  const Palette p(options.color);
  for (const auto& f : findings) {
    Location l = locate(f.range, f.path);
    std::string head = where(l);
    out << p.bold << (head.empty() ? std::string("<input>") : head) << p.reset << ": " << p.severity(f.severity)
        << severity_name(f.severity) << p.reset << " " << f.rule_id;
    if (!f.rule_name.empty()) out << " " << f.rule_name;
    out << ": " << f.message << "\n";
    for (const auto& r : f.related) {
      Location rl = locate(r.range);
      out << "    " << r.message;
      if (rl.known) out << "  " << p.dim << "--> " << where(rl) << p.reset;
      out << "\n";
    }
    if (!f.fix.empty()) {
      out << "    " << p.fix << "fix:" << p.reset << " " << f.fix_target << ":\n";
      size_t start = 0;
      while (start <= f.fix.size()) {
        size_t nl = f.fix.find('\n', start);
        std::string line = f.fix.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        out << "      " << line << "\n";
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    }
  }
  if (!options.summary) return;
  SeverityCounts c = count_severities(findings);
  const char* tone = c.error ? p.error : c.warning ? p.warning : p.bold;
  out << tone
      << fmt::format("{}, {}, {} in {}; {} checked for {}", plural(c.error, "error"), plural(c.warning, "warning"),
                     plural(c.info, "info"), plural(summary.files, "file"), plural(summary.reads_checked, "read"),
                     plural(summary.shares, "intended share"))
      << p.reset << "\n";
}

}  // namespace threegate
