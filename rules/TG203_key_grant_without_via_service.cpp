#include <fmt/format.h>

#include <array>

#include "policy_rule_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG203;
const RuleInfo kTG203{
    "TG203",
    "key-grant-without-via-service",
    Severity::Warning,
    "key",
    "a key policy lets another account encrypt or decrypt directly, not only through an AWS service",
    {
        "Finds `Allow` statements of key policies that give a principal or account of *another* account "
        "(`kms:Decrypt`, `kms:Encrypt`, `kms:ReEncrypt*` or `kms:GenerateDataKey*`, also through `kms:*` or `*`) "
        "without a `kms:ViaService` condition. A `\"*\"` principal narrowed by `kms:CallerAccount` or "
        "`aws:PrincipalAccount` to another account is treated as naming that account (TG202 does not report it, "
        "since it is not public, but it is the same direct grant). Unconditioned `\"*\"` principals are TG202's. "
        "The owner's own principals are not reported, and the owner is the key's account, or for a standalone key "
        "policy the account whose principals may change the key policy; when it cannot be told, nothing is "
        "reported.",
        "A cross-account share of a secret needs the consumer to decrypt only through Secrets Manager. Without "
        "`kms:ViaService`, the other account can call KMS directly with the key: decrypt any ciphertext made with "
        "it that they obtain (backups, snapshots, other data encrypted under the same key), or encrypt data of "
        "their own under your key. `kms:ViaService` (`secretsmanager.<region>.amazonaws.com`) limits use to "
        "requests Secrets Manager makes on the caller's behalf (KMS guide, `conditions-kms#conditions-kms-via-service`), "
        "and `kms:EncryptionContext:SecretARN` can further limit it to one secret.",
        R"({"Sid": "AllowPartnerApp", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"})",
        R"({"Sid": "AllowPartnerApp", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})",
        "Add a `kms:ViaService` condition naming the service that uses the key on the consumer's behalf (the "
        "finding's fix adds `secretsmanager.<key region>.amazonaws.com` when the key's region is known; name another "
        "service if the key serves one). If the other account must call KMS directly, keep the grant narrow (one "
        "role, only the actions it needs); the finding is a warning, which `--fail-on error` lets pass.",
    },
    &run,
};

namespace {

// The data-key and cryptographic actions whose direct use from another account matters.
constexpr std::array<std::string_view, 8> kCryptoActions{
    "kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"};

// A condition that limits use to requests an AWS service makes. Negated forms do not, nor the forms
// a direct call (which has no kms:ViaService) satisfies: ...IfExists, ForAllValues:, Null "true".
bool has_via_service(const Statement& st) {
  for (const Condition& c : st.conditions) {
    if (c.key_lower != "kms:viaservice" || is_negated_operator(c.op)) continue;
    if (c.if_exists || c.set == SetOperator::ForAllValues) continue;
    if (c.op == ConditionOperator::Null) {
      bool must_exist = !c.values.empty();
      for (const Text& v : c.values) must_exist = must_exist && ascii_lower(v.value) == "false";
      if (!must_exist) continue;
    }
    return true;
  }
  return false;
}

// Accounts a "*" principal is narrowed to by a positive kms:CallerAccount / aws:PrincipalAccount.
std::vector<const Text*> narrowed_accounts(const Statement& st) {
  std::vector<const Text*> out;
  for (const Condition& c : st.conditions) {
    if (c.key_lower != "kms:calleraccount" && c.key_lower != "aws:principalaccount") continue;
    if (is_negated_operator(c.op) || c.op == ConditionOperator::Null || c.set == SetOperator::ForAllValues) continue;
    for (const Text& v : c.values)
      if (is_account_id(v.value)) out.push_back(&v);
  }
  return out;
}

// The statement with a kms:ViaService condition naming Secrets Manager in `region`.
std::string fix_with_via_service(const Statement& st, const std::string& region) {
  Statement fixed = st;
  fixed.conditions.push_back(string_equals_condition("kms:ViaService", "secretsmanager." + region + ".amazonaws.com"));
  return statement_json(fixed);
}

void run(const RuleContext& ctx, FindingSink& sink) {
  for (const PolicyUse& use : ctx.policies) {
    if (use.kind != PolicyKind::KeyPolicy || !is_customer_policy(use)) continue;
    const Policy& policy = *use.policy;
    const std::string owner = key_policy_owner(use);
    if (owner.empty()) continue;
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
      if (has_via_service(st)) continue;
      std::vector<std::string> covered;
      for (auto a : kCryptoActions)
        if (statement_covers_action(st, ascii_lower(a))) covered.emplace_back(a);
      if (covered.empty()) continue;

      // Who outside the owner's account the statement names.
      std::vector<std::string> who;
      Range where;
      const ExternalPrincipals external = external_principals(st, owner);
      for (const PrincipalRef* p : external.principals) {
        who.push_back(describe_principal(*p));
        if (!where.known()) where = p->range;
      }
      if (external.star) {
        for (const Text* v : narrowed_accounts(st)) {
          if (v->value == owner) continue;
          who.push_back("account " + v->value + " (\"*\" with an account condition)");
          if (!where.known()) where = v->range;
        }
      }
      if (who.empty()) continue;

      // The action entries, as written, that grant one of those actions.
      std::string actions;
      if (st.not_action) {
        std::vector<std::string> excluded;
        for (const Text& a : st.actions) excluded.push_back(a.value);
        actions = "every action but " + join(excluded);
      } else {
        std::vector<std::string> granting;
        for (size_t i : granting_entries(st, covered)) granting.push_back(st.actions[i].value);
        actions = join(granting);
      }
      Finding f = make_finding(
          kTG203,
          fmt::format("{} of {} lets {}, outside the key's account {}, use the key directly ({}) without a "
                      "kms:ViaService condition",
                      describe_statement(policy, st), describe_policy(use), join(who), owner, actions),
          where.known() ? where : st.range);
      f.related.push_back(RelatedLocation{describe_statement(policy, st), st.range});
      if (use.key && !use.key->region.empty()) {
        f.fix = fix_with_via_service(st, use.key->region);
        f.fix_target = "replace " + describe_statement(policy, st) + " in " + describe_policy(use);
      }
      sink.add(std::move(f));
    }
  }
}

}  // namespace

}  // namespace threegate::rules
