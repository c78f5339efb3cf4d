// Helpers shared by the HCL parser tests.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "threegate/hcl.hpp"

namespace hcl_test {

using namespace threegate;
using namespace threegate::hcl;

// Keeps the source alive next to the parsed file (ranges point into it).
struct Parsed {
  std::unique_ptr<SourceFile> source;
  File file;
  const Body& body() const { return file.body; }
  const Expr& attr(std::string_view name) const {
    const Attribute* a = file.body.attribute(name);
    REQUIRE_MESSAGE(a != nullptr, "no attribute " << name);
    return *a->expr;
  }
  std::string errors() const {
    std::string out;
    for (const Diagnostic& d : file.errors) {
      LineCol lc = source->line_col(d.range.begin);
      out += std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + d.message + "\n";
    }
    return out;
  }
};

inline Parsed parse(std::string text) {
  Parsed p;
  p.source = std::make_unique<SourceFile>("test.tf", std::move(text));
  p.file = parse_file(*p.source);
  return p;
}

// Parses `x = <text>` and returns the file (the expression is attr("x")).
inline Parsed parse_expr(const std::string& text) { return parse("x = " + text + "\n"); }

inline std::string txt(const Range& r) { return std::string(text_of(r)); }

// A compact rendering of an expression's structure, for precedence and shape checks.
inline std::string sexpr(const Expr& e) {
  auto join = [](const std::vector<ExprPtr>& v) {
    std::string s;
    for (const auto& x : v) s += " " + sexpr(*x);
    return s;
  };
  auto steps = [](const std::vector<Traverser>& ts) {
    std::string s;
    for (const Traverser& t : ts) {
      if (t.kind == Traverser::Kind::Attr) s += "." + t.name;
      else if (t.kind == Traverser::Kind::Index) s += "[" + sexpr(*t.index) + "]";
      else s += "[*]";
    }
    return s;
  };
  switch (e.kind) {
    case ExprKind::Null: return "null";
    case ExprKind::Bool: return e.boolean ? "true" : "false";
    case ExprKind::Number: return e.text;
    case ExprKind::Variable: return e.text;
    case ExprKind::Template: {
      std::string s = "\"";
      for (const TemplatePart& p : e.parts) {
        if (p.kind == TemplatePart::Kind::Literal) s += p.text;
        else if (p.kind == TemplatePart::Kind::Interpolation) s += "${" + sexpr(*p.expr) + "}";
        else s += p.kind == TemplatePart::Kind::If ? "%{if}" : "%{for}";
      }
      return s + "\"";
    }
    case ExprKind::Traversal: return sexpr(*e.source) + steps(e.traversers);
    case ExprKind::Splat: return "(splat " + sexpr(*e.source) + " " + steps(e.traversers) + ")";
    case ExprKind::Tuple: return "[" + join(e.items) + " ]";
    case ExprKind::Object: {
      std::string s = "{";
      for (const ObjectItem& i : e.object_items) s += " " + sexpr(*i.key) + "=" + sexpr(*i.value);
      return s + " }";
    }
    case ExprKind::Call: return "(call " + e.text + join(e.items) + (e.expand_final ? " ..." : "") + ")";
    case ExprKind::Conditional: return "(?" + join(e.operands) + ")";
    case ExprKind::Unary: return "(" + e.op + join(e.operands) + ")";
    case ExprKind::Binary: return "(" + e.op + join(e.operands) + ")";
    case ExprKind::Parens: return "(paren" + join(e.operands) + ")";
    case ExprKind::ForTuple:
    case ExprKind::ForObject: {
      std::string s = e.kind == ExprKind::ForTuple ? "[for " : "{for ";
      if (!e.key_var.empty()) s += e.key_var + ",";
      s += e.value_var + " in " + sexpr(*e.collection) + ":";
      if (e.key_expr) s += " " + sexpr(*e.key_expr) + " =>";
      s += " " + sexpr(*e.value_expr);
      if (e.group) s += "...";
      if (e.condition) s += " if " + sexpr(*e.condition);
      return s + (e.kind == ExprKind::ForTuple ? "]" : "}");
    }
  }
  return "?";
}

}  // namespace hcl_test
