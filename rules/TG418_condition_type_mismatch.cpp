#include <fmt/format.h>

#include <cctype>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG418;
const RuleInfo kTG418{
    "TG418",
    "condition-type-mismatch",
    Severity::Warning,
    "validation",
    "a condition operator does not fit its key's type, or a value does not fit the operator",
    {
        "Compares each condition operator with the type of its key in AWS's service authorization catalog: a "
        "`String…` operator on a `Bool`, `Date`, `Numeric` or `IPAddress` key, a `Bool`, `Date`, `Numeric` or "
        "`IpAddress` operator on a key of another type, and `StringLike` / `StringNotLike` on an `ARN` key (use `ArnLike`). It also checks the values: `Bool` takes `true` or `false`, `Numeric…` numbers, `Date…` ISO "
        "8601 dates or epoch seconds, `IpAddress` IPv4 or IPv6 addresses or CIDR blocks. Values with policy "
        "variables or values known only after apply are skipped.",
        "AWS compares the request's value with the operator's type: `\"StringEquals\": {\"aws:SecureTransport\": "
        "\"True\"}` never matches (the key is `true`), a date that does not parse makes the condition false, and a "
        "`StringLike` on an ARN key compares text where an ARN comparison was meant (AWS's validator reports it as a "
        "security warning).",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*",
   "Condition": {"StringEquals": {"aws:SecureTransport": "false"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*",
   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})",
        "Use the operator of the key's type (the message names it), or correct the value.",
    },
    &run,
};

namespace {

using catalog::KeyType;

enum class Family { String, Numeric, Date, Bool, Binary, Ip, Arn, Null };

Family family(ConditionOperator op) {
  switch (op) {
    case ConditionOperator::StringEquals: case ConditionOperator::StringNotEquals:
    case ConditionOperator::StringEqualsIgnoreCase: case ConditionOperator::StringNotEqualsIgnoreCase:
    case ConditionOperator::StringLike: case ConditionOperator::StringNotLike:
      return Family::String;
    case ConditionOperator::NumericEquals: case ConditionOperator::NumericNotEquals:
    case ConditionOperator::NumericLessThan: case ConditionOperator::NumericLessThanEquals:
    case ConditionOperator::NumericGreaterThan: case ConditionOperator::NumericGreaterThanEquals:
      return Family::Numeric;
    case ConditionOperator::DateEquals: case ConditionOperator::DateNotEquals: case ConditionOperator::DateLessThan:
    case ConditionOperator::DateLessThanEquals: case ConditionOperator::DateGreaterThan:
    case ConditionOperator::DateGreaterThanEquals:
      return Family::Date;
    case ConditionOperator::Bool: return Family::Bool;
    case ConditionOperator::BinaryEquals: return Family::Binary;
    case ConditionOperator::IpAddress: case ConditionOperator::NotIpAddress: return Family::Ip;
    case ConditionOperator::ArnEquals: case ConditionOperator::ArnLike: case ConditionOperator::ArnNotEquals:
    case ConditionOperator::ArnNotLike:
      return Family::Arn;
    case ConditionOperator::Null: break;
  }
  return Family::Null;
}

const char* operators_for(KeyType t) {
  switch (catalog::scalar_type(t)) {
    case KeyType::Bool: return "Bool";
    case KeyType::Date: return "Date (DateEquals, DateLessThan, …)";
    case KeyType::Numeric: return "Numeric (NumericEquals, NumericLessThan, …)";
    case KeyType::IpAddress: return "IpAddress / NotIpAddress";
    case KeyType::Arn: return "ARN (ArnLike, ArnEquals, …)";
    case KeyType::Binary: return "BinaryEquals";
    default: return "String (StringEquals, StringLike, …)";
  }
}

// Whether the operator family can compare values of the key's type.
bool fits(Family f, KeyType t) {
  switch (catalog::scalar_type(t)) {
    case KeyType::String: return f == Family::String;
    case KeyType::Arn: return f == Family::Arn;
    case KeyType::Numeric: return f == Family::Numeric;
    case KeyType::Date: return f == Family::Date || f == Family::Numeric;  // epoch seconds compare as numbers
    case KeyType::Bool: return f == Family::Bool;
    case KeyType::IpAddress: return f == Family::Ip;
    case KeyType::Binary: return f == Family::Binary;
    default: return true;
  }
}

bool is_number(std::string_view v) {
  size_t i = 0;
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
  bool digits = false, dot = false;
  for (; i < v.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(v[i]))) digits = true;
    else if (v[i] == '.' && !dot) dot = true;
    else return false;
  }
  return digits;
}

