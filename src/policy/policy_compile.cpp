// Compiled forms of statement elements (policy.hpp, CompiledPattern): facts about each pattern
// that do not depend on the request, so that the evaluator does not rediscover them on every
// evaluation. Each form must give exactly the answer of the general matcher it stands for
// (glob for actions, arn_matches for resources, match_principal's rules for principals); the
// property tests in tests/unit/policy_compile_test.cpp hold them to it.
#include <algorithm>

#include "threegate/policy.hpp"
#include "threegate/symbol.hpp"

namespace threegate {

namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The shape of a glob: its literal text before the first '*', after the last '*', and whether
// the '*'s form one run. `simple` is false when the pattern holds a '?' (or, with `escapes`, a
// character the evaluator's matchers treat as special: '\x01' marks escapes, see eval_internal.hpp).
struct Shape {
  bool simple = true;
  size_t stars = 0;        // number of '*'
  size_t first_star = 0;   // index of the first '*' (valid when stars > 0)
  size_t last_star = 0;    // index of the last '*'
};

Shape shape_of(std::string_view p) {
  Shape s;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '?' || c == '\x01') s.simple = false;
    if (c != '*') continue;
    if (s.stars++ == 0) s.first_star = i;
    s.last_star = i;
  }
  return s;
}

CompiledPattern general(std::string_view p) {
  CompiledPattern c;
  c.kind = CompiledPattern::General;
  c.literal.assign(p);
  return c;
}

size_t count(std::string_view s, char ch) { return static_cast<size_t>(std::count(s.begin(), s.end(), ch)); }

}  // namespace

// Actions: a glob, case-insensitive (the literal is lowercased, the request action is too). A run
// of '*' means what one '*' does.
CompiledPattern compile_action_pattern(std::string_view pattern) {
  std::string lower(pattern);
  for (char& ch : lower) ch = ascii_lower(ch);
  const std::string_view p = lower;
  const Shape s = shape_of(p);
  if (!s.simple) return general(p);
  CompiledPattern c;
  if (s.stars == 0) {
    c.kind = CompiledPattern::Exact;
    c.literal.assign(p);
    return c;
  }
  // Only one run of stars: [first_star, last_star] all '*'.
  if (s.last_star - s.first_star + 1 != s.stars) return general(p);
  const std::string_view pre = p.substr(0, s.first_star), suf = p.substr(s.last_star + 1);
  if (pre.empty() && suf.empty()) {
    c.kind = CompiledPattern::Any;
  } else if (suf.empty()) {
    c.kind = CompiledPattern::Prefix;
    c.literal.assign(pre);
  } else if (pre.empty()) {
    c.kind = CompiledPattern::Suffix;
    c.literal.assign(suf);
  } else {
    c.kind = CompiledPattern::PrefixSuffix;
    c.literal.assign(pre);
    c.literal.append(suf);
    c.prefix_size = static_cast<uint32_t>(pre.size());
  }
  return c;
}

// Resources: ARN matching (semantics 1.10) is segment by segment, so a '*' means "any text"
// only where the segments before it are fixed. The compiled kinds cover the cases where the
// ARN matcher's answer is exactly a prefix/suffix test:
// - "*" alone matches everything;
// - a pattern without wildcards matches only the identical text;
// - "L*" with one '*', last, and at least three ':' in L (the service segment and those before it
//   are literal; a final '*' then takes the rest of the ARN, past later ':' too) matches exactly
//   the texts starting with L;
// - "L*S" with one '*', at least five ':' in L (the resource part: a plain glob) and no wildcard
//   in S matches exactly the texts starting with L and ending with S, long enough for both.
// Anything else (a '?', several '*', a '*' in the first segments, a variable) is General.
CompiledPattern compile_resource_pattern(std::string_view p) {
  if (p.find("${") != std::string_view::npos || has_symbol(p)) {
    CompiledPattern c = general(p);
    c.has_variable = p.find("${") != std::string_view::npos;
    c.has_symbol = has_symbol(p);
    return c;
  }
  CompiledPattern c;
  if (p == "*") {
    c.kind = CompiledPattern::Any;
    return c;
  }
  const Shape s = shape_of(p);
  if (!s.simple || s.stars > 1) return general(p);
  if (s.stars == 0) {
    c.kind = CompiledPattern::Exact;
    c.literal.assign(p);
    return c;
  }
  const std::string_view pre = p.substr(0, s.first_star), suf = p.substr(s.first_star + 1);
  const size_t colons = count(pre, ':');
  if (suf.empty() && colons >= 3) {
    c.kind = CompiledPattern::Prefix;
    c.literal.assign(pre);
    return c;
  }
  if (!suf.empty() && colons >= 5) {
    c.kind = CompiledPattern::PrefixSuffix;
    c.literal.assign(pre);
    c.literal.append(suf);
    c.prefix_size = static_cast<uint32_t>(pre.size());
    return c;
  }
  return general(p);
}

