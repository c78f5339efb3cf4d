#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG411;
const RuleInfo kTG411{
    "TG411",
    "action-wildcard-matches-nothing",
    Severity::Warning,
    "validation",
    "an Action entry with a wildcard matches no action of its service",
    {
        "Expands every `Action` and `NotAction` entry with `*` or `?` in its action name (`kms:Decrypt*`, "
        "`s3:Get?bject`) against the service's actions in AWS's service authorization catalog, and reports entries "
        "that match none.",
        "An entry that matches nothing grants (or denies) nothing: usually a misspelled prefix of an action name "
        "(`kms:Decrpyt*`), and the permission the author meant is missing.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrpyt*", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt*", "Resource": "*"}]})",
        "Correct the pattern so that it matches the actions meant, or list them one by one.",
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
        if (colon == std::string_view::npos || symbolic(value)) continue;
        const std::string_view prefix = value.substr(0, colon), name = value.substr(colon + 1);
        if (has_wildcard(prefix) || !has_wildcard(name)) continue;
        const auto service = catalog::find_service(prefix);
        if (!service || !actions_of(st.actions_lower[i]).empty()) continue;  // unknown services: TG410
        sink.add(make_finding(kTG411,
                              fmt::format("{} matches no action of {} ({}): it {} nothing", value, service->name(),
                                          service->prefix(), st.effect == Effect::Allow ? "allows" : "denies"),
                              st.actions[i].range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