bool digits(std::string_view v, size_t at, size_t n) {
  if (at + n > v.size()) return false;
  for (size_t i = at; i < at + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
  return true;
}

// ISO 8601 (a date, optionally a time and zone) or epoch seconds.
bool is_date(std::string_view v) {
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos) return true;
  if (!digits(v, 0, 4) || v.size() < 10 || v[4] != '-' || !digits(v, 5, 2) || v[7] != '-' || !digits(v, 8, 2))
    return false;
  const int month = (v[5] - '0') * 10 + (v[6] - '0'), day = (v[8] - '0') * 10 + (v[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (v.size() == 10) return true;
  if (v[10] != 'T' && v[10] != 't') return false;
  if (!digits(v, 11, 2) || v.size() < 16 || v[13] != ':' || !digits(v, 14, 2)) return false;
  size_t i = 16;
  if (i < v.size() && v[i] == ':') {
    if (!digits(v, i + 1, 2)) return false;
    i += 3;
    if (i < v.size() && v[i] == '.') {
      ++i;
      while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    }
  }
  if (i == v.size()) return true;
  if (v[i] == 'Z' || v[i] == 'z') return i + 1 == v.size();
  if (v[i] == '+' || v[i] == '-') return digits(v, i + 1, 2) && (v.size() == i + 3 || (v.size() == i + 6 && v[i + 3] == ':' && digits(v, i + 4, 2)));
  return false;
}

bool is_ipv4(std::string_view v) {
  int parts = 0;
  size_t i = 0;
  while (i <= v.size()) {
    size_t j = i;
    int n = 0;
    while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j])) && j - i < 3) n = n * 10 + (v[j++] - '0');
    if (j == i || n > 255) return false;
    ++parts;
    if (j == v.size()) return parts == 4;
    if (v[j] != '.') return false;
    i = j + 1;
  }
  return false;
}

bool is_ip(std::string_view v) {
  const size_t slash = v.find('/');
  std::string_view addr = v.substr(0, slash);
  if (slash != std::string_view::npos) {
    const std::string_view bits = v.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string_view::npos) return false;
    if (std::stoi(std::string(bits)) > (addr.find(':') != std::string_view::npos ? 128 : 32)) return false;
  }
  if (addr.find(':') == std::string_view::npos) return is_ipv4(addr);
  // IPv6: hex groups, at most one "::"
  if (addr.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) return false;
  return addr.find(":::") == std::string_view::npos && addr.size() >= 2;
}

std::string bad_value(Family f, const Text& v) {
  using namespace validation;
  if (symbolic(v.value) || v.value.find("${") != std::string::npos) return "";
  switch (f) {
    case Family::Bool:
      if (v.value != "true" && v.value != "false" && v.value != "True" && v.value != "False" && v.value != "TRUE" &&
          v.value != "FALSE")
        return "is not a boolean (true or false)";
      break;
    case Family::Numeric:
      if (!is_number(v.value)) return "is not a number";
      break;
    case Family::Date:
      if (!is_date(v.value)) return "is not a date (ISO 8601, such as 2026-01-31T00:00:00Z, or epoch seconds)";
      break;
    case Family::Ip:
      if (!is_ip(v.value)) return "is not an IP address or CIDR block (203.0.113.0/24, 2001:db8::/32)";
      break;
    default: break;
  }
  return "";
}

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      for (const Condition& c : st.conditions) {
        const Family f = family(c.op);
        if (f == Family::Null) continue;
        bool reported_value = false;
        for (const Text& v : c.values) {
          const std::string why = bad_value(f, v);
          if (why.empty()) continue;
          sink.add(make_finding(kTG418, fmt::format("the value \"{}\" of {} under {} {}", v.value, c.key,
                                                    c.operator_text, why),
                                v.range));
          reported_value = true;
        }
        if (reported_value || symbolic(c.key)) continue;
        const auto key = catalog::find_condition_key(c.key);
        if (!key || fits(f, key->type)) continue;
        const KeyType t = catalog::scalar_type(key->type);
        if (t == KeyType::String && (f == Family::Arn || f == Family::Binary)) continue;  // ARNs held as strings
        // An exact string comparison of an ARN is sound; patterns are where ARN matching differs.
        if (t == KeyType::Arn && f == Family::String && c.op != ConditionOperator::StringLike &&
            c.op != ConditionOperator::StringNotLike)
          continue;
        std::string message;
        if (t == KeyType::Arn && f == Family::String) {
          message = fmt::format("{} is an ARN key: compare it with an ARN operator (ArnLike, ArnEquals) instead of {}",
                                c.key, c.operator_text);
        } else {
          message = fmt::format("{} is a {} key: use a {} operator instead of {}", c.key, catalog::key_type_name(t),
                                operators_for(t), c.operator_text);
        }
        sink.add(make_finding(kTG418, message, c.key_range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
