#include "hcl/unicode.hpp"

namespace threegate::hcl::detail {

int decode_utf8(std::string_view text, size_t pos, uint32_t& cp) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  unsigned char c = s[pos];
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  int len = 0;
  uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + static_cast<size_t>(len) > n) return 0;
  for (int i = 1; i < len; ++i) {
    unsigned char cc = s[pos + static_cast<size_t>(i)];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_space(uint32_t cp) {
  switch (cp) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

static bool non_ascii_letter(uint32_t cp) {
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x206F) return false;  // general punctuation
  if (cp >= 0x2190 && cp <= 0x2BFF) return false;  // arrows, math, technical, box drawing, ...
  if (cp >= 0x3000 && cp <= 0x3003) return false;
  if (cp == 0xFEFF) return false;
  return !is_space(cp);
}

bool is_ident_start(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  return non_ascii_letter(cp);
}

bool is_ident_continue(uint32_t cp) {
  if (cp < 0x80) return is_ident_start(cp) || (cp >= '0' && cp <= '9') || cp == '-';
  return non_ascii_letter(cp) || (cp >= 0x300 && cp <= 0x36F);  // combining marks
}

size_t leading_space_bytes(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = 0;
    int len = decode_utf8(text, i, cp);
    if (len == 0 || !is_space(cp)) break;
    i += static_cast<size_t>(len);
  }
  return i;
}

size_t trailing_space_bytes(std::string_view text) {
  // Walk forward so that multi-byte spaces are recognised; remember where the last
  // non-space character ended.
  size_t i = 0, keep = 0;
  while (i < text.size()) {
    uint32_t cp = 0;
    int len = decode_utf8(text, i, cp);
    if (len == 0) len = 1, cp = 0xFFFD;
    i += static_cast<size_t>(len);
    if (!is_space(cp)) keep = i;
  }
  return text.size() - keep;
}

}  // namespace threegate::hcl::detail
