#include <fmt/format.h>

#include "gate_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG104;
const RuleInfo kTG104{
    "TG104",
    "caller-iam-missing-secret-access",
    Severity::Error,
    "gate",
    "the intended reader's IAM policies do not allow secretsmanager:GetSecretValue on the secret",
    {
        "Checks the identity policies of each intended reader (within its permission boundary) for "
        "`secretsmanager:GetSecretValue` on the secret's full ARN. For a share to a whole account, it checks the "
        "account's known principals and reports once for the account when none of them has access.",
        "Across accounts, the secret's resource policy only opens the resource side; the caller's own account must "
        "allow the call too. In the same account the caller's IAM is what grants access unless the secret policy "
        "names the caller directly.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": "secretsmanager:ListSecrets", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": "secretsmanager:GetSecretValue",
  "Resource": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf"}]})",
        "Add the statement in the finding's fix to an identity policy of the reader.",
    },
    &run,
};

namespace {
void run(const RuleContext& ctx, FindingSink& sink) {
  for (const auto& share : ctx.shares) {
    if (share.no_principal_with_access) {
      Finding f = make_finding(
          kTG104,
          fmt::format("no principal of account {} in the inputs has IAM access to {} ({} checked)", share.share.principal,
                      share.share.secret->arn, share.account_principals.size()),
          share.share.range);
      f.principal = share.share.principal;
      f.resource = share.share.secret->arn;
      for (const PrincipalRecord* p : share.account_principals) {
        f.related.push_back(RelatedLocation{"principal " + p->arn + " lacks secretsmanager:GetSecretValue", p->range});
      }
      sink.add(std::move(f));
    }
    for (const auto& c : share.checks) {
      const GateVerdict& g = c.caller_iam;
      if (c.replica || g.state != GateState::Closed || g.explicit_deny || !g.lacks_secret_access) continue;
      Finding f = make_finding(kTG104,
                               fmt::format("{} cannot read {}: its IAM policies do not allow secretsmanager:GetSecretValue on it",
                                           describe_caller(c), c.secret_arn),
                               c.principal_record ? c.principal_record->range : share.share.range);
      f.principal = describe_caller(c);
      f.resource = c.secret_arn;
      f.fix = identity_read_fix(c);
      f.fix_target = "add to an identity policy of " + principal_for_policy(c);
      add_gate_lines(c, f);
      sink.add(std::move(f));
    }
  }
}
}  // namespace

}  // namespace threegate::rules
