#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "support.hpp"

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
        "service if the key serves one). If the other account must call KMS directly, suppress the finding with a "
        "reason.",
    },
    &run,
};

namespace {

// The data-key and cryptographic actions whose direct use from another account matters.
constexpr std::array<std::string_view, 8> kCryptoActions{
    "kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

// The owner: the key's account, the root allowed kms:PutKeyPolicy, or any principal allowed it
// (kms:PutKeyPolicy does not work across accounts, so only the owner's principals can hold it).
std::string infer_owner(const PolicyUse& use) {
  std::string owner = owner_account(use);
  if (!owner.empty()) return owner;
  for (const Statement& st : use.policy->statements) {
    if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
    if (!statement_covers_action(st, "kms:putkeypolicy")) continue;
    for (const PrincipalRef& p : st.principals) {
      std::string a = principal_account(p);
      if (!a.empty()) return a;
    }
  }
  return "";
}

// A condition that limits use to requests an AWS service makes (negated forms do not).
bool has_via_service(const Statement& st) {
  for (const Condition& c : st.conditions)
    if (c.key_lower == "kms:viaservice" && !is_negated_operator(c.op)) return true;
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

std::string fix_with_via_service(const Statement& st, const std::string& region) {
  auto one_or_list = [](const std::vector<std::string>& v) -> nlohmann::ordered_json {
    if (v.size() == 1) return v.front();
    return nlohmann::ordered_json(v);
  };
  nlohmann::ordered_json j;
  if (st.sid) j["Sid"] = st.sid->value;
  j["Effect"] = "Allow";
  nlohmann::ordered_json principal = nlohmann::ordered_json::object();
  bool any = false;
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const PrincipalRef& p : st.principals) {
    if (p.kind == PrincipalKind::Any) {
      any = true;
      continue;
    }
    const char* key = p.kind == PrincipalKind::Aws ? "AWS" : p.kind == PrincipalKind::Service ? "Service"
                                                   : p.kind == PrincipalKind::Federated     ? "Federated"
                                                                                           : "CanonicalUser";
    bool added = false;
    for (auto& g : groups)
      if (g.first == key) {
        g.second.push_back(p.value);
        added = true;
      }
    if (!added) groups.push_back({key, {p.value}});
  }
  for (auto& [key, values] : groups) principal[key] = one_or_list(values);
  j["Principal"] = any && groups.empty() ? nlohmann::ordered_json("*") : principal;
  std::vector<std::string> list;
  for (const Text& a : st.actions) list.push_back(a.value);
  j[st.not_action ? "NotAction" : "Action"] = one_or_list(list);
  if (st.has_resource) {
    list.clear();
    for (const Text& r : st.resources) list.push_back(r.value);
    j[st.not_resource ? "NotResource" : "Resource"] = one_or_list(list);
  }
  nlohmann::ordered_json cond = nlohmann::ordered_json::object();
  for (const Condition& c : st.conditions) {
    list.clear();
    for (const Text& v : c.values) list.push_back(v.value);
    cond[c.operator_text][c.key] = one_or_list(list);
  }
  cond["StringEquals"]["kms:ViaService"] = "secretsmanager." + region + ".amazonaws.com";
  j["Condition"] = cond;
  return j.dump(2);
}

void run(const RuleContext& ctx, FindingSink& sink) {
  for (const PolicyUse& use : ctx.policies) {
    if (!use.policy || use.kind != PolicyKind::KeyPolicy) continue;
    if (use.key && (use.key->modelled || use.key->manager == KeyManager::Aws)) continue;
    const Policy& policy = *use.policy;
    if (policy.id && policy.id->value.starts_with("auto-")) continue;  // an AWS-managed key's policy
    const std::string owner = infer_owner(use);
    if (owner.empty()) continue;
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
      if (has_via_service(st)) continue;
      std::vector<std::string> covered;
      for (auto a : kCryptoActions)
        if (statement_covers_action(st, lower(a))) covered.emplace_back(a);
      if (covered.empty()) continue;

      // Who outside the owner's account the statement names.
      std::vector<std::string> who;
      Range where;
      bool star = false;
      for (const PrincipalRef& p : st.principals) {
        if (p.kind == PrincipalKind::Any || (p.kind == PrincipalKind::Aws && p.value == "*")) {
          star = true;
          continue;
        }
        const std::string account = principal_account(p);
        if (account.empty() || account == owner) continue;
        who.push_back(is_account_root(p) ? "account " + account : p.value);
        if (!where.known()) where = p.range;
      }
      if (star) {
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
        actions = "every action but";
        for (const Text& a : st.actions) actions += " " + a.value;
      } else {
        for (size_t i = 0; i < st.actions.size() && i < st.actions_lower.size(); ++i) {
          bool hit = false;
          for (const auto& a : covered) hit = hit || action_matches(st.actions_lower[i], lower(a));
          if (hit) actions += (actions.empty() ? "" : ", ") + st.actions[i].value;
        }
      }
      std::string names;
      for (const auto& w : who) names += (names.empty() ? "" : ", ") + w;
      Finding f = make_finding(
          kTG203,
          fmt::format("{} of {} lets {}, outside the key's account {}, use the key directly ({}) without a "
                      "kms:ViaService condition",
                      describe_statement(policy, st), describe_policy(use), names, owner, actions),
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
