// Quoted templates and heredocs. As in HashiCorp's parser, the template is first read as a
// flat list of raw parts (literal tokens, interpolations, directive markers); strip markers
// trim the neighbouring literal *token*, `<<-` removes the common indentation from the literal
// tokens that start a line, adjacent literals are melded, and only then is the if/for
// structure built.
#include <algorithm>
#include <limits>

#include "hcl/parser.hpp"
#include "hcl/unicode.hpp"

namespace threegate::hcl::detail {
namespace {

struct Raw {
  enum class Kind { Lit, Interp, If, Else, EndIf, For, EndFor };
  Kind kind = Kind::Lit;
  std::string text;  // Lit: decoded text
  uint32_t begin = 0, end = 0;
  ExprPtr expr;  // Interp: the expression; If: the condition; For: the collection
  std::string key_var, value_var;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const char* directive_name(Raw::Kind k) {
  switch (k) {
    case Raw::Kind::If: return "%{if}";
    case Raw::Kind::Else: return "%{else}";
    case Raw::Kind::EndIf: return "%{endif}";
    case Raw::Kind::For: return "%{for}";
    case Raw::Kind::EndFor: return "%{endfor}";
    default: return "text";
  }
}

// Code points in a run of whitespace, "\r\n" counting as one (a grapheme cluster).
size_t count_chars(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    int len = decode_utf8(s, i, cp);
    if (len == 0) len = 1;
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') len = 2;
    i += static_cast<size_t>(len);
    ++n;
  }
  return n;
}

size_t bytes_of_chars(std::string_view s, size_t chars) {
  size_t i = 0;
  for (size_t n = 0; n < chars && i < s.size(); ++n) {
    uint32_t cp = 0;
    int len = decode_utf8(s, i, cp);
    if (len == 0) len = 1;
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') len = 2;
    i += static_cast<size_t>(len);
  }
  return i;
}

bool ends_with_newline(const std::string& s) { return !s.empty() && s.back() == '\n'; }

// `<<-`: the smallest indentation among lines that start with a literal (blank lines aside;
// a line starting with an interpolation counts as unindented) is removed from each of them.
void flush_heredoc(std::vector<Raw>& raw) {
  const size_t none = std::numeric_limits<size_t>::max();
  size_t min_spaces = none;
  bool newline = true;
  std::vector<size_t> adjust;
  for (size_t i = 0; i < raw.size(); ++i) {
    Raw& r = raw[i];
    if (newline) {
      newline = false;
      size_t spaces = 0;
      if (r.kind == Raw::Kind::Lit) {
        size_t lead = leading_space_bytes(r.text);
        if (lead == r.text.size() && ends_with_newline(r.text)) {
          spaces = none;
        } else {
          spaces = count_chars(std::string_view(r.text).substr(0, lead));
          adjust.push_back(i);
        }
      }
      min_spaces = std::min(min_spaces, spaces);
    }
    if (r.kind == Raw::Kind::Lit && ends_with_newline(r.text)) newline = true;
  }
  if (min_spaces == none || min_spaces == 0) return;
  for (size_t i : adjust) {
    size_t bytes = bytes_of_chars(raw[i].text, min_spaces);
    raw[i].text.erase(0, bytes);
    raw[i].begin += static_cast<uint32_t>(bytes);
  }
}

void meld_literals(std::vector<Raw>& raw) {
  size_t out = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (out > 0 && raw[i].kind == Raw::Kind::Lit && raw[out - 1].kind == Raw::Kind::Lit) {
      raw[out - 1].text += raw[i].text;
      raw[out - 1].end = raw[i].end;
      continue;
    }
    if (out != i) raw[out] = std::move(raw[i]);
    ++out;
  }
  raw.resize(out);
}

}  // namespace

