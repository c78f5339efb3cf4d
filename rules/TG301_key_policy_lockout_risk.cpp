#include <fmt/format.h>

#include "policy_rule_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG301;
const RuleInfo kTG301{
    "TG301",
    "key-policy-lockout-risk",
    Severity::Warning,
    "key",
    "no principal may change the key policy again: the key becomes unmanageable",
    {
        "Finds customer-managed key policies in which no `Allow` statement lets a usable principal of the key's "
        "account call `kms:PutKeyPolicy` (directly, or through `kms:*`, `kms:Put*`, `*`, a `NotAction` that does "
        "not exclude it). Statements that only name other accounts, services or unique ids (`AROA...`, a deleted "
        "role) do not count, since `kms:PutKeyPolicy` does not work across accounts; neither does an allow that a "
        "`Deny` of `kms:PutKeyPolicy` to `\"*\"` without conditions overrides. AWS-managed keys (whose policies "
        "nobody edits, `Id` `auto-...`) are skipped.",
        "Unless the key policy allows it, no IAM policy can grant `kms:PutKeyPolicy` (KMS guide, `key-policies`). A "
        "key policy that lets nobody change it cannot be fixed by anyone in the account, root user included: the "
        "key is unmanageable until AWS Support intervenes. By default `CreateKey` and `PutKeyPolicy` refuse such a "
        "policy (the key policy lockout safety check), so the deployment fails late; with "
        "`BypassPolicyLockoutSafetyCheck` (Terraform `bypass_policy_lockout_safety_check`) the key is locked. "
        "(KMS guide `key-policy-default#prevent-unmanageable-key`; API reference `PutKeyPolicy`.)",
        R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowApp", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
   "Action": "kms:Decrypt", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
   "Action": "kms:*", "Resource": "*"},
  {"Sid": "AllowApp", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
   "Action": "kms:Decrypt", "Resource": "*"}]})",
        "Add the default \"Enable IAM User Permissions\" statement (the finding's fix, when the owner account is "
        "known), or a statement that gives a key administrator role of the key's account `kms:PutKeyPolicy`.",
    },
    &run,
};

namespace {

// An unconditioned Deny of kms:PutKeyPolicy to everyone.
bool denies_everyone(const Statement& st) {
  if (st.effect != Effect::Deny || st.principal_field != PrincipalField::Principal || !st.conditions.empty())
    return false;
  if (!statement_covers_action(st, "kms:putkeypolicy")) return false;
  if (st.has_resource) {
    bool all = false;
    for (const Text& r : st.resources) all = all || r.value == "*";
    if (all == st.not_resource) return false;
  }
  for (const PrincipalRef& p : st.principals)
    if (is_wildcard_principal(p)) return true;
  return false;
}

// The account most principals of the policy belong to (a guess at the owner for the fix).
std::string likely_owner(const PolicyUse& use) {
  std::string owner = owner_account(use);
  if (!owner.empty()) return owner;
  std::vector<std::pair<std::string, int>> counts;
  for (const Statement& st : use.policy->statements) {
    if (st.effect != Effect::Allow) continue;
    for (const PrincipalRef& p : st.principals) {
      std::string a = principal_account(p);
      if (a.empty()) continue;
      bool found = false;
      for (auto& [acct, n] : counts)
        if (acct == a) {
          ++n;
          found = true;
        }
      if (!found) counts.push_back({a, 1});
    }
  }
  // Only a clear answer: a single account.
  return counts.size() == 1 ? counts.front().first : "";
}

void run(const RuleContext& ctx, FindingSink& sink) {
  for (const PolicyUse& use : ctx.policies) {
    if (use.kind != PolicyKind::KeyPolicy || !is_customer_policy(use)) continue;
    const Policy& policy = *use.policy;
    const std::string owner = use.owner_account;  // as given; inferring it here would be circular

    const Statement* blocking_deny = nullptr;
    for (const Statement& st : policy.statements)
      if (!blocking_deny && denies_everyone(st)) blocking_deny = &st;

    bool someone = false;
    std::vector<const Statement*> unusable;  // allow PutKeyPolicy, but to nobody who can use it
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field == PrincipalField::None) continue;
      if (!statement_covers_action(st, "kms:putkeypolicy")) continue;
      bool counts = st.principal_field == PrincipalField::NotPrincipal;
      for (const PrincipalRef& p : st.principals) {
        if (is_wildcard_principal(p)) counts = true;
        if (p.kind != PrincipalKind::Aws) continue;
        const std::string account = principal_account(p);
        if (!account.empty() && (owner.empty() || account == owner)) counts = true;
      }
      if (!counts) {
        unusable.push_back(&st);
      } else if (!blocking_deny) {
        someone = true;
        break;
      }
    }
    if (someone) continue;

    std::string reason;
    if (blocking_deny) {
      reason = describe_statement(policy, *blocking_deny) + " denies kms:PutKeyPolicy to everyone";
    } else if (!unusable.empty()) {
      reason = "the statements that allow kms:PutKeyPolicy name only principals that cannot use it (other accounts, "
               "services or deleted principals)";
    } else {
      reason = "no statement allows kms:PutKeyPolicy";
    }
    Finding f = make_finding(kTG301,
                             fmt::format("nobody can change {} again: {} (only AWS Support can recover the key)",
                                         describe_policy(use), reason),
                             policy.range);
    if (blocking_deny)
      f.related.push_back(RelatedLocation{describe_statement(policy, *blocking_deny) + " denies kms:PutKeyPolicy",
                                          blocking_deny->range});
    for (const Statement* st : unusable)
      f.related.push_back(RelatedLocation{describe_statement(policy, *st) + " allows kms:PutKeyPolicy to "
                                              "principals that cannot use it",
                                          st->range});
    const std::string fix_owner = likely_owner(use);
    if (!fix_owner.empty() && !blocking_deny) {
      const std::string partition = use.key ? use.key->partition : "aws";
      Statement st;
      st.sid = Text{"Enable IAM User Permissions", {}};
      st.principal_field = PrincipalField::Principal;
      st.principals = {PrincipalRef{PrincipalKind::Aws, "arn:" + partition + ":iam::" + fix_owner + ":root", {}}};
      st.actions = {Text{"kms:*", {}}};
      st.has_resource = true;
      st.resources = {Text{"*", {}}};
      f.fix = statement_json(st);
      f.fix_target = "add to " + describe_policy(use);
    }
    sink.add(std::move(f));
  }
}

}  // namespace

}  // namespace threegate::rules
