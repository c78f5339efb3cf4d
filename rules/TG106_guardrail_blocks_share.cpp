#include <fmt/format.h>

#include "gate_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG106;
const RuleInfo kTG106{
    "TG106",
    "guardrail-blocks-share",
    Severity::Error,
    "gate",
    "an SCP, RCP, permission boundary, session policy or explicit Deny blocks an intended share",
    {
        "Reports intended reads that an explicit Deny (in any policy: key, secret, identity, SCP, RCP, boundary, "
        "session) or a guardrail without an allow (an SCP level, a permission boundary) blocks.",
        "Guardrails never grant but always limit: at every SCP level some statement must allow the call, a "
        "permission boundary must allow what the identity policies allow, and an explicit Deny wins over every "
        "Allow. Such a block is easy to miss because it lives far from the key and the secret.",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "DenyOtherAccountsKeys", "Effect": "Deny",
  "Action": "kms:Decrypt", "Resource": "*",
  "Condition": {"StringNotEquals": {"aws:ResourceAccount": "222222222222"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Sid": "DenyOtherAccountsKeys", "Effect": "Deny",
  "Action": "kms:Decrypt", "Resource": "*",
  "Condition": {"StringNotEquals": {"aws:ResourceAccount": ["222222222222", "111111111111"]}}}]})",
        "Change the guardrail named in the finding (an exception for this share), or drop the share.",
    },
    &run,
};

namespace {
const char* role_word(PolicyRole r) {
  switch (r) {
    case PolicyRole::Identity: return "an identity policy";
    case PolicyRole::Resource: return "the resource policy";
    case PolicyRole::Boundary: return "the permission boundary";
    case PolicyRole::Session: return "the session policy";
    case PolicyRole::Scp: return "an SCP";
    case PolicyRole::Rcp: return "an RCP";
  }
  return "a policy";
}

void run(const RuleContext& ctx, FindingSink& sink) {
  for_each_check(ctx, [&](const ShareResult&, const ReadCheck& c) {
    if (c.decision == Decision::Allow) return;
    // Explicit denies first: they decide wherever they are.
    std::vector<const StatementHit*> denies;
    for (const EvalResult* r : {&c.read, &c.decrypt}) {
      for (const auto& h : r->denies) {
        if (h.match == Tri::True) denies.push_back(&h);
      }
    }
    if (!denies.empty()) {
      const StatementHit& h = *denies.front();
      Finding f = make_finding(kTG106,
                               fmt::format("{} cannot read {}: {} in {} {} explicitly denies it", describe_caller(c),
                                           c.secret_arn, describe_statement(*h.policy, *h.statement), role_word(h.role),
                                           h.policy->name),
                               h.statement->range);
      f.principal = describe_caller(c);
      f.resource = c.secret_arn;
      f.fix_target = "change " + h.policy->name;
      add_gate_lines(c, f);
      sink.add(std::move(f));
      return;
    }
    if (c.guardrail_missing.empty()) return;
    const MissingAllow& m = c.guardrail_missing.front();
    std::string what = role_word(m.role);
    if (m.level >= 0) what += fmt::format(" at level {}", m.level);
    Finding f = make_finding(kTG106,
                             fmt::format("{} cannot read {}: {} {} the request", describe_caller(c), c.secret_arn, what,
                                         m.allowed == Tri::Unknown ? "may not allow" : "does not allow"),
                             c.principal_record ? c.principal_record->range : c.secret->range);
    f.principal = describe_caller(c);
    f.resource = c.secret_arn;
    // Point at the policies of the guardrail level that lacks an allow.
    if (m.role == PolicyRole::Scp && m.level >= 0) {
      auto it = ctx.inventory.scps.find(c.principal.account);
      if (it != ctx.inventory.scps.end() && static_cast<size_t>(m.level) < it->second.size()) {
        for (const auto& p : it->second[m.level]) {
          f.related.push_back(RelatedLocation{fmt::format("SCP at level {} without an allow: {}", m.level, p.name), p.range});
        }
      }
    } else if (m.role == PolicyRole::Boundary && c.principal_record && c.principal_record->boundary) {
      f.related.push_back(RelatedLocation{"permission boundary without an allow", c.principal_record->boundary->range});
    }
    add_gate_lines(c, f);
    sink.add(std::move(f));
  });
}
}  // namespace

}  // namespace threegate::rules
