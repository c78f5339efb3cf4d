#include <fmt/format.h>

#include "policy_rule_support.hpp"
#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG422;
const RuleInfo kTG422{
    "TG422",
    "policy-version",
    Severity::Warning,
    "validation",
    "the policy has no Version, or the outdated 2008-10-17",
    {
        "Finds policies without a `Version` element and policies with `\"Version\": \"2008-10-17\"`. Policies of "
        "AWS-managed keys are not judged.",
        "Without `Version` (or with 2008-10-17) AWS reads the policy with the old language: policy variables such "
        "as `${aws:username}` or `${aws:PrincipalTag/team}` are not substituted but compared as literal text, so "
        "statements that use them match nothing; newer features need 2012-10-17.",
        R"({"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]})",
        "Add `\"Version\": \"2012-10-17\"` as the first element of the policy.",
    },
    &run,
};

namespace {

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    const Policy& p = *use->policy;
    if (use->kind == PolicyKind::KeyPolicy && !is_customer_policy(*use)) continue;
    if (!p.version) {
      bool variables = false;
      for (const Statement& st : p.statements) {
        for (const Text& r : st.resources) variables = variables || r.value.find("${") != std::string::npos;
        for (const Condition& c : st.conditions) variables = variables || c.values_have_variables;
      }
      sink.add(make_finding(kTG422,
                            std::string("the policy has no Version: AWS reads it with the 2008-10-17 language") +
                                (variables ? ", and its policy variables (${…}) are compared as literal text"
                                           : ", without policy variables") +
                                " (add \"Version\": \"2012-10-17\")",
                            Range{p.range.file, p.range.begin, p.range.begin + 1}));
    } else if (p.version->value == "2008-10-17") {
      sink.add(make_finding(kTG422,
                            "Version 2008-10-17 is outdated: policy variables (${…}) are not substituted (use "
                            "\"2012-10-17\")",
                            p.version->range));
    }
  }
}

}  // namespace

}  // namespace threegate::rules
