#include "hcl/parser.hpp"

#include <utility>

namespace threegate::hcl::detail {

ExprPtr make_expr(ExprKind kind, Range range) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->range = range;
  return e;
}

namespace {

Range span(const Range& a, const Range& b) { return Range{a.file, a.begin, b.end}; }

// Binary operator precedence levels, lowest first (HCL's binaryOps table).
int binary_level(Tok t) {
  switch (t) {
    case Tok::Or: return 0;
    case Tok::And: return 1;
    case Tok::EqualOp: case Tok::NotEqual: return 2;
    case Tok::Less: case Tok::LessEq: case Tok::Greater: case Tok::GreaterEq: return 3;
    case Tok::Plus: case Tok::Minus: return 4;
    case Tok::Star: case Tok::Slash: case Tok::Percent: return 5;
    default: return -1;
  }
}

bool valid_number(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

}  // namespace

Parser::Parser(const SourceFile& source, File& file, std::vector<Token> tokens)
    : source_(source), text_(source.text()), file_(file), tokens_(std::move(tokens)) {}

Parser::Nest::Nest(Parser& p, const Token& at) : p_(p) {
  if (++p_.depth_ > kMaxNesting && !p_.failed_)
    p_.fail(at, "nesting too deep: more than " + std::to_string(kMaxNesting) + " levels of brackets, templates or blocks");
}
Parser::Nest::Nest(Parser& p, Range at) : p_(p) {
  if (++p_.depth_ > kMaxNesting && !p_.failed_)
    p_.fail(at, "nesting too deep: more than " + std::to_string(kMaxNesting) + " levels of brackets, templates or blocks");
}

const Token& Parser::peek() {
  size_t i = pos_;
  if (!newlines_.back())
    while (tokens_[i].type == Tok::Newline) ++i;
  return tokens_[i];
}

const Token& Parser::read() {
  if (!newlines_.back())
    while (tokens_[pos_].type == Tok::Newline) ++pos_;
  const Token& t = tokens_[pos_];
  if (pos_ < tokens_.size() - 1) ++pos_;
  return t;
}

void Parser::error(Range at, std::string message) {
  if (file_.errors.size() >= kMaxErrors) return;
  Diagnostic d;
  d.rule_id = "TG404";
  d.severity = Severity::Error;
  d.message = std::move(message);
  d.range = at;
  d.path = source_.path();
  file_.errors.push_back(std::move(d));
}

void Parser::fail(const Token& at, std::string message) {
  if (failed_) return;
  fail_index_ = static_cast<size_t>(&at - tokens_.data());
  if (fail_index_ >= tokens_.size()) fail_index_ = pos_;
  error(range(at), std::move(message));
  failed_ = true;
}

void Parser::fail(Range at, std::string message) {
  if (failed_) return;
  fail_index_ = pos_;
  error(at, std::move(message));
  failed_ = true;
}

std::string Parser::describe(const Token& t) const {
  auto quoted = [&](std::string_view s) {
    if (s.size() > 24) return "'" + std::string(s.substr(0, 21)) + "...'";
    return "'" + std::string(s) + "'";
  };
  switch (t.type) {
    case Tok::Eof: return "end of file";
    case Tok::Newline: return "newline";
    case Tok::Ident: return quoted(text(t));
    case Tok::Number: return "number " + quoted(text(t));
    case Tok::OQuote: return "a string";
    case Tok::OHeredoc: return "a heredoc";
    case Tok::QuotedLit: case Tok::StringLit: return "text " + quoted(text(t));
    case Tok::CHeredoc: return "the heredoc end marker";
    case Tok::TemplateSeqEnd: return quoted(text(t));
    case Tok::BadUtf8: return "invalid utf-8";
    case Tok::QuotedNewline: return "newline";
    case Tok::UnterminatedComment: return "an unterminated '/*' comment";
    case Tok::Invalid: return "invalid character " + quoted(text(t));
    default: return quoted(text(t));
  }
}

// ---------------------------------------------------------------------------------------------
// Bodies

void Parser::parse_file() {
  uint32_t start = text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  file_.body.range = range(start, static_cast<uint32_t>(text_.size()));
  for (;;) {
    const Token& t = peek();
    if (t.type == Tok::Eof) break;
    if (t.type == Tok::Newline) {
      read();
      continue;
    }
    size_t item_start = pos_;
    parse_top_item();
    if (failed_) resync(item_start);
  }
}

void Parser::parse_top_item() {
  const Token& t = peek();
  if (t.type != Tok::Ident) {
    fail(t, "expected an attribute or block name, found " + describe(t));
    return;
  }
  parse_body_item(file_.body, false);
}

// After an error: skip to the next line that starts with an identifier at column 1, or past
// the closing brace of the top-level block the error is in.
void Parser::resync(size_t item_start) {
  int depth = 0;
  bool opened = false;
  size_t from = std::max(fail_index_, item_start + 1);
  for (size_t i = item_start; i < from && i < tokens_.size(); ++i) {
    if (tokens_[i].type == Tok::OBrace) ++depth, opened = true;
    if (tokens_[i].type == Tok::CBrace) --depth;
  }
  size_t i = from;
  for (; i < tokens_.size(); ++i) {
    const Token& t = tokens_[i];
    if (t.type == Tok::Eof) break;
    if (t.type == Tok::Ident && (t.begin == 0 || text_[t.begin - 1] == '\n' ||
                                 (t.begin == 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0)))
      break;
    if (t.type == Tok::OBrace) ++depth, opened = true;
    if (t.type == Tok::CBrace && --depth <= 0 && opened) {
      ++i;
      break;
    }
  }
  pos_ = i;
  failed_ = false;
  depth_ = 0;
  newlines_.assign(1, true);
}

void Parser::parse_body_item(Body& body, bool single_line) {
  const Token& name = read();
  const Token& next = peek();
  if (next.type == Tok::Equal) {
    read();
    Attribute attr;
    attr.name = std::string(text(name));
    attr.name_range = range(name);
    attr.expr = parse_expression();
    if (failed_) return;
    attr.range = range(name.begin, attr.expr->range.end);
    if (!single_line) {
      const Token& end = peek();
      if (end.type == Tok::Newline) {
        read();
      } else if (end.type != Tok::Eof) {
        fail(end, "expected newline after attribute '" + attr.name + "', found " + describe(end) +
                      (end.type == Tok::Comma ? " (attributes are separated by newlines, not commas)" : ""));
        return;
      }
    }
    body.attributes.push_back(std::move(attr));
    return;
  }
  if (single_line) {
    fail(next, "expected '=' after '" + std::string(text(name)) + "' in a one-line block, found " + describe(next) +
                   " (a one-line block holds a single attribute)");
    return;
  }
  Block block;
  block.type = std::string(text(name));
  block.type_range = range(name);
  for (;;) {
    const Token& t = peek();
    if (t.type == Tok::OBrace) break;
    if (t.type == Tok::OQuote) {
      std::string label;
      Range label_range;
      if (!parse_label(label, label_range)) return;
      block.labels.push_back(std::move(label));
      block.label_ranges.push_back(label_range);
      continue;
    }
    if (t.type == Tok::Ident) {
      read();
      block.labels.emplace_back(text(t));
      block.label_ranges.push_back(range(t));
      continue;
    }
    if (block.labels.empty())
      fail(t, "expected '=', a block label or '{' after '" + block.type + "', found " + describe(t));
    else
      fail(t, "expected '=' or '{' after block labels, found " + describe(t));
    return;
  }
  const Token& open = read();
  Nest nest(*this, open);
  if (failed_) return;
  parse_block_body(block, open);
  if (failed_) return;
  block.range = range(name.begin, tokens_[pos_ - 1].end);
  const Token& eol = peek();
  if (eol.type == Tok::Newline) {
    read();
  } else if (eol.type != Tok::Eof) {
    fail(eol, "expected newline after the closing '}' of block '" + block.type + "', found " + describe(eol));
    return;
  }
  body.blocks.push_back(std::move(block));
}

// After `{`: a multi-line body up to `}`, or a one-line body holding a single attribute.
void Parser::parse_block_body(Block& block, const Token& open) {
  Body& body = block.body;
  const Token& first = peek();
  if (first.type != Tok::Newline && first.type != Tok::Eof && first.type != Tok::CBrace) {
    if (first.type != Tok::Ident) {
      fail(first, "expected an attribute name or newline after '{', found " + describe(first));
      return;
    }
    parse_body_item(body, true);
    if (failed_) return;
    const Token& close = peek();
    if (close.type != Tok::CBrace) {
      fail(close, "expected '}' after the attribute of a one-line block, found " + describe(close) +
                      (close.type == Tok::Newline ? " (put the closing brace on the same line, or start the body on a new line)" : ""));
      return;
    }
    read();
    body.range = range(open.end, close.begin);
    return;
  }
  for (;;) {
    const Token& t = peek();
    if (t.type == Tok::CBrace) {
      read();
      body.range = range(open.end, t.begin);
      return;
    }
    if (t.type == Tok::Newline) {
      read();
      continue;
    }
    if (t.type == Tok::Ident) {
      parse_body_item(body, false);
      if (failed_) return;
      continue;
    }
    if (t.type == Tok::Eof) {
      fail(t, "expected '}' to close block '" + block.type + "' opened at line " +
                  std::to_string(line_of(open.begin)) + ", found end of file");
      return;
    }
    fail(t, "expected an attribute, a block or '}', found " + describe(t) +
                (t.type == Tok::OQuote ? " (attribute names must not be quoted)" : ""));
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// Expressions

ExprPtr Parser::parse_expression() {
  ExprPtr cond = parse_binary(0);
  if (failed_) return nullptr;
  const Token& q = peek();
  if (q.type != Tok::Question) return cond;
  read();
  Nest nest(*this, q);
  if (failed_) return nullptr;
  ExprPtr yes = parse_expression();
  if (failed_) return nullptr;
  const Token& colon = peek();
  if (colon.type != Tok::Colon) {
    fail(colon, "expected ':' in conditional expression, found " + describe(colon));
    return nullptr;
  }
  read();
  ExprPtr no = parse_expression();
  if (failed_) return nullptr;
  auto e = make_expr(ExprKind::Conditional, span(cond->range, no->range));
  e->operands.push_back(std::move(cond));
  e->operands.push_back(std::move(yes));
  e->operands.push_back(std::move(no));
  return e;
}

// Precedence climbing; operators of one level associate to the left, as in HCL.
ExprPtr Parser::parse_binary(int min_level) {
  ExprPtr lhs = parse_with_traversals();
  if (failed_) return nullptr;
  int chain = 0;
  for (;;) {
    const Token& op = peek();
    int level = binary_level(op.type);
    if (level < 0 || level < min_level) return lhs;
    read();
    ExprPtr rhs = parse_binary(level + 1);
    if (failed_) return nullptr;
    // A long chain nests as deeply as brackets would (the tree is left-deep).
    if (depth_ + ++chain > kMaxNesting) {
      fail(op, "expression too long: more than " + std::to_string(kMaxNesting) + " operators in a chain");
      return nullptr;
    }
    auto e = make_expr(ExprKind::Binary, span(lhs->range, rhs->range));
    e->op = std::string(text(op));
    e->operands.push_back(std::move(lhs));
    e->operands.push_back(std::move(rhs));
    lhs = std::move(e);
  }
}

ExprPtr Parser::parse_with_traversals() {
  ExprPtr term = parse_term();
  if (failed_) return nullptr;
  return parse_traversals(std::move(term));
}

ExprPtr Parser::parse_number(const Token& t) {
  std::string_view s = text(t);
  if (!valid_number(s)) {
    fail(t, "invalid number literal '" + std::string(s) + "'");
    return nullptr;
  }
  auto e = make_expr(ExprKind::Number, range(t));
  e->text = std::string(s);
  return e;
}

ExprPtr Parser::parse_term() {
  const Token& start = peek();
  Nest nest(*this, start);
  if (failed_) return nullptr;
  switch (start.type) {
    case Tok::OParen: {
      read();
      NewlineMode nl(*this, false);
      ExprPtr inner = parse_expression();
      if (failed_) return nullptr;
      const Token& close = peek();
      if (close.type != Tok::CParen) {
        fail(close, "expected ')' to close the '(' at line " + std::to_string(line_of(start.begin)) + ", found " +
                        describe(close));
        return nullptr;
      }
      read();
      auto e = make_expr(ExprKind::Parens, range(start.begin, close.end));
      e->operands.push_back(std::move(inner));
      return e;
    }
    case Tok::Number:
      read();
      return parse_number(start);
    case Tok::Ident: {
      read();
      const Token& next = peek();
      if (next.type == Tok::OParen || next.type == Tok::DoubleColon) return parse_call(start);
      std::string_view name = text(start);
      if (name == "true" || name == "false") {
        auto e = make_expr(ExprKind::Bool, range(start));
        e->boolean = name == "true";
        return e;
      }
      if (name == "null") return make_expr(ExprKind::Null, range(start));
      auto e = make_expr(ExprKind::Variable, range(start));
      e->text = std::string(name);
      return e;
    }
    case Tok::OQuote:
    case Tok::OHeredoc:
      return parse_template();
    case Tok::Minus:
    case Tok::Bang: {
      read();
      ExprPtr operand = parse_with_traversals();
      if (failed_) return nullptr;
      auto e = make_expr(ExprKind::Unary, range(start.begin, operand->range.end));
      e->op = start.type == Tok::Minus ? "-" : "!";
      e->operands.push_back(std::move(operand));
      return e;
    }
    case Tok::OBrack:
      return parse_tuple();
    case Tok::OBrace:
      return parse_object();
    default:
      fail(start, "expected an expression, found " + describe(start));
      return nullptr;
  }
}

namespace {

void append_step(ExprPtr& ret, Traverser step) {
  if (ret->kind == ExprKind::Traversal) {
    ret->range.end = step.range.end;
    ret->traversers.push_back(std::move(step));
    return;
  }
  auto e = make_expr(ExprKind::Traversal, Range{ret->range.file, ret->range.begin, step.range.end});
  e->source = std::move(ret);
  e->traversers.push_back(std::move(step));
  ret = std::move(e);
}

}  // namespace

// `[expr]` after `[` (the bracket is read): one index step.
bool Parser::parse_index_step(const Token& open, Traverser& step) {
  NewlineMode nl(*this, false);
  ExprPtr key = parse_expression();
  if (failed_) return false;
  const Token& close = peek();
  if (close.type != Tok::CBrack) {
    fail(close, "expected ']' after index, found " + describe(close));
    return false;
  }
  read();
  step.kind = Traverser::Kind::Index;
  step.index = std::move(key);
  step.range = range(open.begin, close.end);
  return true;
}

// Steps after a full splat `[*]`: attributes, indexes, legacy `.N`, and further splats.
bool Parser::parse_splat_steps(std::vector<Traverser>& steps) {
  for (;;) {
    const Token& t = peek();
    if (t.type == Tok::Dot) {
      read();
      const Token& a = peek();
      Traverser step;
      if (a.type == Tok::Ident) {
        read();
        step.kind = Traverser::Kind::Attr;
        step.name = std::string(text(a));
      } else if (a.type == Tok::Number) {
        read();
        if (text(a).find('.') != std::string_view::npos) {
          fail(a, "invalid legacy index '." + std::string(text(a)) + "': chained legacy indexes are not allowed, use [n][m]");
          return false;
        }
        step.kind = Traverser::Kind::Index;
        step.index = parse_number(a);
        if (failed_) return false;
      } else if (a.type == Tok::Star) {
        read();
        step.kind = Traverser::Kind::Splat;
      } else {
        fail(a, "expected an attribute name after '.', found " + describe(a));
        return false;
      }
      step.range = range(t.begin, a.end);
      steps.push_back(std::move(step));
      continue;
    }
    if (t.type == Tok::OBrack) {
      read();
      const Token& star = peek();
      if (star.type == Tok::Star) {
        read();
        const Token& close = read();
        if (close.type != Tok::CBrack) {
          fail(close, "expected ']' after '[*', found " + describe(close));
          return false;
        }
        Traverser step;
        step.kind = Traverser::Kind::Splat;
        step.range = range(t.begin, close.end);
        steps.push_back(std::move(step));
        continue;
      }
      Traverser step;
      if (!parse_index_step(t, step)) return false;
      steps.push_back(std::move(step));
      continue;
    }
    return true;
  }
}

ExprPtr Parser::parse_traversals(ExprPtr ret) {
  uint32_t begin = ret->range.begin;
  for (;;) {
    const Token& t = peek();
    if (t.type == Tok::Dot) {
      read();
      const Token& a = peek();
      if (a.type == Tok::Ident) {
        read();
        Traverser step;
        step.kind = Traverser::Kind::Attr;
        step.name = std::string(text(a));
        step.range = range(t.begin, a.end);
        append_step(ret, std::move(step));
      } else if (a.type == Tok::Number) {
        read();
        if (text(a).find('.') != std::string_view::npos) {
          fail(a, "invalid legacy index '." + std::string(text(a)) + "': chained legacy indexes are not allowed, use [n][m]");
          return nullptr;
        }
        Traverser step;
        step.kind = Traverser::Kind::Index;
        step.index = parse_number(a);
        if (failed_) return nullptr;
        step.range = range(t.begin, a.end);
        append_step(ret, std::move(step));
      } else if (a.type == Tok::Star) {
        // Attribute-only splat (`.*`): takes only `.name` and `.N` steps; later steps apply to
        // the resulting list.
        read();
        auto splat = make_expr(ExprKind::Splat, range(begin, a.end));
        for (;;) {
          if (peek().type != Tok::Dot) break;
          const Token& dot = read();
          const Token& n = peek();
          Traverser step;
          if (n.type == Tok::Ident) {
            step.kind = Traverser::Kind::Attr;
            step.name = std::string(text(n));
          } else if (n.type == Tok::Number && text(n).find('.') == std::string_view::npos) {
            step.kind = Traverser::Kind::Index;
            step.index = parse_number(n);
            if (failed_) return nullptr;
          } else {
            fail(n, n.type == Tok::Star ? "a splat ('*') cannot follow an attribute-only splat ('.*'); use [*]"
                                        : "expected an attribute name after '.', found " + describe(n));
            return nullptr;
          }
          read();
          step.range = range(dot.begin, n.end);
          splat->range.end = n.end;
          splat->traversers.push_back(std::move(step));
        }
        splat->source = std::move(ret);
        ret = std::move(splat);
      } else {
        fail(a, "expected an attribute name, a number or '*' after '.', found " + describe(a));
        return nullptr;
      }
      continue;
    }
    if (t.type == Tok::OBrack) {
      read();
      const Token& star = peek();
      if (star.type == Tok::Star) {
        read();
        const Token& close = read();
        if (close.type != Tok::CBrack) {
          fail(close, "expected ']' after '[*', found " + describe(close));
          return nullptr;
        }
        auto splat = make_expr(ExprKind::Splat, range(begin, close.end));
        if (!parse_splat_steps(splat->traversers)) return nullptr;
        if (!splat->traversers.empty()) splat->range.end = splat->traversers.back().range.end;
        splat->source = std::move(ret);
        ret = std::move(splat);
        continue;
      }
      Traverser step;
      if (!parse_index_step(t, step)) return nullptr;
      append_step(ret, std::move(step));
      continue;
    }
    return ret;
  }
}

ExprPtr Parser::parse_call(const Token& name) {
  std::string full(text(name));
  while (peek().type == Tok::DoubleColon) {
    read();
    const Token& part = read();
    if (part.type != Tok::Ident) {
      fail(part, "expected a function name after '::', found " + describe(part));
      return nullptr;
    }
    full += "::";
    full += text(part);
  }
  const Token& open = read();
  if (open.type != Tok::OParen) {
    fail(open, "expected '(' after function name '" + full + "', found " + describe(open));
    return nullptr;
  }
  auto e = make_expr(ExprKind::Call, range(name));
  e->text = std::move(full);
  NewlineMode nl(*this, false);
  for (;;) {
    if (peek().type == Tok::CParen) break;
    ExprPtr arg = parse_expression();
    if (failed_) return nullptr;
    e->items.push_back(std::move(arg));
    const Token& sep = peek();
    if (sep.type == Tok::CParen) break;
    if (sep.type == Tok::Ellipsis) {
      read();
      e->expand_final = true;
      const Token& close = peek();
      if (close.type != Tok::CParen) {
        fail(close, "expected ')' after '...' in the call to '" + e->text + "', found " + describe(close));
        return nullptr;
      }
      break;
    }
    if (sep.type != Tok::Comma) {
      if (sep.type == Tok::Eof)
        fail(sep, "expected ')' to close the call to '" + e->text + "' at line " +
                      std::to_string(line_of(name.begin)) + ", found end of file");
      else
        fail(sep, "expected ',' or ')' in the arguments of '" + e->text + "', found " + describe(sep));
      return nullptr;
    }
    read();
  }
  const Token& close = read();
  e->range.end = close.end;
  return e;
}

ExprPtr Parser::parse_tuple() {
  const Token& open = read();
  NewlineMode nl(*this, false);
  if (is_keyword(peek(), "for")) return parse_for(open);
  auto e = make_expr(ExprKind::Tuple, range(open));
  for (;;) {
    if (peek().type == Tok::CBrack) break;
    ExprPtr item = parse_expression();
    if (failed_) return nullptr;
    e->items.push_back(std::move(item));
    const Token& sep = peek();
    if (sep.type == Tok::CBrack) break;
    if (sep.type != Tok::Comma) {
      if (sep.type == Tok::Eof)
        fail(sep, "expected ']' to close the '[' at line " + std::to_string(line_of(open.begin)) + ", found end of file");
      else
        fail(sep, "expected ',' or ']' in tuple, found " + describe(sep));
      return nullptr;
    }
    read();
  }
  e->range.end = read().end;
  return e;
}

ExprPtr Parser::parse_object() {
  const Token& open = read();
  {
    NewlineMode nl(*this, false);
    if (is_keyword(peek(), "for")) return parse_for(open);
  }
  NewlineMode nl(*this, true);
  auto e = make_expr(ExprKind::Object, range(open));
  for (;;) {
    const Token& next = peek();
    if (next.type == Tok::Newline) {
      read();
      continue;
    }
    if (next.type == Tok::CBrace) break;
    if (next.type == Tok::Eof) {
      fail(next, "expected '}' to close the '{' at line " + std::to_string(line_of(open.begin)) + ", found end of file");
      return nullptr;
    }
    ObjectItem item;
    item.key = parse_expression();
    if (failed_) return nullptr;
    const Token& sep = peek();
    if (sep.type != Tok::Equal && sep.type != Tok::Colon) {
      fail(sep, "expected '=' or ':' after object key, found " + describe(sep));
      return nullptr;
    }
    read();
    item.value = parse_expression();
    if (failed_) return nullptr;
    item.range = span(item.key->range, item.value->range);
    e->object_items.push_back(std::move(item));
    const Token& after = peek();
    if (after.type == Tok::CBrace) break;
    if (after.type != Tok::Comma && after.type != Tok::Newline) {
      if (after.type == Tok::Eof)
        fail(after, "expected '}' to close the '{' at line " + std::to_string(line_of(open.begin)) + ", found end of file");
      else
        fail(after, "expected ',', newline or '}' after object item, found " + describe(after));
      return nullptr;
    }
    read();
  }
  e->range.end = read().end;
  return e;
}

// `[for k, v in coll : value if cond]` / `{for k, v in coll : key => value... if cond}`,
// after the opening bracket.
ExprPtr Parser::parse_for(const Token& open) {
  NewlineMode nl(*this, false);
  bool object = open.type == Tok::OBrace;
  Tok close_type = object ? Tok::CBrace : Tok::CBrack;
  read();  // `for`
  auto e = make_expr(object ? ExprKind::ForObject : ExprKind::ForTuple, range(open));
  const Token& first = peek();
  if (first.type != Tok::Ident) {
    fail(first, "expected a variable name after 'for', found " + describe(first));
    return nullptr;
  }
  read();
  e->value_var = std::string(text(first));
  if (peek().type == Tok::Comma) {
    read();
    const Token& second = peek();
    if (second.type != Tok::Ident) {
      fail(second, "expected a second variable name after ',' in for expression, found " + describe(second));
      return nullptr;
    }
    read();
    e->key_var = std::move(e->value_var);
    e->value_var = std::string(text(second));
  }
  const Token& in = peek();
  if (!is_keyword(in, "in")) {
    fail(in, "expected 'in' after the variables of a for expression, found " + describe(in));
    return nullptr;
  }
  read();
  e->collection = parse_expression();
  if (failed_) return nullptr;
  const Token& colon = peek();
  if (colon.type != Tok::Colon) {
    fail(colon, "expected ':' after the collection of a for expression, found " + describe(colon));
    return nullptr;
  }
  read();
  ExprPtr value = parse_expression();
  if (failed_) return nullptr;
  const Token& arrow = peek();
  if (arrow.type == Tok::FatArrow) {
    if (!object) {
      fail(arrow, "unexpected '=>' in a tuple for expression (use '{for ...}' to build an object)");
      return nullptr;
    }
    read();
    e->key_expr = std::move(value);
    value = parse_expression();
    if (failed_) return nullptr;
  } else if (object) {
    fail(arrow, "expected '=>' after the key of an object for expression, found " + describe(arrow));
    return nullptr;
  }
  e->value_expr = std::move(value);
  const Token& dots = peek();
  if (dots.type == Tok::Ellipsis) {
    if (!object) {
      fail(dots, "unexpected '...' in a tuple for expression (grouping is only for objects)");
      return nullptr;
    }
    read();
    e->group = true;
  }
  if (is_keyword(peek(), "if")) {
    read();
    e->condition = parse_expression();
    if (failed_) return nullptr;
  }
  const Token& close = peek();
  if (close.type != close_type) {
    fail(close, std::string("expected '") + (object ? "}" : "]") + "' to close the for expression, found " + describe(close));
    return nullptr;
  }
  read();
  e->range.end = close.end;
  return e;
}

}  // namespace threegate::hcl::detail

namespace threegate::hcl {

File parse_file(const SourceFile& source) {
  File file;
  detail::Lexed lexed = detail::lex(source);
  file.comments = std::move(lexed.comments);
  detail::Parser parser(source, file, std::move(lexed.tokens));
  parser.parse_file();
  return file;
}

std::string_view text_of(const Range& range) {
  if (range.file == nullptr) return {};
  const std::string& t = range.file->text();
  if (range.begin > range.end || range.end > t.size()) return {};
  return std::string_view(t).substr(range.begin, range.end - range.begin);
}

const Attribute* Body::attribute(std::string_view name) const {
  for (const Attribute& a : attributes)
    if (a.name == name) return &a;
  return nullptr;
}

const Block* Body::block(std::string_view type) const {
  for (const Block& b : blocks)
    if (b.type == type) return &b;
  return nullptr;
}

}  // namespace threegate::hcl
