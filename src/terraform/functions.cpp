// Terraform's built-in functions, as far as policies need them. An Unknown argument makes the
// result Unknown, except where the result does not depend on it; strings keep their symbols.
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "terraform/internal.hpp"

namespace threegate::tf::detail {
namespace {

using Args = std::vector<Value>;

struct Call {
  Engine& e;
  const hcl::Expr& expr;
  const Scope& scope;
  Args args;
  const std::string& name() const { return expr.text; }
  Range at() const { return expr.range; }
  Value fail(const std::string& message) const { return e.error(name() + "(): " + message, expr.range); }
  Value unknown(std::initializer_list<const Value*> from) const { return unknown_from(source_text(expr.range), expr.range, from); }
  Value unknown_args() const { return unknown_from(source_text(expr.range), expr.range, args); }
  bool any_unknown() const {
    for (const auto& a : args)
      if (a.is_unknown()) return true;
    return false;
  }
};

using Fn = Value (*)(Call&);

bool want_string(Call& c, size_t i, std::string& out, Value* err) {
  if (i >= c.args.size()) {
    *err = c.fail("needs more arguments");
    return false;
  }
  if (c.args[i].kind == Value::Kind::List || c.args[i].kind == Value::Kind::Object || c.args[i].is_null()) {
    *err = c.fail("argument " + std::to_string(i + 1) + " must be a string, not a " + kind_name(c.args[i].kind));
    return false;
  }
  string_of(c.args[i], out);
  return true;
}

bool want_number(Call& c, size_t i, double& out, Value* err) {
  if (i >= c.args.size() || !number_of(c.args[i], out)) {
    *err = c.fail("argument " + std::to_string(i + 1) + " must be a number");
    return false;
  }
  return true;
}

// Splits a string into literal text and symbol spans.
template <typename F>
std::string map_literal(std::string_view s, F&& f) {
  if (!has_symbol(s)) return f(s);
  std::string out;
  size_t at = 0;
  for (const auto& sym : symbols_in(s)) {
    out += f(s.substr(at, sym.begin - at));
    out.append(s.substr(sym.begin, sym.end - sym.begin));
    at = sym.end;
  }
  out += f(s.substr(at));
  return out;
}

std::vector<Value> flatten_into(const Value& v, bool& unknown) {
  std::vector<Value> out;
  for (const auto& i : v.items) {
    if (i.is_unknown()) unknown = true;
    if (i.kind == Value::Kind::List) {
      auto inner = flatten_into(i, unknown);
      for (auto& x : inner) out.push_back(std::move(x));
    } else {
      out.push_back(i);
    }
  }
  return out;
}

// Object members in key order (keys(), values(), map iteration).
std::vector<size_t> sorted_keys(const Value& v) {
  std::vector<size_t> order(v.members.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v.members[a].first < v.members[b].first; });
  return order;
}

Value to_set(const Value& list, Range r) {
  Value out = list_value({}, r);
  for (const auto& i : list.items) {
    bool dup = false;
    for (const auto& have : out.items) {
      auto eq = values_equal(have, i);
      if (eq && *eq) dup = true;
    }
    if (!dup) out.items.push_back(i);
  }
  // Terraform orders sets of strings lexically.
  bool strings = std::all_of(out.items.begin(), out.items.end(), [](const Value& v) { return v.kind == Value::Kind::String; });
  if (strings)
    std::stable_sort(out.items.begin(), out.items.end(), [](const Value& a, const Value& b) { return a.text < b.text; });
  return out;
}

// ---- string functions

Value f_lower_upper(Call& c, bool upper) {
  Value err;
  std::string s;
  if (c.any_unknown()) return c.unknown_args();
  if (!want_string(c, 0, s, &err)) return err;
  if (string_has_unknown_symbol(s)) return c.unknown_args();
  s = map_literal(s, [&](std::string_view t) {
    std::string o(t);
    for (char& ch : o) ch = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(ch)) : std::tolower(static_cast<unsigned char>(ch)));
    return o;
  });
  return string_value(std::move(s), c.at());
}
Value f_lower(Call& c) { return f_lower_upper(c, false); }
Value f_upper(Call& c) { return f_lower_upper(c, true); }

Value f_join(Call& c) {
  if (c.args.size() < 2) return c.fail("needs a separator and at least one list");
  if (c.args[0].is_unknown()) return c.unknown({&c.args[0]});
  Value err;
  std::string sep;
  if (!want_string(c, 0, sep, &err)) return err;
  std::string out;
  bool first = true;
  for (size_t i = 1; i < c.args.size(); ++i) {
    if (c.args[i].is_unknown()) return c.unknown({&c.args[i]});
    if (c.args[i].kind != Value::Kind::List) return c.fail("arguments after the separator must be lists");
    for (const auto& item : c.args[i].items) {
      std::string s;
      if (!string_of(item, s)) return c.fail("list elements must be strings");
      if (!first) out += sep;
      first = false;
      out += s;
    }
  }
  return string_value(std::move(out), c.at());
}

Value f_split(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string sep, s;
  if (!want_string(c, 0, sep, &err) || !want_string(c, 1, s, &err)) return err;
  Value out = list_value({}, c.at());
  if (sep.empty()) {
    for (char ch : s) out.items.push_back(string_value(std::string(1, ch), c.at()));
    return out;
  }
  // Never split inside a symbol.
  size_t start = 0, i = 0;
  while (i < s.size()) {
    if (s[i] == kSymbolBegin) {
      size_t end = s.find(kSymbolEnd, i);
      i = end == std::string::npos ? s.size() : end + 1;
      continue;
    }
    if (s.compare(i, sep.size(), sep) == 0) {
      out.items.push_back(string_value(s.substr(start, i - start), c.at()));
      i += sep.size();
      start = i;
      continue;
    }
    ++i;
  }
  out.items.push_back(string_value(s.substr(start), c.at()));
  return out;
}

