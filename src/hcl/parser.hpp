// The recursive-descent parser over the token vector (HashiCorp's hclsyntax grammar). Shared by
// parser.cpp (bodies and expressions) and template.cpp (quoted templates and heredocs).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hcl/lexer.hpp"
#include "threegate/hcl.hpp"

namespace threegate::hcl::detail {

// At most this many syntax errors are reported per file.
inline constexpr size_t kMaxErrors = 5;

class Parser {
 public:
  Parser(const SourceFile& source, File& file, std::vector<Token> tokens);
  void parse_file();

  // --- used by template.cpp ---
  ExprPtr parse_expression();
  ExprPtr parse_template();           // at OQuote or OHeredoc
  // --- used by json_syntax.cpp, on the decoded text of a JSON string ---
  ExprPtr parse_bare_template();       // tokens from lex_template: the whole text is the template
  ExprPtr parse_whole_expression();    // tokens from lex: one expression, then the end of the text
  bool parse_label(std::string& out, Range& range);  // a quoted block label, no templates

  // Fatal error: records it and makes every parse function return until the top level
  // resynchronises.
  void fail(const Token& at, std::string message);
  void fail(Range at, std::string message);
  // Non-fatal error (a bad escape, invalid UTF-8): parsing goes on.
  void error(Range at, std::string message);
  bool failed() const { return failed_; }

  const Token& peek();
  const Token& read();
  const Token& read_raw() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  std::string_view text(const Token& t) const { return text_.substr(t.begin, t.end - t.begin); }
  Range range(uint32_t begin, uint32_t end) const { return Range{&source_, begin, end}; }
  Range range(const Token& t) const { return range(t.begin, t.end); }
  std::string describe(const Token& t) const;
  uint32_t line_of(uint32_t offset) const { return source_.line_col(offset).line; }
  bool is_keyword(const Token& t, std::string_view word) const { return t.type == Tok::Ident && text(t) == word; }

  // Newline significance, as a stack (HCL's PushIncludeNewlines).
  struct NewlineMode {
    NewlineMode(Parser& p, bool include) : p_(p) { p_.newlines_.push_back(include); }
    ~NewlineMode() { p_.newlines_.pop_back(); }
    NewlineMode(const NewlineMode&) = delete;
    NewlineMode& operator=(const NewlineMode&) = delete;
    Parser& p_;
  };
  // Nesting depth; exceeding kMaxNesting fails at `at`.
  struct Nest {
    Nest(Parser& p, const Token& at);
    Nest(Parser& p, Range at);
    ~Nest() { --p_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    Parser& p_;
  };
  int depth() const { return depth_; }

 private:
  ExprPtr parse_template_body(const Token& open, bool bare);
  void parse_top_item();
  void resync(size_t item_start);
  void parse_body_item(Body& body, bool single_line);
  void parse_block_body(Block& block, const Token& open);
  ExprPtr parse_binary(int min_level);
  ExprPtr parse_with_traversals();
  ExprPtr parse_term();
  ExprPtr parse_traversals(ExprPtr from);
  bool parse_splat_steps(std::vector<Traverser>& steps);
  ExprPtr parse_call(const Token& name);
  ExprPtr parse_tuple();
  ExprPtr parse_object();
  ExprPtr parse_for(const Token& open);
  ExprPtr parse_number(const Token& t);
  bool parse_index_step(const Token& open, Traverser& step);

  const SourceFile& source_;
  std::string_view text_;
  File& file_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::vector<bool> newlines_{true};
  bool failed_ = false;
  size_t fail_index_ = 0;
  int depth_ = 0;
};

ExprPtr make_expr(ExprKind kind, Range range);

}  // namespace threegate::hcl::detail
