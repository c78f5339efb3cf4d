#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG410;
const RuleInfo kTG410{
    "TG410",
    "unknown-action",
    Severity::Error,
    "validation",
    "an Action names a service prefix or an action that AWS does not have",
    {
        "Looks up every `Action` and `NotAction` entry in AWS's service authorization catalog (compiled in; "
        "`threegate --version` shows its date): the service prefix must exist, and an entry without wildcards must "
        "name one of the service's actions. The message suggests the closest prefix or action by edit distance. "
        "Entries holding values known only after apply are skipped.",
        "AWS accepts a policy with a misspelled action and ignores the entry: the permission the author meant is "
        "never granted (or, in a Deny, never denied), and nothing says so until a request fails, or succeeds when it "
        "should not.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValues", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})",
        "Correct the entry (the message names the closest action), or remove it if the action was retired.",
    },
    &run,
};

namespace {

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      for (size_t i = 0; i < st.actions.size() && i < st.actions_lower.size(); ++i) {
        const Text& entry = st.actions[i];
        const std::string_view value = entry.value;
        const size_t colon = value.find(':');
        if (colon == std::string_view::npos || symbolic(value)) continue;
        const std::string_view prefix = value.substr(0, colon), name = value.substr(colon + 1);
        if (has_wildcard(prefix)) continue;  // TG412
        const auto service = catalog::find_service(prefix);
        if (!service) {
          const auto suggestion = catalog::suggest_service(prefix);
          sink.add(make_finding(
              kTG410,
              fmt::format("the service prefix \"{}\" of action {} does not exist{}", prefix, value,
                          suggestion ? fmt::format(" (did you mean \"{}:{}\"?)", *suggestion, name) : std::string()),
              entry.range));
          continue;
        }
        if (has_wildcard(name) || catalog::find_action(service->prefix(), name)) continue;  // wildcards: TG411
        const auto suggestion = catalog::suggest_action(*service, name);
        sink.add(make_finding(kTG410,
                              fmt::format("{} is not an action of {} ({}){}", value, service->name(), service->prefix(),
                                          suggestion ? fmt::format(": did you mean {}?", *suggestion) : std::string()),
                              entry.range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
