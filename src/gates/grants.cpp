// KMS grants as the gates see them. A grant allows its grantee the listed operations on one key
// when its constraints hold, without a key policy statement and without an IAM allow of the
// grantee's own, also across accounts ("users and roles in the external account cannot use the
// CMK until you attach IAM policies that delegate those permissions, or use grants to manage
// access to the CMK", KMS guide `key-policy-modifying-external-accounts`). It never overrides a
// deny ("explicitly allowed, and never denied, in a key policy, IAM policy, or grant", KMS guide
// `key-policies`), and SCPs, RCPs and permission boundaries still limit the grantee as they limit
// any permission a resource grants (semantics 1.2, 1.4).
//
// So a grant becomes two statements with the grant's constraints as conditions: one appended to
// the key policy, naming the grantee (the key gate), and one identity statement given to the
// grantee alone (its own IAM then need not allow kms:Decrypt). A grant to an account principal
// delegates to that account's IAM, exactly as a key policy statement naming the account does, so
// it has no identity statement.
#include <algorithm>
#include <cctype>

#include "threegate/gates.hpp"

namespace threegate {
namespace {

Text text(std::string value, const Range& range) { return Text{std::move(value), range}; }

Condition condition(ConditionOperator op, SetOperator set, std::string key, std::vector<std::string> values,
                    const Range& range) {
  Condition c;
  c.op = op;
  c.set = set;
  c.operator_text = std::string(set == SetOperator::ForAllValues ? "ForAllValues:" : "") + condition_operator_name(op);
  c.key = std::move(key);
  c.key_lower = c.key;
  std::transform(c.key_lower.begin(), c.key_lower.end(), c.key_lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  for (auto& v : values) c.values.push_back(text(std::move(v), range));
  c.range = c.operator_range = c.key_range = range;
  return c;
}

// The grant's constraints as conditions on the request's encryption context (KMS API
// `GrantConstraints`): each pair must be present with that value; for EncryptionContextEquals no
// other key may be. Keys are case-insensitive in a grant constraint, as condition keys are.
std::vector<Condition> constraint_conditions(const KeyGrant& g) {
  std::vector<Condition> out;
  for (const auto* pairs : {&g.context_subset, &g.context_equals}) {
    for (const auto& [k, v] : *pairs) {
      out.push_back(condition(ConditionOperator::StringEquals, SetOperator::None, "kms:EncryptionContext:" + k, {v}, g.range));
    }
  }
  if (!g.context_equals.empty()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : g.context_equals) keys.push_back(k);
    out.push_back(condition(ConditionOperator::StringEqualsIgnoreCase, SetOperator::ForAllValues, "kms:EncryptionContextKeys",
                            std::move(keys), g.range));
  }
  return out;
}

Statement grant_statement(const KeyGrant& g, bool with_principal) {
  Statement st;
  st.sid = text("grant " + g.grant_id, g.range);
  st.effect = Effect::Allow;
  st.effect_range = st.range = st.action_range = st.resource_range = st.condition_range = g.range;
  if (with_principal) {
    st.principal_field = PrincipalField::Principal;
    st.principal_range = g.range;
    bool service = g.grantee.rfind("arn:", 0) != 0 && g.grantee.find('.') != std::string::npos;
    st.principals.push_back(PrincipalRef{service ? PrincipalKind::Service : PrincipalKind::Aws, g.grantee, g.range});
  }
  for (const auto& op : g.operations) {
    st.actions.push_back(text("kms:" + op, g.range));
    std::string lower = "kms:" + op;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    st.actions_lower.push_back(std::move(lower));
  }
  st.has_resource = true;
  st.resources.push_back(text("*", g.range));
  st.conditions = constraint_conditions(g);
  compile_statement(st);
  return st;
}

bool is_account_grantee(const std::string& grantee) {
  if (grantee.size() == 12 && grantee.find_first_not_of("0123456789") == std::string::npos) return true;
  ArnParts p;
  return split_arn(grantee, p) && p.service == "iam" && p.resource == "root";
}

}  // namespace

void compile_key_grants(KeyRecord& key) {
  key.policy_with_grants.reset();
  if (!key.policy || key.grants.empty()) return;
  Policy view = *key.policy;
  for (KeyGrant& g : key.grants) {
    view.statements.push_back(grant_statement(g, true));
    g.identity = Policy{};
    g.identity.kind = PolicyKind::Identity;
    g.identity.name = "KMS grant " + g.grant_id + " on " + key.arn;
    g.identity.range = g.range;
    if (!is_account_grantee(g.grantee)) g.identity.statements.push_back(grant_statement(g, false));
  }
  key.policy_with_grants = std::move(view);
}

}  // namespace threegate
