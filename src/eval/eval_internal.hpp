// Private pieces of the evaluator shared between its translation units.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "threegate/eval.hpp"
#include "threegate/symbol.hpp"

namespace threegate::eval_detail {

// Marks the next pattern character as literal in glob patterns built by variable substitution
// (a substituted value or ${*} must not act as a wildcard).
inline constexpr char kEscape = '\x01';

template <bool CaseInsensitive, bool Escapes>
bool glob(std::string_view pattern, std::string_view text);

// arn_matches with the escape convention above.
bool arn_matches_escaped(std::string_view pattern, std::string_view arn);
// The same for an ARN whose last path component (after its last '/') stands for an unknown id
// (Request::resource_id_unknown): True when the pattern matches any id, False when it matches
// none, Unknown when it may match this one (it names a specific id, or part of one).
Tri arn_matches_unknown_id(std::string_view pattern, std::string_view arn);

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool iequals(std::string_view a, std::string_view b);

// Copies n bytes from `from` to `to` (which may be the same), ASCII-lowercased, eight at a time.
inline void copy_lower(char* to, const char* from, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, from + i, 8);
    w = key_hash_detail::lower8(w);  // bytewise: the byte order does not matter
    std::memcpy(to + i, &w, 8);
  }
  for (; i < n; ++i) to[i] = ascii_lower(from[i]);
}

// ---- compiled patterns (policy.hpp) ----------------------------------------------------------

