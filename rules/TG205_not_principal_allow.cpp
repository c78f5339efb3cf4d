#include <fmt/format.h>

#include "support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG205;
const RuleInfo kTG205{
    "TG205",
    "not-principal-allow",
    Severity::Error,
    "policy",
    "an Allow statement uses NotPrincipal: it grants everyone not listed, anonymous callers included",
    {
        "Finds `Allow` statements that name their principals with `NotPrincipal`, in any policy (key policies, "
        "secret policies, and any other document read).",
        "`NotPrincipal` with `Allow` grants the statement's actions to every principal that is *not* listed: every "
        "AWS account, every role and user in them, and anonymous callers. It is almost never what was meant, and AWS "
        "recommends against it: do not use `NotPrincipal` in the same statement as `\"Effect\": \"Allow\"` (IAM User "
        "Guide, `reference_policies_elements_notprincipal`). "
        "Conditions do not make it safe to read: the grant is open by default and only narrowed by what the conditions "
        "happen to cover.",
        R"({"Sid": "EveryoneButAuditors", "Effect": "Allow",
 "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/auditor"},
 "Action": "secretsmanager:GetSecretValue", "Resource": "*"})",
        R"({"Sid": "AllowApp", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
 "Action": "secretsmanager:GetSecretValue", "Resource": "*"})",
        "Name the principals that should be allowed with `Principal`. To keep someone out, use a `Deny` statement "
        "(with `Principal` and a condition such as `aws:PrincipalArn`), never an `Allow` with `NotPrincipal`.",
    },
    &run,
};

namespace {
void run(const RuleContext& ctx, FindingSink& sink) {
  for (const PolicyUse& use : ctx.policies) {
    if (!use.policy) continue;
    const Policy& policy = *use.policy;
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field != PrincipalField::NotPrincipal) continue;
      std::string excluded;
      for (const PrincipalRef& p : st.principals) {
        if (!excluded.empty()) excluded += ", ";
        excluded += p.value;
      }
      Finding f = make_finding(
          kTG205,
          fmt::format("{} of {} allows everyone except {} (anonymous callers included) because it uses NotPrincipal "
                      "with Allow",
                      describe_statement(policy, st), describe_policy(use),
                      excluded.empty() ? std::string("nobody") : excluded),
          st.principal_range.known() ? st.principal_range : st.range);
      f.related.push_back(RelatedLocation{describe_statement(policy, st), st.range});
      sink.add(std::move(f));
    }
  }
}
}  // namespace

}  // namespace threegate::rules
