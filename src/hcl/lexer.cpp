#include "hcl/lexer.hpp"

#include "hcl/unicode.hpp"

namespace threegate::hcl::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Template: a bare template (the decoded text of a JSON string), which runs to the end of the
// text: no quotes, no escapes, no end marker.
enum class Mode : uint8_t { Main, String, Heredoc, Template };

struct Heredoc {
  std::string_view marker;
  bool start_of_line = true;
};

class Lexer {
 public:
  explicit Lexer(const SourceFile& source) : source_(source), text_(source.text()) {}

  Lexed run(Mode start) {
    out_.tokens.reserve(text_.size() / 4 + 16);
    size_t pos = 0;
    if (start == Mode::Main && text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
    modes_.push_back(start);
    while (pos < text_.size()) {
      switch (modes_.back()) {
        case Mode::Main: pos = main(pos); break;
        case Mode::String: pos = string(pos); break;
        case Mode::Heredoc: pos = heredoc(pos); break;
        case Mode::Template: pos = bare_template(pos); break;
      }
    }
    emit(Tok::Eof, text_.size(), text_.size());
    return std::move(out_);
  }

 private:
  void emit(Tok type, size_t begin, size_t end) {
    out_.tokens.push_back(Token{type, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
  }
  char at(size_t pos) const { return pos < text_.size() ? text_[pos] : '\0'; }
  void pop_mode() {
    if (modes_.back() == Mode::Heredoc) heredocs_.pop_back();
    if (modes_.size() > 1) modes_.pop_back();
  }
  void comment(size_t begin, size_t end) {
    out_.comments.push_back(Comment{std::string(text_.substr(begin, end - begin)),
                                    Range{&source_, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)}});
  }

  // `${` / `%{` seen in a template: scan an expression until the `}` at this brace level.
  size_t open_sequence(Tok type, size_t pos) {
    size_t len = at(pos + 2) == '~' ? 3 : 2;
    emit(type, pos, pos + len);
    ++braces_;
    ret_braces_.push_back(braces_);
    if (!heredocs_.empty() && modes_.back() == Mode::Heredoc) heredocs_.back().start_of_line = false;
    modes_.push_back(Mode::Main);
    return pos + len;
  }

  size_t main(size_t pos) {
    char c = text_[pos];
    switch (c) {
      case ' ': case '\t':
        return pos + 1;
      case '\n':
        emit(Tok::Newline, pos, pos + 1);
        return pos + 1;
      case '\r':
        if (at(pos + 1) == '\n') {
          emit(Tok::Newline, pos, pos + 2);
          return pos + 2;
        }
        emit(Tok::Invalid, pos, pos + 1);
        return pos + 1;
      case '#':
        return line_comment(pos);
      case '/':
        if (at(pos + 1) == '/') return line_comment(pos);
        if (at(pos + 1) == '*') {
          size_t close = text_.find("*/", pos + 2);
          if (close == std::string_view::npos) {
            comment(pos, text_.size());
            emit(Tok::UnterminatedComment, pos, pos + 2);
            return text_.size();
          }
          comment(pos, close + 2);
          return close + 2;
        }
        emit(Tok::Slash, pos, pos + 1);
        return pos + 1;
      case '"':
        emit(Tok::OQuote, pos, pos + 1);
        modes_.push_back(Mode::String);
        return pos + 1;
      case '{':
        emit(Tok::OBrace, pos, pos + 1);
        ++braces_;
        return pos + 1;
      case '}':
        return close_brace(pos, 1);
      case '~':
        if (at(pos + 1) == '}') return close_brace(pos, 2);
        emit(Tok::Invalid, pos, pos + 1);
        return pos + 1;
      case '<':
        if (at(pos + 1) == '<') {
          size_t end = heredoc_start(pos);
          if (end != 0) return end;
        }
        return two(pos, '=', Tok::LessEq, Tok::Less);
      case '>': return two(pos, '=', Tok::GreaterEq, Tok::Greater);
      case '=':
        if (at(pos + 1) == '>') {
          emit(Tok::FatArrow, pos, pos + 2);
          return pos + 2;
        }
        return two(pos, '=', Tok::EqualOp, Tok::Equal);
      case '!': return two(pos, '=', Tok::NotEqual, Tok::Bang);
      case '&': return two(pos, '&', Tok::And, Tok::Invalid);
      case '|': return two(pos, '|', Tok::Or, Tok::Invalid);
      case ':': return two(pos, ':', Tok::DoubleColon, Tok::Colon);
      case '.':
        if (at(pos + 1) == '.' && at(pos + 2) == '.') {
          emit(Tok::Ellipsis, pos, pos + 3);
          return pos + 3;
        }
        emit(Tok::Dot, pos, pos + 1);
        return pos + 1;
      case '[': emit(Tok::OBrack, pos, pos + 1); return pos + 1;
      case ']': emit(Tok::CBrack, pos, pos + 1); return pos + 1;
      case '(': emit(Tok::OParen, pos, pos + 1); return pos + 1;
      case ')': emit(Tok::CParen, pos, pos + 1); return pos + 1;
      case ',': emit(Tok::Comma, pos, pos + 1); return pos + 1;
      case '*': emit(Tok::Star, pos, pos + 1); return pos + 1;
      case '%': emit(Tok::Percent, pos, pos + 1); return pos + 1;
      case '+': emit(Tok::Plus, pos, pos + 1); return pos + 1;
      case '-': emit(Tok::Minus, pos, pos + 1); return pos + 1;
      case '?': emit(Tok::Question, pos, pos + 1); return pos + 1;
      default:
        break;
    }
    if (is_digit(c)) return number(pos);
    uint32_t cp = 0;
    int len = decode_utf8(text_, pos, cp);
    if (len == 0) {
      emit(Tok::BadUtf8, pos, pos + 1);
      return pos + 1;
    }
    if (is_ident_start(cp)) return ident(pos);
    emit(Tok::Invalid, pos, pos + static_cast<size_t>(len));
    return pos + static_cast<size_t>(len);
  }

  size_t two(size_t pos, char second, Tok pair, Tok single) {
    if (at(pos + 1) == second) {
      emit(pair, pos, pos + 2);
      return pos + 2;
    }
    emit(single, pos, pos + 1);
    return pos + 1;
  }

  size_t close_brace(size_t pos, size_t len) {
    bool closes_sequence = !ret_braces_.empty() && ret_braces_.back() == braces_;
    // `~}` is always a sequence end, so that a misplaced one is reported by the parser.
    emit(closes_sequence || len == 2 ? Tok::TemplateSeqEnd : Tok::CBrace, pos, pos + len);
    --braces_;
    if (closes_sequence) {
      ret_braces_.pop_back();
      pop_mode();
    }
    return pos + len;
  }

  size_t line_comment(size_t pos) {
    size_t end = text_.find('\n', pos);
    if (end == std::string_view::npos) end = text_.size();
    size_t text_end = end;
    if (text_end > pos && text_[text_end - 1] == '\r' && end < text_.size()) --text_end;
    comment(pos, text_end);
    return text_end;  // the line break is a Newline token of its own
  }

  // Digits, then any of digits, '.', or an exponent; never ending with '.' (HCL's NumberLit).
  size_t number(size_t pos) {
    size_t i = pos + 1, end = pos + 1;
    for (;;) {
      char c = at(i);
      if (is_digit(c)) {
        end = ++i;
      } else if (c == '.') {
        ++i;
      } else if ((c == 'e' || c == 'E') &&
                 (is_digit(at(i + 1)) || ((at(i + 1) == '+' || at(i + 1) == '-') && is_digit(at(i + 2))))) {
        i += is_digit(at(i + 1)) ? 2 : 3;
        end = i;
      } else {
        break;
      }
    }
    emit(Tok::Number, pos, end);
    return end;
  }

  size_t ident_end(size_t pos) const {
    size_t i = pos;
    while (i < text_.size()) {
      uint32_t cp = 0;
      int len = decode_utf8(text_, i, cp);
      if (len == 0 || !is_ident_continue(cp)) break;
      i += static_cast<size_t>(len);
    }
    return i;
  }

  size_t ident(size_t pos) {
    size_t end = ident_end(pos);
    emit(Tok::Ident, pos, end);
    return end;
  }

  // `<<EOT` or `<<-EOT` followed by a line break opens a heredoc; returns 0 when it is not one.
  size_t heredoc_start(size_t pos) {
    size_t i = pos + 2;
    if (at(i) == '-') ++i;
    uint32_t cp = 0;
    if (i >= text_.size() || decode_utf8(text_, i, cp) == 0 || !is_ident_start(cp)) return 0;
    size_t marker_end = ident_end(i);
    size_t nl = marker_end;
    if (at(nl) == '\r') ++nl;
    if (at(nl) != '\n') return 0;
    emit(Tok::OHeredoc, pos, nl + 1);
    modes_.push_back(Mode::Heredoc);
    heredocs_.push_back(Heredoc{text_.substr(i, marker_end - i), true});
    return nl + 1;
  }

  size_t string(size_t pos) {
    char c = text_[pos];
    if (c == '"') {
      emit(Tok::CQuote, pos, pos + 1);
      pop_mode();
      return pos + 1;
    }
    if (c == '\n' || c == '\r') {
      size_t end = pos + (c == '\r' && at(pos + 1) == '\n' ? 2 : 1);
      emit(Tok::QuotedNewline, pos, end);
      pop_mode();  // an unterminated string ends at the line break, for better recovery
      return end;
    }
    if (c == '$' || c == '%') return template_mark(pos, Tok::QuotedLit);
    size_t i = pos;
    while (i < text_.size()) {
      char d = text_[i];
      if (d == '"' || d == '$' || d == '%' || d == '\n' || d == '\r') break;
      if (d == '\\') {
        char e = at(i + 1);
        if (i + 1 >= text_.size() || e == '\n' || e == '\r') break;
        i += 1;  // the escaped character is consumed below
        d = e;
      }
      if (static_cast<unsigned char>(d) < 0x80) {
        ++i;
        continue;
      }
      uint32_t cp = 0;
      int len = decode_utf8(text_, i, cp);
      if (len == 0) break;
      i += static_cast<size_t>(len);
    }
    if (i > pos) {
      emit(Tok::QuotedLit, pos, i);
      return i;
    }
    if (text_[pos] == '\\') {
      emit(Tok::Invalid, pos, pos + 1);
      return pos + 1;
    }
    emit(Tok::BadUtf8, pos, pos + 1);
    return pos + 1;
  }

  // At `$` or `%` in a template: `${`/`%{` open a sequence, `$${`/`%%{` are escapes (literal
  // tokens), a lone `$`/`%` is a one-character literal.
  size_t template_mark(size_t pos, Tok literal) {
    char c = text_[pos];
    if (at(pos + 1) == '{') return open_sequence(c == '$' ? Tok::TemplateInterp : Tok::TemplateControl, pos);
    if (!heredocs_.empty() && modes_.back() == Mode::Heredoc) heredocs_.back().start_of_line = false;
    if (at(pos + 1) == c && at(pos + 2) == '{') {
      size_t len = at(pos + 3) == '~' ? 4 : 3;
      emit(literal, pos, pos + len);
      return pos + len;
    }
    emit(literal, pos, pos + 1);
    return pos + 1;
  }

  size_t heredoc(size_t pos) {
    Heredoc& doc = heredocs_.back();
    if (doc.start_of_line) {
      size_t nl = text_.find('\n', pos);
      size_t line_end = nl == std::string_view::npos ? text_.size() : nl;
      size_t content_end = line_end;
      if (content_end > pos && text_[content_end - 1] == '\r') --content_end;
      std::string_view line = text_.substr(pos, content_end - pos);
      size_t a = 0, b = line.size();
      while (a < b && (line[a] == ' ' || line[a] == '\t')) ++a;
      while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t')) --b;
      if (line.substr(a, b - a) == doc.marker) {
        emit(Tok::CHeredoc, pos, content_end);
        if (nl != std::string_view::npos) emit(Tok::Newline, content_end, nl + 1);
        pop_mode();
        return nl == std::string_view::npos ? text_.size() : nl + 1;
      }
    }
    char c = text_[pos];
    if (c == '$' || c == '%') return template_mark(pos, Tok::StringLit);
    size_t i = pos;
    bool eol = false;
    while (i < text_.size()) {
      char d = text_[i];
      if (d == '$' || d == '%') break;
      if (d == '\n') {
        ++i;
        eol = true;
        break;
      }
      if (static_cast<unsigned char>(d) < 0x80) {
        ++i;
        continue;
      }
      uint32_t cp = 0;
      int len = decode_utf8(text_, i, cp);
      if (len == 0) break;
      i += static_cast<size_t>(len);
    }
    if (i == pos) {
      emit(Tok::BadUtf8, pos, pos + 1);
      doc.start_of_line = false;
      return pos + 1;
    }
    emit(Tok::StringLit, pos, i);
    doc.start_of_line = eol;
    return i;
  }

  // Literal text of a bare template, a line at most (as in a heredoc), up to `${` or `%{`.
  size_t bare_template(size_t pos) {
    char c = text_[pos];
    if (c == '$' || c == '%') return template_mark(pos, Tok::StringLit);
    size_t i = pos;
    while (i < text_.size()) {
      char d = text_[i];
      if (d == '$' || d == '%') break;
      if (d == '\n') {
        ++i;
        break;
      }
      if (static_cast<unsigned char>(d) < 0x80) {
        ++i;
        continue;
      }
      uint32_t cp = 0;
      int len = decode_utf8(text_, i, cp);
      if (len == 0) break;
      i += static_cast<size_t>(len);
    }
    if (i == pos) {
      emit(Tok::BadUtf8, pos, pos + 1);
      return pos + 1;
    }
    emit(Tok::StringLit, pos, i);
    return i;
  }

  const SourceFile& source_;
  std::string_view text_;
  Lexed out_;
  std::vector<Mode> modes_;
  std::vector<Heredoc> heredocs_;
  std::vector<int> ret_braces_;
  int braces_ = 0;
};

}  // namespace

Lexed lex(const SourceFile& source) { return Lexer(source).run(Mode::Main); }

Lexed lex_template(const SourceFile& source) { return Lexer(source).run(Mode::Template); }

}  // namespace threegate::hcl::detail
