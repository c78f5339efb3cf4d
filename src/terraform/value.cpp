// Values: builders, number formatting, equality in three values, string conversion.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "terraform/internal.hpp"

namespace threegate::tf {

const Value* Value::find(std::string_view key) const {
  if (kind != Kind::Object) return nullptr;
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

std::string partition_of_region(std::string_view region) {
  if (region.empty() || has_symbol(region)) return "";
  auto starts = [&](std::string_view p) { return region.substr(0, p.size()) == p; };
  if (starts("cn-")) return "aws-cn";
  if (starts("us-gov-")) return "aws-us-gov";
  if (starts("us-isob-")) return "aws-iso-b";
  if (starts("us-isof-")) return "aws-iso-f";
  if (starts("us-iso-")) return "aws-iso";
  if (starts("eu-isoe-")) return "aws-iso-e";
  return "aws";
}

namespace detail {

Value null_value(Range r) {
  Value v;
  v.range = r;
  return v;
}

Value bool_value(bool b, Range r) {
  Value v;
  v.kind = Value::Kind::Bool;
  v.boolean = b;
  v.range = r;
  return v;
}

Value number_value(double d, Range r) { return number_text(format_number(d), r); }

Value number_text(std::string text, Range r) {
  Value v;
  v.kind = Value::Kind::Number;
  v.text = std::move(text);
  v.range = r;
  return v;
}

Value string_value(std::string s, Range r) {
  Value v;
  v.kind = Value::Kind::String;
  v.text = std::move(s);
  v.range = r;
  return v;
}

Value list_value(std::vector<Value> items, Range r) {
  Value v;
  v.kind = Value::Kind::List;
  v.items = std::move(items);
  v.range = r;
  return v;
}

Value object_value(Members members, Range r) {
  Value v;
  v.kind = Value::Kind::Object;
  v.members = std::move(members);
  v.key_ranges.resize(v.members.size());
  v.range = r;
  return v;
}

Value unknown_value(std::string symbol, Range r, std::vector<std::string> reasons) {
  Value v;
  v.kind = Value::Kind::Unknown;
  if (reasons.empty()) reasons.push_back(symbol);
  v.text = std::move(symbol);
  v.unknown = std::move(reasons);
  v.range = r;
  return v;
}

void add_reasons(Value& into, const Value& from) {
  for (const auto& r : from.unknown) {
    if (into.unknown.size() >= 8) return;
    bool seen = false;
    for (const auto& have : into.unknown) seen = seen || have == r;
    if (!seen) into.unknown.push_back(r);
  }
}

Value unknown_from(std::string symbol, Range r, std::initializer_list<const Value*> operands) {
  Value v = unknown_value(std::move(symbol), r, {});
  v.unknown.clear();
  for (const Value* o : operands) {
    if (o && o->is_unknown()) add_reasons(v, *o);
  }
  if (v.unknown.empty()) v.unknown.push_back(v.text);
  return v;
}

Value unknown_from(std::string symbol, Range r, const std::vector<Value>& operands) {
  Value v = unknown_value(std::move(symbol), r, {});
  v.unknown.clear();
  for (const Value& o : operands) {
    const Value* u = nullptr;
    first_unknown(o, u);
    if (u) add_reasons(v, *u);
  }
  if (v.unknown.empty()) v.unknown.push_back(v.text);
  return v;
}

std::string format_number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
    return std::string(buf, r.ptr);
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

bool number_of(const Value& v, double& out) {
  if (v.kind != Value::Kind::Number && v.kind != Value::Kind::String) return false;
  std::string_view t = v.text;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  if (t.empty()) return false;
  if (t.front() == '+') t.remove_prefix(1);
  auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

bool string_of(const Value& v, std::string& out) {
  switch (v.kind) {
    case Value::Kind::String:
    case Value::Kind::Number:
      out = v.text;
      return true;
    case Value::Kind::Bool:
      out = v.boolean ? "true" : "false";
      return true;
    case Value::Kind::Unknown:
      out = make_symbol(SymbolKind::Unknown, v.text);
      return true;
    default:
      return false;
  }
}

const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::Null: return "null";
    case Value::Kind::Bool: return "bool";
    case Value::Kind::Number: return "number";
    case Value::Kind::String: return "string";
    case Value::Kind::List: return "list";
    case Value::Kind::Object: return "object";
    case Value::Kind::Unknown: return "unknown value";
  }
  return "value";
}

bool string_has_unknown_symbol(std::string_view s) {
  if (!has_symbol(s)) return false;
  for (const auto& sym : symbols_in(s))
    if (sym.kind == SymbolKind::Unknown) return true;
  return false;
}

std::optional<bool> values_equal(const Value& a, const Value& b) {
  using K = Value::Kind;
  if (a.kind == K::Unknown || b.kind == K::Unknown) return std::nullopt;
  if (a.kind == K::Number && b.kind == K::Number) {
    double x = 0, y = 0;
    if (number_of(a, x) && number_of(b, y)) return x == y;
    return a.text == b.text;
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case K::Null: return true;
    case K::Bool: return a.boolean == b.boolean;
    case K::String:
      if (a.text == b.text) return true;
      // Fresh ids and the deploying account differ from any other text; an Unknown symbol
      // may turn out to be anything.
      if (string_has_unknown_symbol(a.text) || string_has_unknown_symbol(b.text)) return std::nullopt;
      return false;
    case K::List: {
      if (a.items.size() != b.items.size()) return false;
      bool undecided = false;
      for (size_t i = 0; i < a.items.size(); ++i) {
        auto e = values_equal(a.items[i], b.items[i]);
        if (e && !*e) return false;
        if (!e) undecided = true;
      }
      if (undecided) return std::nullopt;
      return true;
    }
    case K::Object: {
      if (a.members.size() != b.members.size()) return false;
      bool undecided = false;
      for (const auto& [k, v] : a.members) {
        const Value* o = b.find(k);
        if (!o) return false;
        auto e = values_equal(v, *o);
        if (e && !*e) return false;
        if (!e) undecided = true;
      }
      if (undecided) return std::nullopt;
      return true;
    }
    default: return false;
  }
}

void first_unknown(const Value& v, const Value*& out) {
  if (out) return;
  if (v.kind == Value::Kind::Unknown) {
    out = &v;
    return;
  }
  for (const auto& i : v.items) first_unknown(i, out);
  for (const auto& [k, m] : v.members) first_unknown(m, out);
}

bool contains_unknown(const Value& v) {
  const Value* u = nullptr;
  first_unknown(v, u);
  return u != nullptr;
}

std::string source_text(Range r, size_t max) {
  if (!r.known() || r.end <= r.begin) return "";
  std::string_view t = std::string_view(r.file->text()).substr(r.begin, r.end - r.begin);
  std::string out;
  bool space = false;
  for (char c : t) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
    if (out.size() > max) {
      out += "…";
      break;
    }
  }
  return out;
}

}  // namespace detail
}  // namespace threegate::tf
