#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "threegate/report.hpp"
#include "threegate/rules.hpp"

namespace threegate::cli {

int run_rules(const std::string& format) {
  const auto& rules = rule_catalog();
  if (format == "markdown") {
    write_rules_reference(std::cout);  // docs/rules.md
    return 0;
  }
  if (format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const RuleInfo* r : rules) {
      out.push_back({{"id", r->id}, {"name", r->name}, {"severity", severity_name(r->severity)},
                     {"category", r->category}, {"summary", r->summary}});
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  for (const RuleInfo* r : rules) {
    std::cout << fmt::format("{}  {:<34} {:<8} {}\n", r->id, r->name, severity_name(r->severity), r->summary);
  }
  return 0;
}

int run_explain(const std::string& id) {
  const RuleInfo* r = find_rule(id);
  if (!r) {
    std::cerr << "threegate: no rule named " << id << " (see `threegate rules`)\n";
    return 2;
  }
  std::cout << rule_markdown(*r);
  return 0;
}

}  // namespace threegate::cli