namespace {

std::string_view last_segment(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

// As match_principal reads an "AWS" entry (src/eval/principal.cpp): "*", a bare account id, or
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (six ':'-separated parts, the last keeping any
// further ':'); the region is not looked at.
CompiledPrincipal compile_principal(const PrincipalRef& ref) {
  CompiledPrincipal c;
  if (ref.kind != PrincipalKind::Aws) return c;  // ByValue
  const std::string_view v = ref.value;
  if (v == "*") {
    c.kind = CompiledPrincipal::Wildcard;
    return c;
  }
  if (is_account_id(v)) {
    c.kind = CompiledPrincipal::AccountId;
    c.account.assign(v);
    return c;
  }
  c.kind = CompiledPrincipal::NoMatch;
  std::string_view parts[6];
  size_t n = 0, start = 0;
  for (size_t i = 0; i < v.size() && n < 5; ++i) {
    if (v[i] != ':') continue;
    parts[n++] = v.substr(start, i - start);
    start = i + 1;
  }
  if (n < 5 || parts[0] != "arn") return c;
  parts[5] = v.substr(start);
  const std::string_view service = parts[2], resource = parts[5];
  c.partition.assign(parts[1]);
  c.account.assign(parts[4]);
  if (service == "iam") {
    if (resource == "root") {
      c.kind = CompiledPrincipal::IamRoot;
    } else if (resource.starts_with("role/")) {
      c.kind = CompiledPrincipal::IamRole;
      c.name.assign(last_segment(resource));
    } else if (resource.starts_with("user/")) {
      c.kind = CompiledPrincipal::IamUser;
      c.name.assign(last_segment(resource));
    }
  } else if (service == "sts") {
    c.kind = CompiledPrincipal::Sts;
  }
  if (c.kind == CompiledPrincipal::NoMatch) {
    c.partition.clear();
    c.account.clear();
  }
  return c;
}

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

}  // namespace

void replace_in_policy(Policy& policy, std::string_view from, std::string_view to) {
  for (Statement& st : policy.statements) {
    for (Text& t : st.actions) replace_all(t.value, from, to);
    for (std::string& a : st.actions_lower) replace_all(a, from, to);
    for (Text& t : st.resources) replace_all(t.value, from, to);
    for (PrincipalRef& p : st.principals) replace_all(p.value, from, to);
    for (Condition& c : st.conditions)
      for (Text& t : c.values) replace_all(t.value, from, to);
    compile_statement(st);
  }
}

void compile_statement(Statement& st) {
  st.action_patterns.clear();
  st.action_patterns.reserve(st.actions.size());
  st.actions_have_symbols = false;
  for (const Text& a : st.actions) {
    st.action_patterns.push_back(compile_action_pattern(a.value));
    st.actions_have_symbols = st.actions_have_symbols || has_symbol(a.value);
  }
  st.resource_patterns.clear();
  st.resource_patterns.reserve(st.resources.size());
  for (const Text& r : st.resources) st.resource_patterns.push_back(compile_resource_pattern(r.value));
  st.principal_patterns.clear();
  st.principal_patterns.reserve(st.principals.size());
  st.principals_have_symbols = false;
  for (const PrincipalRef& p : st.principals) {
    st.principal_patterns.push_back(compile_principal(p));
    st.principals_have_symbols = st.principals_have_symbols || has_symbol(p.value);
  }
  for (Condition& c : st.conditions) {
    c.values_have_variables = false;
    c.values_have_symbols = false;
    for (const Text& v : c.values) {
      c.values_have_variables = c.values_have_variables || v.value.find("${") != std::string::npos;
      c.values_have_symbols = c.values_have_symbols || has_symbol(v.value);
    }
    c.key_hash = context_key_hash(c.key_lower);
    c.compiled = true;
  }
  st.compiled = true;
}

}  // namespace threegate