// `n` bytes at a and b are equal. The first and last bytes are compared inline first: most
// mismatches (another service, another account or resource type) show there, without a call.
inline bool same_bytes(const char* a, const char* b, size_t n) {
  if (n == 0) return true;
  if (a[0] != b[0] || a[n - 1] != b[n - 1]) return false;
  if (n >= 8 && n <= 16) {  // two words, overlapping: account ids, actions, condition keys
    uint64_t x0, y0, x1, y1;
    std::memcpy(&x0, a, 8);
    std::memcpy(&y0, b, 8);
    std::memcpy(&x1, a + n - 8, 8);
    std::memcpy(&y1, b + n - 8, 8);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  return n <= 2 || std::memcmp(a + 1, b + 1, n - 2) == 0;
}

// The non-General kinds: a length check and one or two comparisons. `text` is the lowercase
// action or the resource ARN.
inline bool literal_kind_matches(const CompiledPattern& c, std::string_view text) {
  if (c.kind == CompiledPattern::Any) return true;
  const char* lit = c.literal.data();
  const size_t n = c.literal.size();
  if (text.size() < n) return false;
  switch (c.kind) {
    case CompiledPattern::Exact: return text.size() == n && same_bytes(text.data(), lit, n);
    case CompiledPattern::Prefix: return same_bytes(text.data(), lit, n);
    case CompiledPattern::Suffix: return same_bytes(text.data() + text.size() - n, lit, n);
    case CompiledPattern::PrefixSuffix: {
      const size_t pre = c.prefix_size, suf = n - pre;
      return same_bytes(text.data(), lit, pre) && same_bytes(text.data() + text.size() - suf, lit + pre, suf);
    }
    default: return false;
  }
}

// An action pattern against the lowercase action (glob semantics).
inline bool compiled_action_hit(const CompiledPattern& c, std::string_view action_lower) {
  if (c.kind != CompiledPattern::General) return literal_kind_matches(c, action_lower);
  return glob<false, false>(c.literal, action_lower);
}

// A resource pattern (without variables to substitute) against a known ARN.
inline bool compiled_resource_hit(const CompiledPattern& c, std::string_view arn) {
  if (c.kind != CompiledPattern::General) return literal_kind_matches(c, arn);
  return arn_matches_escaped(c.literal, arn);  // kEscape never occurs in policy text
}

// Kleene logic.
inline Tri tri_and(Tri a, Tri b) {
  if (a == Tri::False || b == Tri::False) return Tri::False;
  if (a == Tri::Unknown || b == Tri::Unknown) return Tri::Unknown;
  return Tri::True;
}
inline Tri tri_or(Tri a, Tri b) {
  if (a == Tri::True || b == Tri::True) return Tri::True;
  if (a == Tri::Unknown || b == Tri::Unknown) return Tri::Unknown;
  return Tri::False;
}
inline Tri tri_not(Tri a) { return a == Tri::Unknown ? a : (a == Tri::True ? Tri::False : Tri::True); }
inline Tri to_tri(bool b) { return b ? Tri::True : Tri::False; }

// Where unknown context keys (as written in the policy) are reported. Null = do not collect.
using KeySink = std::vector<std::string_view>;

// ---- policy variables ----------------------------------------------------------------------

enum class Subst { Ok, NoMatch, Unknown };

// True when `text` may hold a policy variable (cheap pre-check for the hot path).
inline bool has_variable(std::string_view text) { return text.find("${") != std::string_view::npos; }

// Substitutes the variables in `text` into `out`. With `escape_wildcards`, substituted text is
// escaped (kEscape before '*', '?' and kEscape) so it matches literally in globs. NoMatch: a
// variable names an absent key and has no default. Unknown: its key is unknown (reported in sink).
Subst substitute(std::string_view text, const RequestContext& context, bool escape_wildcards,
                 std::string& out, KeySink* sink);

// ---- conditions ------------------------------------------------------------------------------

// One Condition (key + operator + values) against the context.
Tri eval_condition(const Condition& condition, const RequestContext& context, bool variables);

// All conditions of a statement (ANDed). When the result is Unknown and sink is given, the keys
// that made it unknown are appended.
Tri eval_conditions(const Statement& statement, const RequestContext& context, bool variables,
                    KeySink* sink);

// ---- value parsing (exposed for tests) -------------------------------------------------------

bool parse_number(std::string_view text, double& out);
// ISO 8601 (date, date-time, fraction, Z or offset) or epoch seconds, to epoch seconds.
bool parse_date(std::string_view text, double& out);
bool parse_bool(std::string_view text, bool& out);
bool base64_decode(std::string_view text, std::string& out);

struct IpValue {
  bool v6 = false;
  unsigned char bytes[16] = {};
  int prefix = 0;  // significant bits
};
// An address or CIDR block; a bare address gets a full prefix.
bool parse_ip(std::string_view text, IpValue& out);
bool ip_in(const IpValue& address, const IpValue& block);

}  // namespace threegate::eval_detail

namespace threegate::eval_detail {

// ---- symbols (symbol.hpp) ----------------------------------------------------------------------
// Matching for strings that hold symbols. A symbol is compared as the opaque text it is encoded
// as, so it equals itself only; when that gives no match and an Unknown symbol is involved, the
// answer is Unknown if some value of the Unknown symbols could make it match, False otherwise.
// On Unknown, the Unknown symbols of both strings (their encoded spans) go to `sink`.

// Glob (with '*' and '?' in the pattern; `escapes`: kEscape marks literals) in three values.
Tri symbolic_glob(std::string_view pattern, std::string_view text, bool case_insensitive, bool escapes,
                  KeySink* sink);
// Equality in three values.
Tri symbolic_equal(std::string_view a, std::string_view b, bool case_insensitive, KeySink* sink);
// arn_matches in three values.
Tri symbolic_arn(std::string_view pattern, std::string_view arn, bool escapes, KeySink* sink);
// Appends the encoded spans of the Unknown symbols of `s`.
void note_unknown_symbols(std::string_view s, KeySink* sink);

// match_principal for a statement or caller holding symbols: `certainty` is True when the match
// returned surely holds, Unknown when it may (False with PrincipalMatch::None).
PrincipalMatch match_principal_symbolic(const Statement& statement, const RequestPrincipal& principal,
                                        Tri& certainty, KeySink* sink);

}  // namespace threegate::eval_detail
