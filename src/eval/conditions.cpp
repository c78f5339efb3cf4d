// Condition operators (reference_policies_elements_condition_operators). Values of one key are
// ORed; negated operators hold when no value matches; unparseable values match nothing.
#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "eval/eval_internal.hpp"

namespace threegate::eval_detail {

namespace {

using Op = ConditionOperator;

bool negated(Op op) {
  switch (op) {
    case Op::StringNotEquals:
    case Op::StringNotEqualsIgnoreCase:
    case Op::StringNotLike:
    case Op::NumericNotEquals:
    case Op::DateNotEquals:
    case Op::NotIpAddress:
    case Op::ArnNotEquals:
    case Op::ArnNotLike: return true;
    default: return false;
  }
}

// Operators whose policy values take ${...} variables.
bool takes_variables(Op op) {
  switch (op) {
    case Op::StringEquals:
    case Op::StringNotEquals:
    case Op::StringEqualsIgnoreCase:
    case Op::StringNotEqualsIgnoreCase:
    case Op::StringLike:
    case Op::StringNotLike:
    case Op::ArnEquals:
    case Op::ArnLike:
    case Op::ArnNotEquals:
    case Op::ArnNotLike: return true;
    default: return false;
  }
}

bool uses_glob(Op op) {
  return op == Op::StringLike || op == Op::StringNotLike || op == Op::ArnEquals || op == Op::ArnLike ||
         op == Op::ArnNotEquals || op == Op::ArnNotLike;
}

template <typename T>
bool compare(Op op, T request, T policy) {
  switch (op) {
    case Op::NumericEquals:
    case Op::NumericNotEquals:
    case Op::DateEquals:
    case Op::DateNotEquals: return request == policy;
    case Op::NumericLessThan:
    case Op::DateLessThan: return request < policy;
    case Op::NumericLessThanEquals:
    case Op::DateLessThanEquals: return request <= policy;
    case Op::NumericGreaterThan:
    case Op::DateGreaterThan: return request > policy;
    case Op::NumericGreaterThanEquals:
    case Op::DateGreaterThanEquals: return request >= policy;
    default: return false;
  }
}

// The positive sense of the operator for one request value and one policy value (already
// substituted; `escaped` when it came from variable substitution).
bool positive_match(Op op, std::string_view request, std::string_view policy, bool escaped) {
  switch (op) {
    case Op::StringEquals:
    case Op::StringNotEquals: return request == policy;
    case Op::StringEqualsIgnoreCase:
    case Op::StringNotEqualsIgnoreCase: return iequals(request, policy);
    case Op::StringLike:
    case Op::StringNotLike:
      return escaped ? glob<false, true>(policy, request) : glob<false, false>(policy, request);
    case Op::NumericEquals:
    case Op::NumericNotEquals:
    case Op::NumericLessThan:
    case Op::NumericLessThanEquals:
    case Op::NumericGreaterThan:
    case Op::NumericGreaterThanEquals: {
      double a = 0, b = 0;
      return parse_number(request, a) && parse_number(policy, b) && compare(op, a, b);
    }
    case Op::DateEquals:
    case Op::DateNotEquals:
    case Op::DateLessThan:
    case Op::DateLessThanEquals:
    case Op::DateGreaterThan:
    case Op::DateGreaterThanEquals: {
      double a = 0, b = 0;
      return parse_date(request, a) && parse_date(policy, b) && compare(op, a, b);
    }
    case Op::Bool: {
      bool a = false, b = false;
      return parse_bool(request, a) && parse_bool(policy, b) && a == b;
    }
    case Op::BinaryEquals: {
      std::string a, b;
      return base64_decode(request, a) && base64_decode(policy, b) && a == b;
    }
    case Op::IpAddress:
    case Op::NotIpAddress: {
      IpValue addr, block;
      return parse_ip(request, addr) && parse_ip(policy, block) && ip_in(addr, block);
    }
    // ArnEquals and ArnLike both match segment by segment with wildcards (AWS docs list
    // ArnEquals as "case-sensitive matching of the ARN ... each of the six colon-delimited
    // components is checked separately and each can include wildcards").
    case Op::ArnEquals:
    case Op::ArnLike:
    case Op::ArnNotEquals:
    case Op::ArnNotLike: return arn_matches_escaped(policy, request);
    case Op::Null: return false;
  }
  return false;
}

// positive_match in three values, for a request or policy value holding symbols.
Tri symbolic_match(Op op, std::string_view request, std::string_view policy, bool escaped, KeySink* sink) {
  switch (op) {
    case Op::StringEquals:
    case Op::StringNotEquals: return symbolic_equal(request, policy, false, sink);
    case Op::StringEqualsIgnoreCase:
    case Op::StringNotEqualsIgnoreCase: return symbolic_equal(request, policy, true, sink);
    case Op::StringLike:
    case Op::StringNotLike: return symbolic_glob(policy, request, false, escaped, sink);
    case Op::ArnEquals:
    case Op::ArnLike:
    case Op::ArnNotEquals:
    case Op::ArnNotLike: return symbolic_arn(policy, request, escaped, sink);
    default:
      // A number, date, address or flag that is not known yet may be anything.
      if (has_unknown_symbol(request) || has_unknown_symbol(policy)) {
        note_unknown_symbols(request, sink);
        note_unknown_symbols(policy, sink);
        return Tri::Unknown;
      }
      return to_tri(positive_match(op, request, policy, escaped));
  }
}

// any_value when the request value or a policy value holds symbols.
Tri any_value_symbolic(const Condition& c, std::string_view v, const RequestContext& ctx, bool variables,
                       KeySink* sink) {
  const bool subst = variables && takes_variables(c.op);
  Tri result = Tri::False;
  std::string buffer;
  for (const Text& pv : c.values) {
    Tri t = Tri::False;
    if (subst && has_variable(pv.value)) {
      switch (substitute(pv.value, ctx, uses_glob(c.op), buffer, sink)) {
        case Subst::Ok: t = symbolic_match(c.op, v, buffer, uses_glob(c.op), sink); break;
        case Subst::NoMatch: break;
        case Subst::Unknown: t = Tri::Unknown; break;
      }
    } else {
      t = symbolic_match(c.op, v, pv.value, false, sink);
    }
    result = tri_or(result, t);
    if (result == Tri::True) return result;
  }
  return result;
}

// Does any policy value match request value `v` (positive sense)?
Tri any_value(const Condition& c, std::string_view v, bool v_symbolic, const RequestContext& ctx, bool variables,
              KeySink* sink) {
  // Symbols (symbol.hpp) are matched in three values; nothing else pays for them.
  if ((c.compiled && c.values_have_symbols) || v_symbolic ||
      (!c.compiled && std::any_of(c.values.begin(), c.values.end(), [](const Text& t) { return has_symbol(t.value); })))
    return any_value_symbolic(c, v, ctx, variables, sink);
  // The parser noted whether any value holds "${" (Condition::compiled): then none is searched.
  const bool subst = variables && takes_variables(c.op) && (!c.compiled || c.values_have_variables);
  // The commonest case, StringEquals/StringNotEquals on literal values, without the general switch.
  if (!subst && (c.op == Op::StringEquals || c.op == Op::StringNotEquals)) {
    for (const Text& pv : c.values)
      if (pv.value.size() == v.size() && same_bytes(pv.value.data(), v.data(), v.size())) return Tri::True;
    return Tri::False;
  }
  Tri result = Tri::False;
  std::string buffer;
  for (const Text& pv : c.values) {
    if (subst && has_variable(pv.value)) {
      switch (substitute(pv.value, ctx, uses_glob(c.op), buffer, sink)) {
        case Subst::Ok:
          if (has_symbol(buffer)) {  // a substituted value not known before apply
            result = tri_or(result, symbolic_match(c.op, v, buffer, uses_glob(c.op), sink));
            if (result == Tri::True) return result;
          } else if (positive_match(c.op, v, buffer, true)) {
            return Tri::True;
          }
          break;
        case Subst::NoMatch: break;
        case Subst::Unknown: result = Tri::Unknown; break;
      }
    } else if (positive_match(c.op, v, pv.value, false)) {
      return Tri::True;
    }
  }
  return result;
}

// Result for a key absent from the request (semantics 1.11).
Tri absent_result(const Condition& c) {
  if (c.if_exists) return Tri::True;
  if (c.set == SetOperator::ForAllValues) return Tri::True;
  if (c.set == SetOperator::ForAnyValue) return Tri::False;
  return to_tri(negated(c.op));
}

Tri eval_null(const Condition& c, const ContextValue* v, const RequestContext& ctx, KeySink* sink) {
  Tri present = Tri::True;
  if (!v) present = ctx.absent_key_unknown(c.key_lower) ? Tri::Unknown : Tri::False;
  else if (!v->unknown && v->multi && v->values.empty()) present = Tri::False;  // empty set = absent
  Tri result = Tri::False;
  for (const Text& pv : c.values) {
    bool want_absent = false;
    if (!parse_bool(pv.value, want_absent)) continue;
    result = tri_or(result, want_absent ? tri_not(present) : present);
  }
  if (result == Tri::Unknown && sink) sink->push_back(c.key);
  return result;
}

Tri eval_one(const Condition& c, const RequestContext& ctx, bool variables, KeySink* sink) {
  const ContextValue* v = c.compiled ? ctx.find(c.key_lower, c.key_hash) : ctx.find(c.key_lower);
  if (c.op == Op::Null) return eval_null(c, v, ctx, sink);
  if (!v) {
    if (!ctx.absent_key_unknown(c.key_lower)) return absent_result(c);
    if (sink) sink->push_back(c.key);
    return Tri::Unknown;
  }
  if (v->unknown) {
    if (sink) sink->push_back(c.key);
    return Tri::Unknown;
  }
  if (v->values.empty()) return absent_result(c);
  const bool neg = negated(c.op);
  // Each request value: does it satisfy the operator (negation applied per value for set
  // operators)? Re-evaluated with the sink only when unknown, so only keys that matter are kept.
  auto per_value = [&](std::string_view value) {
    Tri t = any_value(c, value, v->symbolic, ctx, variables, nullptr);
    if (t == Tri::Unknown && sink) any_value(c, value, v->symbolic, ctx, variables, sink);
    return t;
  };
  if (c.set == SetOperator::None) {
    // A multi-valued key without a set operator: true when any value matches (negated: when
    // none does) — AWS requires a set operator there and documents no other behaviour.
    Tri any = Tri::False;
    for (const auto& value : v->values) {
      any = tri_or(any, per_value(value));
      if (any == Tri::True) break;
    }
    return neg ? tri_not(any) : any;
  }
  const bool all = c.set == SetOperator::ForAllValues;
  Tri result = all ? Tri::True : Tri::False;
  for (const auto& value : v->values) {
    Tri t = per_value(value);
    if (neg) t = tri_not(t);
    result = all ? tri_and(result, t) : tri_or(result, t);
    if (result == (all ? Tri::False : Tri::True)) break;
  }
  return result;
}

}  // namespace

Tri eval_condition(const Condition& condition, const RequestContext& context, bool variables) {
  return eval_one(condition, context, variables, nullptr);
}

Tri eval_conditions(const Statement& statement, const RequestContext& context, bool variables,
                    KeySink* sink) {
  Tri result = Tri::True;
  for (const Condition& c : statement.conditions) {
    const Tri t = eval_one(c, context, variables, nullptr);
    if (t == Tri::False) return Tri::False;
    if (t == Tri::Unknown) result = Tri::Unknown;
  }
  if (result == Tri::Unknown && sink)
    for (const Condition& c : statement.conditions)
      if (eval_one(c, context, variables, nullptr) == Tri::Unknown) eval_one(c, context, variables, sink);
  return result;
}

// ---- value parsing -------------------------------------------------------------------------

bool parse_number(std::string_view text, double& out) {
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_bool(std::string_view text, bool& out) {
  if (iequals(text, "true")) out = true;
  else if (iequals(text, "false")) out = false;
  else return false;
  return true;
}

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

}  // namespace

// W3C profile of ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD, then Thh:mm[:ss[.s]] with Z or ±hh:mm)
// or epoch seconds, as the Date operators accept.
bool parse_date(std::string_view s, double& out) {
  if (s.empty()) return false;
  // Digits only (no '-', 'T' or ':'): epoch seconds.
  if (s.find('-', 1) == std::string_view::npos && s.find('T') == std::string_view::npos &&
      s.find(':') == std::string_view::npos)
    return parse_number(s, out);
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  if (!digits(s, 0, 4, year)) return false;
  size_t pos = 4;
  if (pos < s.size() && s[pos] == '-') {
    if (!digits(s, pos + 1, 2, month)) return false;
    pos += 3;
    if (pos < s.size() && s[pos] == '-') {
      if (!digits(s, pos + 1, 2, day)) return false;
      pos += 3;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  double fraction = 0;
  long long offset = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't')) {
    if (!digits(s, pos + 1, 2, hour) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, minute))
      return false;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, pos + 1, 2, second)) return false;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        size_t end = pos + 1;
        while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
        if (end == pos + 1) return false;
        double f = 0;
        if (!parse_number(s.substr(pos, end - pos), f)) return false;
        fraction = f;
        pos = end;
      }
    }
    if (hour > 24 || minute > 59 || second > 60) return false;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int oh = 0, om = 0;
      const int sign = s[pos] == '-' ? -1 : 1;
      if (!digits(s, pos + 1, 2, oh)) return false;
      size_t mpos = pos + 3;
      if (mpos < s.size() && s[mpos] == ':') ++mpos;
      if (!digits(s, mpos, 2, om)) return false;
      offset = sign * (oh * 3600LL + om * 60LL);
      pos = mpos + 2;
    }
  }
  if (pos != s.size()) return false;
  const long long secs = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400LL +
                         hour * 3600LL + minute * 60LL + second - offset;
  out = static_cast<double>(secs) + fraction;
  return true;
}

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  unsigned buffer = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') {
      ++padding;
      continue;
    } else {
      return false;
    }
    if (padding) return false;  // data after padding
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return padding <= 2 && !text.empty();
}

