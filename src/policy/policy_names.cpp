#include <array>
#include <string_view>

#include "threegate/diagnostic.hpp"
#include "threegate/policy.hpp"
#include "threegate/symbol.hpp"

namespace threegate {

bool is_account_id(std::string_view s) {
  if (s.size() >= 3 && s.front() == kSymbolBegin && s.back() == kSymbolEnd)
    return s.find(kSymbolBegin, 1) == std::string_view::npos;
  if (s.size() != 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
namespace {

struct OperatorName {
  std::string_view name;
  ConditionOperator op;
};

constexpr std::array<OperatorName, 27> kOperators{{
    {"StringEquals", ConditionOperator::StringEquals},
    {"StringNotEquals", ConditionOperator::StringNotEquals},
    {"StringEqualsIgnoreCase", ConditionOperator::StringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", ConditionOperator::StringNotEqualsIgnoreCase},
    {"StringLike", ConditionOperator::StringLike},
    {"StringNotLike", ConditionOperator::StringNotLike},
    {"NumericEquals", ConditionOperator::NumericEquals},
    {"NumericNotEquals", ConditionOperator::NumericNotEquals},
    {"NumericLessThan", ConditionOperator::NumericLessThan},
    {"NumericLessThanEquals", ConditionOperator::NumericLessThanEquals},
    {"NumericGreaterThan", ConditionOperator::NumericGreaterThan},
    {"NumericGreaterThanEquals", ConditionOperator::NumericGreaterThanEquals},
    {"DateEquals", ConditionOperator::DateEquals},
    {"DateNotEquals", ConditionOperator::DateNotEquals},
    {"DateLessThan", ConditionOperator::DateLessThan},
    {"DateLessThanEquals", ConditionOperator::DateLessThanEquals},
    {"DateGreaterThan", ConditionOperator::DateGreaterThan},
    {"DateGreaterThanEquals", ConditionOperator::DateGreaterThanEquals},
    {"Bool", ConditionOperator::Bool},
    {"BinaryEquals", ConditionOperator::BinaryEquals},
    {"IpAddress", ConditionOperator::IpAddress},
    {"NotIpAddress", ConditionOperator::NotIpAddress},
    {"ArnEquals", ConditionOperator::ArnEquals},
    {"ArnLike", ConditionOperator::ArnLike},
    {"ArnNotEquals", ConditionOperator::ArnNotEquals},
    {"ArnNotLike", ConditionOperator::ArnNotLike},
    {"Null", ConditionOperator::Null},
}};

}  // namespace

// Operator names are matched exactly: AWS rejects "stringequals".
bool parse_condition_operator(std::string_view name, ConditionOperator& out) {
  for (const auto& o : kOperators) {
    if (o.name == name) {
      out = o.op;
      return true;
    }
  }
  return false;
}

const char* condition_operator_name(ConditionOperator op) {
  for (const auto& o : kOperators) {
    if (o.op == op) return o.name.data();
  }
  return "?";
}

bool is_negated_operator(ConditionOperator op) {
  switch (op) {
    case ConditionOperator::StringNotEquals:
    case ConditionOperator::StringNotEqualsIgnoreCase:
    case ConditionOperator::StringNotLike:
    case ConditionOperator::NumericNotEquals:
    case ConditionOperator::DateNotEquals:
    case ConditionOperator::NotIpAddress:
    case ConditionOperator::ArnNotEquals:
    case ConditionOperator::ArnNotLike:
      return true;
    default:
      return false;
  }
}

bool is_trust_policy(const Policy& policy) {
  if (policy.statements.empty()) return false;
  for (const Statement& st : policy.statements) {
    if (st.principal_field == PrincipalField::None || st.not_action || st.actions_lower.empty()) return false;
    for (const std::string& a : st.actions_lower) {
      if (!(a.starts_with("sts:assumerole") || a == "sts:tagsession" || a == "sts:setsourceidentity" ||
            a == "sts:setcontext"))
        return false;
    }
  }
  return true;
}

const char* policy_kind_name(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::Unknown: return "unknown";
    case PolicyKind::Identity: return "identity";
    case PolicyKind::KeyPolicy: return "key";
    case PolicyKind::SecretPolicy: return "secret";
    case PolicyKind::Scp: return "scp";
    case PolicyKind::Rcp: return "rcp";
    case PolicyKind::Boundary: return "boundary";
    case PolicyKind::Session: return "session";
  }
  return "unknown";
}

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

}  // namespace threegate