// Decodes one literal token: escapes (quoted templates only) and `$${` / `%%{`.
static std::string decode_literal(Parser& p, const Token& t, bool quoted) {
  std::string_view s = p.text(t);
  std::string out;
  out.reserve(s.size());
  if (s.size() >= 3 && (s[0] == '$' || s[0] == '%') && s[1] == s[0] && s[2] == '{') {
    out.push_back(s[0]);
    out.append(s.substr(2));
    return out;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!quoted || c != '\\') {
      out.push_back(c);
      continue;
    }
    uint32_t at = t.begin + static_cast<uint32_t>(i);
    if (i + 1 >= s.size()) {
      p.error(p.range(at, at + 1), "invalid escape sequence: '\\' must be followed by an escape character");
      continue;
    }
    char sel = s[i + 1];
    switch (sel) {
      case 'n': out.push_back('\n'); ++i; continue;
      case 'r': out.push_back('\r'); ++i; continue;
      case 't': out.push_back('\t'); ++i; continue;
      case '"': out.push_back('"'); ++i; continue;
      case '\\': out.push_back('\\'); ++i; continue;
      case 'u':
      case 'U': {
        size_t want = sel == 'u' ? 4 : 8, got = 0;
        uint32_t cp = 0;
        while (got < want && i + 2 + got < s.size() && hex_value(s[i + 2 + got]) >= 0)
          cp = cp * 16 + static_cast<uint32_t>(hex_value(s[i + 2 + got])), ++got;
        uint32_t end = at + 2 + static_cast<uint32_t>(got);
        i += 1 + got;
        if (got < want) {
          p.error(p.range(at, end), std::string("invalid escape sequence: '\\") + sel + "' must be followed by " +
                                        (sel == 'u' ? "four" : "eight") + " hexadecimal digits");
        } else if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          p.error(p.range(at, end), "invalid escape sequence '" + std::string(p.text(t).substr(end - want - 2 - t.begin, want + 2)) +
                                        "': not a unicode character");
        } else {
          append_utf8(out, cp);
        }
        continue;
      }
      default: {
        uint32_t cp = 0;
        int len = decode_utf8(s, i + 1, cp);
        if (len == 0) len = 1;
        std::string seq(s.substr(i, 1 + static_cast<size_t>(len)));
        p.error(p.range(at, at + 1 + static_cast<uint32_t>(len)),
                "invalid escape sequence '" + seq + "' (valid: \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN)");
        out.append(s.substr(i + 1, static_cast<size_t>(len)));
        i += static_cast<size_t>(len);
        continue;
      }
    }
  }
  return out;
}

namespace {

// Builds the if/for structure from the melded raw parts, up to (not including) an
// else/endif/endfor marker or the end.
void build_parts(Parser& p, std::vector<Raw>& raw, size_t& i, std::vector<TemplatePart>& out) {
  while (i < raw.size() && !p.failed()) {
    Raw& r = raw[i];
    switch (r.kind) {
      case Raw::Kind::Lit:
      case Raw::Kind::Interp: {
        TemplatePart part;
        part.kind = r.kind == Raw::Kind::Lit ? TemplatePart::Kind::Literal : TemplatePart::Kind::Interpolation;
        part.text = std::move(r.text);
        part.expr = std::move(r.expr);
        part.range = p.range(r.begin, r.end);
        out.push_back(std::move(part));
        ++i;
        break;
      }
      case Raw::Kind::If:
      case Raw::Kind::For: {
        bool is_if = r.kind == Raw::Kind::If;
        Range open = p.range(r.begin, r.end);
        Parser::Nest nest(p, open);
        if (p.failed()) return;
        TemplatePart part;
        part.kind = is_if ? TemplatePart::Kind::If : TemplatePart::Kind::For;
        part.expr = std::move(r.expr);
        part.key_var = std::move(r.key_var);
        part.value_var = std::move(r.value_var);
        ++i;
        build_parts(p, raw, i, part.body);
        if (p.failed()) return;
        if (is_if && i < raw.size() && raw[i].kind == Raw::Kind::Else) {
          ++i;
          build_parts(p, raw, i, part.else_body);
          if (p.failed()) return;
        }
        Raw::Kind want = is_if ? Raw::Kind::EndIf : Raw::Kind::EndFor;
        std::string where = std::string(directive_name(is_if ? Raw::Kind::If : Raw::Kind::For)) + " at line " +
                            std::to_string(p.line_of(open.begin));
        if (i >= raw.size()) {
          p.fail(open, std::string("missing ") + directive_name(want) + " for the " + where);
          return;
        }
        if (raw[i].kind != want) {
          p.fail(p.range(raw[i].begin, raw[i].end), std::string("expected ") + directive_name(want) + " for the " +
                                                        where + ", found " + directive_name(raw[i].kind));
          return;
        }
        part.range = p.range(open.begin, raw[i].end);
        ++i;
        out.push_back(std::move(part));
        break;
      }
      default:
        return;  // else / endif / endfor: the caller decides
    }
  }
}

}  // namespace

