#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <unordered_set>

#include "policy_rule_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG202;
const RuleInfo kTG202{
    "TG202",
    "public-principal",
    Severity::Error,
    "policy",
    "a key, secret or role trust policy allows \"*\" and no condition keeps out other accounts",
    {
        "Finds `Allow` statements of key policies, secret policies and role trust policies whose principal is `\"*\"` or "
        "`{\"AWS\": \"*\"}`, and decides whether they are public by *evaluating* them, not by their shape: the "
        "statement (together with the policy's `Deny` statements) is evaluated for an outsider, a role in an account "
        "that appears nowhere in the inputs, with `aws:PrincipalAccount`, `kms:CallerAccount`, `aws:SourceAccount`, "
        "`aws:PrincipalArn`, `aws:PrincipalOrgID` (`o-outsider0000`) and `aws:userid` set to that outsider, and every "
        "other key unknown. The outsider's role has a name no input uses; and for each `aws:PrincipalArn` pattern of "
        "the statement whose account field admits an account no input names (`arn:aws:iam::*:role/deploy-*`, "
        "`arn:aws:iam::1111*:root`), the outsider is also the role, user or root user the pattern asks for, in such "
        "an account: anyone can create a role called `deploy-x` in their own account (names IAM would refuse, such "
        "as AWS's `aws:ec2-infrastructure`, are not tried). "
        "If the statement applies to the outsider, it is reported. If it may apply, depending only "
        "on keys that do not identify the caller (`aws:SourceIp`, `aws:SourceVpce`, `aws:SecureTransport`, "
        "`kms:ViaService`, and `aws:PrincipalTag/...` or `aws:username`, which the caller's own account "
        "chooses), it is reported too, naming those keys. If its conditions keep "
        "the outsider out (`kms:CallerAccount` or `aws:PrincipalAccount` naming your accounts, "
        "`aws:PrincipalOrgID`, `aws:PrincipalArn` patterns naming your accounts, in any letter case), it is not reported. For key policies only "
        "actions that work across accounts are considered (semantics 2.3); `*` with administrative actions is "
        "TG204's. For trust policies (policies whose statements all name a `Principal` and only `sts:AssumeRole*`, "
        "`sts:TagSession`, `sts:SetSourceIdentity` or `sts:SetContext`) the action is `sts:AssumeRole`; an "
        "`sts:ExternalId` condition does not keep the outsider out (whoever learns the value can use it). "
        "`Deny` statements are never grants; `NotPrincipal` is TG205's.",
        "`Principal: \"*\"` with `Allow` means every AWS principal of every account, anonymous callers included, "
        "unless conditions narrow it (IAM User Guide, `reference_policies_elements_principal`). A key policy like "
        "this lets anyone who can reach the key use it with their own credentials (their account's IAM only has to "
        "allow it); a secret policy like this lets anyone read the secret; a trust policy like this lets anyone "
        "assume the role and read every secret the role can read. Network conditions such as "
        "`aws:SourceIp` or `aws:SourceVpce` are not an identity perimeter: they depend on where the call comes from, "
        "not who makes it. The AWS-managed key policies (`Principal` `*` with `kms:CallerAccount` and "
        "`kms:ViaService`) are not public and are not reported.",
        R"({"Sid": "AllowUse", "Effect": "Allow", "Principal": {"AWS": "*"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"})",
        R"({"Sid": "AllowUseInAccount", "Effect": "Allow", "Principal": {"AWS": "*"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333",
                                "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})",
        "Name the principals that need access, or add a condition that limits the statement to your accounts "
        "(`kms:CallerAccount` / `aws:PrincipalAccount`) or your organization (`aws:PrincipalOrgID`). The finding's "
        "fix is the statement with such a condition added, when the owner account or organization is known.",
    },
    &run,
};

