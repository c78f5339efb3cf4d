#include <fmt/format.h>

#include "gate_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG103;
const RuleInfo kTG103{
    "TG103",
    "secret-policy-blocks-consumer",
    Severity::Error,
    "gate",
    "the secret's resource policy does not let an intended reader from another account call GetSecretValue",
    {
        "Reports intended cross-account readers (named by a key policy or declared in the inventory) that the "
        "secret's resource policy does not allow `secretsmanager:GetSecretValue`, or a secret with no resource "
        "policy at all.",
        "A cross-account read needs an allow on both sides: the caller's IAM and the secret's resource policy. "
        "Without the resource-policy allow, GetSecretValue fails with AccessDeniedException even when the key "
        "policy and the caller's IAM are right.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::222222222222:role/other"},
  "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
  "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})",
        "Add the statement in the finding's fix to the secret's resource policy.",
    },
    &run,
};

namespace {
void run(const RuleContext& ctx, FindingSink& sink) {
  for_each_check(ctx, [&](const ShareResult&, const ReadCheck& c) {
    const GateVerdict& g = c.secret_policy;
    if (g.state != GateState::Closed || g.explicit_deny) return;
    const Policy* pol = c.secret->policy ? &*c.secret->policy : nullptr;
    std::string why = pol ? "no statement allows secretsmanager:GetSecretValue to this caller" : "the secret has no resource policy";
    std::vector<RelatedLocation> reasons;
    if (pol) {
      reasons = explain_no_allow(c, *pol, false);
      if (!reasons.empty()) why = "the closest statement fails: " + first_failing_condition(reasons);
    }
    Finding f = make_finding(kTG103, fmt::format("{} cannot read {}: {}", describe_caller(c), c.secret_arn, why),
                             !reasons.empty() ? reasons.front().range : pol ? pol->range : c.secret->range);
    f.principal = describe_caller(c);
    f.resource = c.secret_arn;
    f.fix = secret_policy_fix(c);
    f.fix_target = "add to the resource policy of " + c.secret->arn;
    for (auto& r : reasons) f.related.push_back(std::move(r));
    add_gate_lines(c, f);
    sink.add(std::move(f));
  });
}
}  // namespace

}  // namespace threegate::rules
