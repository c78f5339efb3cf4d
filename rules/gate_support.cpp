#include "gate_support.hpp"

#include <fmt/format.h>

#include <cctype>

#include <nlohmann/json.hpp>

#include "threegate/symbol.hpp"

namespace threegate::rules {
namespace {

std::string hit_label(const StatementHit& h) {
  std::string s = describe_statement(*h.policy, *h.statement);
  s += h.statement->effect == Effect::Allow ? " allows" : " denies";
  if (h.match == Tri::Unknown) s += " (depends on " + fmt::format("{}", fmt::join(h.unknown_keys, ", ")) + ")";
  return s;
}

const char* role_label(PolicyRole r) {
  switch (r) {
    case PolicyRole::Identity: return "identity policy";
    case PolicyRole::Resource: return "resource policy";
    case PolicyRole::Boundary: return "permission boundary";
    case PolicyRole::Session: return "session policy";
    case PolicyRole::Scp: return "SCP";
    case PolicyRole::Rcp: return "RCP";
  }
  return "policy";
}

// "the identity policy", or with its name when the statement has no location to show.
std::string policy_label(const StatementHit& h) {
  std::string label = std::string("the ") + role_label(h.role);
  bool located = h.statement->range.known() && h.statement->range.file->path().front() != '<';
  if (!located) label += " " + h.policy->name;
  return label;
}

void gate_lines(const char* name, const GateVerdict& g, Finding& f) {
  std::string head = fmt::format("gate {}: {}", name, gate_state_name(g.state));
  if (g.state == GateState::Closed && !g.explicit_deny && g.deciding.empty()) head += " (no statement allows)";
  if (g.explicit_deny) head += " (explicit deny)";
  if (!g.depends_on.empty()) head += fmt::format(" (depends on {})", fmt::join(g.depends_on, ", "));
  if (g.lacks_secret_access) head += " (no secretsmanager:GetSecretValue on the secret)";
  if (g.lacks_decrypt) head += " (no kms:Decrypt on the key)";
  f.related.push_back(RelatedLocation{head, {}});
  for (const auto& h : g.deciding) {
    f.related.push_back(RelatedLocation{fmt::format("  {} in {}", hit_label(h), policy_label(h)), h.statement->range});
  }
}

}  // namespace

std::string describe_caller(const ReadCheck& c) {
  // A principal given whole by a value known only after apply may be an account or an ARN.
  if (c.account_only && is_lone_symbol(c.principal.account, SymbolKind::Unknown)) return "the principal " + c.principal.account;
  if (c.account_only) return "account " + c.principal.account;
  return c.principal.arn;
}

std::string describe_read(const ReadCheck& c) {
  return fmt::format("{} reading {}{}", describe_caller(c), c.secret_arn,
                     c.replica ? fmt::format(" (replica in {})", c.region) : std::string());
}

void add_gate_lines(const ReadCheck& c, Finding& f) {
  gate_lines("key_policy", c.key_policy, f);
  gate_lines("secret_policy", c.secret_policy, f);
  gate_lines("caller_iam", c.caller_iam, f);
  for (const auto& h : c.guardrail_denies) {
    f.related.push_back(RelatedLocation{fmt::format("guardrail: {} in {}", hit_label(h), policy_label(h)), h.statement->range});
  }
  for (const auto& m : c.guardrail_missing) {
    std::string what = role_label(m.role);
    if (m.level >= 0) what += fmt::format(" level {}", m.level);
    f.related.push_back(RelatedLocation{fmt::format("guardrail: {} {} the request", what,
                                                    m.allowed == Tri::Unknown ? "may not allow" : "does not allow"),
                                        {}});
  }
}

std::string principal_for_policy(const ReadCheck& c) {
  if (c.account_only) return "arn:" + c.principal.partition + ":iam::" + c.principal.account + ":root";
  if (!c.principal.role_arn.empty()) return c.principal.role_arn;
  return c.principal.arn;
}

std::vector<RelatedLocation> explain_no_allow(const ReadCheck& c, const Policy& policy, bool key_side) {
  std::vector<RelatedLocation> out;
  // Evaluate, one by one, the conditions of the statements that name the caller and the action.
  const Request& req = key_side ? c.decrypt_request : c.read_request;
  std::string action_lower = key_side ? "kms:decrypt" : "secretsmanager:getsecretvalue";
  for (const auto& st : policy.statements) {
    if (st.effect != Effect::Allow) continue;
    if (!statement_covers_action(st, action_lower)) continue;
    if (match_principal(st, c.principal) == PrincipalMatch::None) continue;
    for (const auto& cond : st.conditions) {
      Tri t = evaluate_condition(cond, req, policy);
      if (t != Tri::False) continue;
      const ContextValue* have = req.context.find(cond.key_lower);
      std::string wanted;
      for (size_t i = 0; i < cond.values.size(); ++i) wanted += (i ? " or " : "") + cond.values[i].value;
      std::string actual = have && !have->values.empty() ? fmt::format("{}", fmt::join(have->values, ", ")) : "absent";
      out.push_back(RelatedLocation{
          fmt::format("{}: {} {} {} but the request has {}", describe_statement(policy, st), cond.key, cond.operator_text,
                      wanted, actual),
          cond.range});
    }
  }
  return out;
}

std::string first_failing_condition(const std::vector<RelatedLocation>& reasons) {
  if (reasons.empty()) return "";
  const std::string& m = reasons.front().message;
  auto colon = m.find(": ");
  return colon == std::string::npos ? m : m.substr(colon + 2);
}

namespace {
std::string sid_for(const ReadCheck& c, const char* prefix) {
  // Sids are alphanumeric: "AllowGetSecretValueForApp" for role/app.
  std::string name = c.account_only ? "Account" + c.principal.account : c.principal.name;
  std::string sid = prefix;
  bool upper = true;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) {
      upper = true;
      continue;
    }
    sid += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    upper = false;
  }
  return sid;
}
}  // namespace

