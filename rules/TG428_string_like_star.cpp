#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG428;
const RuleInfo kTG428{
    "TG428",
    "string-like-star",
    Severity::Info,
    "validation",
    "StringLike with the single value \"*\": a presence test written as a pattern",
    {
        "Finds `StringLike` conditions (without `IfExists` or a set operator) whose only value is `\"*\"`.",
        "The condition is true whenever the key is present, whatever its value: it is `{\"Null\": {\"key\": "
        "\"false\"}}` in disguise, and reads as if some value were required. AWS's validator suggests the `Null` "
        "form (EQUIVALENT_TO_NULL_FALSE).",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
   "Condition": {"StringLike": {"secretsmanager:ResourceTag/team": "*"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
   "Condition": {"Null": {"secretsmanager:ResourceTag/team": "false"}}}]})",
        "Write `{\"Null\": {\"KEY\": \"false\"}}`, or the values that were meant.",
    },
    &run,
};

namespace {

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      for (const Condition& c : st.conditions) {
        if (c.op != ConditionOperator::StringLike || c.if_exists || c.set != SetOperator::None) continue;
        if (c.values.size() != 1 || c.values.front().value != "*") continue;
        sink.add(make_finding(kTG428,
                              fmt::format("StringLike {} \"*\" only tests that the key is present: write {{\"Null\": "
                                          "{{\"{}\": \"false\"}}}}",
                                          c.key, c.key),
                              c.range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
