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

}  // namespace

void write_text(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary) {
  for (const auto& f : findings) {
    Location l = locate(f.range, f.path);
    std::string head = where(l);
    out << (head.empty() ? std::string("<input>") : head) << ": " << severity_name(f.severity) << " " << f.rule_id;
    if (!f.rule_name.empty()) out << " " << f.rule_name;
    out << ": " << f.message << "\n";
    for (const auto& r : f.related) {
      Location rl = locate(r.range);
      out << "    " << r.message;
      if (rl.known) out << "  --> " << where(rl);
      out << "\n";
    }
    if (!f.fix.empty()) {
      out << "    fix: " << f.fix_target << ":\n";
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
  SeverityCounts c = count_severities(findings);
  out << fmt::format("{}, {}, {} in {}; {} checked for {}\n", plural(c.error, "error"), plural(c.warning, "warning"),
                     plural(c.info, "info"), plural(summary.files, "file"), plural(summary.reads_checked, "read"),
                     plural(summary.shares, "intended share"));
}

}  // namespace threegate
