// The one table of rules. Each rule lives in its own file next to this one.
#include <algorithm>

#include "threegate/rules.hpp"

namespace threegate {

namespace rules {
extern const RuleInfo kTG101, kTG102, kTG103, kTG104, kTG105, kTG106, kTG107, kTG108, kTG109;
extern const RuleInfo kTG201, kTG202, kTG203, kTG204, kTG205, kTG206;
extern const RuleInfo kTG301;
extern const RuleInfo kTG401, kTG402, kTG403, kTG404, kTG405, kTG406, kTG407;
extern const RuleInfo kTG410, kTG411, kTG412, kTG413, kTG414, kTG415, kTG416, kTG417, kTG418, kTG419;
extern const RuleInfo kTG420, kTG421, kTG422, kTG423, kTG424, kTG425, kTG426, kTG427, kTG428;
}  // namespace rules

const std::vector<const RuleInfo*>& rule_catalog() {
  using namespace rules;
  static const std::vector<const RuleInfo*> catalog{
      &kTG101, &kTG102, &kTG103, &kTG104, &kTG105, &kTG106, &kTG107, &kTG108, &kTG109,
      &kTG201, &kTG202, &kTG203, &kTG204, &kTG205, &kTG206,
      &kTG301,
      &kTG401, &kTG402, &kTG403, &kTG404, &kTG405, &kTG406, &kTG407,
      &kTG410, &kTG411, &kTG412, &kTG413, &kTG414, &kTG415, &kTG416, &kTG417, &kTG418, &kTG419,
      &kTG420, &kTG421, &kTG422, &kTG423, &kTG424, &kTG425, &kTG426, &kTG427, &kTG428,
  };
  return catalog;
}

const RuleInfo* find_rule(std::string_view id_or_name) {
  for (const RuleInfo* r : rule_catalog()) {
    if (r->id == id_or_name || r->name == id_or_name) return r;
  }
  return nullptr;
}

void run_rules(const RuleContext& context, FindingSink& sink) {
  for (const RuleInfo* r : rule_catalog()) {
    if (r->run) r->run(context, sink);
  }
}

std::string rule_markdown(const RuleInfo& rule) {
  std::string out;
  out += "## " + std::string(rule.id) + " " + std::string(rule.name) + "\n\n";
  out += "Severity: " + std::string(severity_name(rule.severity)) + " · category: " + std::string(rule.category) + "\n\n";
  out += std::string(rule.summary) + "\n\n";
  auto section = [&](const char* title, std::string_view body, bool code) {
    if (body.empty()) return;
    out += "### ";
    out += title;
    out += "\n\n";
    if (code) out += "```json\n";
    out += std::string(body);
    if (!body.empty() && body.back() != '\n') out += "\n";
    if (code) out += "```\n";
    out += "\n";
  };
  section("What it does", rule.doc.what, false);
  section("Why is this bad?", rule.doc.why, false);
  section("Example", rule.doc.example, true);
  section("Use instead", rule.doc.use_instead, true);
  section("Fix", rule.doc.fix, false);
  return out;
}

}  // namespace threegate
