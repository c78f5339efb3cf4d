// Expressions: literals, templates, operators, conditionals, for expressions, indexing.
// Unknown values stay symbolic inside strings; they make a result Unknown only where the
// structure depends on them.
#include <algorithm>
#include <cmath>

#include "terraform/internal.hpp"

namespace threegate::tf::detail {

bool Engine::enter(Range r) {
  // Bounds evaluation across references as well as nesting (chains of locals, modules).
  if (depth_ >= 400) {
    if (depth_ == 400) warn("evaluation nested too deeply (a reference chain or a recursive structure); the value is unknown", r);
    return false;
  }
  ++depth_;
  return true;
}

void Engine::say(Severity s, std::string message, Range r, std::string path) {
  if (quiet_ > 0 || !diags_) return;
  auto key = std::make_tuple(message, r.file, r.begin);
  if (!said_.insert(key).second) return;
  Diagnostic d;
  d.rule_id = kRule;
  d.severity = s;
  d.message = std::move(message);
  d.range = r;
  d.path = std::move(path);
  diags_->push_back(std::move(d));
}

Value Engine::error(std::string message, Range r, std::string symbol) {
  ++errors_;
  if (symbol.empty()) symbol = source_text(r);
  warn(message, r);
  return unknown_value(std::move(symbol), r, {std::move(message)});
}

namespace {

bool truth(const Value& v, bool& out) {
  if (v.kind == Value::Kind::Bool) {
    out = v.boolean;
    return true;
  }
  if (v.kind == Value::Kind::String && (v.text == "true" || v.text == "false")) {
    out = v.text == "true";
    return true;
  }
  return false;
}

// Object members in Terraform's iteration order (lexical by key).
std::vector<size_t> key_order(const Value& v) {
  std::vector<size_t> order(v.members.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return v.members[a].first < v.members[b].first; });
  return order;
}

}  // namespace

namespace {

// What a value costs of the budget: its list and object elements, and its text by kBudgetTextBytes.
size_t value_weight(const Value& v) {
  size_t n = 1 + v.text.size() / kBudgetTextBytes;
  if (v.items.empty() && v.members.empty()) return n;
  std::vector<const Value*> stack{&v};  // values may nest deeply (jsondecode): no recursion
  n = 0;
  while (!stack.empty()) {
    const Value* x = stack.back();
    stack.pop_back();
    n += 1 + x->text.size() / kBudgetTextBytes;
    for (const auto& i : x->items) stack.push_back(&i);
    for (const auto& [k, m] : x->members) {
      n += k.size() / kBudgetTextBytes;
      stack.push_back(&m);
    }
  }
  return n;
}

}  // namespace

void Engine::exhaust(std::string message, Range r) {
  if (exhausted_) return;
  exhausted_ = true;
  const int quiet = quiet_;
  quiet_ = 0;  // said even inside try(): what follows is unknown either way
  say(Severity::Error, std::move(message), r);
  quiet_ = quiet;
}

bool Engine::charge_value(const Value& v, Range r) { return charge_units(value_weight(v), r); }

bool Engine::charge_units(size_t n, Range r) {
  if (exhausted_) return false;
  values_built_ += n;
  if (values_built_ <= kMaxEvaluationValues) return true;
  exhaust("evaluation stopped: the configuration builds more than " + std::to_string(kMaxEvaluationValues) +
              " values (list and object elements; text counts one per " + std::to_string(kBudgetTextBytes) +
              " bytes); the values evaluated from here on are unknown",
          r);
  return false;
}

bool Engine::charge_instances(size_t n, Range r) {
  if (exhausted_) return false;
  instances_built_ += n;
  if (instances_built_ <= kMaxInstances) return true;
  exhaust("evaluation stopped: the configuration makes more than " + std::to_string(kMaxInstances) +
              " resource, data and module instances; the values evaluated from here on are unknown",
          r);
  return false;
}

Value Engine::budget_unknown(Range r) const {
  return unknown_value(source_text(r), r, {"evaluation stopped: the configuration exceeds threegate's evaluation budget"});
}