// Terraform's replacement syntax ($1, ${name}) in RE2's (\1).
std::string re2_rewrite(const std::string& repl, const RE2& re) {
  std::string out;
  const auto& named = re.NamedCapturingGroups();
  for (size_t i = 0; i < repl.size(); ++i) {
    if (repl[i] == '\\') {
      out += "\\\\";
      continue;
    }
    if (repl[i] != '$' || i + 1 >= repl.size()) {
      out += repl[i];
      continue;
    }
    size_t j = i + 1;
    std::string ref;
    if (repl[j] == '{') {
      size_t close = repl.find('}', j);
      if (close == std::string::npos) {
        out += repl[i];
        continue;
      }
      ref = repl.substr(j + 1, close - j - 1);
      j = close + 1;
    } else {
      while (j < repl.size() && (std::isalnum(static_cast<unsigned char>(repl[j])) || repl[j] == '_')) ref += repl[j++];
    }
    if (ref.empty()) {
      out += '$';
      continue;
    }
    if (std::all_of(ref.begin(), ref.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
      out += "\\" + ref;
    } else if (auto it = named.find(ref); it != named.end()) {
      out += "\\" + std::to_string(it->second);
    }
    i = j - 1;
  }
  return out;
}

Value f_replace(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string s, from, to;
  if (!want_string(c, 0, s, &err) || !want_string(c, 1, from, &err) || !want_string(c, 2, to, &err)) return err;
  if (from.size() >= 2 && from.front() == '/' && from.back() == '/') {
    RE2 re(from.substr(1, from.size() - 2), RE2::Quiet);
    if (!re.ok()) return c.fail("invalid regular expression: " + re.error());
    const std::string rewrite = re2_rewrite(to, re);
    std::string out = map_literal(s, [&](std::string_view t) {
      std::string o(t);
      RE2::GlobalReplace(&o, re, rewrite);
      return o;
    });
    return string_value(std::move(out), c.at());
  }
  if (from.empty()) return string_value(s, c.at());
  std::string out = map_literal(s, [&](std::string_view t) {
    std::string o;
    size_t at = 0, hit;
    while ((hit = t.find(from, at)) != std::string_view::npos) {
      o.append(t.substr(at, hit - at));
      o += to;
      at = hit + from.size();
    }
    o.append(t.substr(at));
    return o;
  });
  return string_value(std::move(out), c.at());
}

// Bounds that keep a hostile format string from costing minutes or gigabytes.
constexpr size_t kMaxFormatWidth = 4096;

Value f_format(Call& c) {
  if (c.args.empty()) return c.fail("needs a format string");
  if (c.args[0].is_unknown()) return c.unknown({&c.args[0]});
  Value err;
  std::string fmt;
  if (!want_string(c, 0, fmt, &err)) return err;
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    size_t j = i + 1;
    std::string flags;
    while (j < fmt.size() && std::string_view("-+ #0123456789.").find(fmt[j]) != std::string_view::npos) flags += fmt[j++];
    if (j >= fmt.size()) return c.fail("incomplete format verb at the end");
    const char verb = fmt[j];
    i = j;
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (next >= c.args.size()) return c.fail("not enough arguments for the format string");
    const Value& a = c.args[next++];
    std::string s;
    if (a.is_unknown()) {
      out += make_symbol(SymbolKind::Unknown, a.text);
      continue;
    }
    switch (verb) {
      case 's':
      case 'v':
        if (verb == 'v' && (a.kind == Value::Kind::List || a.kind == Value::Kind::Object)) {
          out += json_encode(a);
          break;
        }
        if (!string_of(a, s)) return c.fail("%" + std::string(1, verb) + " needs a string, not a " + kind_name(a.kind));
        out += s;
        break;
      case 'q':
        if (!string_of(a, s)) return c.fail("%q needs a string");
        out += json_encode(string_value(s));
        break;
      case 'd': {
        double d = 0;
        if (!number_of(a, d)) return c.fail("%d needs a number");
        std::string n = format_number(std::trunc(d));
        size_t width = 0;
        for (char f : flags)
          if (std::isdigit(static_cast<unsigned char>(f)) && width <= kMaxFormatWidth)
            width = width * 10 + static_cast<size_t>(f - '0');
        if (width > kMaxFormatWidth) return c.fail("a width over " + std::to_string(kMaxFormatWidth) + " is not evaluated");
        const bool zero = !flags.empty() && flags[0] == '0';
        if (n.size() < width) n.insert(0, width - n.size(), zero ? '0' : ' ');
        out += n;
        break;
      }
      case 'f': {
        double d = 0;
        if (!number_of(a, d)) return c.fail("%f needs a number");
        int prec = 6;
        if (auto dot = flags.find('.'); dot != std::string::npos) {
          const std::string digits = flags.substr(dot + 1, 4);  // beyond 3 digits: over the limit
          prec = std::atoi(digits.c_str());
          if (prec > 60 || digits.size() > 3) return c.fail("a precision over 60 is not evaluated");
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", prec, d);
        out += buf;
        break;
      }
      case 't':
        if (a.kind != Value::Kind::Bool) return c.fail("%t needs a bool");
        out += a.boolean ? "true" : "false";
        break;
      default: return c.fail(std::string("unsupported format verb %") + verb);
    }
  }
  return string_value(std::move(out), c.at());
}

Value f_formatlist(Call& c) {
  if (c.args.empty()) return c.fail("needs a format string");
  if (c.any_unknown()) return c.unknown_args();
  size_t n = 0;
  bool any_list = false;
  for (size_t i = 1; i < c.args.size(); ++i)
    if (c.args[i].kind == Value::Kind::List) {
      if (any_list && c.args[i].items.size() != n) return c.fail("all lists must have the same length");
      n = c.args[i].items.size();
      any_list = true;
    }
  if (!any_list) n = 1;
  Value out = list_value({}, c.at());
  for (size_t k = 0; k < n; ++k) {
    Call one{c.e, c.expr, c.scope, {c.args[0]}};
    for (size_t i = 1; i < c.args.size(); ++i)
      one.args.push_back(c.args[i].kind == Value::Kind::List ? c.args[i].items[k] : c.args[i]);
    out.items.push_back(f_format(one));
  }
  return out;
}

Value f_trimspace(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string s;
  if (!want_string(c, 0, s, &err)) return err;
  const char* ws = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(ws), e = s.find_last_not_of(ws);
  return string_value(b == std::string::npos ? "" : s.substr(b, e - b + 1), c.at());
}

Value f_trimprefix_suffix(Call& c, bool prefix) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string s, p;
  if (!want_string(c, 0, s, &err) || !want_string(c, 1, p, &err)) return err;
  if (prefix && s.compare(0, p.size(), p) == 0) s.erase(0, p.size());
  if (!prefix && s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0) s.erase(s.size() - p.size());
  return string_value(std::move(s), c.at());
}
Value f_trimprefix(Call& c) { return f_trimprefix_suffix(c, true); }
Value f_trimsuffix(Call& c) { return f_trimprefix_suffix(c, false); }

