#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG426;
const RuleInfo kTG426{
    "TG426",
    "resource-in-trust-policy",
    Severity::Error,
    "validation",
    "a role trust policy has a Resource or NotResource element",
    {
        "Finds `Resource` and `NotResource` in role trust policies: policies whose statements all name a "
        "`Principal` and only `sts:AssumeRole*`, `sts:TagSession`, `sts:SetSourceIdentity` or `sts:SetContext`. "
        "(A `Principal` in an identity policy is reported by TG402.)",
        "The trust policy's resource is the role itself: IAM rejects a trust policy with a `Resource` element "
        "(MalformedPolicyDocument: has prohibited field Resource), so the role cannot be created or updated.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
   "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::444455556666:role/reader"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
   "Action": "sts:AssumeRole"}]})",
        "Remove the `Resource` element; to limit which roles a principal may assume, use its identity policy.",
    },
    &run,
};

namespace {

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    const PolicyKind k = use->kind;
    if (k == PolicyKind::KeyPolicy || k == PolicyKind::SecretPolicy || k == PolicyKind::Identity) continue;
    if (!is_trust_policy(*use->policy)) continue;
    for (const Statement& st : use->policy->statements) {
      if (!st.has_resource) continue;
      sink.add(make_finding(kTG426,
                            fmt::format("{} of this role trust policy has a {} element: IAM rejects it (the trust "
                                        "policy's resource is the role itself; remove it)",
                                        describe_statement(*use->policy, st), st.not_resource ? "NotResource" : "Resource"),
                            st.resource_range));
    }
  }
}

}  // namespace

}  // namespace threegate::rules
