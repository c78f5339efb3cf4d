// Three-valued matching of strings that hold symbols (symbol.hpp). Only strings with a symbol
// come here; everything else keeps the two-valued fast paths.
#include <vector>

#include "eval/eval_internal.hpp"
#include "threegate/symbol.hpp"

namespace threegate::eval_detail {

namespace {

// One element of a string read as a pattern: a character, any one character, or any string.
constexpr int kAnyString = -1;
constexpr int kAnyChar = -2;
// One character of a fresh id whose length is known: whatever it is, only a wildcard matches it.
constexpr int kFreshChar = -3;

// Fresh ids whose length AWS fixes: the six characters AWS appends to a secret's name in its ARN
// (secretsmanager_secrets: "a hyphen and six random characters"), so that the documented
// pattern "name-??????" matches a secret created by the code.
constexpr std::string_view kSixCharacterSuffix = ".arn_suffix";

size_t fixed_length(std::string_view symbol_span) {
  if (symbol_span.size() < 3 || symbol_span[1] != static_cast<char>(SymbolKind::Fresh)) return 0;
  return symbol_span.substr(0, symbol_span.size() - 1).ends_with(kSixCharacterSuffix) ? 6 : 0;
}

bool has_sized_symbol(std::string_view s) {
  for (size_t i = s.find(kSymbolBegin); i != std::string_view::npos; i = s.find(kSymbolBegin, i + 1)) {
    const size_t end = s.find(kSymbolEnd, i);
    if (end == std::string_view::npos) return false;
    if (fixed_length(s.substr(i, end + 1 - i))) return true;
  }
  return false;
}

// `wildcards`: '*' and '?' are wildcards (a glob pattern) rather than characters. Unknown
// symbols become kAnyString: the value they stand for may be anything.
std::vector<int> elements(std::string_view s, bool wildcards, bool escapes, bool case_insensitive) {
  std::vector<int> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == kSymbolBegin && i + 1 < s.size()) {
      const size_t end = s.find(kSymbolEnd, i);
      if (end != std::string_view::npos) {
        if (s[i + 1] == static_cast<char>(SymbolKind::Unknown)) {
          out.push_back(kAnyString);
          i = end;
          continue;
        }
        if (const size_t n = fixed_length(s.substr(i, end + 1 - i))) {
          out.insert(out.end(), n, kFreshChar);
          i = end;
          continue;
        }
      }
    }
    if (escapes && c == kEscape && i + 1 < s.size()) {
      ++i;
      out.push_back(static_cast<unsigned char>(case_insensitive ? ascii_lower(s[i]) : s[i]));
      continue;
    }
    if (wildcards && c == '*') out.push_back(kAnyString);
    else if (wildcards && c == '?') out.push_back(kAnyChar);
    else out.push_back(static_cast<unsigned char>(case_insensitive ? ascii_lower(c) : c));
  }
  return out;
}