bool parse_ip(std::string_view text, IpValue& out) {
  out = IpValue{};
  std::string_view address = text;
  int prefix = -1;
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    const std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return false;
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return false;
      prefix = prefix * 10 + (c - '0');
    }
  }
  char buf[64];
  if (address.empty() || address.size() >= sizeof buf) return false;
  std::memcpy(buf, address.data(), address.size());
  buf[address.size()] = '\0';
  out.v6 = address.find(':') != std::string_view::npos;
  if (inet_pton(out.v6 ? AF_INET6 : AF_INET, buf, out.bytes) != 1) return false;
  const int max = out.v6 ? 128 : 32;
  if (prefix > max) return false;
  out.prefix = prefix < 0 ? max : prefix;
  return true;
}

bool ip_in(const IpValue& address, const IpValue& block) {
  if (address.v6 != block.v6) return false;
  int bits = block.prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const unsigned mask = bits >= 8 ? 0xFFu : (0xFFu << (8 - bits)) & 0xFFu;
    if ((address.bytes[i] & mask) != (block.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace threegate::eval_detail

namespace threegate {

Tri evaluate_condition(const Condition& condition, const Request& request, const Policy& policy) {
  return eval_detail::eval_condition(condition, request.context, policy.variables_enabled());
}

}  // namespace threegate
