// HCL2 native syntax (the language of .tf files): a syntax tree in which every node keeps its
// byte range. Parsing only; what the expressions mean is the Terraform evaluator's business.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "threegate/diagnostic.hpp"
#include "threegate/source.hpp"

namespace threegate::hcl {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// One step after a root name or an expression: `.name`, `[expr]`, or the legacy `.0`.
// Splat only occurs among the steps of a Splat expression: a further `[*]` or `.*`, after which
// the remaining steps apply to each element of the value reached so far (a[*].b[*].c).
struct Traverser {
  enum class Kind { Attr, Index, Splat };
  Kind kind = Kind::Attr;
  std::string name;  // Attr
  ExprPtr index;     // Index (`.0` is an Index holding the number literal 0)
  Range range;
};

// A piece of a string template: literal text, `${ expr }`, `%{ if }…%{ else }…%{ endif }` or
// `%{ for k, v in expr }…%{ endfor }`. Strip markers (`~`) are already applied to the
// neighbouring literal text.
struct TemplatePart {
  enum class Kind { Literal, Interpolation, If, For };
  Kind kind = Kind::Literal;
  std::string text;  // Literal: escapes decoded, `$${` and `%%{` turned into `${` and `%{`
  ExprPtr expr;      // Interpolation: the expression; If: the condition; For: the collection
  std::vector<TemplatePart> body;       // If: the true branch; For: the repeated body
  std::vector<TemplatePart> else_body;  // If: the false branch
  std::string key_var, value_var;       // For: `%{ for key_var, value_var in … }` (key_var may be empty)
  Range range;
};

struct ObjectItem {
  ExprPtr key;  // an Identifier-shaped key is a Variable expression holding the bare name
  ExprPtr value;
  Range range;  // key through value
};

enum class ExprKind {
  Null,         // null
  Bool,         // true / false
  Number,       // `text` holds the literal as written
  Template,     // a quoted string or heredoc: `parts` (a plain string is one Literal part)
  Variable,     // a root name: var, local, module, data, aws_kms_key, each, count, path, self, …
  Traversal,    // `source` followed by `traversers` (attribute and index steps)
  Splat,        // `source[*]` or `source.*` followed by `traversers`, applied to each element
  Tuple,        // [a, b]
  Object,       // { k = v, "k" : v }
  Call,         // name(args...), `expand_final` when the last argument ends with `...`
  Conditional,  // cond ? a : b  (`operands` = cond, a, b)
  Unary,        // `op` is "!" or "-"            (`operands` = operand)
  Binary,       // `op` is one of || && == != < <= > >= + - * / %   (`operands` = lhs, rhs)
  ForTuple,     // [for k, v in coll : expr if cond]
  ForObject,    // {for k, v in coll : key => value... if cond}
  Parens,       // (expr): kept so that ranges and `(a).b` stay faithful; `operands` = inner
};

struct Expr {
  ExprKind kind = ExprKind::Null;
  Range range;

  bool boolean = false;                  // Bool
  std::string text;                      // Number literal; Variable name; Call function name
  std::vector<TemplatePart> parts;       // Template
  bool heredoc = false;                  // Template written as <<EOT / <<-EOT
  ExprPtr source;                        // Traversal, Splat
  std::vector<Traverser> traversers;     // Traversal, Splat
  std::vector<ExprPtr> items;            // Tuple items; Call arguments
  std::vector<ObjectItem> object_items;  // Object
  bool expand_final = false;             // Call
  std::string op;                        // Unary, Binary
  std::vector<ExprPtr> operands;         // Conditional, Unary, Binary, Parens
  // ForTuple / ForObject: `for key_var, value_var in collection : value_expr` (ForObject adds
  // `key_expr =>`, and `group` for a trailing `...`), optional `if condition`.
  std::string key_var, value_var;  // key_var empty when only one variable is named
  ExprPtr collection, key_expr, value_expr, condition;
  bool group = false;
};

struct Attribute {
  std::string name;
  Range name_range;
  ExprPtr expr;
  Range range;  // name through the end of the expression
};

struct Block;

// The contents of a file or of a block, in source order.
struct Body {
  std::vector<Attribute> attributes;
  std::vector<Block> blocks;
  Range range;  // for a block: between the braces
  // First attribute / block with this name or type, or nullptr.
  const Attribute* attribute(std::string_view name) const;
  const Block* block(std::string_view type) const;
};

struct Block {
  std::string type;  // resource, data, variable, locals, module, provider, statement, …
  Range type_range;
  std::vector<std::string> labels;  // quoted or bare labels, unquoted
  std::vector<Range> label_ranges;
  Body body;
  Range range;  // type through the closing brace
};

struct Comment {
  std::string text;  // as written, markers included: "# …", "// …", "/* … */"
  Range range;
};

struct File {
  Body body;
  std::vector<Comment> comments;  // every comment, in source order
  // Syntax errors: TG404 diagnostics with their location. After an error the parser resumes at
  // the next top-level block, so that one mistake does not hide the rest of the file.
  Diagnostics errors;
  bool ok() const { return errors.empty(); }
};

// The source text a range covers ("" for a range without a file).
std::string_view text_of(const Range& range);

// Nesting deeper than this (brackets, templates, blocks, operator chains) is a syntax error.
inline constexpr int kMaxNesting = 256;

// Parses a whole .tf file. Never throws; nesting deeper than a fixed limit is a syntax error,
// not a stack overflow.
File parse_file(const SourceFile& source);

// Parses a whole .tf.json file: Terraform's JSON syntax (HCL's JSON mapping) into the same tree,
// every range pointing into the JSON text (a string's template parts at their bytes, escapes
// accounted for). JSON cannot tell nested blocks from attributes without the provider schema:
// a property is a block only when its name is a block type Terraform or the AWS mapping knows
// (lifecycle, dynamic, statement, replica, …; src/hcl/json_syntax.cpp lists them). A `"//"`
// property of a block body is a comment, left out (File::comments stays empty). Errors are TG404
// diagnostics; a top-level block with an error is left out. Never throws.
File parse_json_file(const SourceFile& source);

// Whether a path names a file in Terraform's JSON syntax (it ends with ".tf.json").
bool is_json_syntax_path(std::string_view path);

// parse_json_file for a .tf.json path, parse_file otherwise.
File parse_terraform_file(const SourceFile& source);

}  // namespace threegate::hcl