Value f_trim(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string s, set;
  if (!want_string(c, 0, s, &err) || !want_string(c, 1, set, &err)) return err;
  size_t b = s.find_first_not_of(set), e = s.find_last_not_of(set);
  return string_value(b == std::string::npos ? "" : s.substr(b, e - b + 1), c.at());
}

Value f_starts_ends(Call& c, bool starts) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string s, p;
  if (!want_string(c, 0, s, &err) || !want_string(c, 1, p, &err)) return err;
  bool yes = starts ? s.compare(0, p.size(), p) == 0 : (s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0);
  if (!yes && (string_has_unknown_symbol(s) || string_has_unknown_symbol(p))) {
    // Decided only when the literal text next to the tested end already differs.
    std::string_view lit = s;
    size_t sym = starts ? lit.find(kSymbolBegin) : lit.rfind(kSymbolEnd);
    std::string_view known = starts ? lit.substr(0, sym) : (sym == std::string_view::npos ? lit : lit.substr(sym + 1));
    const size_t n = std::min(known.size(), p.size());
    bool differs = starts ? known.substr(0, n) != std::string_view(p).substr(0, n)
                          : known.substr(known.size() - n) != std::string_view(p).substr(p.size() - n);
    if (!differs || string_has_unknown_symbol(p)) return c.unknown_args();
  }
  return bool_value(yes, c.at());
}
Value f_startswith(Call& c) { return f_starts_ends(c, true); }
Value f_endswith(Call& c) { return f_starts_ends(c, false); }

// Offsets of UTF-8 characters.
std::vector<size_t> char_starts(const std::string& s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  return out;
}

Value f_substr(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string s;
  double off = 0, len = 0;
  if (!want_string(c, 0, s, &err) || !want_number(c, 1, off, &err) || !want_number(c, 2, len, &err)) return err;
  if (has_symbol(s)) return c.unknown_args();
  auto starts = char_starts(s);
  const auto n = static_cast<long>(starts.size());
  long o = static_cast<long>(off);
  if (o < 0) o += n;
  if (o < 0 || o > n) return c.fail("offset out of range");
  long l = static_cast<long>(len);
  if (l < 0 || o + l > n) l = n - o;
  size_t b = o >= n ? s.size() : starts[static_cast<size_t>(o)];
  size_t e = o + l >= n ? s.size() : starts[static_cast<size_t>(o + l)];
  return string_value(s.substr(b, e - b), c.at());
}

Value f_strrev(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string s;
  if (!want_string(c, 0, s, &err)) return err;
  if (has_symbol(s)) return c.unknown_args();
  std::reverse(s.begin(), s.end());
  return string_value(std::move(s), c.at());
}

Value f_title(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string s;
  if (!want_string(c, 0, s, &err)) return err;
  if (string_has_unknown_symbol(s)) return c.unknown_args();
  bool start = true;
  for (char& ch : s) {
    if (start && std::isalpha(static_cast<unsigned char>(ch))) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    start = std::isspace(static_cast<unsigned char>(ch)) != 0;
  }
  return string_value(std::move(s), c.at());
}

