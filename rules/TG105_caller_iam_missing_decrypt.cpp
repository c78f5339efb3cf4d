#include <fmt/format.h>

#include "gate_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG105;
const RuleInfo kTG105{
    "TG105",
    "caller-iam-missing-decrypt",
    Severity::Error,
    "gate",
    "the intended reader's IAM policies do not allow kms:Decrypt on the secret's key where it is needed",
    {
        "Checks that each intended reader's identity policies allow `kms:Decrypt` on the secret's key, under the "
        "context Secrets Manager sends, whenever the key policy does not grant the reader directly: always across "
        "accounts, and in the same account when the key policy only delegates to the account's IAM.",
        "For a key in another account, neither the key policy nor the caller's IAM policy alone is sufficient: "
        "GetSecretValue fails with a KMS AccessDenied error although the secret is readable.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": "secretsmanager:GetSecretValue",
  "Resource": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": "secretsmanager:GetSecretValue",
  "Resource": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf"},
 {"Effect": "Allow", "Action": "kms:Decrypt",
  "Resource": "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}]})",
        "Add the statement in the finding's fix to an identity policy of the reader.",
    },
    &run,
};

namespace {
void run(const RuleContext& ctx, FindingSink& sink) {
  for_each_check(ctx, [&](const ShareResult& share, const ReadCheck& c) {
    const GateVerdict& g = c.caller_iam;
    if (g.state != GateState::Closed || g.explicit_deny || !g.lacks_decrypt || !c.key) return;
    if (c.key_issue == KeyIssue::AwsManagedCrossAccount) return;  // TG101: the key itself must change first
    Finding f = make_finding(kTG105,
                             fmt::format("{} cannot read {}: its IAM policies do not allow kms:Decrypt on {}",
                                         describe_caller(c), c.secret_arn, c.key->arn),
                             c.principal_record ? c.principal_record->range : share.share.range);
    f.principal = describe_caller(c);
    f.resource = c.secret_arn;
    f.fix = identity_decrypt_fix(c);
    f.fix_target = "add to an identity policy of " + principal_for_policy(c);
    add_gate_lines(c, f);
    sink.add(std::move(f));
  });
}
}  // namespace

}  // namespace threegate::rules
