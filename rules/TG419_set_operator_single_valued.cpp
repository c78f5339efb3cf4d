#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG419;
const RuleInfo kTG419{
    "TG419",
    "set-operator-single-valued",
    Severity::Warning,
    "validation",
    "ForAllValues or ForAnyValue on a key that has a single value",
    {
        "Finds `ForAllValues:` and `ForAnyValue:` operators on keys that AWS's service authorization catalog lists "
        "as single-valued (any type but `ArrayOf…`), such as `aws:PrincipalOrgID` or `kms:ViaService`.",
        "The set operators are for multivalued keys (`aws:TagKeys`, `aws:PrincipalOrgPaths`). `ForAllValues` is true "
        "when the key is absent from the request, so an Allow under it also admits requests without the key: "
        "`ForAllValues:StringEquals` on `aws:PrincipalOrgID` lets in callers outside any organization (AWS's "
        "validator warns about it). `ForAnyValue` on a single value works, but says something it does not mean.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
   "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
   "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]})",
        "Drop the `ForAllValues:` / `ForAnyValue:` prefix.",
    },
    &run,
};

namespace {

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      for (const Condition& c : st.conditions) {
        if (c.set == SetOperator::None || symbolic(c.key)) continue;
        const auto key = catalog::find_condition_key(c.key);
        if (!key || catalog::is_multivalued(key->type)) continue;
        const std::string message =
            c.set == SetOperator::ForAllValues
                ? fmt::format("{} has a single value, and ForAllValues is also true when the key is absent: {} "
                              "matches requests without {} (drop the ForAllValues: prefix)",
                              c.key, c.operator_text, c.key)
                : fmt::format("{} has a single value: drop the ForAnyValue: prefix of {}", c.key, c.operator_text);
        sink.add(make_finding(kTG419, message, c.operator_range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
