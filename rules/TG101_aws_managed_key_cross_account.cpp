#include <fmt/format.h>

#include "gate_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG101;
const RuleInfo kTG101{
    "TG101",
    "aws-managed-key-cross-account",
    Severity::Error,
    "gate",
    "a principal of another account is meant to read a secret encrypted with the AWS-managed key aws/secretsmanager",
    {
        "Finds intended cross-account reads of a secret that has no customer-managed key: no KmsKeyId "
        "(no `kms_key_id` in Terraform), `alias/aws/secretsmanager`, or a key whose manager is AWS.",
        "The policy of an AWS-managed key cannot be changed and allows kms:Decrypt only to callers of its own "
        "account (`kms:CallerAccount`) through Secrets Manager. Every read from another account fails at run time "
        "with an AccessDeniedException or a vague KMS error, whatever the secret policy and the caller's IAM say.",
        R"({"secrets": [{"arn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf",
               "kms_key": null,
               "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                 "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
                 "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}}]})",
        R"({"keys": [{"arn": "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "aliases": ["alias/db-secrets"], "policy": "key-policy.json"}],
 "secrets": [{"arn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf",
              "kms_key": "alias/db-secrets", "policy": "secret-policy.json"}]})",
        "Create a customer-managed key in the secret's region, give it a key policy statement that allows the "
        "consumer kms:Decrypt through Secrets Manager (the statement in the finding's fix), and re-encrypt the "
        "secret with it (`aws secretsmanager update-secret --kms-key-id`, or `kms_key_id` in Terraform). The "
        "consumer's IAM then also needs kms:Decrypt on that key.",
    },
    &run,
};

namespace {
void run(const RuleContext& ctx, FindingSink& sink) {
  for_each_check(ctx, [&](const ShareResult&, const ReadCheck& c) {
    if (c.replica || c.key_issue != KeyIssue::AwsManagedCrossAccount) return;
    std::string key = c.key->modelled ? "the AWS-managed key aws/secretsmanager" : "the AWS-managed key " + c.key->arn;
    Finding f = make_finding(kTG101,
                             fmt::format("{} cannot read {}: it is encrypted with {}, whose policy allows only "
                                         "account {} (use a customer-managed key)",
                                         describe_caller(c), c.secret_arn, key, c.key->account),
                             c.key_ref_range);
    f.principal = describe_caller(c);
    f.resource = c.secret_arn;
    f.fix = key_policy_fix(c);
    f.fix_target = "add to the key policy of a new customer-managed key in " + c.region + " (then make it the secret's key)";
    add_gate_lines(c, f);
    sink.add(std::move(f));
  });
}
}  // namespace

}  // namespace threegate::rules
