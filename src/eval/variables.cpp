// Policy variables (reference_policies_variables): ${key}, ${key, 'default'}, ${*} ${?} ${$}.
#include "eval/eval_internal.hpp"

namespace threegate::eval_detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void append(std::string& out, std::string_view s, bool escape) {
  for (char c : s) {
    if (escape && (c == '*' || c == '?' || c == kEscape)) out += kEscape;
    out += c;
  }
}

}  // namespace

Subst substitute(std::string_view text, const RequestContext& context, bool escape_wildcards,
                 std::string& out, KeySink* sink) {
  out.clear();
  bool no_match = false;
  bool unknown = false;
  size_t i = 0;
  std::string key_lower;
  std::vector<std::string_view> unknown_keys;
  while (i < text.size()) {
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      out += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {  // not a variable: literal text
      out.append(text.substr(i));
      break;
    }
    const std::string_view inner = trim(text.substr(i + 2, close - i - 2));
    i = close + 1;
    if (inner == "*" || inner == "?" || inner == "$") {
      append(out, inner, escape_wildcards);
      continue;
    }
    std::string_view key = inner;
    std::string_view fallback;
    bool has_default = false;
    if (const size_t comma = inner.find(','); comma != std::string_view::npos) {
      key = trim(inner.substr(0, comma));
      fallback = trim(inner.substr(comma + 1));
      if (fallback.size() >= 2 && fallback.front() == '\'' && fallback.back() == '\'') {
        fallback = fallback.substr(1, fallback.size() - 2);
        has_default = true;
      }
    }
    key_lower.assign(key);
    for (char& c : key_lower) c = ascii_lower(c);
    const ContextValue* v = context.find(key_lower);
    if (v && v->unknown) {
      unknown = true;
      unknown_keys.push_back(key);
      continue;
    }
    // Multi-valued keys cannot be policy variables: treated as absent.
    if (v && !v->multi && v->values.size() == 1) {
      append(out, v->values[0], escape_wildcards);
      continue;
    }
    if (!v && context.absent_key_unknown(key_lower)) {
      unknown = true;
      unknown_keys.push_back(key);
      continue;
    }
    if (has_default) append(out, fallback, escape_wildcards);
    else no_match = true;
  }
  // An absent variable without default settles it: the value matches nothing.
  if (no_match) return Subst::NoMatch;
  if (unknown) {
    if (sink) sink->insert(sink->end(), unknown_keys.begin(), unknown_keys.end());
    return Subst::Unknown;
  }
  return Subst::Ok;
}

}  // namespace threegate::eval_detail
