// References: var., local., module., data., resources, count., each., path., self,
// terraform.workspace. Each variable, local, output and attribute is evaluated once.
#include <algorithm>
#include <filesystem>
#include <functional>

#include "terraform/internal.hpp"

namespace threegate::tf::detail {
namespace {

const std::string* attr_step(const std::vector<hcl::Traverser>& steps, size_t i) {
  if (i < steps.size() && steps[i].kind == hcl::Traverser::Kind::Attr) return &steps[i].name;
  return nullptr;
}

bool is_index(const std::vector<hcl::Traverser>& steps, size_t i) {
  return i < steps.size() && steps[i].kind == hcl::Traverser::Kind::Index && steps[i].index;
}

// Evaluates a memoized slot with cycle detection.
// A value that failed once fails again for try()/can() when read from the memo.
template <typename F>
Value memo(Engine& e, Slot& slot, const std::string& what, Range at, F&& compute) {
  if (slot.state == 2) {
    if (slot.failed) e.count_error();
    return slot.value;
  }
  if (slot.state == 1) return e.error(what + " refers to itself (a dependency cycle); its value is unknown", at, what);
  slot.state = 1;
  const int before = e.errors();
  Value v = compute();
  slot.value = std::move(v);
  slot.failed = e.errors() != before;
  slot.state = 2;
  return slot.value;
}

}  // namespace

std::string ResourceDecl::local_address() const { return (data ? "data." : "") + type + "." + name; }

ResourceDecl* Engine::find_decl(ModuleState& m, std::string_view local_address) {
  auto it = m.resources.find(local_address);
  return it == m.resources.end() ? nullptr : it->second.get();
}

Scope Engine::module_scope(ModuleState& m) {
  Scope s;
  s.mod = &m;
  return s;
}

Scope Engine::instance_scope(InstanceState& inst) {
  Scope s;
  s.mod = inst.decl->mod;
  s.inst = &inst;
  if (inst.decl->expansion == Expansion::Count) s.count_index = &inst.inst.count_index;
  if (inst.decl->expansion == Expansion::ForEach) {
    s.each_key = &inst.inst.each_key;
    s.each_value = &inst.inst.each_value;
  }
  return s;
}

Scope Engine::call_scope(ModuleState& child) {
  Scope s;
  s.mod = child.parent;
  if (child.call && child.call->expansion == Expansion::Count) s.count_index = &child.count_index;
  if (child.call && child.call->expansion == Expansion::ForEach) {
    s.each_key = &child.each_key;
    s.each_value = &child.each_value;
  }
  return s;
}

Value Engine::variable(ModuleState& m, std::string_view name, Range at) {
  auto decl = m.variables.find(name);
  if (decl == m.variables.end())
    return error("reference to an undeclared input variable \"" + std::string(name) + "\"", at, "var." + std::string(name));
  const std::string symbol = m.prefix + "var." + std::string(name);
  return memo(*this, m.var_slots[std::string(name)], "var." + std::string(name), at, [&]() -> Value {
    if (!m.call) {
      if (auto g = m.given.find(name); g != m.given.end()) return g->second;
    } else if (const hcl::Attribute* a = m.call->block->body.attribute(name); a && a->expr) {
      Scope s = call_scope(m);
      return eval(*a->expr, s);
    }
    if (const hcl::Attribute* d = decl->second->body.attribute("default"); d && d->expr) {
      Scope s = module_scope(m);
      s.constants_only = true;
      return eval(*d->expr, s);
    }
    return unknown_value(symbol, decl->second->range, {symbol + " (no default)"});
  });
}

Value Engine::local(ModuleState& m, std::string_view name, Range at) {
  auto decl = m.locals.find(name);
  if (decl == m.locals.end())
    return error("reference to an undeclared local value \"" + std::string(name) + "\"", at, "local." + std::string(name));
  return memo(*this, m.local_slots[std::string(name)], "local." + std::string(name), at, [&]() -> Value {
    Scope s = module_scope(m);
    return decl->second->expr ? eval(*decl->second->expr, s) : null_value(decl->second->range);
  });
}

Value Engine::output(ModuleState& m, std::string_view name, Range at) {
  auto decl = m.outputs.find(name);
  if (decl == m.outputs.end())
    return error("module \"" + m.module->address + "\" has no output \"" + std::string(name) + "\"", at,
                 m.module->address + "." + std::string(name));
  return memo(*this, m.output_slots[std::string(name)], m.module->address + "." + std::string(name), at, [&]() -> Value {
    const hcl::Attribute* a = decl->second->body.attribute("value");
    if (!a || !a->expr) return null_value(decl->second->range);
    Scope s = module_scope(m);
    return eval(*a->expr, s);
  });
}

Value Engine::module_object(ModuleState& m, Range at) {
  Value o = object_value({}, at);
  for (const auto& [name, block] : m.outputs) {
    o.members.emplace_back(name, output(m, name, at));
    o.key_ranges.push_back(block->label_ranges.empty() ? block->range : block->label_ranges[0]);
  }
  return o;
}

Value Engine::module_ref(ModuleCall& call, Range at) {
  expand(call);
  if (!call.local || call.unknown_expansion) {
    const std::string n = call.parent->prefix + "module." + call.name;
    return unknown_value(n, at, {n + (call.local ? " (count/for_each not known)" : " (cannot be read offline)")});
  }
  if (call.expansion == Expansion::Single)
    return call.instances.empty() ? null_value(at) : module_object(*call.instances[0], at);
  if (call.expansion == Expansion::Count) {
    Value l = list_value({}, at);
    for (ModuleState* c : call.instances) l.items.push_back(module_object(*c, at));
    return l;
  }
  Value o = object_value({}, at);
  for (ModuleState* c : call.instances) {
    o.members.emplace_back(c->each_key.text, module_object(*c, at));
    o.key_ranges.push_back(c->each_key.range);
  }
  return o;
}

Value Engine::configured_attribute(InstanceState& inst, std::string_view name) {
  const hcl::Attribute* a = inst.inst.block->body.attribute(name);
  if (!a) return null_value();
  Slot& slot = inst.attrs[std::string(name)];
  return memo(*this, slot, inst.inst.address + "." + std::string(name), a->range, [&]() -> Value {
    Scope s = instance_scope(inst);
    return a->expr ? eval(*a->expr, s) : null_value(a->range);
  });
}

Value Engine::instance_attribute(InstanceState& inst, std::string_view name, Range at) {
  if (inst.decl->data && inst.inst.type == "aws_iam_policy_document" && (name == "json" || name == "minified_json")) {
    Value doc = memo(*this, inst.document, inst.inst.address + ".json", at, [&] { return render_policy_document(*this, inst); });
    if (doc.is_unknown()) return doc;
    Value s = string_value(json_encode_go(doc, name == "json"), inst.inst.block->range);
    s.encoded_from = std::make_shared<const Value>(std::move(doc));
    return s;
  }
  if (inst.inst.block->body.attribute(name)) return configured_attribute(inst, name);
  if (auto c = computed_attribute(*this, inst, name)) return *c;
  // A nested block read as an attribute (aws_x.y.statement[0]): its objects.
  bool has_blocks = false;
  for (const auto& b : inst.inst.block->body.blocks)
    has_blocks = has_blocks || b.type == name || (b.type == "dynamic" && !b.labels.empty() && b.labels[0] == name);
  if (has_blocks) {
    Value l = list_value({}, at);
    for (const BlockView& v : blocks_of(inst.inst.block->body, inst, {}, name)) l.items.push_back(block_object(v, inst, at));
    return l;
  }
  const std::string n = inst.inst.address + "." + std::string(name);
  return unknown_value(n, at, {n + " (known after apply)"});
}

Value Engine::block_object(const BlockView& view, InstanceState& inst, Range at) {
  Value o = object_value({}, view.block ? view.block->range : at);
  if (!view.block) return o;
  for (const auto& a : view.block->body.attributes) {
    o.members.emplace_back(a.name, block_attribute(view, inst, a.name));
    o.key_ranges.push_back(a.name_range);
  }
  std::vector<std::string> types;
  for (const auto& b : view.block->body.blocks) {
    std::string t = b.type == "dynamic" ? (b.labels.empty() ? "" : b.labels[0]) : b.type;
    // lifecycle holds references that are not values (ignore_changes = [tags]).
    if (t.empty() || t == "lifecycle" || t == "provisioner" || t == "connection") continue;
    if (std::find(types.begin(), types.end(), t) != types.end()) continue;
    types.push_back(t);
    Value l = list_value({}, b.range);
    for (const BlockView& nested : blocks_of(view.block->body, inst, view.iterators, t))
      l.items.push_back(block_object(nested, inst, at));
    o.members.emplace_back(t, std::move(l));
    o.key_ranges.push_back(b.type_range);
  }
  return o;
}

Value Engine::instance_object(InstanceState& inst, Range at) {
  return memo(*this, inst.object, inst.inst.address, at, [&]() -> Value {
    BlockView whole;
    whole.block = inst.inst.block;
    Value o = object_value({}, inst.inst.block->range);
    for (const auto& a : inst.inst.block->body.attributes) {
      if (a.name == "count" || a.name == "for_each" || a.name == "provider" || a.name == "depends_on") continue;
      o.members.emplace_back(a.name, configured_attribute(inst, a.name));
      o.key_ranges.push_back(a.name_range);
    }
    Value nested = block_object(whole, inst, at);
    for (size_t i = 0; i < nested.members.size(); ++i) {
      if (o.find(nested.members[i].first)) continue;
      if (nested.members[i].second.kind != Value::Kind::List) continue;  // attributes are above
      o.members.push_back(std::move(nested.members[i]));
      o.key_ranges.push_back(nested.key_ranges[i]);
    }
    for (const std::string& n : computed_attribute_names(inst)) {
      if (o.find(n)) continue;
      if (auto c = computed_attribute(*this, inst, n)) {
        o.members.emplace_back(n, std::move(*c));
        o.key_ranges.emplace_back();
      }
    }
    if (inst.decl->data && inst.inst.type == "aws_iam_policy_document") {
      o.members.emplace_back("json", instance_attribute(inst, "json", at));
      o.key_ranges.emplace_back();
      o.members.emplace_back("minified_json", instance_attribute(inst, "minified_json", at));
      o.key_ranges.emplace_back();
    }
    o.instance_address = inst.inst.address;
    return o;
  });
}

Value Engine::resource_collection(ResourceDecl& decl, Range at) {
  expand(decl);
  const std::string addr = decl.mod->prefix + decl.local_address();
  if (decl.unknown_expansion) return unknown_value(addr, at, {addr + " (count/for_each not known before apply)"});
  if (decl.expansion == Expansion::Single)
    return decl.instances.empty() ? null_value(at) : instance_object(*decl.instances[0], at);
  if (decl.expansion == Expansion::Count) {
    Value l = list_value({}, at);
    for (InstanceState* i : decl.instances) l.items.push_back(instance_object(*i, at));
    return l;
  }
  Value o = object_value({}, at);
  for (InstanceState* i : decl.instances) {
    o.members.emplace_back(i->inst.each_key.text, instance_object(*i, at));
    o.key_ranges.push_back(i->inst.each_key.range);
  }
  return o;
}

namespace {

// The instance of an expanded resource or module selected by an index value.
template <typename T>
T* select(const std::vector<T*>& all, Expansion exp, const Value& key, const Value& (*key_of)(const T&)) {
  for (T* i : all) {
    const Value& k = key_of(*i);
    if (exp == Expansion::Count) {
      double a = 0, b = 0;
      if (number_of(k, a) && number_of(key, b) && a == b) return i;
    } else if (key.kind == Value::Kind::String && k.text == key.text) {
      return i;
    }
  }
  return nullptr;
}

const Value& instance_key(const InstanceState& i) {
  return i.decl->expansion == Expansion::Count ? i.inst.count_index : i.inst.each_key;
}
const Value& module_key(const ModuleState& m) {
  return m.call->expansion == Expansion::Count ? m.count_index : m.each_key;
}

}  // namespace

Value Engine::eval_traversal(const hcl::Expr& e, const Scope& scope) {
  static const std::vector<hcl::Traverser> none;
  const hcl::Expr* root = &e;
  const std::vector<hcl::Traverser>* stepsp = &none;
  if (e.kind == hcl::ExprKind::Traversal) {
    if (!e.source) return null_value(e.range);
    root = e.source.get();
    stepsp = &e.traversers;
  }
  const auto& steps = *stepsp;
  size_t i = 0;
  Value v;
  auto rest = [&](Value start) {
    for (; i < steps.size(); ++i) start = traverse(std::move(start), steps[i], scope);
    return start;
  };
  if (root->kind != hcl::ExprKind::Variable) return rest(eval(*root, scope));

  const std::string& name = root->text;
  if (const Binding* b = scope.find(name)) return rest(*b->value);
  if (scope.constants_only || !scope.mod)
    return error("\"" + source_text(e.range) + "\": references are not allowed here", e.range);
  ModuleState& m = *scope.mod;

  auto need_attr = [&](const char* what) -> const std::string* {
    const std::string* a = attr_step(steps, i);
    if (!a) error(std::string("\"") + name + "\" must be followed by " + what, e.range);
    return a;
  };

  if (name == "var") {
    const std::string* a = need_attr("a variable name");
    if (!a) return unknown_value(source_text(e.range), e.range);
    ++i;
    return rest(variable(m, *a, steps[0].range));
  }
  if (name == "local") {
    const std::string* a = need_attr("a local value's name");
    if (!a) return unknown_value(source_text(e.range), e.range);
    ++i;
    return rest(local(m, *a, steps[0].range));
  }
  if (name == "count") {
    const std::string* a = need_attr("index");
    if (!a || *a != "index" || !scope.count_index)
      return error("count.index is only available where count is set", e.range, "count.index");
    ++i;
    Value ci = *scope.count_index;
    return rest(std::move(ci));
  }
  if (name == "each") {
    const std::string* a = need_attr("key or value");
    if (!a || (*a != "key" && *a != "value") || !scope.each_key)
      return error("each.key and each.value are only available where for_each is set", e.range, "each");
    ++i;
    Value ev = *a == "key" ? *scope.each_key : *scope.each_value;
    return rest(std::move(ev));
  }
  if (name == "path") {
    const std::string* a = need_attr("module, root or cwd");
    if (!a) return unknown_value("path", e.range);
    ++i;
    namespace fs = std::filesystem;
    if (*a == "module") {
      std::string rel = fs::path(m.dir).lexically_relative(root_dir).generic_string();
      if (rel.empty()) rel = ".";
      return rest(string_value(rel, e.range));
    }
    if (*a == "root") return rest(string_value(".", e.range));
    if (*a == "cwd") return rest(string_value(root_dir, e.range));
    return error("unknown path attribute \"" + *a + "\"", e.range);
  }
  if (name == "terraform") {
    const std::string* a = need_attr("workspace");
    ++i;
    if (a && *a == "workspace") return rest(unknown_value("terraform.workspace", e.range, {"terraform.workspace (chosen when running terraform)"}));
    return error("unknown terraform attribute", e.range);
  }
  if (name == "self") {
    if (!scope.inst) return error("self is only available in provisioners and connections", e.range, "self");
    const std::string* a = attr_step(steps, 0);
    if (!a) return instance_object(*scope.inst, e.range);
    ++i;
    return rest(instance_attribute(*scope.inst, *a, e.range));
  }
  if (name == "module") {
    const std::string* a = need_attr("a module name");
    if (!a) return unknown_value(source_text(e.range), e.range);
    ++i;
    auto it = m.calls.find(*a);
    if (it == m.calls.end())
      return error("reference to an undeclared module \"" + *a + "\"", e.range, "module." + *a);
    ModuleCall& call = *it->second;
    expand(call);
    const std::string call_addr = m.prefix + "module." + call.name;
    if (!call.local) {
      if (is_index(steps, i)) ++i;
      const std::string* o = attr_step(steps, i);
      if (!o) return rest(module_ref(call, e.range));
      ++i;
      const std::string n = call_addr + "." + *o;
      return rest(unknown_value(n, e.range, {n + " (module " + call.source + " cannot be read offline)"}));
    }
    ModuleState* inst = nullptr;
    if (call.unknown_expansion) {
      if (is_index(steps, i)) ++i;
      inst = call.instances.empty() ? nullptr : call.instances[0];
    } else if (call.expansion == Expansion::Single) {
      inst = call.instances.empty() ? nullptr : call.instances[0];
    } else if (is_index(steps, i)) {
      Value key = eval(*steps[i].index, scope);
      if (key.is_unknown()) return unknown_from(source_text(e.range), e.range, {&key});
      inst = select<ModuleState>(call.instances, call.expansion, key, module_key);
      if (!inst) {
        std::string k;
        string_of(key, k);
        return error("module." + call.name + " has no instance [" + k + "]", steps[i].range);
      }
      ++i;
    } else {
      return rest(module_ref(call, e.range));
    }
    if (!inst) return unknown_value(call_addr, e.range, {call_addr + " (not loaded)"});
    const std::string* o = attr_step(steps, i);
    if (!o) return rest(module_object(*inst, e.range));
    ++i;
    return rest(output(*inst, *o, steps[i - 1].range));
  }

  // Resources and data sources.
  std::string local_address;
  if (name == "data") {
    const std::string* type = attr_step(steps, 0);
    const std::string* dname = attr_step(steps, 1);
    if (!type || !dname) return error("a data reference needs a type and a name", e.range);
    local_address = "data." + *type + "." + *dname;
    i = 2;
  } else {
    const std::string* rname = attr_step(steps, 0);
    if (!rname) return error("unknown name \"" + name + "\"", e.range, name);
    local_address = name + "." + *rname;
    i = 1;
  }
  ResourceDecl* decl = find_decl(m, local_address);
  if (!decl) return error("reference to an undeclared resource \"" + local_address + "\"", e.range, m.prefix + local_address);
  expand(*decl);
  InstanceState* inst = nullptr;
  if (decl->unknown_expansion) {
    if (is_index(steps, i)) ++i;
    else if (decl->expansion != Expansion::Single) return rest(resource_collection(*decl, e.range));
    inst = decl->instances.empty() ? nullptr : decl->instances[0];
  } else if (decl->expansion == Expansion::Single) {
    inst = decl->instances.empty() ? nullptr : decl->instances[0];
  } else if (is_index(steps, i)) {
    Value key = eval(*steps[i].index, scope);
    if (key.is_unknown()) return unknown_from(source_text(e.range), e.range, {&key});
    inst = select<InstanceState>(decl->instances, decl->expansion, key, instance_key);
    if (!inst) {
      std::string k;
      string_of(key, k);
      return error(local_address + " has no instance [" + k + "]", steps[i].range);
    }
    ++i;
  } else {
    return rest(resource_collection(*decl, e.range));
  }
  if (!inst) return unknown_value(m.prefix + local_address, e.range);
  const std::string* a = attr_step(steps, i);
  if (!a) return rest(instance_object(*inst, e.range));
  ++i;
  return rest(instance_attribute(*inst, *a, steps[i - 1].range));
}

Value Engine::eval_splat(const hcl::Expr& e, const Scope& scope) {
  if (!e.source) return null_value(e.range);
  // Steps after the splat apply to each element; a further [*] splats again.
  std::function<Value(Value, size_t)> apply = [&](Value v, size_t from) -> Value {
    for (size_t k = from; k < e.traversers.size(); ++k) {
      if (e.traversers[k].kind != hcl::Traverser::Kind::Splat) {
        v = traverse(std::move(v), e.traversers[k], scope);
        continue;
      }
      if (v.is_unknown()) return v;
      if (v.is_null()) return list_value({}, e.range);
      if (v.kind != Value::Kind::List) v = list_value({std::move(v)}, v.range);
      for (auto& item : v.items) item = apply(std::move(item), k + 1);
      return v;
    }
    return v;
  };
  auto each = [&](Value item) { return apply(std::move(item), 0); };
  // `aws_x.y[*].attr`: each instance's attribute, without building whole instances.
  const hcl::Expr& src = *e.source;
  if (src.kind == hcl::ExprKind::Traversal && src.source && src.source->kind == hcl::ExprKind::Variable && scope.mod &&
      !scope.find(src.source->text) && !e.traversers.empty() && e.traversers[0].kind == hcl::Traverser::Kind::Attr) {
    const std::string& root = src.source->text;
    std::string local_address;
    if (root == "data" && src.traversers.size() == 2 && attr_step(src.traversers, 0) && attr_step(src.traversers, 1))
      local_address = "data." + src.traversers[0].name + "." + src.traversers[1].name;
    else if (root != "data" && root != "var" && root != "local" && root != "module" && src.traversers.size() == 1 &&
             attr_step(src.traversers, 0))
      local_address = root + "." + src.traversers[0].name;
    if (ResourceDecl* decl = local_address.empty() ? nullptr : find_decl(*scope.mod, local_address)) {
      expand(*decl);
      if (decl->unknown_expansion) {
        const std::string n = source_text(e.range);
        return unknown_value(n, e.range, {decl->mod->prefix + local_address + " (count/for_each not known before apply)"});
      }
      Value out = list_value({}, e.range);
      for (InstanceState* inst : decl->instances) {
        out.items.push_back(apply(instance_attribute(*inst, e.traversers[0].name, e.traversers[0].range), 1));
      }
      return out;
    }
  }
  Value v = eval(src, scope);
  if (v.is_unknown()) return unknown_from(source_text(e.range), e.range, {&v});
  if (v.is_null()) return list_value({}, e.range);
  if (v.kind != Value::Kind::List) return list_value({each(std::move(v))}, e.range);
  Value out = list_value({}, e.range);
  for (auto& item : v.items) out.items.push_back(each(std::move(item)));
  return out;
}

}  // namespace threegate::tf::detail