Value Engine::eval(const hcl::Expr& e, const Scope& scope) {
  if (exhausted_) return budget_unknown(e.range);
  Value v = eval_expr(e, scope);
  if (!charge_value(v, e.range)) return budget_unknown(e.range);
  return v;
}

Value Engine::eval_expr(const hcl::Expr& e, const Scope& scope) {
  Depth guard(*this, e.range);
  if (!guard.ok()) return unknown_value(source_text(e.range), e.range, {"evaluation nested too deeply"});
  using K = hcl::ExprKind;
  switch (e.kind) {
    case K::Null: return null_value(e.range);
    case K::Bool: return bool_value(e.boolean, e.range);
    case K::Number: {
      double d = 0;
      Value probe = number_text(e.text, e.range);
      if (number_of(probe, d)) return number_value(d, e.range);
      return probe;
    }
    case K::Template:
      if (e.parts.size() == 1 && e.parts[0].kind == hcl::TemplatePart::Kind::Interpolation && e.parts[0].expr &&
          !e.heredoc)
        return eval(*e.parts[0].expr, scope);  // "${x}" is x itself, not its string form
      return eval_template(e.parts, scope, e.range);
    case K::Variable:
    case K::Traversal: return eval_traversal(e, scope);
    case K::Splat: return eval_splat(e, scope);
    case K::Tuple: {
      std::vector<Value> items;
      items.reserve(e.items.size());
      for (const auto& i : e.items) items.push_back(i ? eval(*i, scope) : null_value());
      return list_value(std::move(items), e.range);
    }
    case K::Object: {
      Value out = object_value({}, e.range);
      for (const auto& item : e.object_items) {
        if (!item.key || !item.value) continue;
        std::string key;
        if (item.key->kind == K::Variable) {
          key = item.key->text;
        } else {
          Value k = eval(*item.key, scope);
          if (k.is_unknown()) return unknown_from(source_text(e.range), e.range, {&k});
          if (!string_of(k, key)) return error("an object key must be a string, not a " + std::string(kind_name(k.kind)), item.key->range);
          if (has_symbol(key)) return unknown_from(source_text(e.range), e.range, {&k});
        }
        Value v = eval(*item.value, scope);
        bool replaced = false;
        for (size_t i = 0; i < out.members.size(); ++i) {
          if (out.members[i].first == key) {
            warn("duplicate object key \"" + key + "\"; the last one is used", item.key->range);
            out.members[i].second = std::move(v);
            out.key_ranges[i] = item.key->range;
            replaced = true;
            break;
          }
        }
        if (!replaced) {
          out.members.emplace_back(std::move(key), std::move(v));
          out.key_ranges.push_back(item.key->range);
        }
      }
      return out;
    }
    case K::Call: return call_function(*this, e, scope);
    case K::Conditional: {
      if (e.operands.size() != 3 || !e.operands[0] || !e.operands[1] || !e.operands[2]) return null_value(e.range);
      Value c = eval(*e.operands[0], scope);
      bool b = false;
      if (c.is_unknown()) {
        Value a = eval(*e.operands[1], scope);
        Value z = eval(*e.operands[2], scope);
        auto same = values_equal(a, z);
        if (same && *same && !a.is_unknown()) return a;
        return unknown_from(source_text(e.range), e.range, {&c});
      }
      if (!truth(c, b)) return error("the condition of ?: must be a bool, not a " + std::string(kind_name(c.kind)), e.operands[0]->range);
      return eval(*e.operands[b ? 1 : 2], scope);
    }
    case K::Unary: {
      if (e.operands.empty() || !e.operands[0]) return null_value(e.range);
      Value v = eval(*e.operands[0], scope);
      if (v.is_unknown()) return unknown_from(source_text(e.range), e.range, {&v});
      if (e.op == "!") {
        bool b = false;
        if (!truth(v, b)) return error("! needs a bool, not a " + std::string(kind_name(v.kind)), e.range);
        return bool_value(!b, e.range);
      }
      double d = 0;
      if (!number_of(v, d)) return error("- needs a number, not a " + std::string(kind_name(v.kind)), e.range);
      return number_value(-d, e.range);
    }
    case K::Binary: {
      if (e.operands.size() != 2 || !e.operands[0] || !e.operands[1]) return null_value(e.range);
      const std::string& op = e.op;
      Value a = eval(*e.operands[0], scope);
      if (op == "&&" || op == "||") {
        bool x = false, y = false;
        const bool ax = !a.is_unknown() && truth(a, x);
        if (!a.is_unknown() && !ax) return error(op + " needs bools, not a " + std::string(kind_name(a.kind)), e.operands[0]->range);
        if (ax && op == "&&" && !x) return bool_value(false, e.range);
        if (ax && op == "||" && x) return bool_value(true, e.range);
        Value b = eval(*e.operands[1], scope);
        const bool by = !b.is_unknown() && truth(b, y);
        if (!b.is_unknown() && !by) return error(op + " needs bools, not a " + std::string(kind_name(b.kind)), e.operands[1]->range);
        if (by && op == "&&" && !y) return bool_value(false, e.range);
        if (by && op == "||" && y) return bool_value(true, e.range);
        if (a.is_unknown() || b.is_unknown()) return unknown_from(source_text(e.range), e.range, {&a, &b});
        return bool_value(op == "&&" ? (x && y) : (x || y), e.range);
      }
      Value b = eval(*e.operands[1], scope);
      if (op == "==" || op == "!=") {
        auto eq = values_equal(a, b);
        if (!eq) return unknown_from(source_text(e.range), e.range, {&a, &b});
        return bool_value(op == "==" ? *eq : !*eq, e.range);
      }
      if (a.is_unknown() || b.is_unknown()) return unknown_from(source_text(e.range), e.range, {&a, &b});
      double x = 0, y = 0;
      if (!number_of(a, x)) return error(op + " needs numbers, not a " + std::string(kind_name(a.kind)), e.operands[0]->range);
      if (!number_of(b, y)) return error(op + " needs numbers, not a " + std::string(kind_name(b.kind)), e.operands[1]->range);
      if (op == "<") return bool_value(x < y, e.range);
      if (op == "<=") return bool_value(x <= y, e.range);
      if (op == ">") return bool_value(x > y, e.range);
      if (op == ">=") return bool_value(x >= y, e.range);
      if (op == "+") return number_value(x + y, e.range);
      if (op == "-") return number_value(x - y, e.range);
      if (op == "*") return number_value(x * y, e.range);
      if (op == "/") {
        if (y == 0) return error("division by zero", e.range);
        return number_value(x / y, e.range);
      }
      if (op == "%") {
        if (y == 0) return error("modulo by zero", e.range);
        return number_value(std::fmod(x, y), e.range);
      }
      return error("unknown operator " + op, e.range);
    }
    case K::ForTuple:
    case K::ForObject: {
      if (!e.collection || !e.value_expr) return null_value(e.range);
      Value coll = eval(*e.collection, scope);
      if (coll.is_unknown()) return unknown_from(source_text(e.range), e.range, {&coll});
      if (coll.kind != Value::Kind::List && coll.kind != Value::Kind::Object)
        return error("a for expression needs a list, set, map or object, not a " + std::string(kind_name(coll.kind)), e.collection->range);
      const bool object = e.kind == K::ForObject;
      Value out = object ? object_value({}, e.range) : list_value({}, e.range);
      std::vector<Value> group_lists;  // ForObject with `...`: parallel to out.members
      auto visit = [&](const Value& key, const Value& val) -> std::optional<Value> {
        Scope inner = scope;
        inner.bindings.clear();
        inner.parent = &scope;
        if (!e.key_var.empty()) inner.bindings.push_back({e.key_var, &key});
        inner.bindings.push_back({e.value_var, &val});
        if (e.condition) {
          Value c = eval(*e.condition, inner);
          if (c.is_unknown()) return unknown_from(source_text(e.range), e.range, {&c});
          bool b = false;
          if (!truth(c, b)) return error("the if clause of a for expression must be a bool", e.condition->range);
          if (!b) return std::nullopt;
        }
        if (!object) {
          out.items.push_back(eval(*e.value_expr, inner));
          return std::nullopt;
        }
        Value k = e.key_expr ? eval(*e.key_expr, inner) : null_value();
        std::string ks;
        if (k.is_unknown() || (string_of(k, ks) && has_symbol(ks))) return unknown_from(source_text(e.range), e.range, {&k});
        if (!string_of(k, ks)) return error("a for expression's key must be a string", e.key_expr ? e.key_expr->range : e.range);
        Value v = eval(*e.value_expr, inner);
        for (size_t i = 0; i < out.members.size(); ++i) {
          if (out.members[i].first != ks) continue;
          if (e.group) {
            group_lists[i].items.push_back(std::move(v));
            return std::nullopt;
          }
          return error("duplicate key \"" + ks + "\" in a for expression (add ... to group them)", e.key_expr->range);
        }
        out.key_ranges.push_back(k.range);
        if (e.group) {
          group_lists.push_back(list_value({}, e.value_expr->range));
          group_lists.back().items.push_back(v);
        }
        out.members.emplace_back(std::move(ks), std::move(v));
        return std::nullopt;
      };
      // Nested for expressions multiply: stop at once when the budget is spent.
      if (coll.kind == Value::Kind::List) {
        for (size_t i = 0; i < coll.items.size(); ++i) {
          Value k = number_value(static_cast<double>(i), coll.items[i].range);
          if (auto stop = visit(k, coll.items[i])) return *stop;
          if (exhausted_) return budget_unknown(e.range);
        }
      } else {
        for (size_t i : key_order(coll)) {
          Value k = string_value(coll.members[i].first, i < coll.key_ranges.size() ? coll.key_ranges[i] : Range{});
          if (auto stop = visit(k, coll.members[i].second)) return *stop;
          if (exhausted_) return budget_unknown(e.range);
        }
      }
      if (e.group)
        for (size_t i = 0; i < out.members.size(); ++i) out.members[i].second = std::move(group_lists[i]);
      return out;
    }
    case K::Parens:
      if (e.operands.empty() || !e.operands[0]) return null_value(e.range);
      return eval(*e.operands[0], scope);
  }
  return null_value(e.range);
}