std::string key_policy_fix(const ReadCheck& c) {
  nlohmann::ordered_json st;
  st["Sid"] = sid_for(c, "AllowSecretsManagerDecryptFor");
  st["Effect"] = "Allow";
  st["Principal"] = {{"AWS", principal_for_policy(c)}};
  st["Action"] = "kms:Decrypt";
  st["Resource"] = "*";
  st["Condition"] = {{"StringEquals",
                      {{"kms:ViaService", "secretsmanager." + c.region + ".amazonaws.com"},
                       {"kms:EncryptionContext:SecretARN", c.secret_arn}}}};
  return st.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string secret_policy_fix(const ReadCheck& c) {
  nlohmann::ordered_json st;
  st["Sid"] = sid_for(c, "AllowGetSecretValueFor");
  st["Effect"] = "Allow";
  st["Principal"] = {{"AWS", principal_for_policy(c)}};
  st["Action"] = "secretsmanager:GetSecretValue";
  st["Resource"] = "*";
  return st.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string identity_read_fix(const ReadCheck& c) {
  nlohmann::ordered_json st;
  st["Sid"] = "ReadSharedSecret";
  st["Effect"] = "Allow";
  st["Action"] = "secretsmanager:GetSecretValue";
  st["Resource"] = c.secret_arn;
  return st.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string identity_decrypt_fix(const ReadCheck& c) {
  nlohmann::ordered_json st;
  st["Sid"] = "DecryptSharedSecret";
  st["Effect"] = "Allow";
  st["Action"] = "kms:Decrypt";
  st["Resource"] = c.key ? c.key->arn : c.key_ref;
  st["Condition"] = {{"StringEquals", {{"kms:ViaService", "secretsmanager." + c.region + ".amazonaws.com"}}}};
  return st.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace threegate::rules
