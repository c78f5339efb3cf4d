#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG420;
const RuleInfo kTG420{
    "TG420",
    "missing-set-qualifier",
    Severity::Warning,
    "validation",
    "a multivalued key is compared without ForAllValues or ForAnyValue",
    {
        "Finds conditions on keys that AWS's service authorization catalog lists as multivalued (`ArrayOf…`: "
        "`aws:TagKeys`, `aws:CalledVia`, `aws:PrincipalOrgPaths`, `events:detail-type`) whose operator has no "
        "`ForAllValues:` or `ForAnyValue:` qualifier. `Null` is exempt.",
        "A request can carry several values for such a key; without a qualifier it is not said whether all of them "
        "or any of them must match, and AWS's validator rejects the condition as ambiguous (MISSING_QUALIFIER).",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:TagResource", "Resource": "*",
   "Condition": {"StringEquals": {"aws:TagKeys": ["team", "env"]}}}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:TagResource", "Resource": "*",
   "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}]})",
        "Add `ForAllValues:` (every value in the request must be listed) or `ForAnyValue:` (one is enough).",
    },
    &run,
};

namespace {

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      for (const Condition& c : st.conditions) {
        if (c.set != SetOperator::None || c.op == ConditionOperator::Null || symbolic(c.key)) continue;
        const auto key = catalog::find_condition_key(c.key);
        if (!key || !catalog::is_multivalued(key->type)) continue;
        sink.add(make_finding(kTG420,
                              fmt::format("{} can have several values in a request: qualify {} with ForAllValues: "
                                          "(all must match) or ForAnyValue: (one must match)",
                                          c.key, c.operator_text),
                              c.key_range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
