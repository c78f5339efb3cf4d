#include "threegate/symbol.hpp"

namespace threegate {

std::string make_symbol(SymbolKind kind, std::string_view name) {
  std::string s;
  s.reserve(name.size() + 4);
  s += kSymbolBegin;
  s += static_cast<char>(kind);
  s += ':';
  s += name;
  s += kSymbolEnd;
  return s;
}

std::vector<SymbolRef> symbols_in(std::string_view s) {
  std::vector<SymbolRef> out;
  size_t i = 0;
  while ((i = s.find(kSymbolBegin, i)) != std::string_view::npos) {
    const size_t end = s.find(kSymbolEnd, i);
    if (end == std::string_view::npos) break;
    if (end >= i + 3 && s[i + 2] == ':') {
      const char k = s[i + 1];
      if (k == 'u' || k == 'f' || k == 'a')
        out.push_back({static_cast<SymbolKind>(k), s.substr(i + 3, end - i - 3), i, end + 1});
    }
    i = end + 1;
  }
  return out;
}

std::string display_symbols(std::string_view s) {
  if (!has_symbol(s)) return std::string(s);
  std::string out;
  size_t at = 0;
  for (const auto& sym : symbols_in(s)) {
    out.append(s.substr(at, sym.begin - at));
    out += "${";
    out.append(sym.name);
    out += '}';
    at = sym.end;
  }
  out.append(s.substr(at));
  return out;
}

}  // namespace threegate
