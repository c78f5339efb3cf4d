#include <fmt/format.h>

#include "policy_rule_support.hpp"
#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG427;
const RuleInfo kTG427{
    "TG427",
    "policy-size-quota",
    Severity::Warning,
    "validation",
    "the policy is longer than AWS's quota for its type",
    {
        "Counts the policy's characters as AWS does and compares them with the quota of its type: identity policies "
        "(whitespace outside strings not counted) 6,144 as a managed policy and 10,240 as a role inline policy (user "
        "inline policies allow 2,048 and group inline policies 5,120, which threegate cannot tell apart and does not "
        "report); permission boundaries 6,144 (managed policies); session policies 2,048; SCPs and RCPs 5,120; key "
        "policies 32,768 bytes; secret policies 20,480 characters. Quotas from the IAM, Organizations, KMS and "
        "Secrets Manager quota pages.",
        "AWS refuses to store a policy over its quota (LimitExceeded / MalformedPolicyDocument): the deployment "
        "fails, often only in the account where the last statement was added.",
        "",
        "",
        "Split the policy into several smaller ones (managed policies attach up to 10 per role by default), or "
        "shorten it: wildcards for families of actions (`secretsmanager:Describe*`), fewer repeated ARNs.",
    },
    &run,
};

namespace {

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    const Policy& p = *use->policy;
    if (p.range.file->text()[p.range.begin] != '{') continue;  // a policy inside a JSON string: counted unreliably
    const PolicySize size = policy_size(p);
    const size_t n = size.without_whitespace;
    std::string message;
    switch (use->kind) {
      case PolicyKind::Identity:
        if (n > 10240)
          message = fmt::format("the identity policy has {} characters (whitespace not counted), over the 10,240 of "
                                "a role inline policy and the 6,144 of a managed policy: AWS rejects it as any identity "
                                "policy (split it)",
                                n);
        else if (n > 6144)
          message = fmt::format("the identity policy has {} characters (whitespace not counted), over the 6,144 of a "
                                "managed policy: only a role inline policy (10,240) can hold it (split it)",
                                n);
        break;
      case PolicyKind::Boundary:
        if (n > 6144)
          message = fmt::format("the permission boundary has {} characters (whitespace not counted), over the 6,144 "
                                "of a managed policy (split it)",
                                n);
        break;
      case PolicyKind::Session:
        if (n > 2048)
          message = fmt::format("the session policy has {} characters, over the 2,048 AWS STS accepts", n);
        break;
      case PolicyKind::Scp:
      case PolicyKind::Rcp:
        if (n > 5120)
          message = fmt::format("the {} has {} characters (whitespace not counted), over the 5,120 of AWS "
                                "Organizations policies (split it)",
                                use->kind == PolicyKind::Scp ? "SCP" : "RCP", n);
        break;
      case PolicyKind::KeyPolicy:
        if (size.all > 32768 && is_customer_policy(*use))
          message = fmt::format("the key policy has {} bytes, over the 32,768 KMS accepts", size.all);
        break;
      case PolicyKind::SecretPolicy:
        if (size.all > 20480)
          message = fmt::format("the secret policy has {} characters, over the 20,480 Secrets Manager accepts", size.all);
        break;
      case PolicyKind::Unknown: break;
    }
    if (!message.empty()) sink.add(make_finding(kTG427, message, p.range));
  }
}

}  // namespace

}  // namespace threegate::rules
