#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG412;
const RuleInfo kTG412{
    "TG412",
    "service-wildcard",
    Severity::Warning,
    "validation",
    "an Action entry has a wildcard in its service prefix",
    {
        "Finds `Action` and `NotAction` entries whose service prefix holds `*` or `?` (`*:Describe*`, "
        "`secrets*:Get*`), other than the bare `*`. The message says how many services and actions the entry covers "
        "today.",
        "A wildcard in the service prefix spans services the author did not think of, and every service AWS adds "
        "later: `*:Get*` reads secrets, keys and objects alike. AWS's own validator reports such entries.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secrets*:Get*", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})",
        "Name the service: one entry per service, with the actions it needs.",
    },
    &run,
};

namespace {

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      for (size_t i = 0; i < st.actions.size() && i < st.actions_lower.size(); ++i) {
        const std::string_view value = st.actions[i].value;
        const size_t colon = value.find(':');
        if (colon == std::string_view::npos || symbolic(value) || !has_wildcard(value.substr(0, colon))) continue;
        const auto& actions = actions_of(st.actions_lower[i]);
        std::vector<std::string> services;
        for (const catalog::Action& a : actions) {
          const std::string p(a.service().prefix());
          if (services.empty() || services.back() != p) services.push_back(p);
        }
        std::string scope = actions.empty()
                                ? std::string("matches no action today")
                                : fmt::format("covers {} actions of {} services{}", actions.size(), services.size(),
                                              services.size() <= 4 ? " (" + join(services) + ")" : std::string());
        sink.add(make_finding(kTG412,
                              fmt::format("{} has a wildcard in its service prefix: it {}, and every matching "
                                          "service AWS adds (name the services)",
                                          value, scope),
                              st.actions[i].range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