namespace {

// Actions that work on a KMS key from another account (semantics 2.3), as written by AWS.
constexpr std::array<std::string_view, 20> kKmsCrossAccount{
    "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateMac",
    "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:Sign", "kms:Verify", "kms:VerifyMac", "kms:DeriveSharedSecret",
    "kms:DescribeKey", "kms:CreateGrant", "kms:GetKeyRotationStatus", "kms:GetPublicKey", "kms:ListGrants",
    "kms:RetireGrant", "kms:RevokeGrant"};

// Secrets Manager actions that act on one secret (a secret policy can grant them).
constexpr std::array<std::string_view, 18> kSecretActions{
    "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds",
    "secretsmanager:GetResourcePolicy", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
    "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DeleteSecret", "secretsmanager:RestoreSecret",
    "secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret", "secretsmanager:PutResourcePolicy",
    "secretsmanager:DeleteResourcePolicy", "secretsmanager:ValidateResourcePolicy", "secretsmanager:TagResource",
    "secretsmanager:UntagResource", "secretsmanager:ReplicateSecretToRegions",
    "secretsmanager:RemoveRegionsFromReplication"};

// The actions of the statement worth evaluating for an outsider.
std::vector<std::string> candidate_actions(const PolicyUse& use, const Statement& st) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;  // lowercase
  auto consider = [&](std::string_view a) {
    std::string a_lower = ascii_lower(a);
    if (!seen.contains(a_lower) && statement_covers_action(st, a_lower)) {
      seen.insert(std::move(a_lower));
      out.emplace_back(a);
    }
  };
  if (use.kind == PolicyKind::KeyPolicy) {
    for (auto a : kKmsCrossAccount) consider(a);
  } else if (use.kind != PolicyKind::SecretPolicy) {  // a role trust policy
    consider("sts:AssumeRole");
  } else {
    for (auto a : kSecretActions) consider(a);
    if (!st.not_action)
      for (const Text& a : st.actions)
        if (a.value.find_first_of("*?") == std::string::npos) consider(a.value);
  }
  return out;
}

std::string written_actions(const Statement& st) {
  std::vector<std::string> written;
  for (const Text& a : st.actions) written.push_back(a.value);
  return st.not_action ? "every action except " + join(written) : join(written);
}

// The statement with a condition that keeps it to the owner account or organization.
std::string restricted_statement(const RuleContext& ctx, const PolicyUse& use, const Statement& st,
                                 const std::string& owner) {
  std::string key, value;
  if (!ctx.inventory.organization_id.empty()) {
    key = "aws:PrincipalOrgID";
    value = ctx.inventory.organization_id;
  } else if (!owner.empty()) {
    key = use.kind == PolicyKind::KeyPolicy ? "kms:CallerAccount" : "aws:PrincipalAccount";
    value = owner;
  } else {
    return "";
  }
  Statement fixed = st;
  fixed.principals = {PrincipalRef{PrincipalKind::Aws, "*", {}}};
  fixed.conditions.push_back(string_equals_condition(std::move(key), std::move(value)));
  return statement_json(fixed);
}

bool checked(const PolicyUse& use) {
  return use.policy && (use.kind == PolicyKind::KeyPolicy || use.kind == PolicyKind::SecretPolicy || is_trust_use(use));
}

void run(const RuleContext& ctx, FindingSink& sink) {
  const Outsider outsider(ctx);
  for (const PolicyUse& use : ctx.policies) {
    if (!checked(use)) continue;
    const Policy& policy = *use.policy;
    const std::string owner = owner_account(use);
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
      const PrincipalRef* star = nullptr;
      for (const PrincipalRef& p : st.principals)
        if (!star && is_wildcard_principal(p)) star = &p;
      if (!star) continue;
      const auto actions = candidate_actions(use, st);
      if (actions.empty()) continue;
      const OutsiderExposure e = outsider.exposure(use, owner, st, actions);
      if (e.reach == Tri::False) continue;
      // Undecided only by a value the code gives after apply (var.org_id as aws:PrincipalOrgID):
      // the owner chooses it, so nothing says the statement is open to anyone. Context keys
      // always hold a ':'; such values' names do not.
      if (e.reach == Tri::Unknown &&
          std::any_of(e.depends_on.begin(), e.depends_on.end(),
                      [](const std::string& k) { return k.find(':') == std::string::npos; }))
        continue;
      std::string message;
      if (e.reach == Tri::True) {
        message = fmt::format("{} of {} allows {} to any principal (\"*\"), other accounts included: {} "
                              "limits it to known accounts or an organization",
                              describe_statement(policy, st), describe_policy(use), written_actions(st),
                              st.conditions.empty() ? "no condition" : "none of its conditions");
      } else {
        message = fmt::format("{} of {} allows {} to any principal (\"*\") depending only on {}, which "
                              "{} not identify the caller: nothing limits it to known accounts or an organization",
                              describe_statement(policy, st), describe_policy(use), written_actions(st),
                              e.depends_on.empty() ? std::string("unknown values") : join(e.depends_on),
                              e.depends_on.size() == 1 ? "does" : "do");
      }
      Finding f = make_finding(kTG202, std::move(message), star->range.known() ? star->range : st.range);
      f.related.push_back(RelatedLocation{describe_statement(policy, st), st.range});
      for (const Condition& c : st.conditions)
        for (const auto& k : e.depends_on)
          if (ascii_lower(k) == c.key_lower)
            f.related.push_back(RelatedLocation{c.key + " does not identify the caller", c.range});
      f.fix = restricted_statement(ctx, use, st, owner);
      if (!f.fix.empty()) f.fix_target = "replace " + describe_statement(policy, st) + " in " + describe_policy(use);
      sink.add(std::move(f));
    }
  }
}

}  // namespace

}  // namespace threegate::rules