Value Engine::eval_template(const std::vector<hcl::TemplatePart>& parts, const Scope& scope, Range r) {
  std::string out;
  size_t charged = 0;             // how much of `out` the budget has counted
  std::vector<Value> structural;  // unknowns that decide the text's shape
  std::function<bool(const std::vector<hcl::TemplatePart>&, const Scope&)> render =
      [&](const std::vector<hcl::TemplatePart>& ps, const Scope& sc) -> bool {
    for (const auto& p : ps) {
      switch (p.kind) {
        case hcl::TemplatePart::Kind::Literal: out += p.text; break;
        case hcl::TemplatePart::Kind::Interpolation: {
          if (!p.expr) break;
          Value v = eval(*p.expr, sc);
          std::string s;
          if (v.kind == Value::Kind::Null) {
            error("a template cannot include null", p.expr->range);
            structural.push_back(unknown_value(source_text(p.expr->range), p.range, {"null in a template"}));
            return false;
          }
          if (!string_of(v, s)) {
            error("a template cannot include a " + std::string(kind_name(v.kind)), p.expr->range);
            structural.push_back(unknown_value(source_text(p.expr->range), p.range));
            return false;
          }
          out += s;
          break;
        }
        case hcl::TemplatePart::Kind::If: {
          if (!p.expr) break;
          Value c = eval(*p.expr, sc);
          bool b = false;
          if (c.is_unknown()) {
            structural.push_back(c);
            return false;
          }
          if (!truth(c, b)) {
            error("a template's %{if} needs a bool", p.expr->range);
            structural.push_back(unknown_value(source_text(p.expr->range), p.range));
            return false;
          }
          if (!render(b ? p.body : p.else_body, sc)) return false;
          break;
        }
        case hcl::TemplatePart::Kind::For: {
          if (!p.expr) break;
          Value coll = eval(*p.expr, sc);
          if (coll.is_unknown()) {
            structural.push_back(coll);
            return false;
          }
          auto one = [&](const Value& k, const Value& v) {
            // Each round counts, with the text added since the last one.
            if (!charge_units(1 + (out.size() - charged) / kBudgetTextBytes, p.range)) {
              structural.push_back(budget_unknown(p.range));
              return false;
            }
            charged = out.size();
            Scope inner = sc;
            inner.bindings.clear();
            inner.parent = &sc;
            if (!p.key_var.empty()) inner.bindings.push_back({p.key_var, &k});
            inner.bindings.push_back({p.value_var, &v});
            return render(p.body, inner);
          };
          if (coll.kind == Value::Kind::List) {
            for (size_t i = 0; i < coll.items.size(); ++i)
              if (!one(number_value(static_cast<double>(i)), coll.items[i])) return false;
          } else if (coll.kind == Value::Kind::Object) {
            for (size_t i : key_order(coll))
              if (!one(string_value(coll.members[i].first), coll.members[i].second)) return false;
          } else {
            error("a template's %{for} needs a collection", p.expr->range);
            structural.push_back(unknown_value(source_text(p.expr->range), p.range));
            return false;
          }
          break;
        }
      }
    }
    return true;
  };
  if (!render(parts, scope)) return unknown_from(source_text(r), r, structural);
  return string_value(std::move(out), r);
}

