// Prints threegate's HCL parse of each .tf file in the JSON shape of hcl2json
// (github.com/tmccombs/hcl2json as packaged by @cdktf/hcl2json), so that the two parsers can be
// compared (run.sh). One JSON line per file:
//   {"file": PATH, "ok": true, "json": {...}}  or  {"file": PATH, "ok": false, "errors": [...]}
//
// hcl2json's shape: a body is an object; each block nests under its type and then each label,
// ending in an array of bodies; attribute values are JSON where the expression is a literal
// (numbers, bools, null, strings, tuples and objects of literals, a negated number) and
// otherwise the expression's source text wrapped in "${...}"; a template becomes a string in
// which literal text has "${" and "%{" escaped as "$${" and "%%{", interpolations are
// "${source}", directives are re-spelt "%{if c}...%{else}...%{endif}" and
// "%{for k, v in c}...%{endfor}".
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "threegate/hcl.hpp"

using nlohmann::json;
using namespace threegate;
using namespace threegate::hcl;

namespace {

struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A number literal as cty prints it in a string: exact decimal, no exponent, no trailing zeros.
std::string decimal_text(const std::string& lit) {
  std::string digits;
  long exp10 = 0;
  size_t i = 0;
  while (i < lit.size() && lit[i] >= '0' && lit[i] <= '9') digits += lit[i++];
  if (i < lit.size() && lit[i] == '.') {
    ++i;
    while (i < lit.size() && lit[i] >= '0' && lit[i] <= '9') digits += lit[i++], --exp10;
  }
  if (i < lit.size() && (lit[i] == 'e' || lit[i] == 'E')) exp10 += std::strtol(lit.c_str() + i + 1, nullptr, 10);
  size_t nz = digits.find_first_not_of('0');
  if (nz == std::string::npos) return "0";
  digits.erase(0, nz);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back(), ++exp10;
  if (exp10 >= 0) return digits + std::string(static_cast<size_t>(exp10), '0');
  long point = static_cast<long>(digits.size()) + exp10;
  if (point <= 0) return "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  return digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
}

json number(const std::string& lit) { return json(std::strtod(lit.c_str(), nullptr)); }

std::string escape_literal(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '$' || s[i] == '%') && i + 1 < s.size() && s[i + 1] == '{') out += s[i];
    out += s[i];
  }
  return out;
}

class Renderer {
 public:
  explicit Renderer(std::string_view src) : src_(src) {}

  json body(const Body& b) {
    json out = json::object();
    for (const Block& block : b.blocks) add_block(block, out);
    for (const Attribute& a : b.attributes) out[a.name] = value(*a.expr);
    return out;
  }

 private:
  // hcl2json includes a ')' that directly follows an expression's range.
  std::string source(const Range& r) {
    uint32_t end = r.end;
    if (end < src_.size() && src_[end] == ')') ++end;
    return std::string(src_.substr(r.begin, end - r.begin));
  }
  std::string wrap(const Expr& e) { return "${" + source(e.range) + "}"; }

  void add_block(const Block& block, json& out) {
    json* cur = &out;
    std::string key = block.type;
    for (const std::string& label : block.labels) {
      if (cur->contains(key)) {
        cur = &(*cur)[key];
        if (!cur->is_object()) throw Unsupported("block " + block.type + " both with and without labels");
      } else {
        (*cur)[key] = json::object();
        cur = &(*cur)[key];
      }
      key = label;
    }
    json v = body(block.body);
    if (cur->contains(key)) {
      if (!(*cur)[key].is_array()) throw Unsupported("block " + key + " mixed with an attribute");
      (*cur)[key].push_back(std::move(v));
    } else {
      (*cur)[key] = json::array({std::move(v)});
    }
  }

  static bool passthrough(const Expr& e) {
    return e.parts.size() == 1 && e.parts[0].kind == TemplatePart::Kind::Interpolation;
  }