Value f_regex(Call& c, bool all) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string pattern, s;
  if (!want_string(c, 0, pattern, &err) || !want_string(c, 1, s, &err)) return err;
  if (string_has_unknown_symbol(s)) return c.unknown_args();
  RE2 re(pattern, RE2::Quiet);
  if (!re.ok()) return c.fail("invalid regular expression: " + re.error());
  const int groups = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> m(static_cast<size_t>(groups) + 1);
  Value out = list_value({}, c.at());
  size_t pos = 0;
  while (pos <= s.size() && re.Match(s, pos, s.size(), RE2::UNANCHORED, m.data(), groups + 1)) {
    Value one;
    if (groups == 0) {
      one = string_value(std::string(m[0]), c.at());
    } else if (!re.NamedCapturingGroups().empty()) {
      one = object_value({}, c.at());
      for (const auto& [name, idx] : re.NamedCapturingGroups()) {
        one.members.emplace_back(name, string_value(std::string(m[static_cast<size_t>(idx)]), c.at()));
        one.key_ranges.emplace_back();
      }
    } else {
      one = list_value({}, c.at());
      for (int g = 1; g <= groups; ++g) one.items.push_back(string_value(std::string(m[static_cast<size_t>(g)]), c.at()));
    }
    if (!all) return one;
    out.items.push_back(std::move(one));
    const size_t end = static_cast<size_t>(m[0].data() - s.data()) + m[0].size();
    pos = m[0].empty() ? end + 1 : end;
  }
  if (!all) return c.fail("the pattern does not match the string");
  return out;
}
Value f_regex1(Call& c) { return f_regex(c, false); }
Value f_regexall(Call& c) { return f_regex(c, true); }

// ---- collections

Value f_length(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one argument");
  const Value& a = c.args[0];
  if (a.is_unknown()) return c.unknown({&a});
  if (a.kind == Value::Kind::List) return number_value(static_cast<double>(a.items.size()), c.at());
  if (a.kind == Value::Kind::Object) return number_value(static_cast<double>(a.members.size()), c.at());
  if (a.kind == Value::Kind::String) {
    if (has_symbol(a.text)) return c.unknown({&a});
    return number_value(static_cast<double>(char_starts(a.text).size()), c.at());
  }
  return c.fail(std::string("cannot take the length of a ") + kind_name(a.kind));
}

Value f_merge(Call& c) {
  Value out = object_value({}, c.at());
  for (const auto& a : c.args) {
    if (a.is_null()) continue;
    if (a.is_unknown()) return c.unknown({&a});
    if (a.kind != Value::Kind::Object) return c.fail(std::string("arguments must be maps or objects, not a ") + kind_name(a.kind));
    for (size_t i = 0; i < a.members.size(); ++i) {
      const Range kr = i < a.key_ranges.size() ? a.key_ranges[i] : Range{};
      bool replaced = false;
      for (size_t k = 0; k < out.members.size(); ++k) {
        if (out.members[k].first == a.members[i].first) {
          out.members[k].second = a.members[i].second;
          out.key_ranges[k] = kr;
          replaced = true;
        }
      }
      if (!replaced) {
        out.members.push_back(a.members[i]);
        out.key_ranges.push_back(kr);
      }
    }
  }
  return out;
}

Value f_concat(Call& c) {
  Value out = list_value({}, c.at());
  for (const auto& a : c.args) {
    if (a.is_unknown()) return c.unknown({&a});
    if (a.kind != Value::Kind::List) return c.fail(std::string("arguments must be lists, not a ") + kind_name(a.kind));
    out.items.insert(out.items.end(), a.items.begin(), a.items.end());
  }
  return out;
}

Value f_flatten(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one list");
  if (c.args[0].is_unknown()) return c.unknown({&c.args[0]});
  if (c.args[0].kind != Value::Kind::List) return c.fail("needs a list");
  bool unknown = false;
  auto items = flatten_into(c.args[0], unknown);
  if (unknown) return c.unknown_args();
  return list_value(std::move(items), c.at());
}

Value f_tolist(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one argument");
  const Value& a = c.args[0];
  if (a.is_unknown() || a.is_null()) return a;
  if (a.kind != Value::Kind::List) return c.fail(std::string("cannot convert a ") + kind_name(a.kind) + " to a list");
  return a;
}

Value f_toset(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one argument");
  const Value& a = c.args[0];
  if (a.is_unknown() || a.is_null()) return a;
  if (a.kind != Value::Kind::List) return c.fail(std::string("cannot convert a ") + kind_name(a.kind) + " to a set");
  for (const auto& i : a.items)
    if (i.is_unknown()) return c.unknown({&i});  // which elements are distinct is not known
  Value out = to_set(a, a.range);
  return out;
}

Value f_tomap(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one argument");
  const Value& a = c.args[0];
  if (a.is_unknown() || a.is_null() || a.kind == Value::Kind::Object) return a;
  return c.fail(std::string("cannot convert a ") + kind_name(a.kind) + " to a map");
}

Value f_tostring(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one argument");
  const Value& a = c.args[0];
  if (a.is_unknown() || a.is_null()) return a;
  std::string s;
  if (a.kind == Value::Kind::List || a.kind == Value::Kind::Object || !string_of(a, s))
    return c.fail(std::string("cannot convert a ") + kind_name(a.kind) + " to a string");
  Value out = string_value(std::move(s), a.range);
  return out;
}

Value f_tonumber(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one argument");
  const Value& a = c.args[0];
  if (a.is_unknown() || a.is_null()) return a;
  double d = 0;
  if (!number_of(a, d)) return c.fail("cannot convert \"" + a.text + "\" to a number");
  return number_value(d, a.range);
}

Value f_tobool(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one argument");
  const Value& a = c.args[0];
  if (a.is_unknown() || a.is_null() || a.kind == Value::Kind::Bool) return a;
  if (a.kind == Value::Kind::String && (a.text == "true" || a.text == "false")) return bool_value(a.text == "true", a.range);
  return c.fail("cannot convert to a bool");
}