Value Engine::index_value(const Value& v, const Value& key, Range r, std::string_view what) {
  std::string name(what.empty() ? source_text(r) : std::string(what));
  if (v.is_unknown()) {
    std::string k;
    string_of(key, k);
    Value u = unknown_value(v.text + "[" + (key.kind == Value::Kind::String ? "\"" + k + "\"" : k) + "]", r, {});
    u.unknown = v.unknown;
    return u;
  }
  if (key.is_unknown()) return unknown_from(name, r, {&key});
  if (v.kind == Value::Kind::List) {
    double d = 0;
    if (!number_of(key, d) || d != std::floor(d)) return error("a list index must be a whole number", r, name);
    if (d < 0 || d >= static_cast<double>(v.items.size()))
      return error("index " + format_number(d) + " is out of range (the list has " + std::to_string(v.items.size()) + " elements)", r, name);
    return v.items[static_cast<size_t>(d)];
  }
  if (v.kind == Value::Kind::Object) {
    std::string k;
    if (!string_of(key, k)) return error("a map key must be a string", r, name);
    if (const Value* m = v.find(k)) return *m;
    if (!v.instance_address.empty())
      return unknown_value(v.instance_address + "." + k, r, {v.instance_address + "." + k + " (known after apply)"});
    return error("no element \"" + k + "\" in this map", r, name);
  }
  if (v.kind == Value::Kind::Null) return error("cannot index a null value", r, name);
  return error("cannot index a " + std::string(kind_name(v.kind)), r, name);
}

