#include <fmt/format.h>

#include "policy_rule_support.hpp"
#include "threegate/config.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG206;
const RuleInfo kTG206{
    "TG206",
    "untrusted-account",
    Severity::Error,
    "policy",
    "a key, secret or role trust policy allows an account that is neither in the organization nor a trusted partner",
    {
        "Runs when `.threegate.yaml` lists the known accounts (`accounts`, each `trust: organization` or `trust: "
        "partner`). Finds `Allow` statements of key policies, secret policies and role trust policies whose principal "
        "belongs to an account that is none of them: not a configured account, not an account of the inventory's "
        "`organization`, and not the key's, secret's or role's own account. A principal is judged by its account, so a role of an unknown account is "
        "reported as well as the account itself. A statement restricted with `aws:PrincipalOrgID` to the configured "
        "organization is not reported. AWS-managed keys are skipped.",
        "An account id nobody recognizes in a key or secret policy is how data leaves an estate: a typo in an id "
        "(one digit off is another customer's account), an account of a vendor the contract no longer covers, or a "
        "grant someone added by hand; a role that account may assume hands it whatever the role can read. AWS accepts "
        "any valid account id, and from inside the policy nothing says whether it is yours. The list of known accounts says it once for every policy.",
        R"(# .threegate.yaml
accounts:
  - {id: "111111111111", name: prod, trust: organization}
  - {id: "222222222222", name: partner-analytics, trust: partner}
# key policy
{"Sid": "AllowReader", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::333333333333:role/reader"},
 "Action": "kms:Decrypt", "Resource": "*"})",
        R"({"Sid": "AllowReader", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::222222222222:role/reader"},
 "Action": "kms:Decrypt", "Resource": "*"})",
        "Remove the statement or correct the account id. If the account is one you trust, add it to `accounts` in "
        "`.threegate.yaml` with `trust: partner` (or `organization`) and its name, so that the next reviewer knows "
        "whose it is.",
    },
    &run,
};

namespace {

// Restricted by aws:PrincipalOrgID to one of the organizations that count as ours.
bool restricted_to_org(const Statement& st, const std::string& org_a, const std::string& org_b) {
  for (const Condition& c : st.conditions) {
    if (c.key_lower != "aws:principalorgid" || is_negated_operator(c.op) || c.values.empty()) continue;
    bool all_ours = true;
    for (const Text& v : c.values) all_ours = all_ours && ((!org_a.empty() && v.value == org_a) || (!org_b.empty() && v.value == org_b));
    if (all_ours) return true;
  }
  return false;
}

void run(const RuleContext& ctx, FindingSink& sink) {
  if (!ctx.config || ctx.config->accounts.empty()) return;
  const Config& config = *ctx.config;
  auto known = [&](const std::string& account) {
    if (config.find_account(account)) return true;
    for (const auto& a : ctx.inventory.org_accounts)
      if (a == account) return true;
    return account == ctx.inventory.management_account;
  };
  for (const PolicyUse& use : ctx.policies) {
    if (use.kind != PolicyKind::KeyPolicy && use.kind != PolicyKind::SecretPolicy && !is_trust_use(use)) continue;
    if (!is_customer_policy(use)) continue;
    const Policy& policy = *use.policy;
    const std::string owner = use.kind == PolicyKind::KeyPolicy ? key_policy_owner(use) : owner_account(use);
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
      if (restricted_to_org(st, config.organization_id, ctx.inventory.organization_id)) continue;
      for (const PrincipalRef& p : st.principals) {
        if (p.kind != PrincipalKind::Aws) continue;
        const std::string account = principal_account(p);
        if (account.empty() || !is_account_id(account) || account == owner || known(account)) continue;
        const std::string who = describe_principal(p);
        Finding f = make_finding(
            kTG206,
            fmt::format("{} of {} allows {}, which is neither in the organization nor a trusted partner (not in "
                        "the accounts of {})",
                        describe_statement(policy, st), describe_policy(use),
                        who.starts_with("account ") ? who : who + " of account " + account,
                        config.path.empty() ? std::string(kConfigFileName) : config.path),
            p.range.known() ? p.range : st.range);
        f.related.push_back(RelatedLocation{describe_statement(policy, st), st.range});
        sink.add(std::move(f));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
