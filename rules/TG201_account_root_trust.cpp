#include <fmt/format.h>

#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "policy_rule_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG201;
const RuleInfo kTG201{
    "TG201",
    "account-root-trust",
    Severity::Warning,
    "policy",
    "a key or secret policy trusts a whole external account where a role was likely meant",
    {
        "Finds `Allow` statements of key policies and secret policies whose principal is a whole account of another "
        "AWS account: `arn:aws:iam::ID:root` or the bare id `ID`. The owner's own account is never reported (the "
        "default \"Enable IAM User Permissions\" statement only delegates to the owner's IAM). A statement narrowed by "
        "a condition on `aws:PrincipalArn`, `aws:PrincipalTag/...`, `aws:userid`, `aws:username` or "
        "`aws:PrincipalType` is not reported. When the owner of a standalone secret policy is unknown, every account "
        "principal counts as external except in a statement shaped like the default delegation statement. "
        "AWS-managed keys (and standalone policies with an `auto-...` `Id`) are skipped: nobody can edit them.",
        "An account principal is not \"the root user\": it is the whole account, which then delegates to its own IAM "
        "(IAM User Guide, `reference_policies_elements_principal#principal-accounts`). Every role and user of that "
        "account whose identity policies allow the action can use the key or read the secret, and who that is is "
        "decided by the other account's administrators, not by you. It is a legitimate pattern when you trust the "
        "other account's IAM (AWS documents it for cross-account keys, `key-policy-modifying-external-accounts`), "
        "but most cross-account shares are meant for one application role; naming that role keeps the grant as "
        "small as the intent and lets the policy say who reads the data.",
        R"({"Sid": "AllowPartner", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
 "Action": "kms:Decrypt", "Resource": "*"})",
        R"({"Sid": "AllowPartnerApp", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})",
        "Name the role (or user) that needs access instead of the account, or keep the account principal and add a "
        "condition such as `\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::222222222222:role/app\"}`. When the "
        "inventory declares intended readers in that account, the finding's fix names them. Trusting the whole "
        "account is what AWS shows for cross-account keys; if it is intended, this warning can be left (`--fail-on "
        "error` lets it pass).",
    },
    &run,
};

namespace {

// Condition keys that narrow an account principal to some of its principals.
bool narrows_principal(const Condition& c) {
  const std::string& k = c.key_lower;
  return k == "aws:principalarn" || k.starts_with("aws:principaltag/") || k == "aws:userid" ||
         k == "aws:username" || k == "aws:principaltype";
}

bool narrowed(const Statement& st) {
  for (const Condition& c : st.conditions)
    if (narrows_principal(c)) return true;
  return false;
}

std::string squeeze_lower(std::string_view s) {
  std::string out;
  for (char ch : s)
    if (ch != ' ' && ch != '-' && ch != '_') out += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  return out;
}

// The default delegation statement ("Enable IAM User Permissions"), recognized when the owner is
// unknown: by its Sid, or by granting the policy-management action only the owner can use.
bool looks_like_owner_delegation(const PolicyUse& use, const Statement& st) {
  if (st.sid && squeeze_lower(st.sid->value) == "enableiamuserpermissions") return true;
  if (use.kind == PolicyKind::KeyPolicy) return statement_covers_action(st, "kms:putkeypolicy");
  return statement_covers_action(st, "secretsmanager:putresourcepolicy");
}

// The statement with the account principal `replaced` by the AWS principals `with`, as pretty JSON.
std::string statement_with_principals(const Statement& st, const PrincipalRef& replaced,
                                      const std::vector<std::string>& with) {
  Statement fixed = st;
  fixed.principals.clear();
  for (const PrincipalRef& p : st.principals) {
    if (&p != &replaced) {
      fixed.principals.push_back(p);
      continue;
    }
    for (const auto& w : with) fixed.principals.push_back(PrincipalRef{PrincipalKind::Aws, w, {}});
  }
  return statement_json(fixed);
}

// The inventory's intended readers in one account: the principals to name instead of the account
// (role and user ARNs; a session names its role), and each intent with the principal it gives.
struct IntendedReaders {
  std::vector<std::string> arns;
  std::vector<std::pair<std::string, const Intent*>> intents;
};

IntendedReaders intended_readers(const RuleContext& ctx, const std::string& account) {
  IntendedReaders out;
  std::unordered_set<std::string> seen;
  for (const Intent& intent : ctx.inventory.intents) {
    if (is_account_id(intent.principal)) continue;
    ArnParts a;
    if (!split_arn(intent.principal, a) || a.account != account || a.resource == "root") continue;
    std::string arn = intent.principal;
    if (a.service == "sts" && a.resource.starts_with("assumed-role/")) {
      std::string_view rest = std::string_view(a.resource).substr(13);
      arn = "arn:" + a.partition + ":iam::" + a.account + ":role/" + std::string(rest.substr(0, rest.find('/')));
    }
    if (seen.insert(arn).second) out.arns.push_back(arn);
    out.intents.push_back({arn, &intent});
  }
  return out;
}

void run(const RuleContext& ctx, FindingSink& sink) {
  std::unordered_map<std::string, IntendedReaders> intended_by_account;  // computed once per account
  for (const PolicyUse& use : ctx.policies) {
    if (use.kind != PolicyKind::KeyPolicy && use.kind != PolicyKind::SecretPolicy) continue;
    if (!is_customer_policy(use)) continue;
    const Policy& policy = *use.policy;
    const std::string owner = owner_account(use);
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
      if (narrowed(st)) continue;
      if (owner.empty() && looks_like_owner_delegation(use, st)) continue;
      for (const PrincipalRef& p : st.principals) {
        if (!is_account_root(p)) continue;
        const std::string account = principal_account(p);
        if (account == owner) continue;
        Finding f = make_finding(
            kTG201,
            fmt::format("{} of {} trusts the whole account {}: every role and user there whose IAM policies allow it "
                        "gets access (name the role that needs it, or narrow it with aws:PrincipalArn)",
                        describe_statement(policy, st), describe_policy(use), account),
            p.range.known() ? p.range : st.range);
        f.related.push_back(RelatedLocation{describe_statement(policy, st), st.range});
        auto cached = intended_by_account.find(account);
        if (cached == intended_by_account.end())
          cached = intended_by_account.emplace(account, intended_readers(ctx, account)).first;
        const IntendedReaders& intended = cached->second;
        for (const auto& [arn, intent] : intended.intents)
          f.related.push_back(RelatedLocation{"intended reader " + arn, intent->range});
        if (!intended.arns.empty()) {
          f.fix = statement_with_principals(st, p, intended.arns);
          f.fix_target = "replace " + describe_statement(policy, st) + " in " + describe_policy(use);
        }
        sink.add(std::move(f));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