Value f_distinct(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one list");
  const Value& a = c.args[0];
  if (a.is_unknown()) return c.unknown({&a});
  if (a.kind != Value::Kind::List) return c.fail("needs a list");
  Value out = list_value({}, c.at());
  for (const auto& i : a.items) {
    bool dup = false;
    for (const auto& have : out.items) {
      auto eq = values_equal(have, i);
      if (!eq) return c.unknown_args();
      dup = dup || *eq;
    }
    if (!dup) out.items.push_back(i);
  }
  return out;
}

Value f_coalesce(Call& c) {
  for (const auto& a : c.args) {
    if (a.is_unknown()) return c.unknown({&a});
    if (a.is_null()) continue;
    if (a.kind == Value::Kind::String && a.text.empty()) continue;
    return a;
  }
  return c.fail("no non-null, non-empty argument");
}

Value f_coalescelist(Call& c) {
  for (const auto& a : c.args) {
    if (a.is_unknown()) return c.unknown({&a});
    if (a.kind == Value::Kind::List && !a.items.empty()) return a;
  }
  return c.fail("no non-empty list");
}

Value f_lookup(Call& c) {
  if (c.args.size() < 2) return c.fail("needs a map and a key");
  const Value& m = c.args[0];
  if (m.is_unknown() || c.args[1].is_unknown()) return c.unknown({&m, &c.args[1]});
  if (m.kind != Value::Kind::Object) return c.fail("needs a map");
  std::string k;
  if (!string_of(c.args[1], k)) return c.fail("the key must be a string");
  if (const Value* v = m.find(k)) return *v;
  if (!m.instance_address.empty()) return unknown_value(m.instance_address + "." + k, c.at());
  if (c.args.size() >= 3) return c.args[2];
  return c.fail("no key \"" + k + "\" and no default");
}

Value f_element(Call& c) {
  if (c.args.size() != 2) return c.fail("needs a list and an index");
  const Value& l = c.args[0];
  if (l.is_unknown() || c.args[1].is_unknown()) return c.unknown({&l, &c.args[1]});
  double d = 0;
  if (l.kind != Value::Kind::List || !number_of(c.args[1], d)) return c.fail("needs a list and a number");
  if (l.items.empty()) return c.fail("cannot use element() on an empty list");
  if (d < 0) return c.fail("the index must not be negative");
  return l.items[static_cast<size_t>(d) % l.items.size()];
}

Value f_keys_values(Call& c, bool keys) {
  if (c.args.size() != 1) return c.fail("needs one map");
  const Value& m = c.args[0];
  if (m.is_unknown()) return c.unknown({&m});
  if (m.kind != Value::Kind::Object) return c.fail("needs a map or object");
  Value out = list_value({}, c.at());
  for (size_t i : sorted_keys(m))
    out.items.push_back(keys ? string_value(m.members[i].first, i < m.key_ranges.size() ? m.key_ranges[i] : Range{}) : m.members[i].second);
  return out;
}
Value f_keys(Call& c) { return f_keys_values(c, true); }
Value f_values(Call& c) { return f_keys_values(c, false); }

Value f_contains(Call& c) {
  if (c.args.size() != 2) return c.fail("needs a list and a value");
  const Value& l = c.args[0];
  if (l.is_unknown()) return c.unknown({&l});
  if (l.kind != Value::Kind::List) return c.fail("needs a list or set");
  bool undecided = false;
  for (const auto& i : l.items) {
    auto eq = values_equal(i, c.args[1]);
    if (eq && *eq) return bool_value(true, c.at());
    if (!eq) undecided = true;
  }
  if (undecided) return c.unknown_args();
  return bool_value(false, c.at());
}

Value f_compact(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one list");
  const Value& l = c.args[0];
  if (l.is_unknown()) return c.unknown({&l});
  if (l.kind != Value::Kind::List) return c.fail("needs a list");
  Value out = list_value({}, c.at());
  for (const auto& i : l.items) {
    if (i.is_unknown()) return c.unknown({&i});
    if (i.is_null() || (i.kind == Value::Kind::String && i.text.empty())) continue;
    out.items.push_back(i);
  }
  return out;
}

Value f_zipmap(Call& c) {
  if (c.args.size() != 2) return c.fail("needs a list of keys and a list of values");
  if (c.any_unknown()) return c.unknown_args();
  const Value &k = c.args[0], &v = c.args[1];
  if (k.kind != Value::Kind::List || v.kind != Value::Kind::List) return c.fail("needs two lists");
  if (k.items.size() != v.items.size()) return c.fail("the lists must have the same length");
  Value out = object_value({}, c.at());
  for (size_t i = 0; i < k.items.size(); ++i) {
    std::string key;
    if (k.items[i].is_unknown()) return c.unknown({&k.items[i]});
    if (!string_of(k.items[i], key)) return c.fail("keys must be strings");
    out.members.emplace_back(std::move(key), v.items[i]);
    out.key_ranges.push_back(k.items[i].range);
  }
  return out;
}

Value f_range(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  double start = 0, limit = 0, step = 1;
  Value err;
  if (c.args.size() == 1) {
    if (!want_number(c, 0, limit, &err)) return err;
  } else if (c.args.size() >= 2) {
    if (!want_number(c, 0, start, &err) || !want_number(c, 1, limit, &err)) return err;
    if (c.args.size() >= 3 && !want_number(c, 2, step, &err)) return err;
    if (c.args.size() == 2 && limit < start) step = -1;
  } else {
    return c.fail("needs one to three numbers");
  }
  if (step == 0) return c.fail("the step must not be zero");
  Value out = list_value({}, c.at());
  for (double x = start; step > 0 ? x < limit : x > limit; x += step) {
    if (out.items.size() >= 1024) return c.fail("a range of more than 1024 elements");
    out.items.push_back(number_value(x, c.at()));
  }
  return out;
}

