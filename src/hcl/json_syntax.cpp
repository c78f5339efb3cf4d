// Terraform's JSON syntax (.tf.json), after HashiCorp's HCL JSON specification and Terraform's
// "JSON Configuration Syntax": the same syntax tree parse_file builds from native syntax, every
// range pointing into the .tf.json file.
//
// - The root object's properties are top-level block types; each level of labels is one level
//   of nested objects (`"resource": {"aws_kms_key": {"k": {…body…}}}`), and at any of those
//   levels a JSON array of objects stands for several (ordered) blocks.
// - A `"//"` property of an object that is a block body is a comment and is ignored (it is not
//   a comment of File::comments: JSON syntax has no inline suppressions).
// - A JSON string where an expression is expected is a template (`${…}`, `%{…}`), parsed by the
//   native template parser from its decoded text; an object key there is a template too.
//   Meta-arguments that take a reference or keyword hold it as a string that is parsed as an
//   expression: `provider`, `depends_on`, lifecycle's `ignore_changes` and
//   `replace_triggered_by`, a dynamic block's `iterator`, provisioner `when` / `on_failure`,
//   moved/import/removed addresses, and a variable's `type` (a type expression). Strings that
//   Terraform takes literally stay literal: a variable's `default` and `description`, an
//   output's `description`, a module's `source`, `version` and `providers`, a provider's
//   `alias` and `version`, a connection's `type`, everything in a `terraform` block.
//
// Attribute or nested block: JSON does not tell them apart, the provider schema does, and it is
// not at hand. So a property is a nested block only when its name is a block type known here:
// Terraform's own (`dynamic`, `lifecycle`, `provisioner`, `connection`, `timeouts`, a
// variable's `validation`, `precondition`/`postcondition`, the blocks of `terraform` and of the
// AWS provider configuration) and the nested blocks the AWS mapping reads (`replica` of
// aws_secretsmanager_secret, `inline_policy` of aws_iam_role, `constraints` of aws_kms_grant,
// and `statement`, `principals`, `not_principals`, `condition` of data aws_iam_policy_document).
// Every other property is an attribute; a block threegate does not read, written as an
// attribute, holds an object or a list of objects, which nothing here reads as a block anyway.
//
// Errors are TG404 findings at their byte: JSON syntax errors (the located JSON reader), and
// structural ones (a block that is not an object, an unknown top-level block type, a template
// that does not parse). As in native syntax, a top-level block with an error is left out.
#include <algorithm>
#include <optional>
#include <string_view>

#include "hcl/lexer.hpp"
#include "hcl/parser.hpp"
#include "hcl/unicode.hpp"
#include "threegate/hcl.hpp"
#include "threegate/json.hpp"