// Whether some string is matched by both element sequences: a walk over pairs of positions,
// O(|a|·|b|).
bool intersect(const std::vector<int>& a, const std::vector<int>& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<char> reach((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> char& { return reach[i * (m + 1) + j]; };
  at(0, 0) = 1;
  for (size_t i = 0; i <= n; ++i) {
    for (size_t j = 0; j <= m; ++j) {
      if (!at(i, j)) continue;
      const bool sa = i < n && a[i] == kAnyString, sb = j < m && b[j] == kAnyString;
      if (sa) {
        at(i + 1, j) = 1;               // the star takes nothing more
        if (j < m) at(i, j + 1) = 1;    // the star takes b's next element
      }
      if (sb) {
        at(i, j + 1) = 1;
        if (i < n) at(i + 1, j) = 1;
      }
      const bool fresh = (i < n && a[i] == kFreshChar) || (j < m && b[j] == kFreshChar);
      if (i < n && j < m && !sa && !sb &&
          (a[i] == kAnyChar || b[j] == kAnyChar || (!fresh && a[i] == b[j])))
        at(i + 1, j + 1) = 1;
    }
  }
  return at(n, m);
}

// After the literal comparison failed: False when no value of the symbols can match, True when
// every value does (only sized fresh ids, taken by wildcards), Unknown otherwise.
Tri undecided(std::string_view a, std::string_view b, bool may_match, KeySink* sink) {
  if (!may_match) return Tri::False;
  if (!has_unknown_symbol(a) && !has_unknown_symbol(b)) return Tri::True;
  note_unknown_symbols(a, sink);
  note_unknown_symbols(b, sink);
  return Tri::Unknown;
}

}  // namespace

void note_unknown_symbols(std::string_view s, KeySink* sink) {
  if (!sink) return;
  for (size_t i = s.find(kSymbolBegin); i != std::string_view::npos; i = s.find(kSymbolBegin, i + 1)) {
    const size_t end = s.find(kSymbolEnd, i);
    if (end == std::string_view::npos) return;
    if (i + 1 < end && s[i + 1] == static_cast<char>(SymbolKind::Unknown)) sink->push_back(s.substr(i, end + 1 - i));
  }
}

Tri symbolic_glob(std::string_view pattern, std::string_view text, bool ci, bool escapes, KeySink* sink) {
  const bool literal = ci ? (escapes ? glob<true, true>(pattern, text) : glob<true, false>(pattern, text))
                          : (escapes ? glob<false, true>(pattern, text) : glob<false, false>(pattern, text));
  if (literal) return Tri::True;
  if (!has_unknown_symbol(pattern) && !has_unknown_symbol(text) && !has_sized_symbol(text)) return Tri::False;
  return undecided(pattern, text,
                   intersect(elements(pattern, true, escapes, ci), elements(text, false, false, ci)), sink);
}

Tri symbolic_equal(std::string_view a, std::string_view b, bool ci, KeySink* sink) {
  if (ci ? iequals(a, b) : a == b) return Tri::True;
  if (!has_unknown_symbol(a) && !has_unknown_symbol(b)) return Tri::False;
  return undecided(a, b, intersect(elements(a, false, false, ci), elements(b, false, false, ci)), sink);
}

namespace {

// The six segments of an ARN (the last keeps any further ':'); fewer when `s` has fewer ':'.
size_t arn_segments(std::string_view s, std::string_view (&parts)[6]) {
  size_t n = 0, start = 0;
  for (size_t i = 0; i < s.size() && n < 5; ++i) {
    if (s[i] != ':') continue;
    parts[n++] = s.substr(start, i - start);
    start = i + 1;
  }
  parts[n++] = s.substr(start);
  return n;
}

}  // namespace

// Two full ARNs are compared segment by segment (an Unknown symbol inside a segment stands for
// that segment's value, which holds no ':'); otherwise (a whole ARN from one symbol) as strings,
// a '*' then reaching across ':', which can only turn a False into Unknown, never the reverse.
Tri symbolic_arn(std::string_view pattern, std::string_view arn, bool escapes, KeySink* sink) {
  if (arn_matches_escaped(pattern, arn)) return Tri::True;
  if (!has_unknown_symbol(pattern) && !has_unknown_symbol(arn) && !has_sized_symbol(arn)) return Tri::False;
  (void)escapes;  // kEscape is read as an escape either way: it never occurs in policy text
  std::string_view ps[6], as[6];
  bool may = true;
  if (arn_segments(pattern, ps) == 6 && arn_segments(arn, as) == 6) {
    for (size_t i = 0; i < 6 && may; ++i)
      may = intersect(elements(ps[i], true, true, false), elements(as[i], false, false, false));
  } else {
    may = intersect(elements(pattern, true, true, false), elements(arn, false, false, false));
  }
  return undecided(pattern, arn, may, sink);
}

}  // namespace threegate::eval_detail
