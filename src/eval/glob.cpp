// Wildcard matching for actions, resources and Like operators.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "eval/eval_internal.hpp"

namespace threegate::eval_detail {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// High bit set in each zero byte of x (exactly: no carry crosses bytes).
constexpr uint64_t zero_bytes(uint64_t x) { return ~(((x & ~kHighs) + ~kHighs) | x) & kHighs; }

// High bit set in each byte of `v` equal to `b`.
constexpr uint64_t has_byte(uint64_t v, unsigned char b) { return zero_bytes(v ^ (kOnes * b)); }

// The same, one operation cheaper, but exact only up to the lowest such byte (a borrow may flag
// bytes above it): enough for a scan that stops at the first one in memory order.
constexpr uint64_t has_byte_lowest(uint64_t v, unsigned char b) {
  const uint64_t x = v ^ (kOnes * b);
  return (x - kOnes) & ~x & kHighs;
}

template <bool Escapes>
constexpr bool is_wild(char c) {
  return c == '*' || c == '?' || (Escapes && c == kEscape);
}

// Non-zero when the 8 bytes at `p` (pattern) and `t` (text) hold a difference or a wildcard.
// Forward: its lowest set bit lies in the first such byte in memory. Backward: its highest set
// bit lies in the last one.
template <bool Escapes, bool Forward = true>
uint64_t stop_mask(const char* p, const char* t) {
  uint64_t a, b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, t, 8);
  if constexpr (std::endian::native == std::endian::big) {
    a = __builtin_bswap64(a);
    b = __builtin_bswap64(b);
  }
  if constexpr (Forward)
    return (a ^ b) | has_byte_lowest(a, '*') | has_byte_lowest(a, '?') | (Escapes ? has_byte_lowest(a, kEscape) : 0);
  else
    return (a ^ b) | has_byte(a, '*') | has_byte(a, '?') | (Escapes ? has_byte(a, kEscape) : 0);
}

// Length of the longest prefix of `p` that holds no wildcard (nor, with Escapes, kEscape) and
// equals the start of `t`, compared eight bytes at a time: patterns are mostly long literal runs
// ("arn:aws:secretsmanager:us-east-1:111122223333:secret:"), and this is the hottest loop.
template <bool Escapes>
size_t literal_prefix(std::string_view p, std::string_view t) {
  const size_t n = p.size() < t.size() ? p.size() : t.size();
  if (n < 8) {
    size_t i = 0;
    while (i < n && !is_wild<Escapes>(p[i]) && p[i] == t[i]) ++i;
    return i;
  }
  for (size_t i = 0;; i += 8) {
    if (i + 8 > n) i = n - 8;  // the last word overlaps bytes already found equal
    if (const uint64_t m = stop_mask<Escapes>(p.data() + i, t.data() + i))
      return i + static_cast<size_t>(std::countr_zero(m)) / 8;
    if (i + 8 == n) return n;
  }
}

// The same from the ends: how many trailing characters of `p`, none a wildcard, equal those of
// `t` ("*.amazonaws.com"). Without escapes only: scanning backwards cannot tell an escaped
// character from a plain one.
size_t literal_suffix(std::string_view p, std::string_view t) {
  const size_t n = p.size() < t.size() ? p.size() : t.size();
  const char* pe = p.data() + p.size();
  const char* te = t.data() + t.size();
  if (n < 8) {
    size_t k = 0;
    while (k < n && !is_wild<false>(*(pe - 1 - k)) && *(pe - 1 - k) == *(te - 1 - k)) ++k;
    return k;
  }
  for (size_t k = 0;; k += 8) {
    if (k + 8 > n) k = n - 8;
    if (const uint64_t m = stop_mask<false, false>(pe - k - 8, te - k - 8))
      return k + static_cast<size_t>(std::countl_zero(m)) / 8;
    if (k + 8 == n) return n;
  }
}

// Number of ':' in s.
size_t count_colons(std::string_view s) {
  size_t n = 0, i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t v;
    std::memcpy(&v, s.data() + i, 8);
    n += ((has_byte(v, ':') >> 7) * kOnes) >> 56;  // sums the bytes' 0/1 flags
  }
  for (; i < s.size(); ++i) n += s[i] == ':';
  return n;
}

// Greedy matching that backtracks only to the last '*': O(|pattern|·|text|) worst case,
// never exponential (semantics 1.10).
template <bool CaseInsensitive, bool Escapes>
bool glob_general(std::string_view p, std::string_view t) {
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

}  // namespace

// Real patterns are mostly literal, a literal prefix and a trailing '*', or literal text around
// one '*' ("secretsmanager.*.amazonaws.com"). The literal prefix and suffix are matched first,
// anchored at the two ends, so the general matcher runs only on what lies between (if at all).
template <bool CaseInsensitive, bool Escapes>
bool glob(std::string_view p, std::string_view t) {
  auto same = [](char a, char b) { return CaseInsensitive ? ascii_lower(a) == ascii_lower(b) : a == b; };
  size_t i = 0;
  if constexpr (CaseInsensitive) {
    for (; i < p.size(); ++i) {
      const char pc = p[i];
      if (is_wild<Escapes>(pc)) break;
      if (i >= t.size() || !same(pc, t[i])) return false;
    }
  } else {
    i = literal_prefix<Escapes>(p, t);
    if (i < p.size() && !is_wild<Escapes>(p[i])) return false;  // a difference, or t too short
  }
  if (i == p.size()) return i == t.size();
  if (p[i] == '*' && i + 1 == p.size()) return true;
  size_t pe = p.size(), te = t.size();
  // With escapes a literal at the end may be the second half of an escape pair: no suffix step.
  if constexpr (!Escapes) {
    if constexpr (CaseInsensitive) {
      while (!is_wild<false>(p[pe - 1])) {  // stops at p[i] at the latest
        if (te == i || !same(p[pe - 1], t[te - 1])) return false;
        --pe;
        --te;
      }
    } else {
      const size_t k = literal_suffix(p.substr(i), t.substr(i));
      pe -= k;
      te -= k;
      if (!is_wild<false>(p[pe - 1])) return false;  // a difference, or t too short
    }
    if (pe - i == 1 && p[i] == '*') return true;
  }
  return glob_general<CaseInsensitive, Escapes>(p.substr(i, pe - i), t.substr(i, te - i));
}