namespace threegate::hcl {
namespace {

using detail::make_expr;

// How the string values of a property are read.
enum class Mode {
  Expression,  // the general rule: strings are templates
  Literal,     // deep: strings are taken as written, never templates
  Reference,   // a string holding an expression: a reference, keyword or type expression
  References,  // an array of such strings, or a single one (ignore_changes = "all")
};

// Which kind of body an object is: decides which properties are blocks and how values are read.
enum class Ctx {
  Root,
  Resource,  // resource and data bodies
  Nested,    // a nested block of a resource (statement, replica, …, dynamic content)
  Dynamic,
  Lifecycle,
  Provisioner,
  Connection,
  Variable,
  Output,
  Locals,
  Module,
  Provider,
  Terraform,
  TerraformCloud,
  LiteralBlock,  // required_providers, backend, …: all literal, no nested blocks
  Generic,       // all attributes, all expressions (validation, precondition, timeouts, …)
  Moved,
  Import,
  Removed,
  Check,
};

struct Context {
  Ctx kind = Ctx::Generic;
  bool data = false;  // Resource / Nested / Dynamic: of a data block
  std::string type;   // Resource / Nested / Dynamic: the resource type
};

struct BlockRule {
  size_t labels = 0;
  Context child;
};

// Nested block types of the resource types the AWS mapping reads blocks of.
struct TypeBlocks {
  bool data;
  std::string_view type;
  std::string_view blocks[4];
};
constexpr TypeBlocks kTypeBlocks[] = {
    {false, "aws_secretsmanager_secret", {"replica"}},
    {false, "aws_iam_role", {"inline_policy"}},
    {false, "aws_kms_grant", {"constraints"}},
    {true, "aws_iam_policy_document", {"statement", "principals", "not_principals", "condition"}},
};

bool type_block(const Context& c, std::string_view key) {
  for (const TypeBlocks& t : kTypeBlocks) {
    if (t.data != c.data || t.type != c.type) continue;
    for (std::string_view b : t.blocks)
      if (!b.empty() && b == key) return true;
  }
  return false;
}

Context ctx(Ctx kind) { return Context{kind, false, {}}; }
Context like(const Context& c, Ctx kind) { return Context{kind, c.data, c.type}; }

// The nested block a property of a body of context `c` stands for, or nullopt for an attribute.
std::optional<BlockRule> block_rule(const Context& c, std::string_view key) {
  auto block = [](size_t labels, Context child) { return std::optional<BlockRule>(BlockRule{labels, std::move(child)}); };
  switch (c.kind) {
    case Ctx::Root:
      if (key == "resource") return block(2, Context{Ctx::Resource, false, {}});
      if (key == "data") return block(2, Context{Ctx::Resource, true, {}});
      if (key == "variable") return block(1, ctx(Ctx::Variable));
      if (key == "output") return block(1, ctx(Ctx::Output));
      if (key == "locals") return block(0, ctx(Ctx::Locals));
      if (key == "module") return block(1, ctx(Ctx::Module));
      if (key == "provider") return block(1, ctx(Ctx::Provider));
      if (key == "terraform") return block(0, ctx(Ctx::Terraform));
      if (key == "moved") return block(0, ctx(Ctx::Moved));
      if (key == "import") return block(0, ctx(Ctx::Import));
      if (key == "removed") return block(0, ctx(Ctx::Removed));
      if (key == "check") return block(1, ctx(Ctx::Check));
      return std::nullopt;
    case Ctx::Resource:
      if (key == "lifecycle") return block(0, ctx(Ctx::Lifecycle));
      if (key == "provisioner") return block(1, ctx(Ctx::Provisioner));
      if (key == "connection") return block(0, ctx(Ctx::Connection));
      if (key == "timeouts") return block(0, ctx(Ctx::Generic));
      [[fallthrough]];
    case Ctx::Nested:
      if (key == "dynamic") return block(1, like(c, Ctx::Dynamic));
      if (type_block(c, key)) return block(0, like(c, Ctx::Nested));
      return std::nullopt;
    case Ctx::Dynamic:
      if (key == "content") return block(0, like(c, Ctx::Nested));
      return std::nullopt;
    case Ctx::Lifecycle:
      if (key == "precondition" || key == "postcondition") return block(0, ctx(Ctx::Generic));
      return std::nullopt;
    case Ctx::Provisioner:
      if (key == "connection") return block(0, ctx(Ctx::Connection));
      return std::nullopt;
    case Ctx::Variable:
      if (key == "validation") return block(0, ctx(Ctx::Generic));
      return std::nullopt;
    case Ctx::Output:
      if (key == "precondition") return block(0, ctx(Ctx::Generic));
      return std::nullopt;
    case Ctx::Provider:
      if (key == "assume_role" || key == "assume_role_with_web_identity" || key == "default_tags" ||
          key == "ignore_tags" || key == "endpoints")
        return block(0, ctx(Ctx::Generic));
      return std::nullopt;
    case Ctx::Terraform:
      if (key == "required_providers") return block(0, ctx(Ctx::LiteralBlock));
      if (key == "backend" || key == "provider_meta") return block(1, ctx(Ctx::LiteralBlock));
      if (key == "cloud") return block(0, ctx(Ctx::TerraformCloud));
      return std::nullopt;
    case Ctx::TerraformCloud:
      if (key == "workspaces") return block(0, ctx(Ctx::LiteralBlock));
      return std::nullopt;
    case Ctx::Removed:
      if (key == "lifecycle") return block(0, ctx(Ctx::Lifecycle));
      if (key == "provisioner") return block(1, ctx(Ctx::Provisioner));
      return std::nullopt;
    case Ctx::Check:
      if (key == "assert") return block(0, ctx(Ctx::Generic));
      if (key == "data") return block(2, Context{Ctx::Resource, true, {}});
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

Mode attribute_mode(const Context& c, std::string_view key) {
  switch (c.kind) {
    case Ctx::Resource:
      if (key == "provider") return Mode::Reference;
      if (key == "depends_on") return Mode::References;
      return Mode::Expression;
    case Ctx::Dynamic:
      return key == "iterator" ? Mode::Reference : Mode::Expression;
    case Ctx::Lifecycle:
      return key == "ignore_changes" || key == "replace_triggered_by" ? Mode::References : Mode::Expression;
    case Ctx::Provisioner:
      return key == "when" || key == "on_failure" ? Mode::Reference : Mode::Expression;
    case Ctx::Connection:
      return key == "type" ? Mode::Literal : Mode::Expression;
    case Ctx::Variable:
      if (key == "type") return Mode::Reference;
      if (key == "default" || key == "description") return Mode::Literal;
      return Mode::Expression;
    case Ctx::Output:
      if (key == "description") return Mode::Literal;
      if (key == "depends_on") return Mode::References;
      return Mode::Expression;
    case Ctx::Module:
      if (key == "source" || key == "version" || key == "providers") return Mode::Literal;
      if (key == "depends_on") return Mode::References;
      return Mode::Expression;
    case Ctx::Provider:
      return key == "alias" || key == "version" ? Mode::Literal : Mode::Expression;
    case Ctx::Terraform:
    case Ctx::TerraformCloud:
    case Ctx::LiteralBlock:
      return Mode::Literal;
    case Ctx::Moved:
      return key == "from" || key == "to" ? Mode::Reference : Mode::Expression;
    case Ctx::Import:
      return key == "to" || key == "provider" ? Mode::Reference : Mode::Expression;
    case Ctx::Removed:
      return key == "from" ? Mode::Reference : Mode::Expression;
    default:
      return Mode::Expression;
  }
}

const char* a_kind(JsonKind k) {
  switch (k) {
    case JsonKind::Null: return "null";
    case JsonKind::Bool: return "a boolean";
    case JsonKind::Number: return "a number";
    case JsonKind::String: return "a string";
    case JsonKind::Array: return "an array";
    case JsonKind::Object: return "an object";
  }
  return "a value";
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The decoded text of a JSON string literal and, for each decoded byte, the bytes of the file
// it came from: a plain byte from itself, an escape (\n, \u00e9, a surrogate pair) from the
// whole escape. begin[size()] is the closing quote, so that an empty range at the end maps too.
struct Decoded {
  std::string text;
  std::vector<uint32_t> begin, end;
  const SourceFile* file = nullptr;

  Range map(uint32_t b, uint32_t e) const {
    const auto n = static_cast<uint32_t>(text.size());
    b = std::min(b, n);
    e = std::clamp(e, b, n);
    return Range{file, begin[b], e > b ? end[e - 1] : begin[b]};
  }
};

// The four hex digits at s[at] (validated by the JSON reader; a missing or bad digit counts 0).
uint32_t hex4(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    const int digit = at + k < s.size() ? hex_digit(s[at + k]) : -1;
    v = v * 16 + static_cast<uint32_t>(std::max(0, digit));
  }
  return v;
}

// Re-decodes the literal at `quoted` (quotes included; parse_json has validated it), as the
// located JSON reader does. Falls back to mapping every byte to the whole literal when the
// text does not decode to `expected`.
Decoded decode(const SourceFile& file, Range quoted, const std::string& expected) {
  Decoded d;
  d.file = &file;
  const std::string_view s = std::string_view(file.text()).substr(quoted.begin, quoted.end - quoted.begin);
  const uint32_t base = quoted.begin;
  size_t i = 1;
  while (s.size() >= 2 && i + 1 < s.size()) {
    const char c = s[i];
    const auto at = static_cast<uint32_t>(base + i);
    if (c != '\\') {
      d.text.push_back(c);
      d.begin.push_back(at);
      d.end.push_back(at + 1);
      ++i;
      continue;
    }
    const char e = i + 1 < s.size() ? s[i + 1] : '\0';
    size_t len = 2;
    const size_t before = d.text.size();
    switch (e) {
      case 'b': d.text.push_back('\b'); break;
      case 'f': d.text.push_back('\f'); break;
      case 'n': d.text.push_back('\n'); break;
      case 'r': d.text.push_back('\r'); break;
      case 't': d.text.push_back('\t'); break;
      case 'u': {
        uint32_t cp = hex4(s, i + 2);
        len = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 11 < s.size() && s[i + 6] == '\\' && s[i + 7] == 'u') {
          const uint32_t lo = hex4(s, i + 8);
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          len = 12;
        }
        if (cp >= 0x01 && cp <= 0x08) cp = 0xFFFD;  // as the JSON reader: never a symbol byte
        detail::append_utf8(d.text, cp);
        break;
      }
      default: d.text.push_back(e); break;  // \" \\ \/
    }
    for (size_t k = before; k < d.text.size(); ++k) {
      d.begin.push_back(at);
      d.end.push_back(static_cast<uint32_t>(at + len));
    }
    i += len;
  }
  if (d.text != expected) {
    d.text = expected;
    d.begin.assign(expected.size(), quoted.begin);
    d.end.assign(expected.size(), quoted.end);
  }
  d.begin.push_back(quoted.end > quoted.begin ? quoted.end - 1 : quoted.end);
  return d;
}

// Ranges of a tree parsed from decoded text, moved into the .tf.json file.
struct Remap {
  const SourceFile* scratch;
  const Decoded& decoded;

  void range(Range& r) const {
    if (r.file == scratch) r = decoded.map(r.begin, r.end);
  }
  void expr(Expr* e) const {
    if (!e) return;
    range(e->range);
    parts(e->parts);
    expr(e->source.get());
    for (Traverser& t : e->traversers) {
      range(t.range);
      expr(t.index.get());
    }
    for (ExprPtr& i : e->items) expr(i.get());
    for (ObjectItem& i : e->object_items) {
      range(i.range);
      expr(i.key.get());
      expr(i.value.get());
    }
    for (ExprPtr& o : e->operands) expr(o.get());
    expr(e->collection.get());
    expr(e->key_expr.get());
    expr(e->value_expr.get());
    expr(e->condition.get());
  }
  void parts(std::vector<TemplatePart>& ps) const {
    for (TemplatePart& p : ps) {
      range(p.range);
      expr(p.expr.get());
      parts(p.body);
      parts(p.else_body);
    }
  }
};

class Converter {
 public:
  Converter(const SourceFile& source, File& file) : source_(source), file_(file) {}

  void run() {
    const uint32_t start = source_.text().compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    file_.body.range = Range{&source_, start, static_cast<uint32_t>(source_.text().size())};
    JsonParseResult parsed = parse_json(source_);
    if (!parsed.ok()) {
      error(parsed.error_range, parsed.error);
      return;
    }
    const JsonValue& root = *parsed.value;
    if (!root.is_object()) {
      error(root.range, std::string("expected a JSON object at the root of a Terraform JSON file, found ") + a_kind(root.kind));
      return;
    }
    const Context root_ctx = ctx(Ctx::Root);
    for (const JsonMember& m : root.members) {
      if (m.key == "//") continue;
      std::optional<BlockRule> rule = block_rule(root_ctx, m.key);
      if (!rule) {
        error(m.key_range, "unsupported block type \"" + m.key +
                               "\" at the top level of a Terraform JSON file (expected resource, data, variable, output, "
                               "locals, module, provider, terraform, moved, import, removed or check)");
        continue;
      }
      blocks(m, *rule, file_.body.blocks, 1, true);
    }
  }

 private:
  void error(Range at, std::string message) {
    failed_ = true;
    if (file_.errors.size() >= detail::kMaxErrors) return;
    Diagnostic d;
    d.rule_id = "TG404";
    d.severity = Severity::Error;
    d.message = std::move(message);
    d.range = at;
    d.path = source_.path();
    file_.errors.push_back(std::move(d));
  }

  bool too_deep(const JsonValue& v, int depth) {
    if (depth <= kMaxNesting) return false;
    error(v.range, "nesting too deep: more than " + std::to_string(kMaxNesting) + " levels of objects and arrays");
    return true;
  }

  Range range(uint32_t b, uint32_t e) const { return Range{&source_, b, e}; }

  // The blocks a property named after a block type stands for.
  void blocks(const JsonMember& m, const BlockRule& rule, std::vector<Block>& out, int depth, bool top) {
    std::vector<std::string> labels;
    std::vector<Range> label_ranges;
    labelled(m.value, m, rule, labels, label_ranges, m.key_range.begin, out, depth, top);
  }

  // One level of labels (objects keyed by label, or arrays of such objects), down to the bodies.
  void labelled(const JsonValue& v, const JsonMember& type, const BlockRule& rule, std::vector<std::string>& labels,
                std::vector<Range>& label_ranges, uint32_t start, std::vector<Block>& out, int depth, bool top) {
    if (too_deep(v, depth)) return;
    if (v.is_array()) {
      for (const JsonValue& item : v.items) {
        if (!item.is_object()) {
          error(item.range, "expected a JSON object in the array of \"" + type.key + "\" blocks, found " + a_kind(item.kind));
          continue;
        }
        labelled(item, type, rule, labels, label_ranges, item.range.begin, out, depth + 1, top);
      }
      return;
    }
    if (!v.is_object()) {
      const bool body = labels.size() == rule.labels;
      error(v.range, "expected a JSON object " +
                         std::string(body ? "for the body of" : "keyed by the labels of") + " \"" + type.key +
                         "\" blocks, found " + a_kind(v.kind));
      return;
    }
    if (labels.size() < rule.labels) {
      for (const JsonMember& m : v.members) {
        labels.push_back(m.key);
        label_ranges.push_back(m.key_range);
        Context child = rule.child;
        if (child.kind == Ctx::Resource && labels.size() == 1) child.type = m.key;
        BlockRule next{rule.labels, child};
        labelled(m.value, type, next, labels, label_ranges, m.key_range.begin, out, depth + 1, top);
        labels.pop_back();
        label_ranges.pop_back();
      }
      return;
    }
    if (top) failed_ = false;
    Block b;
    b.type = type.key;
    b.type_range = type.key_range;
    b.labels = labels;
    b.label_ranges = label_ranges;
    b.range = range(start, v.range.end);
    body(v, rule.child, b.body, depth + 1);
    // As in native syntax, a top-level block with an error is left out.
    if (top && failed_) return;
    out.push_back(std::move(b));
  }

  void body(const JsonValue& obj, const Context& c, Body& out, int depth) {
    out.range = range(obj.range.begin + 1, obj.range.end > obj.range.begin + 1 ? obj.range.end - 1 : obj.range.end);
    for (const JsonMember& m : obj.members) {
      if (m.key == "//") continue;  // a comment
      if (std::optional<BlockRule> rule = block_rule(c, m.key)) {
        blocks(m, *rule, out.blocks, depth, false);
        continue;
      }
      Attribute a;
      a.name = m.key;
      a.name_range = m.key_range;
      a.expr = value(m.value, attribute_mode(c, m.key), m.key, depth);
      if (!a.expr) continue;
      a.range = range(m.key_range.begin, m.value.range.end);
      out.attributes.push_back(std::move(a));
    }
  }

  ExprPtr value(const JsonValue& v, Mode mode, const std::string& name, int depth) {
    switch (mode) {
      case Mode::Expression: return expression(v, depth);
      case Mode::Literal: return literal(v, depth);
      case Mode::Reference:
        if (!v.is_string()) {
          error(v.range, "expected a JSON string holding " + what_reference(name) + " for \"" + name + "\", found " +
                             a_kind(v.kind));
          return nullptr;
        }
        return parse_string(v.range, v.text, false);
      case Mode::References: {
        if (v.is_string()) return parse_string(v.range, v.text, false);  // a keyword: ignore_changes = "all"
        if (!v.is_array()) {
          error(v.range, "expected a JSON array of strings holding references for \"" + name + "\", found " + a_kind(v.kind));
          return nullptr;
        }
        auto e = make_expr(ExprKind::Tuple, v.range);
        for (const JsonValue& item : v.items) {
          if (!item.is_string()) {
            error(item.range, "expected a JSON string holding a reference in \"" + name + "\", found " + a_kind(item.kind));
            return nullptr;
          }
          ExprPtr r = parse_string(item.range, item.text, false);
          if (!r) return nullptr;
          e->items.push_back(std::move(r));
        }
        return e;
      }
    }
    return nullptr;
  }

  static std::string what_reference(const std::string& name) {
    if (name == "type") return "a type expression (\"string\", \"list(string)\")";
    if (name == "provider") return "a provider reference (\"aws.west\")";
    return "a reference or keyword";
  }

  ExprPtr scalar(const JsonValue& v) {
    switch (v.kind) {
      case JsonKind::Null: return make_expr(ExprKind::Null, v.range);
      case JsonKind::Bool: {
        auto e = make_expr(ExprKind::Bool, v.range);
        e->boolean = v.boolean;
        return e;
      }
      case JsonKind::Number: {
        // Native syntax has no negative literals: -1 is the operator applied to 1.
        if (!v.text.empty() && v.text[0] == '-') {
          auto e = make_expr(ExprKind::Unary, v.range);
          e->op = "-";
          auto n = make_expr(ExprKind::Number, range(v.range.begin + 1, v.range.end));
          n->text = v.text.substr(1);
          e->operands.push_back(std::move(n));
          return e;
        }
        auto e = make_expr(ExprKind::Number, v.range);
        e->text = v.text;
        return e;
      }
      default: return nullptr;
    }
  }

  // Strings taken as written, at any depth.
  ExprPtr literal(const JsonValue& v, int depth) {
    if (too_deep(v, depth)) return nullptr;
    switch (v.kind) {
      case JsonKind::String: return literal_string(v.range, v.text);
      case JsonKind::Array: {
        auto e = make_expr(ExprKind::Tuple, v.range);
        for (const JsonValue& item : v.items) {
          ExprPtr x = literal(item, depth + 1);
          if (!x) return nullptr;
          e->items.push_back(std::move(x));
        }
        return e;
      }
      case JsonKind::Object: {
        auto e = make_expr(ExprKind::Object, v.range);
        for (const JsonMember& m : v.members) {
          ObjectItem item;
          item.key = literal_string(m.key_range, m.key);
          item.value = literal(m.value, depth + 1);
          if (!item.value) return nullptr;
          item.range = range(m.key_range.begin, m.value.range.end);
          e->object_items.push_back(std::move(item));
        }
        return e;
      }
      default: return scalar(v);
    }
  }

  ExprPtr literal_string(Range quoted, const std::string& text) {
    auto e = make_expr(ExprKind::Template, quoted);
    TemplatePart part;
    part.kind = TemplatePart::Kind::Literal;
    part.text = text;
    part.range = quoted.end - quoted.begin >= 2 ? range(quoted.begin + 1, quoted.end - 1) : quoted;
    e->parts.push_back(std::move(part));
    return e;
  }

  // The general mapping: strings (and object keys) are templates.
  ExprPtr expression(const JsonValue& v, int depth) {
    if (too_deep(v, depth)) return nullptr;
    switch (v.kind) {
      case JsonKind::String: return parse_string(v.range, v.text, true);
      case JsonKind::Array: {
        auto e = make_expr(ExprKind::Tuple, v.range);
        for (const JsonValue& item : v.items) {
          ExprPtr x = expression(item, depth + 1);
          if (!x) return nullptr;
          e->items.push_back(std::move(x));
        }
        return e;
      }
      case JsonKind::Object: {
        auto e = make_expr(ExprKind::Object, v.range);
        for (const JsonMember& m : v.members) {
          ObjectItem item;
          item.key = parse_string(m.key_range, m.key, true);
          if (!item.key) return nullptr;
          item.value = expression(m.value, depth + 1);
          if (!item.value) return nullptr;
          item.range = range(m.key_range.begin, m.value.range.end);
          e->object_items.push_back(std::move(item));
        }
        return e;
      }
      default: return scalar(v);
    }
  }

  // The decoded text of the string literal at `quoted`, parsed as a template (`as_template`) or
  // as one expression, with every range moved back to the bytes of the literal in the file.
  ExprPtr parse_string(Range quoted, const std::string& text, bool as_template) {
    const Decoded decoded = decode(source_, quoted, text);
    const SourceFile scratch(source_.path(), decoded.text);
    File sink;
    detail::Lexed lexed = as_template ? detail::lex_template(scratch) : detail::lex(scratch);
    ExprPtr e;
    {
      detail::Parser parser(scratch, sink, std::move(lexed.tokens));
      e = as_template ? parser.parse_bare_template() : parser.parse_whole_expression();
    }
    const Remap remap{&scratch, decoded};
    for (Diagnostic& d : sink.errors) {
      remap.range(d.range);
      error(d.range, std::move(d.message));
    }
    if (!e || !sink.errors.empty()) return nullptr;
    remap.expr(e.get());
    if (as_template) e->range = quoted;  // quotes included, as for a quoted template
    return e;
  }

  const SourceFile& source_;
  File& file_;
  bool failed_ = false;
};

}  // namespace

File parse_json_file(const SourceFile& source) {
  File file;
  Converter(source, file).run();
  return file;
}

bool is_json_syntax_path(std::string_view path) {
  constexpr std::string_view suffix = ".tf.json";
  return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

File parse_terraform_file(const SourceFile& source) {
  return is_json_syntax_path(source.path()) ? parse_json_file(source) : parse_file(source);
}

}  // namespace threegate::hcl