Value f_minmax(Call& c, bool max) {
  if (c.args.empty()) return c.fail("needs at least one number");
  if (c.any_unknown()) return c.unknown_args();
  double best = 0;
  for (size_t i = 0; i < c.args.size(); ++i) {
    double d = 0;
    Value err;
    if (!want_number(c, i, d, &err)) return err;
    if (i == 0 || (max ? d > best : d < best)) best = d;
  }
  return number_value(best, c.at());
}
Value f_min(Call& c) { return f_minmax(c, false); }
Value f_max(Call& c) { return f_minmax(c, true); }

Value f_math1(Call& c, double (*op)(double)) {
  if (c.any_unknown()) return c.unknown_args();
  double d = 0;
  Value err;
  if (!want_number(c, 0, d, &err)) return err;
  return number_value(op(d), c.at());
}
Value f_abs(Call& c) { return f_math1(c, [](double d) { return std::fabs(d); }); }
Value f_ceil(Call& c) { return f_math1(c, [](double d) { return std::ceil(d); }); }
Value f_floor(Call& c) { return f_math1(c, [](double d) { return std::floor(d); }); }

Value f_sum(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one list");
  const Value& l = c.args[0];
  if (l.is_unknown()) return c.unknown({&l});
  if (l.kind != Value::Kind::List || l.items.empty()) return c.fail("needs a non-empty list of numbers");
  double s = 0;
  for (const auto& i : l.items) {
    double d = 0;
    if (i.is_unknown()) return c.unknown({&i});
    if (!number_of(i, d)) return c.fail("needs numbers");
    s += d;
  }
  return number_value(s, c.at());
}

Value f_sort(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one list");
  const Value& l = c.args[0];
  if (l.is_unknown()) return c.unknown({&l});
  if (l.kind != Value::Kind::List) return c.fail("needs a list of strings");
  Value out = l;
  out.range = c.at();
  for (const auto& i : out.items) {
    if (i.is_unknown() || (i.kind == Value::Kind::String && string_has_unknown_symbol(i.text))) return c.unknown_args();
    std::string s;
    if (!string_of(i, s)) return c.fail("needs a list of strings");
  }
  std::stable_sort(out.items.begin(), out.items.end(), [](const Value& a, const Value& b) { return a.text < b.text; });
  return out;
}

Value f_reverse(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one list");
  const Value& l = c.args[0];
  if (l.is_unknown()) return c.unknown({&l});
  if (l.kind != Value::Kind::List) return c.fail("needs a list");
  Value out = l;
  std::reverse(out.items.begin(), out.items.end());
  return out;
}

Value f_one(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one list");
  const Value& l = c.args[0];
  if (l.is_unknown()) return c.unknown({&l});
  if (l.kind != Value::Kind::List) return c.fail("needs a list or set");
  if (l.items.empty()) return null_value(c.at());
  if (l.items.size() == 1) return l.items[0];
  return c.fail("the list has more than one element");
}

Value f_all_any(Call& c, bool all) {
  if (c.args.size() != 1) return c.fail("needs one list");
  const Value& l = c.args[0];
  if (l.is_unknown()) return c.unknown({&l});
  if (l.kind != Value::Kind::List) return c.fail("needs a list of bools");
  bool undecided = false;
  for (const auto& i : l.items) {
    if (i.is_unknown()) {
      undecided = true;
      continue;
    }
    bool b = false;
    if (i.kind == Value::Kind::Bool) b = i.boolean;
    else if (i.kind == Value::Kind::String && (i.text == "true" || i.text == "false")) b = i.text == "true";
    else return c.fail("needs a list of bools");
    if (all && !b) return bool_value(false, c.at());
    if (!all && b) return bool_value(true, c.at());
  }
  if (undecided) return c.unknown_args();
  return bool_value(all, c.at());
}
Value f_alltrue(Call& c) { return f_all_any(c, true); }
Value f_anytrue(Call& c) { return f_all_any(c, false); }

Value f_setops(Call& c, int op) {  // 0 union, 1 intersection, 2 subtract
  if (c.args.size() < (op == 2 ? 2u : 1u)) return c.fail("needs sets");
  if (c.any_unknown()) return c.unknown_args();
  for (const auto& a : c.args)
    if (a.kind != Value::Kind::List) return c.fail("needs sets");
  auto has = [](const Value& l, const Value& v) {
    for (const auto& i : l.items) {
      auto eq = values_equal(i, v);
      if (eq && *eq) return true;
    }
    return false;
  };
  Value out = list_value({}, c.at());
  if (op == 0) {
    for (const auto& a : c.args) out.items.insert(out.items.end(), a.items.begin(), a.items.end());
  } else {
    for (const auto& i : c.args[0].items) {
      bool keep = true;
      for (size_t k = 1; k < c.args.size(); ++k) keep = keep && (op == 1 ? has(c.args[k], i) : !has(c.args[k], i));
      if (op == 2) keep = !has(c.args[1], i);
      if (keep) out.items.push_back(i);
    }
  }
  return to_set(out, c.at());
}
Value f_setunion(Call& c) { return f_setops(c, 0); }
Value f_setintersection(Call& c) { return f_setops(c, 1); }
Value f_setsubtract(Call& c) { return f_setops(c, 2); }

