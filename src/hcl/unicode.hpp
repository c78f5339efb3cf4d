// UTF-8 helpers for the HCL lexer: decoding without allocation, the whitespace HCL trims,
// and the characters an identifier may contain.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace threegate::hcl::detail {

// Decodes the code point at text[pos]. Returns its length in bytes (1..4), or 0 when the
// bytes there are not well-formed UTF-8 (overlong forms, surrogates and truncation included).
int decode_utf8(std::string_view text, size_t pos, uint32_t& code_point);

void append_utf8(std::string& out, uint32_t code_point);

// Unicode White_Space, as Go's unicode.IsSpace (used by strip markers and flush heredocs).
bool is_space(uint32_t code_point);

// Identifier characters: ASCII letters, digits, '_' and '-' (not first), and non-ASCII letters.
// Non-ASCII is approximated: punctuation and symbol blocks are excluded, other code points
// are taken as letters.
bool is_ident_start(uint32_t code_point);
bool is_ident_continue(uint32_t code_point);

// Leading / trailing whitespace (is_space) of UTF-8 text, in bytes.
size_t leading_space_bytes(std::string_view text);
size_t trailing_space_bytes(std::string_view text);

}  // namespace threegate::hcl::detail
