// Wildcard matching for actions, resources and Like operators.
#include <array>

#include "eval/eval_internal.hpp"

namespace threegate::eval_detail {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// Greedy matching that backtracks only to the last '*': O(|pattern|·|text|) worst case,
// never exponential (semantics 1.10).
template <bool CaseInsensitive, bool Escapes>
bool glob(std::string_view p, std::string_view t) {
  auto same = [](char a, char b) { return CaseInsensitive ? ascii_lower(a) == ascii_lower(b) : a == b; };
  constexpr size_t npos = std::string_view::npos;
  size_t pi = 0, ti = 0, star_p = npos, star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size()) {
      const char pc = p[pi];
      if (Escapes && pc == kEscape && pi + 1 < p.size()) {
        if (same(p[pi + 1], t[ti])) {
          pi += 2;
          ++ti;
          continue;
        }
      } else if (pc == '*') {
        star_p = ++pi;
        star_t = ti;
        continue;
      } else if (pc == '?' || same(pc, t[ti])) {
        ++pi;
        ++ti;
        continue;
      }
    }
    if (star_p == npos) return false;
    pi = star_p;
    ti = ++star_t;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

template bool glob<false, false>(std::string_view, std::string_view);
template bool glob<true, false>(std::string_view, std::string_view);
template bool glob<false, true>(std::string_view, std::string_view);
template bool glob<true, true>(std::string_view, std::string_view);

namespace {

// Splits an ARN into at most 6 parts; the last one keeps any further ':'.
size_t split_arn(std::string_view s, std::array<std::string_view, 6>& parts) {
  size_t n = 0, start = 0;
  while (n < 5) {
    const size_t colon = s.find(':', start);
    if (colon == std::string_view::npos) break;
    parts[n++] = s.substr(start, colon - start);
    start = colon + 1;
  }
  parts[n++] = s.substr(start);
  return n;
}

bool ends_with_star(std::string_view p) {
  return !p.empty() && p.back() == '*' && (p.size() < 2 || p[p.size() - 2] != kEscape);
}

}  // namespace

bool arn_matches_escaped(std::string_view pattern, std::string_view arn) {
  if (pattern == "*") return true;
  // Fast path: the literal text before the first wildcard must equal the ARN's start, and a
  // pattern without wildcards matches only the identical ARN.
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '*' || c == '?' || c == kEscape) break;
    if (i >= arn.size() || c != arn[i]) return false;
  }
  if (i == pattern.size()) return pattern.size() == arn.size();
  if (arn.substr(0, 4) != "arn:") return glob<false, true>(pattern, arn);  // not an ARN: plain glob
  std::array<std::string_view, 6> pp, ap;
  const size_t np = split_arn(pattern, pp);
  const size_t na = split_arn(arn, ap);
  for (i = 0; i < np; ++i) {
    if (i >= na) return false;
    const bool last = i + 1 == np;
    if (i == 2) {  // no wildcards in the service segment
      if (pp[i] != ap[i]) return false;
      if (last && np < na) return false;
      continue;
    }
    if (!last) {
      if (!glob<false, true>(pp[i], ap[i])) return false;
      continue;
    }
    if (np == 6) return glob<false, true>(pp[i], ap[i]);  // the resource part, ':' included
    // A short pattern: a '*' ending it may expand past later ':' (semantics 1.10).
    if (ends_with_star(pp[i])) return glob<false, true>(pp[i], ap[i]);
    return np == na && glob<false, true>(pp[i], ap[i]);
  }
  return true;
}

}  // namespace threegate::eval_detail

namespace threegate {

bool glob_match(std::string_view pattern, std::string_view text, bool case_insensitive) {
  return case_insensitive ? eval_detail::glob<true, false>(pattern, text)
                          : eval_detail::glob<false, false>(pattern, text);
}

bool action_matches(std::string_view pattern, std::string_view action) {
  return pattern == "*" || eval_detail::glob<true, false>(pattern, action);
}

// Patterns given here hold no escapes; kEscape never occurs in real policy text.
bool arn_matches(std::string_view pattern, std::string_view arn) {
  return eval_detail::arn_matches_escaped(pattern, arn);
}

}  // namespace threegate
