#include <fmt/format.h>

#include "gate_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG107;
const RuleInfo kTG107{
    "TG107",
    "replica-region-blocked",
    Severity::Error,
    "gate",
    "a replica of a shared secret uses a key there that the intended reader cannot use",
    {
        "Evaluates the key gate again in every replica region of a shared secret, against the replica's own key: "
        "the replica's KmsKeyId, or that region's aws/secretsmanager when none is given.",
        "A replica region without a key silently uses that region's AWS-managed key, which no other account can "
        "use; a multi-Region replica key has its own key policy that nothing keeps in sync with the primary's. "
        "Reads in that region fail while the primary region works, often found only at fail-over time.",
        R"({"replicas": [{"region": "eu-west-1", "kms_key": null}]})",
        R"({"replicas": [{"region": "eu-west-1",
   "kms_key": "arn:aws:kms:eu-west-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab"}]})",
        "Give the replica a customer-managed key in its region whose policy allows the reader (the statement in "
        "the finding's fix).",
    },
    &run,
};

namespace {
void run(const RuleContext& ctx, FindingSink& sink) {
  for_each_check(ctx, [&](const ShareResult&, const ReadCheck& c) {
    if (!c.replica || c.key_policy.state != GateState::Closed || c.key_policy.explicit_deny) return;
    if (c.key && !c.key->usable()) return;  // TG108
    std::string why;
    if (c.key_issue == KeyIssue::AwsManagedCrossAccount) {
      why = "the replica uses the AWS-managed key aws/secretsmanager of " + c.region + ", which trusts only account " +
            c.key->account;
    } else if (c.key_issue == KeyIssue::WrongRegion) {
      why = "its key " + c.key->arn + " is not in " + c.region;
    } else {
      auto reasons = c.key && c.key->policy ? explain_no_allow(c, *c.key->policy, true) : std::vector<RelatedLocation>{};
      why = "the key policy of " + c.key->arn + " does not allow kms:Decrypt";
      if (!reasons.empty()) why += " (" + first_failing_condition(reasons) + ")";
    }
    Finding f = make_finding(kTG107, fmt::format("{} cannot read the replica {}: {}", describe_caller(c), c.secret_arn, why),
                             c.key_ref_range);
    f.principal = describe_caller(c);
    f.resource = c.secret_arn;
    f.fix = key_policy_fix(c);
    f.fix_target = c.key && c.key->manager == KeyManager::Customer
                       ? "add to the key policy of " + c.key->arn
                       : "add to the key policy of a customer-managed key in " + c.region + " (then make it the replica's key)";
    add_gate_lines(c, f);
    sink.add(std::move(f));
  });
}
}  // namespace

}  // namespace threegate::rules