Value Engine::attr_value(const Value& v, std::string_view attr, Range r) {
  if (v.is_unknown()) {
    Value u = unknown_value(v.text + "." + std::string(attr), r, {});
    u.unknown = v.unknown;
    return u;
  }
  if (v.kind == Value::Kind::Object) {
    if (const Value* m = v.find(attr)) return *m;
    if (!v.instance_address.empty()) {
      std::string n = v.instance_address + "." + std::string(attr);
      return unknown_value(n, r, {n + " (known after apply)"});
    }
    return error("this object has no attribute \"" + std::string(attr) + "\"", r);
  }
  if (v.kind == Value::Kind::Null) return error("cannot read attribute \"" + std::string(attr) + "\" of a null value", r);
  return error("cannot read attribute \"" + std::string(attr) + "\" of a " + std::string(kind_name(v.kind)), r);
}

Value Engine::traverse(Value v, const hcl::Traverser& step, const Scope& scope) {
  if (step.kind == hcl::Traverser::Kind::Attr) return attr_value(v, step.name, step.range);
  if (step.kind == hcl::Traverser::Kind::Splat) return v;  // only inside Splat expressions
  if (!step.index) return v;
  Value key = eval(*step.index, scope);
  return index_value(v, key, step.range, {});
}

}  // namespace threegate::tf::detail
