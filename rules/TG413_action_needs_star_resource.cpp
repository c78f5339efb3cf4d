#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG413;
const RuleInfo kTG413{
    "TG413",
    "action-needs-star-resource",
    Severity::Info,
    "validation",
    "an action that applies only to Resource \"*\" is given specific resources",
    {
        "Finds `Action` entries naming an action without resource types in AWS's service authorization catalog "
        "(`kms:CreateKey`, `secretsmanager:ListSecrets`, `sts:GetCallerIdentity`) in a statement whose `Resource` "
        "has no `\"*\"`. Wildcard entries are reported only when every action they match is such an action. Key and "
        "secret policies are not judged (their `Resource` is the key or secret itself).",
        "Such an action is authorized against the resource `\"*\"`: a statement that lists ARNs never matches it, so "
        "the Allow grants nothing for that action (a Deny denies nothing). An info, not a warning: a few services "
        "authorize some such actions on resources the reference does not list.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["secretsmanager:ListSecrets", "secretsmanager:GetSecretValue"],
   "Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/*"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:ListSecrets", "Resource": "*"},
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
   "Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/*"}]})",
        "Move the action to a statement with `\"Resource\": \"*\"`.",
    },
    &run,
};

namespace {

bool names_star(const Statement& st) {
  for (const Text& r : st.resources)
    if (r.value.find_first_not_of('*') == std::string::npos && !r.value.empty()) return true;
  return false;
}

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    if (use->kind == PolicyKind::KeyPolicy || use->kind == PolicyKind::SecretPolicy) continue;
    for (const Statement& st : use->policy->statements) {
      if (st.not_action || !st.has_resource || st.not_resource || st.resources.empty() || names_star(st)) continue;
      bool resources_symbolic = false;
      for (const Text& r : st.resources) resources_symbolic = resources_symbolic || symbolic(r.value);
      if (resources_symbolic) continue;
      for (size_t i = 0; i < st.actions.size() && i < st.actions_lower.size(); ++i) {
        const auto& actions = actions_of(st.actions_lower[i]);
        if (actions.empty()) continue;
        bool all_star = true;
        for (const catalog::Action& a : actions) all_star = all_star && a.needs_star_resource();
        if (!all_star) continue;
        const std::string what = actions.size() == 1 ? actions.front().full_name()
                                                     : fmt::format("every action {} matches", st.actions[i].value);
        sink.add(make_finding(
            kTG413,
            fmt::format("{} has no resource types in AWS's service authorization reference, so AWS authorizes it against "
                        "\"Resource\": \"*\", but {} lists only specific resources: it likely {} nothing (move it to "
                        "a statement with \"Resource\": \"*\")",
                        what, describe_statement(*use->policy, st), st.effect == Effect::Allow ? "allows" : "denies"),
            st.actions[i].range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
