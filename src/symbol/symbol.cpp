#include "threegate/symbol.hpp"

#include <cstring>

namespace threegate {

namespace {

// Characters of a name stored escaped, in the order of their codes "\x04".."\x08".
constexpr char kEscaped[] = {':', '/', '*', '?', '$'};

char encode_char(char c) {
  for (size_t i = 0; i < sizeof kEscaped; ++i)
    if (c == kEscaped[i]) return static_cast<char>(4 + i);
  if (c == kSymbolBegin || c == kSymbolEnd) return '_';
  return c;
}

char decode_char(char c) {
  if (c >= 4 && c < static_cast<char>(4 + sizeof kEscaped)) return kEscaped[c - 4];
  return c;
}

bool valid_kind(char k) { return k == 'u' || k == 'f' || k == 'a'; }

}  // namespace

std::string make_symbol(SymbolKind kind, std::string_view name) {
  std::string s;
  s.reserve(name.size() + 3);
  s += kSymbolBegin;
  s += static_cast<char>(kind);
  for (char c : name) s += encode_char(c);
  s += kSymbolEnd;
  return s;
}

std::string symbol_name(std::string_view encoded) {
  if (encoded.size() < 3 || encoded.front() != kSymbolBegin || encoded.back() != kSymbolEnd)
    return std::string(encoded);
  std::string out;
  for (char c : encoded.substr(2, encoded.size() - 3)) out += decode_char(c);
  return out;
}

std::vector<SymbolRef> symbols_in(std::string_view s) {
  std::vector<SymbolRef> out;
  size_t i = 0;
  while ((i = s.find(kSymbolBegin, i)) != std::string_view::npos) {
    const size_t end = s.find(kSymbolEnd, i);
    if (end == std::string_view::npos) break;
    if (end >= i + 2 && valid_kind(s[i + 1]))
      out.push_back({static_cast<SymbolKind>(s[i + 1]), symbol_name(s.substr(i, end + 1 - i)), i, end + 1});
    i = end + 1;
  }
  return out;
}

bool is_lone_symbol(std::string_view s, SymbolKind kind) {
  return s.size() >= 3 && s.front() == kSymbolBegin && s.back() == kSymbolEnd && s[1] == static_cast<char>(kind) &&
         s.find(kSymbolBegin, 1) == std::string_view::npos;
}

bool has_unknown_symbol(std::string_view s) {
  const char* p = s.data();
  const char* e = p + s.size();
  while ((p = static_cast<const char*>(std::memchr(p, kSymbolBegin, static_cast<size_t>(e - p))))) {
    if (p + 1 < e && p[1] == static_cast<char>(SymbolKind::Unknown)) return true;
    ++p;
  }
  return false;
}

std::string display_symbols(std::string_view s) {
  if (!has_symbol(s)) return std::string(s);
  std::string out;
  size_t at = 0;
  for (const auto& sym : symbols_in(s)) {
    out.append(s.substr(at, sym.begin - at));
    out += "${";
    out += sym.name;
    out += '}';
    at = sym.end;
  }
  out.append(s.substr(at));
  return out;
}

}  // namespace threegate