  json value(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Null: return nullptr;
      case ExprKind::Bool: return e.boolean;
      case ExprKind::Number: return number(e.text);
      case ExprKind::Unary: {
        const Expr& x = *e.operands[0];
        if (e.op == "-" && x.kind == ExprKind::Number) return -std::strtod(x.text.c_str(), nullptr);
        if (e.op == "!" && x.kind == ExprKind::Bool) return !x.boolean;
        if (x.kind == ExprKind::Null || x.kind == ExprKind::Number || x.kind == ExprKind::Bool)
          throw Unsupported("operator on a literal of the wrong type");
        return wrap(e);
      }
      case ExprKind::Template:
        if (passthrough(e)) return value(*e.parts[0].expr);
        return parts(e.parts);
      case ExprKind::Tuple: {
        json out = json::array();
        for (const ExprPtr& item : e.items) out.push_back(value(*item));
        return out;
      }
      case ExprKind::Object: {
        json out = json::object();
        for (const ObjectItem& item : e.object_items) out[key(*item.key)] = value(*item.value);
        return out;
      }
      default:
        return wrap(e);
    }
  }

  static bool scope_traversal(const Expr& e) {
    if (e.kind == ExprKind::Variable) return true;
    if (e.kind != ExprKind::Traversal || e.source->kind != ExprKind::Variable) return false;
    for (const Traverser& t : e.traversers) {
      if (t.kind == Traverser::Kind::Attr) continue;
      if (t.kind != Traverser::Kind::Index) return false;
      ExprKind k = t.index->kind;
      bool literal = k == ExprKind::Number || k == ExprKind::Bool || k == ExprKind::Null ||
                     (k == ExprKind::Template && t.index->parts.size() == 1 &&
                      t.index->parts[0].kind == TemplatePart::Kind::Literal);
      if (!literal) return false;
    }
    return true;
  }

  std::string key(const Expr& k) {
    if (scope_traversal(k)) return source(k.range);
    if (k.kind == ExprKind::Null) return "null";
    return string_part(k);
  }

  std::string parts(const std::vector<TemplatePart>& ps) {
    std::string out;
    for (const TemplatePart& p : ps) out += part(p);
    return out;
  }

  std::string part(const TemplatePart& p) {
    switch (p.kind) {
      case TemplatePart::Kind::Literal: return escape_literal(p.text);
      case TemplatePart::Kind::Interpolation: return string_part(*p.expr);
      case TemplatePart::Kind::If: {
        std::string out = "%{if " + source(p.expr->range) + "}" + parts(p.body);
        std::string no = parts(p.else_body);
        if (!no.empty()) out += "%{else}" + no;
        return out + "%{endif}";
      }
      case TemplatePart::Kind::For: {
        std::string out = "%{for ";
        if (!p.key_var.empty()) out += p.key_var + ", ";
        return out + p.value_var + " in " + source(p.expr->range) + "}" + parts(p.body) + "%{endfor}";
      }
    }
    return {};
  }

  // An expression inside a template (hcl2json's convertStringPart).
  std::string string_part(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Number: return decimal_text(e.text);
      case ExprKind::Bool: return e.boolean ? "true" : "false";
      case ExprKind::Null: throw Unsupported("null in a template");
      case ExprKind::Template:
        if (passthrough(e)) return string_part(*e.parts[0].expr);
        return parts(e.parts);
      case ExprKind::Conditional: {
        std::string out = "%{if " + source(e.operands[0]->range) + "}" + string_part(*e.operands[1]);
        std::string no = string_part(*e.operands[2]);
        if (!no.empty()) out += "%{else}" + no;
        return out + "%{endif}";
      }
      default:
        return wrap(e);
    }
  }

  std::string_view src_;
};

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    SourceFile source(argv[i], ss.str());
    File file = parse_file(source);
    json line = {{"file", argv[i]}};
    if (!file.ok()) {
      line["ok"] = false;
      json errors = json::array();
      for (const Diagnostic& d : file.errors) {
        LineCol lc = source.line_col(d.range.begin);
        errors.push_back(std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + d.message);
      }
      line["errors"] = errors;
    } else {
      try {
        line["json"] = Renderer(source.text()).body(file.body);
        line["ok"] = true;
      } catch (const Unsupported& e) {
        line["ok"] = false;
        line["errors"] = json::array({std::string("cannot render: ") + e.what()});
      }
    }
    std::cout << line.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
  return 0;
}
