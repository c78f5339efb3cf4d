#include <nlohmann/json.hpp>

#include "report/location.hpp"
#include "threegate/report.hpp"

namespace threegate {
namespace {

nlohmann::ordered_json location_json(const Range& r, const std::string& fallback) {
  Location l = locate(r, fallback);
  nlohmann::ordered_json j;
  j["path"] = l.path;
  if (l.known) {
    j["line"] = l.begin.line;
    j["column"] = l.begin.column;
    j["end_line"] = l.end.line;
    j["end_column"] = l.end.column;
  }
  return j;
}

}  // namespace

void write_json(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary) {
  nlohmann::ordered_json root;
  root["findings"] = nlohmann::ordered_json::array();
  for (const auto& f : findings) {
    nlohmann::ordered_json j;
    j["rule_id"] = f.rule_id;
    j["name"] = f.rule_name;
    j["severity"] = severity_name(f.severity);
    j["message"] = f.message;
    j["location"] = location_json(f.range, f.path);
    if (!f.principal.empty()) j["principal"] = f.principal;
    if (!f.resource.empty()) j["resource"] = f.resource;
    if (!f.fix.empty()) {
      nlohmann::ordered_json fix;
      fix["target"] = f.fix_target;
      fix["statement"] = nlohmann::ordered_json::parse(f.fix, nullptr, false);
      j["fix"] = fix;
    } else {
      j["fix"] = nullptr;
    }
    j["related"] = nlohmann::ordered_json::array();
    for (const auto& r : f.related) {
      nlohmann::ordered_json rj;
      rj["message"] = r.message;
      if (r.range.known()) rj["location"] = location_json(r.range, "");
      j["related"].push_back(rj);
    }
    root["findings"].push_back(j);
  }
  SeverityCounts c = count_severities(findings);
  root["summary"] = {{"errors", c.error},       {"warnings", c.warning},       {"infos", c.info},
                     {"files", summary.files}, {"shares", summary.shares}, {"reads_checked", summary.reads_checked}};
  // Invalid UTF-8 from an input file must not abort the report: such bytes become U+FFFD.
  out << root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace threegate
