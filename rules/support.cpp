#include "support.hpp"

#include <algorithm>
#include <functional>

#include "threegate/symbol.hpp"

namespace threegate::rules {

Finding make_finding(const RuleInfo& rule, std::string message, Range range) {
  Finding f;
  f.rule_id = std::string(rule.id);
  f.rule_name = std::string(rule.name);
  f.severity = rule.severity;
  f.message = std::move(message);
  f.range = range;
  return f;
}

std::string describe_statement(const Policy& policy, const Statement& statement) {
  if (statement.sid && !statement.sid->value.empty()) return "statement \"" + statement.sid->value + "\"";
  // Its index by address, in constant time: rules describe every statement they report.
  const Statement* first = policy.statements.data();
  const Statement* last = first + policy.statements.size();
  if (std::less_equal<>()(first, &statement) && std::less<>()(&statement, last))
    return "statement " + std::to_string(&statement - first + 1);
  return "statement";
}

std::string describe_policy(const PolicyUse& use) {
  std::string kind = policy_kind_name(use.kind);
  if (use.key) return "key policy of " + use.key->arn;
  if (use.secret) return "secret policy of " + use.secret->arn;
  if (is_trust_use(use))  // Terraform and exports name them "<role> trust policy" already
    return use.policy->name.ends_with(" trust policy") ? use.policy->name : "role trust policy " + use.policy->name;
  return kind + " policy " + use.policy->name;
}

bool is_trust_use(const PolicyUse& use) {
  return use.policy && use.kind == PolicyKind::Unknown && is_trust_policy(*use.policy);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

bool is_wildcard_principal(const PrincipalRef& principal) {
  return principal.kind == PrincipalKind::Any || (principal.kind == PrincipalKind::Aws && principal.value == "*");
}

// A whole principal entry that is one Unknown symbol may be an account or an ARN: neither is
// assumed.
bool unknown_entry(const PrincipalRef& principal) { return is_lone_symbol(principal.value, SymbolKind::Unknown); }

std::string principal_account(const PrincipalRef& principal) {
  if (principal.kind != PrincipalKind::Aws || unknown_entry(principal)) return "";
  if (is_account_id(principal.value)) return principal.value;
  ArnParts a;
  if (!split_arn(principal.value, a) || !is_account_id(a.account)) return "";
  return a.account;
}

bool is_account_root(const PrincipalRef& principal) {
  if (principal.kind != PrincipalKind::Aws || unknown_entry(principal)) return false;
  if (is_account_id(principal.value)) return true;
  ArnParts a;
  return split_arn(principal.value, a) && a.service == "iam" && a.resource == "root" && is_account_id(a.account);
}

bool statement_covers_action(const Statement& statement, std::string_view action_lower) {
  bool any = false;
  for (const auto& a : statement.actions_lower) any = any || action_matches(a, action_lower);
  return statement.not_action ? !any : any;
}

bool has_condition_key(const Statement& statement, std::string_view key_lower) {
  for (const auto& c : statement.conditions) {
    if (c.key_lower == key_lower) return true;
  }
  return false;
}

std::string owner_account(const PolicyUse& use) {
  if (!use.owner_account.empty()) return use.owner_account;
  if (use.kind != PolicyKind::KeyPolicy || !use.policy) return "";
  for (const auto& st : use.policy->statements) {
    if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
    if (!statement_covers_action(st, "kms:putkeypolicy")) continue;
    for (const auto& p : st.principals) {
      if (is_account_root(p)) return principal_account(p);
    }
  }
  return "";
}

}  // namespace threegate::rules
