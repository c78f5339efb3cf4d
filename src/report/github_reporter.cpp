// GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff
// and in the run summary. `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message`;
// info findings are notices. Columns count UTF-16 code units, like the SARIF report.
#include "report/location.hpp"
#include "threegate/report.hpp"

namespace threegate {
namespace {

// The escaping of GitHub's actions toolkit: in the message '%', CR and LF; in a property also ':'
// and ',', which would otherwise end the property.
std::string escape_data(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_property(std::string_view s) {
  std::string out;
  for (char c : escape_data(s)) {
    switch (c) {
      case ':': out += "%3A"; break;
      case ',': out += "%2C"; break;
      default: out += c;
    }
  }
  return out;
}

const char* command(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "notice";
  }
  return "notice";
}

}  // namespace

void write_github(std::ostream& out, const std::vector<Finding>& findings, const ReportOptions& options) {
  for (const auto& f : findings) {
    std::string props;
    auto add = [&](const char* name, const std::string& value) {
      if (!props.empty()) props += ",";
      props += name;
      props += "=";
      props += escape_property(value);
    };
    Location l = locate(f.range, f.path);
    if (is_real_path(l.path)) add("file", root_relative_path(l.path, options.root));
    if (l.known) {
      add("line", std::to_string(l.begin.line));
      add("col", std::to_string(utf16_column(*f.range.file, f.range.begin)));
      add("endLine", std::to_string(l.end.line));
      add("endColumn", std::to_string(utf16_column(*f.range.file, f.range.end)));
    }
    add("title", f.rule_name.empty() ? f.rule_id : f.rule_id + " " + f.rule_name);

    std::string message = f.message;
    for (const auto& r : f.related) {
      message += "\n" + r.message;
      Location rl = locate(r.range);
      if (rl.known) {
        message += " (" + root_relative_path(rl.path, options.root) + ":" + std::to_string(rl.begin.line) + ":" +
                   std::to_string(utf16_column(*r.range.file, r.range.begin)) + ")";
      }
    }
    if (!f.fix.empty()) message += "\nfix: " + f.fix_target + ":\n" + f.fix;
    out << "::" << command(f.severity) << " " << props << "::" << escape_data(message) << "\n";
  }
}

}  // namespace threegate
