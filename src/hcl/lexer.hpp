// Tokens of HCL's native syntax. The scanner is modal like HashiCorp's: quoted strings and
// heredocs switch to template scanning, `${` / `%{` switch back until the matching `}`.
// Comments are not tokens; they are collected on the side with their ranges.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "threegate/hcl.hpp"

namespace threegate::hcl::detail {

enum class Tok : uint8_t {
  Eof,
  Newline,
  Ident,
  Number,
  OBrace, CBrace, OBrack, CBrack, OParen, CParen,
  OQuote, CQuote,      // `"` opening / closing a quoted template
  OHeredoc, CHeredoc,  // `<<EOT\n` / the closing `EOT` line
  QuotedLit,           // literal text of a quoted template, escapes not yet decoded
  StringLit,           // literal text of a heredoc (one line at most)
  TemplateInterp,      // `${` or `${~`
  TemplateControl,     // `%{` or `%{~`
  TemplateSeqEnd,      // `}` or `~}` closing an interpolation or directive
  Dot, Comma, Star, Slash, Percent, Plus, Minus, Equal,
  EqualOp, NotEqual, Less, LessEq, Greater, GreaterEq, And, Or, Bang,
  Question, Colon, DoubleColon, Ellipsis, FatArrow,
  Invalid,              // a character that is no token (`&`, `;`, a stray `\`, ...)
  BadUtf8,              // one byte that is not well-formed UTF-8
  QuotedNewline,        // a line break inside a quoted string (ends the string)
  UnterminatedComment,  // `/*` without `*/`
};

struct Token {
  Tok type = Tok::Eof;
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct Lexed {
  std::vector<Token> tokens;  // always ends with Tok::Eof
  std::vector<Comment> comments;
};

Lexed lex(const SourceFile& source);
// The whole text as a bare template (HCL's ParseTemplate: the JSON syntax's strings): literal
// text and `${` / `%{` sequences up to the end, no quotes and no escapes.
Lexed lex_template(const SourceFile& source);

}  // namespace threegate::hcl::detail