ExprPtr Parser::parse_template() {
  const Token& open = read();
  return parse_template_body(open, false);
}

ExprPtr Parser::parse_bare_template() {
  const Token start{Tok::OQuote, 0, 0};
  return parse_template_body(start, true);
}

ExprPtr Parser::parse_whole_expression() {
  NewlineMode nl(*this, false);
  ExprPtr e = parse_expression();
  if (failed_) return nullptr;
  const Token& end = peek();
  if (end.type != Tok::Eof) {
    fail(end, "expected the end of the expression, found " + describe(end));
    return nullptr;
  }
  return e;
}

// After the opening quote or heredoc introducer; `bare`: a template without delimiters, which
// ends at the end of the text.
ExprPtr Parser::parse_template_body(const Token& open, bool bare) {
  bool heredoc = open.type == Tok::OHeredoc;
  bool flush = heredoc && text_[open.begin + 2] == '-';
  Tok closer = bare ? Tok::Eof : heredoc ? Tok::CHeredoc : Tok::CQuote;
  auto e = make_expr(ExprKind::Template, range(open));
  e->heredoc = heredoc;

  std::vector<Raw> raw;
  bool ltrim_next = false, next_can_trim_prev = false;
  auto trim_prev = [&](const Token& t) {
    if (t.end - t.begin == 3 && !raw.empty() && raw.back().kind == Raw::Kind::Lit) {
      std::string& s = raw.back().text;
      s.erase(s.size() - trailing_space_bytes(s));
    }
  };
  for (;;) {
    const Token& t = read_raw();
    if (t.type == closer) {
      e->range.end = t.end;
      if (raw.empty()) raw.push_back(Raw{Raw::Kind::Lit, {}, t.begin, t.begin, nullptr, {}, {}});
      break;
    }
    bool ltrim = ltrim_next, can_trim_prev = next_can_trim_prev;
    ltrim_next = next_can_trim_prev = false;
    switch (t.type) {
      case Tok::QuotedLit:
      case Tok::StringLit:
      case Tok::BadUtf8: {
        std::string s;
        if (t.type == Tok::BadUtf8) {
          error(range(t), "invalid utf-8 in string");
          s = "\xEF\xBF\xBD";
        } else {
          s = decode_literal(*this, t, t.type == Tok::QuotedLit);
        }
        if (ltrim) s.erase(0, leading_space_bytes(s));
        raw.push_back(Raw{Raw::Kind::Lit, std::move(s), t.begin, t.end, nullptr, {}, {}});
        next_can_trim_prev = true;
        break;
      }
      case Tok::TemplateInterp: {
        if (can_trim_prev) trim_prev(t);
        NewlineMode nl(*this, false);
        ExprPtr inner = parse_expression();
        if (failed_) return nullptr;
        const Token& close = peek();
        if (close.type != Tok::TemplateSeqEnd) {
          fail(close, "expected '}' to close the '${' at line " + std::to_string(line_of(t.begin)) + ", found " +
                          describe(close) + (close.type == Tok::Colon ? " (write '$${' for a literal '${')" : ""));
          return nullptr;
        }
        read();
        ltrim_next = text_[close.begin] == '~';
        raw.push_back(Raw{Raw::Kind::Interp, {}, t.begin, close.end, std::move(inner), {}, {}});
        break;
      }
      case Tok::TemplateControl: {
        if (can_trim_prev) trim_prev(t);
        NewlineMode nl(*this, false);
        const Token& kw = peek();
        std::string_view word = kw.type == Tok::Ident ? text(kw) : std::string_view();
        Raw r;
        r.begin = t.begin;
        if (word == "if") {
          read();
          r.kind = Raw::Kind::If;
          r.expr = parse_expression();
        } else if (word == "else" || word == "endif" || word == "endfor") {
          read();
          r.kind = word == "else" ? Raw::Kind::Else : word == "endif" ? Raw::Kind::EndIf : Raw::Kind::EndFor;
        } else if (word == "for") {
          read();
          r.kind = Raw::Kind::For;
          const Token& first = peek();
          if (first.type != Tok::Ident) {
            fail(first, "expected a variable name after '%{for', found " + describe(first));
            return nullptr;
          }
          read();
          r.value_var = std::string(text(first));
          if (peek().type == Tok::Comma) {
            read();
            const Token& second = peek();
            if (second.type != Tok::Ident) {
              fail(second, "expected a second variable name after ',' in '%{for', found " + describe(second));
              return nullptr;
            }
            read();
            r.key_var = std::move(r.value_var);
            r.value_var = std::string(text(second));
          }
          const Token& in = peek();
          if (!is_keyword(in, "in")) {
            fail(in, "expected 'in' after the variables of '%{for', found " + describe(in));
            return nullptr;
          }
          read();
          r.expr = parse_expression();
        } else {
          fail(kw, "expected a template directive (if, else, endif, for, endfor) after '%{', found " + describe(kw));
          return nullptr;
        }
        if (failed_) return nullptr;
        const Token& close = peek();
        if (close.type != Tok::TemplateSeqEnd) {
          fail(close, "expected '}' to close the '%{" + std::string(word) + "' directive, found " + describe(close));
          return nullptr;
        }
        read();
        ltrim_next = text_[close.begin] == '~';
        r.end = close.end;
        raw.push_back(std::move(r));
        break;
      }
      case Tok::QuotedNewline:
        fail(t, "expected '\"' to close the string, found newline (use a heredoc for text on several lines)");
        return nullptr;
      case Tok::Eof:
        if (heredoc) {
          std::string_view intro = text(open).substr(flush ? 3 : 2);
          while (!intro.empty() && (intro.back() == '\n' || intro.back() == '\r')) intro.remove_suffix(1);
          fail(t, "expected '" + std::string(intro) + "' to close the heredoc at line " +
                      std::to_string(line_of(open.begin)) + ", found end of file");
        } else {
          fail(t, "expected '\"' to close the string at line " + std::to_string(line_of(open.begin)) +
                      ", found end of file");
        }
        return nullptr;
      default:
        fail(t, "unexpected " + describe(t) + " in string");
        return nullptr;
    }
  }
  if (flush) flush_heredoc(raw);
  meld_literals(raw);
  size_t i = 0;
  build_parts(*this, raw, i, e->parts);
  if (failed_) return nullptr;
  if (i < raw.size()) {
    fail(range(raw[i].begin, raw[i].end), std::string("unexpected ") + directive_name(raw[i].kind) +
                                              " without a matching " +
                                              (raw[i].kind == Raw::Kind::EndFor ? "%{for}" : "%{if}"));
    return nullptr;
  }
  return e;
}

bool Parser::parse_label(std::string& out, Range& label_range) {
  const Token& open = read();
  for (;;) {
    const Token& t = read_raw();
    switch (t.type) {
      case Tok::CQuote:
        label_range = range(open.begin, t.end);
        return true;
      case Tok::QuotedLit:
        out += decode_literal(*this, t, true);
        break;
      case Tok::BadUtf8:
        error(range(t), "invalid utf-8 in block label");
        out += "\xEF\xBF\xBD";
        break;
      case Tok::TemplateInterp:
      case Tok::TemplateControl:
        fail(t, "template sequences are not allowed in block labels (write '$${' or '%%{' for a literal)");
        return false;
      case Tok::QuotedNewline:
      case Tok::Eof:
        fail(t, "expected '\"' to close the block label, found " + describe(t));
        return false;
      default:
        fail(t, "unexpected " + describe(t) + " in block label");
        return false;
    }
  }
}

}  // namespace threegate::hcl::detail