template bool glob<false, false>(std::string_view, std::string_view);
template bool glob<true, false>(std::string_view, std::string_view);
template bool glob<false, true>(std::string_view, std::string_view);
template bool glob<true, true>(std::string_view, std::string_view);

namespace {

// Splits an ARN into at most 6 parts; the last one keeps any further ':'.
size_t split_arn(std::string_view s, std::array<std::string_view, 6>& parts) {
  size_t n = 0, start = 0;
  for (size_t i = 0; i < s.size() && n < 5; ++i) {
    if (s[i] != ':') continue;
    parts[n++] = s.substr(start, i - start);
    start = i + 1;
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
  size_t i = literal_prefix<true>(pattern, arn);
  if (i == pattern.size()) return pattern.size() == arn.size();
  if (!is_wild<true>(pattern[i])) return false;
  const size_t colons = count_colons(pattern.substr(0, i));
  // The first wildcard lies past the service segment, which therefore matched literally, and
  // every segment before it is equal. A '*' ending the pattern there matches whatever follows
  // (within its segment, and past later ':' as the end of a pattern); one in the resource part
  // (five ':' matched) leaves a plain glob of the rest.
  if (colons >= 3 && pattern[i] == '*' && i + 1 == pattern.size()) return true;
  if (colons >= 5) return glob<false, true>(pattern.substr(i), arn.substr(i));
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

namespace {

// `p` (the pattern's last segment) against `known` followed by an unknown key id: a non-empty
// string without '/' or ':'. True when p matches every such id, False when it matches none.
// Decided on p's elements (a literal, kEscape + literal, '?' or '*'), with no guess about the
// id's form beyond that.
Tri glob_unknown_id(std::string_view p, std::string_view known) {
  auto element = [&](size_t i) -> size_t { return p[i] == kEscape && i + 1 < p.size() ? 2 : 1; };
  // A final '*' takes any id once the rest matches `known` (it may also take part of it).
  if (ends_with_star(p) && glob<false, true>(p, known)) return Tri::True;
  // The id, having no '/' or ':', is matched by elements after the last literal '/' or ':'.
  size_t clean_from = 0;
  for (size_t i = 0; i < p.size(); i += element(i)) {
    const size_t len = element(i);
    const char c = p[i + len - 1];
    if ((len == 2 || (c != '*' && c != '?')) && (c == '/' || c == ':')) clean_from = i + len;
  }
  // Some id matches iff, at some element boundary j, p[0, j) matches `known` and what follows
  // can take a non-empty id: some element after j, or a '*' just before j that goes on into
  // the id. Each literal or '?' takes one character, so past |known| of them none can match.
  size_t taken = 0;
  bool after_star = false;
  for (size_t j = 0;;) {
    if (j >= clean_from && (j < p.size() || after_star) && glob<false, true>(p.substr(0, j), known))
      return Tri::Unknown;
    if (j == p.size()) return Tri::False;
    const size_t len = element(j);
    after_star = len == 1 && p[j] == '*';
    if (!after_star && ++taken > known.size()) return Tri::False;
    j += len;
  }
}

}  // namespace

Tri arn_matches_unknown_id(std::string_view pattern, std::string_view arn) {
  if (pattern == "*") return Tri::True;
  const size_t slash = arn.rfind('/');
  if (slash == std::string_view::npos) return to_tri(arn_matches_escaped(pattern, arn));  // no id to be unknown
  if (arn.substr(0, 4) != "arn:") return glob_unknown_id(pattern, arn.substr(0, slash + 1));
  std::array<std::string_view, 6> pp, ap;
  const size_t np = split_arn(pattern, pp);
  const size_t na = split_arn(arn, ap);
  if (na < 4) return Tri::Unknown;  // the id would be in the service segment: not an ARN we know
  // The segment holding the id is the ARN's last one; the others are known.
  auto segment = [&](size_t i) -> Tri {
    if (i + 1 < na) return to_tri(glob<false, true>(pp[i], ap[i]));
    return glob_unknown_id(pp[i], ap[i].substr(0, ap[i].rfind('/') + 1));
  };
  Tri result = Tri::True;
  for (size_t i = 0; i < np; ++i) {
    if (i >= na) return Tri::False;
    const bool last = i + 1 == np;
    if (i == 2) {  // no wildcards in the service segment
      if (pp[i] != ap[i]) return Tri::False;
      if (last && np < na) return Tri::False;
      continue;
    }
    // As in arn_matches_escaped: the resource part, or a '*' ending a short pattern, decides.
    if (last && np != 6 && !ends_with_star(pp[i]) && np != na) return Tri::False;
    result = tri_and(result, segment(i));
    if (result == Tri::False || last) return result;
  }
  return result;
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

bool compiled_action_matches(const CompiledPattern& pattern, std::string_view action_lower) {
  return eval_detail::compiled_action_hit(pattern, action_lower);
}

bool compiled_resource_matches(const CompiledPattern& pattern, std::string_view arn) {
  return eval_detail::compiled_resource_hit(pattern, arn);
}

}  // namespace threegate