Value f_slice(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  double b = 0, e = 0;
  Value err;
  if (c.args.size() != 3 || c.args[0].kind != Value::Kind::List) return c.fail("needs a list and two indexes");
  if (!want_number(c, 1, b, &err) || !want_number(c, 2, e, &err)) return err;
  const auto n = static_cast<double>(c.args[0].items.size());
  if (b < 0 || e > n || b > e) return c.fail("indexes out of range");
  Value out = list_value({}, c.at());
  out.items.assign(c.args[0].items.begin() + static_cast<long>(b), c.args[0].items.begin() + static_cast<long>(e));
  return out;
}

Value f_index(Call& c) {
  if (c.args.size() != 2) return c.fail("needs a list and a value");
  if (c.any_unknown()) return c.unknown_args();
  if (c.args[0].kind != Value::Kind::List) return c.fail("needs a list");
  for (size_t i = 0; i < c.args[0].items.size(); ++i) {
    auto eq = values_equal(c.args[0].items[i], c.args[1]);
    if (!eq) return c.unknown_args();
    if (*eq) return number_value(static_cast<double>(i), c.at());
  }
  return c.fail("the value is not in the list");
}

// ---- encoding and files

Value f_jsonencode(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one argument");
  Value out = string_value(json_encode(c.args[0]), c.at());
  out.encoded_from = std::make_shared<const Value>(c.args[0]);
  return out;
}

Value f_jsondecode(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one string");
  const Value& s = c.args[0];
  if (s.is_unknown()) return c.unknown({&s});
  if (s.kind != Value::Kind::String) return c.fail(std::string("needs a string, not a ") + kind_name(s.kind));
  if (s.encoded_from) return *s.encoded_from;  // keeps the ranges of the encoded value
  if (string_has_unknown_symbol(s.text) && s.text.find('"') == std::string::npos) return c.unknown({&s});
  // Point into the source when the text stands there as written (a file, a heredoc, a
  // string without escapes).
  const SourceFile* file = nullptr;
  uint32_t offset = 0;
  if (s.range.known() && !s.text.empty()) {
    std::string_view src = std::string_view(s.range.file->text()).substr(s.range.begin, s.range.end - s.range.begin);
    size_t hit = src.find(s.text);
    if (hit != std::string_view::npos && src.find(s.text, hit + 1) == std::string_view::npos) {
      file = s.range.file;
      offset = s.range.begin + static_cast<uint32_t>(hit);
    }
  }
  std::string error;
  auto v = json_decode(s.text, file, offset, c.at(), error);
  if (!v) return c.fail("invalid JSON: " + error);
  return *v;
}

Value f_base64encode(Call& c) {
  if (c.any_unknown()) return c.unknown_args();
  Value err;
  std::string s;
  if (!want_string(c, 0, s, &err)) return err;
  if (has_symbol(s)) return c.unknown_args();
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const uint32_t n = (uint32_t(uint8_t(s[i])) << 16) | (uint32_t(uint8_t(s[i + 1])) << 8) | uint8_t(s[i + 2]);
    out += tbl[n >> 18];
    out += tbl[(n >> 12) & 63];
    out += tbl[(n >> 6) & 63];
    out += tbl[n & 63];
  }
  if (i < s.size()) {
    uint32_t n = uint32_t(uint8_t(s[i])) << 16;
    if (i + 1 < s.size()) n |= uint32_t(uint8_t(s[i + 1])) << 8;
    out += tbl[n >> 18];
    out += tbl[(n >> 12) & 63];
    out += i + 1 < s.size() ? tbl[(n >> 6) & 63] : '=';
    out += '=';
  }
  return string_value(std::move(out), c.at());
}

Value f_file(Call& c) {
  if (c.args.size() != 1) return c.fail("needs one path");
  if (c.args[0].is_unknown()) return c.unknown({&c.args[0]});
  Value err;
  std::string path;
  if (!want_string(c, 0, path, &err)) return err;
  if (has_symbol(path)) return c.unknown_args();
  if (!c.scope.mod) return c.fail("files cannot be read here");
  const SourceFile* f = c.e.read_module_file(*c.scope.mod, path, c.at());
  if (!f) return unknown_value(source_text(c.at()), c.at(), {"file " + path + " (not read)"});
  return string_value(f->text(), Range{f, 0, static_cast<uint32_t>(f->text().size())});
}

