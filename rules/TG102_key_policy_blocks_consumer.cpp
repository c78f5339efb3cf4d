#include <fmt/format.h>

#include "gate_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG102;
const RuleInfo kTG102{
    "TG102",
    "key-policy-blocks-consumer",
    Severity::Error,
    "gate",
    "the customer-managed key's policy does not let an intended reader decrypt the secret",
    {
        "Evaluates the kms:Decrypt that Secrets Manager makes on the caller's behalf, with the context it sends "
        "(`kms:ViaService` = secretsmanager.<region>.amazonaws.com, `kms:CallerAccount`, encryption context "
        "`SecretARN`), against the key policy, and reports intended readers it does not allow. It names the "
        "statement that came closest and the condition that failed: a ViaService naming another region, a "
        "CallerAccount list without the consumer, an encryption-context condition on another secret.",
        "The key policy is the primary gate of KMS: unless it allows the caller (or the caller's account, which then "
        "delegates to IAM), no IAM policy can grant kms:Decrypt, and GetSecretValue fails with a KMS access error.",
        R"({"Sid": "AllowApp", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-west-2.amazonaws.com"}}})",
        R"({"Sid": "AllowApp", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})",
        "Add the statement in the finding's fix to the key policy, or correct the failing condition it names.",
    },
    &run,
};

namespace {
void run(const RuleContext& ctx, FindingSink& sink) {
  for_each_check(ctx, [&](const ShareResult&, const ReadCheck& c) {
    if (c.replica || !c.key || c.key->manager != KeyManager::Customer || !c.key->policy) return;
    if (!c.key->usable() || c.key_issue == KeyIssue::WrongRegion) return;
    const GateVerdict& g = c.key_policy;
    if (g.state != GateState::Closed || g.explicit_deny) return;
    auto reasons = explain_no_allow(c, *c.key->policy, true);
    std::string why = reasons.empty() ? "no statement allows kms:Decrypt to this caller"
                                      : "the closest statement fails: " + first_failing_condition(reasons);
    Finding f = make_finding(kTG102,
                             fmt::format("{} cannot read {}: the key policy of {} does not allow kms:Decrypt ({})",
                                         describe_caller(c), c.secret_arn, c.key->arn, why),
                             reasons.empty() ? c.key->policy->range : reasons.front().range);
    f.principal = describe_caller(c);
    f.resource = c.secret_arn;
    f.fix = key_policy_fix(c);
    f.fix_target = "add to the key policy of " + c.key->arn;
    for (auto& r : reasons) f.related.push_back(std::move(r));
    add_gate_lines(c, f);
    sink.add(std::move(f));
  });
}
}  // namespace

}  // namespace threegate::rules