Value f_templatefile(Call& c) {
  if (c.args.empty() || c.args.size() > 2) return c.fail("needs a path and a map of variables");
  if (c.any_unknown() && c.args[0].is_unknown()) return c.unknown({&c.args[0]});
  Value err;
  std::string path;
  if (!want_string(c, 0, path, &err)) return err;
  if (has_symbol(path)) return c.unknown_args();
  if (c.args.size() == 2 && c.args[1].is_unknown()) return c.unknown({&c.args[1]});
  if (c.args.size() == 2 && c.args[1].kind != Value::Kind::Object) return c.fail("the variables must be a map or object");
  if (!c.scope.mod) return c.fail("files cannot be read here");
  const SourceFile* f = c.e.read_module_file(*c.scope.mod, path, c.at());
  if (!f) return unknown_value(source_text(c.at()), c.at(), {"file " + path + " (not read)"});
  // A template file is a heredoc's body: parse it as one (values keep ranges into the source
  // set, so the syntax tree may go once evaluated).
  static const std::string marker = "TG_TEMPLATE_END_7f3a";
  std::string wrapped = "t = <<" + marker + "\n" + f->text();
  if (wrapped.back() != '\n') wrapped += '\n';
  wrapped += marker + "\n";
  const SourceFile* src = c.e.sources().add(f->path(), std::move(wrapped));
  auto parsed = std::make_unique<hcl::File>(hcl::parse_file(*src));
  if (!parsed->ok()) {
    c.e.pass_on(parsed->errors);
    return unknown_value(source_text(c.at()), c.at(), {"template " + path + " (syntax error)"});
  }
  const hcl::Attribute* t = parsed->body.attribute("t");
  if (!t || !t->expr) return c.fail("cannot read the template " + path);
  Scope s;  // a template sees only its variables
  s.mod = c.scope.mod;
  s.constants_only = true;
  if (c.args.size() == 2)
    for (const auto& [k, v] : c.args[1].members) s.bindings.push_back({k, &v});
  Value out = c.e.eval_template(t->expr->parts, s, c.at());
  if (out.kind == Value::Kind::String && !f->text().empty() && f->text().back() != '\n' && !out.text.empty() &&
      out.text.back() == '\n')
    out.text.pop_back();
  return out;
}

Value f_unknown_result(Call& c) {
  return unknown_value(source_text(c.at()), c.at(), {c.name() + "() (known only when terraform runs)"});
}

const std::unordered_map<std::string_view, Fn>& table() {
  static const std::unordered_map<std::string_view, Fn> t = {
      {"lower", f_lower}, {"upper", f_upper}, {"join", f_join}, {"split", f_split}, {"replace", f_replace},
      {"format", f_format}, {"formatlist", f_formatlist}, {"trimspace", f_trimspace}, {"trimprefix", f_trimprefix},
      {"trimsuffix", f_trimsuffix}, {"trim", f_trim}, {"startswith", f_startswith}, {"endswith", f_endswith},
      {"substr", f_substr}, {"strrev", f_strrev}, {"title", f_title}, {"regex", f_regex1}, {"regexall", f_regexall},
      {"length", f_length}, {"merge", f_merge}, {"concat", f_concat}, {"flatten", f_flatten}, {"tolist", f_tolist},
      {"toset", f_toset}, {"tomap", f_tomap}, {"tostring", f_tostring}, {"tonumber", f_tonumber}, {"tobool", f_tobool},
      {"distinct", f_distinct}, {"coalesce", f_coalesce}, {"coalescelist", f_coalescelist}, {"lookup", f_lookup},
      {"element", f_element}, {"keys", f_keys}, {"values", f_values}, {"contains", f_contains}, {"compact", f_compact},
      {"zipmap", f_zipmap}, {"range", f_range}, {"min", f_min}, {"max", f_max}, {"abs", f_abs}, {"ceil", f_ceil},
      {"floor", f_floor}, {"sum", f_sum}, {"sort", f_sort}, {"reverse", f_reverse}, {"one", f_one},
      {"alltrue", f_alltrue}, {"anytrue", f_anytrue}, {"setunion", f_setunion},
      {"setintersection", f_setintersection}, {"setsubtract", f_setsubtract}, {"slice", f_slice}, {"index", f_index},
      {"jsonencode", f_jsonencode}, {"jsondecode", f_jsondecode}, {"base64encode", f_base64encode}, {"file", f_file},
      {"templatefile", f_templatefile}, {"uuid", f_unknown_result}, {"timestamp", f_unknown_result},
      {"bcrypt", f_unknown_result},
  };
  return t;
}

}  // namespace

Value call_function(Engine& e, const hcl::Expr& call, const Scope& scope) {
  std::string_view name = call.text;
  if (auto colons = name.rfind("::"); colons != std::string_view::npos) name = name.substr(colons + 2);  // provider::…
  if (name == "try" || name == "can") {
    // Each argument is tried in turn; an error (not an unknown) moves to the next.
    for (size_t i = 0; i < call.items.size(); ++i) {
      if (!call.items[i]) continue;
      const int before = e.errors();
      e.set_quiet(e.quiet() + 1);
      Value v = e.eval(*call.items[i], scope);
      e.set_quiet(e.quiet() - 1);
      const bool failed = e.errors() != before;
      if (name == "can") {
        if (failed) return bool_value(false, call.range);
        if (v.is_unknown()) return unknown_from(source_text(call.range), call.range, {&v});
        return bool_value(true, call.range);
      }
      if (!failed) return v;
    }
    if (name == "can") return bool_value(false, call.range);
    return e.error("try(): no argument could be evaluated", call.range);
  }
  Call c{e, call, scope, {}};
  c.args.reserve(call.items.size());
  for (const auto& a : call.items) c.args.push_back(a ? e.eval(*a, scope) : null_value());
  if (call.expand_final && !c.args.empty()) {
    Value last = std::move(c.args.back());
    c.args.pop_back();
    if (last.is_unknown()) return unknown_from(source_text(call.range), call.range, {&last});
    if (last.kind != Value::Kind::List) return e.error(std::string(name) + "(): ... needs a list", call.range);
    for (auto& i : last.items) c.args.push_back(std::move(i));
  }
  auto it = table().find(name);
  if (it == table().end()) {
    if (e.said_functions.insert(std::string(name)).second)
      e.info("function " + std::string(name) + "() is not evaluated offline; its results are unknown", call.range);
    return unknown_value(source_text(call.range), call.range, {std::string(name) + "() (not evaluated)"});
  }
  return it->second(c);
}

}  // namespace threegate::tf::detail
