// count and for_each: resource, data and module instances, and dynamic blocks.
#include <algorithm>

#include "terraform/internal.hpp"

namespace threegate::tf::detail {
namespace {

struct Element {
  Value key;    // count.index (Number) or each.key (String)
  Value value;  // each.value
};

struct Expanded {
  Expansion kind = Expansion::Single;
  bool unknown = false;
  std::vector<Element> elements;
};

std::string key_suffix(Expansion kind, const Value& key) {
  if (kind == Expansion::Count) return "[" + key.text + "]";
  return "[\"" + key.text + "\"]";
}

}  // namespace

namespace {

Expanded expansion_of_unbounded(Engine& e, const hcl::Body& body, const Scope& scope, const std::string& what);

// Evaluates count / for_each of a block in `scope`. `what` names it in messages. Past the run's
// instance budget the expansion is taken as unknown (one instance stands for all), never a
// partial set of instances that would look complete.
Expanded expansion_of(Engine& e, const hcl::Body& body, const Scope& scope, const std::string& what, Range at) {
  Expanded out = expansion_of_unbounded(e, body, scope, what);
  if (out.unknown) return out;
  if (!e.charge_instances(out.kind == Expansion::Single ? 1 : out.elements.size(), at)) {
    out.unknown = out.kind != Expansion::Single;
    out.elements.clear();
  }
  return out;
}

Expanded expansion_of_unbounded(Engine& e, const hcl::Body& body, const Scope& scope, const std::string& what) {
  Expanded out;
  const hcl::Attribute* count = body.attribute("count");
  const hcl::Attribute* for_each = body.attribute("for_each");
  if (count && count->expr) {
    out.kind = Expansion::Count;
    Value v = e.eval(*count->expr, scope);
    double n = 0;
    if (v.is_unknown()) {
      out.unknown = true;
      e.info("count of " + what + " is not known before apply (" + (v.unknown.empty() ? v.text : v.unknown[0]) +
                 "): one instance stands for all of them",
             count->expr->range);
      return out;
    }
    if (!number_of(v, n) || n < 0 || n != static_cast<double>(static_cast<long>(n))) {
      e.error("count of " + what + " must be a whole number, not " + (v.kind == Value::Kind::Number ? v.text : kind_name(v.kind)),
              count->expr->range);
      out.unknown = true;
      return out;
    }
    if (n > 10000) {
      e.warn("count of " + what + " is over 10000; only the first 10000 instances are read", count->expr->range);
      n = 10000;
    }
    for (long i = 0; i < static_cast<long>(n); ++i)
      out.elements.push_back({number_value(static_cast<double>(i), count->expr->range), null_value()});
    return out;
  }
  if (for_each && for_each->expr) {
    out.kind = Expansion::ForEach;
    Value v = e.eval(*for_each->expr, scope);
    auto unknown = [&](const Value& u) {
      out.unknown = true;
      out.elements.clear();
      e.info("for_each of " + what + " is not known before apply (" + (u.unknown.empty() ? u.text : u.unknown[0]) +
                 "): one instance stands for all of them",
             for_each->expr->range);
    };
    if (v.is_unknown()) {
      unknown(v);
      return out;
    }
    if (v.kind == Value::Kind::Object) {
      std::vector<size_t> order(v.members.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v.members[a].first < v.members[b].first; });
      for (size_t i : order) {
        if (string_has_unknown_symbol(v.members[i].first)) {
          unknown(unknown_value(v.members[i].first));
          return out;
        }
        const Range kr = i < v.key_ranges.size() && v.key_ranges[i].known() ? v.key_ranges[i] : for_each->expr->range;
        out.elements.push_back({string_value(v.members[i].first, kr), v.members[i].second});
      }
      return out;
    }
    if (v.kind == Value::Kind::List) {
      std::vector<Element> els;
      for (const auto& item : v.items) {
        if (item.is_unknown() || (item.kind == Value::Kind::String && string_has_unknown_symbol(item.text))) {
          unknown(item.is_unknown() ? item : unknown_value(display_symbols(item.text)));
          return out;
        }
        std::string s;
        if (item.kind == Value::Kind::List || item.kind == Value::Kind::Object || !string_of(item, s)) {
          e.error("for_each of " + what + " must be a map or a set of strings, not a list of " + kind_name(item.kind) + "s",
                  for_each->expr->range);
          out.unknown = true;
          out.elements.clear();
          return out;
        }
        bool dup = false;
        for (const auto& el : els) dup = dup || el.key.text == s;
        if (!dup) els.push_back({string_value(s, item.range), string_value(s, item.range)});
      }
      std::stable_sort(els.begin(), els.end(), [](const Element& a, const Element& b) { return a.key.text < b.key.text; });
      out.elements = std::move(els);
      return out;
    }
    if (v.is_null()) {
      e.error("for_each of " + what + " is null", for_each->expr->range);
    } else {
      e.error("for_each of " + what + " must be a map or a set of strings, not a " + std::string(kind_name(v.kind)),
              for_each->expr->range);
    }
    out.unknown = true;
    return out;
  }
  return out;
}

}  // namespace

void Engine::expand(ResourceDecl& decl) {
  if (decl.state == 2) return;
  const std::string local = decl.local_address();
  if (decl.state == 1) {
    error(decl.mod->prefix + local + ": count/for_each depends on the resource itself", decl.block->range);
    return;
  }
  decl.state = 1;
  Scope s = module_scope(*decl.mod);
  Expanded ex = expansion_of(*this, decl.block->body, s, decl.mod->prefix + local, decl.block->range);
  decl.expansion = ex.kind;
  decl.unknown_expansion = ex.unknown;
  const std::string provider = provider_of(decl);
  Value region = provider_region(*decl.mod, provider, decl.block->range);

  auto make = [&](std::string suffix) -> InstanceState& {
    instance_store.emplace_back();
    InstanceState& st = instance_store.back();
    st.decl = &decl;
    st.inst.address = decl.mod->prefix + local + suffix;
    st.inst.mode = decl.data ? "data" : "managed";
    st.inst.type = decl.type;
    st.inst.name = decl.name;
    st.inst.block = decl.block;
    st.inst.module = decl.mod->module;
    st.inst.provider = provider;
    st.inst.provider_region = region;
    st.inst.unknown_expansion = ex.unknown;
    by_address[st.inst.address] = &st;
    decl.instances.push_back(&st);
    return st;
  };
  if (ex.unknown) {
    const std::string base = decl.mod->prefix + local;
    InstanceState& st = make(ex.kind == Expansion::Count ? "[count.index]" : "[each.key]");
    if (ex.kind == Expansion::Count) {
      st.inst.count_index = unknown_value(base + ".count.index", decl.block->range, {base + " count (not known before apply)"});
    } else {
      st.inst.each_key = unknown_value(base + ".each.key", decl.block->range, {base + " for_each (not known before apply)"});
      st.inst.each_value = unknown_value(base + ".each.value", decl.block->range, {base + " for_each (not known before apply)"});
    }
  } else if (ex.kind == Expansion::Single) {
    make("");
  } else {
    for (auto& el : ex.elements) {
      InstanceState& st = make(key_suffix(ex.kind, el.key));
      if (ex.kind == Expansion::Count) {
        st.inst.count_index = el.key;
      } else {
        st.inst.each_key = el.key;
        st.inst.each_value = el.value;
      }
    }
  }
  decl.state = 2;
}

void Engine::expand(ModuleCall& call) {
  if (call.state == 2) return;
  ModuleState& parent = *call.parent;
  const std::string addr = parent.prefix + "module." + call.name;
  if (call.state == 1) {
    error(addr + ": count/for_each depends on the module itself", call.block->range);
    return;
  }
  call.state = 1;
  if (!call.local) {
    std::string kind = "the registry";
    const std::string& s = call.source;
    if (s.rfind("git::", 0) == 0 || s.rfind("github.com/", 0) == 0 || s.rfind("bitbucket.org/", 0) == 0 ||
        s.find(".git") != std::string::npos || s.rfind("git@", 0) == 0)
      kind = "git";
    else if (s.rfind("s3::", 0) == 0 || s.rfind("gcs::", 0) == 0 || s.rfind("http", 0) == 0 || s.rfind("hg::", 0) == 0)
      kind = "a remote archive";
    else if (s.empty())
      kind = "an unknown place";
    info("module \"" + call.name + "\" comes from " + kind + " (" + s + "): it cannot be read offline; its outputs are unknown",
         call.block->labels.empty() ? call.block->range : call.block->label_ranges[0]);
    call.state = 2;
    return;
  }
  if (exhausted()) {
    // Past the budget no module is loaded any more: its outputs read as unknown.
    call.unknown_expansion = true;
    call.state = 2;
    return;
  }
  Scope s = module_scope(parent);
  Expanded ex = expansion_of(*this, call.block->body, s, addr, call.block->range);
  call.expansion = ex.kind;
  call.unknown_expansion = ex.unknown;
  if (ex.unknown) {
    Value k = unknown_value(addr + (ex.kind == Expansion::Count ? ".count.index" : ".each.key"), call.block->range);
    Value v = unknown_value(addr + ".each.value", call.block->range);
    const bool count = ex.kind == Expansion::Count;
    if (ModuleState* m = load_child(call, count ? k : Value{}, count ? Value{} : k, count ? Value{} : v,
                                    count ? "[count.index]" : "[each.key]"))
      call.instances.push_back(m);
  } else if (ex.kind == Expansion::Single) {
    if (ModuleState* m = load_child(call, {}, {}, {}, "")) call.instances.push_back(m);
  } else {
    for (auto& el : ex.elements) {
      const bool count = ex.kind == Expansion::Count;
      if (ModuleState* m = load_child(call, count ? el.key : Value{}, count ? Value{} : el.key,
                                      count ? Value{} : el.value, key_suffix(ex.kind, el.key)))
        call.instances.push_back(m);
    }
  }
  call.state = 2;
}

Scope Engine::block_scope(const BlockView& view, InstanceState& inst) {
  Scope s = instance_scope(inst);
  for (const auto& [name, value] : view.iterators) s.bindings.push_back({name, &value});
  return s;
}

Value Engine::block_attribute(const BlockView& view, InstanceState& inst, std::string_view name) {
  if (!view.block) return null_value();
  const hcl::Attribute* a = view.block->body.attribute(name);
  if (!a || !a->expr) return null_value();
  if (view.block == inst.inst.block) return configured_attribute(inst, name);
  Scope s = block_scope(view, inst);
  return eval(*a->expr, s);
}

std::vector<BlockView> Engine::blocks_of(const hcl::Body& body, InstanceState& inst,
                                         const std::vector<std::pair<std::string, Value>>& iterators,
                                         std::string_view type) {
  std::vector<BlockView> out;
  for (const auto& b : body.blocks) {
    if (b.type == type) {
      out.push_back(BlockView{&b, &inst.inst, iterators});
      continue;
    }
    if (b.type != "dynamic" || b.labels.empty() || b.labels[0] != type) continue;
    const hcl::Block* content = b.body.block("content");
    if (!content) {
      warn("dynamic \"" + b.labels[0] + "\" has no content block", b.range);
      continue;
    }
    std::string iterator = b.labels[0];
    if (const hcl::Attribute* it = b.body.attribute("iterator"); it && it->expr) {
      if (it->expr->kind == hcl::ExprKind::Variable) iterator = it->expr->text;
      else warn("the iterator of a dynamic block must be a name", it->range);
    }
    const hcl::Attribute* fe = b.body.attribute("for_each");
    if (!fe || !fe->expr) {
      warn("dynamic \"" + b.labels[0] + "\" has no for_each", b.range);
      continue;
    }
    BlockView outer{&b, &inst.inst, iterators};
    Scope s = block_scope(outer, inst);
    Value coll = eval(*fe->expr, s);
    auto add = [&](Value key, Value value) {
      BlockView v{content, &inst.inst, iterators};
      Value it = object_value({}, content->range);
      it.members.emplace_back("key", std::move(key));
      it.members.emplace_back("value", std::move(value));
      it.key_ranges.resize(2);
      v.iterators.emplace_back(iterator, std::move(it));
      out.push_back(std::move(v));
    };
    if (coll.is_unknown()) {
      info("for_each of dynamic \"" + b.labels[0] + "\" in " + inst.inst.address + " is not known before apply (" +
               (coll.unknown.empty() ? coll.text : coll.unknown[0]) + "): one block stands for all of them",
           fe->expr->range);
      const std::string base = inst.inst.address + "." + b.labels[0];
      add(unknown_value(base + ".key", fe->expr->range, coll.unknown), unknown_value(base + ".value", fe->expr->range, coll.unknown));
    } else if (coll.kind == Value::Kind::List) {
      for (size_t i = 0; i < coll.items.size(); ++i) add(number_value(static_cast<double>(i), coll.items[i].range), coll.items[i]);
    } else if (coll.kind == Value::Kind::Object) {
      std::vector<size_t> order(coll.members.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return coll.members[x].first < coll.members[y].first; });
      for (size_t i : order)
        add(string_value(coll.members[i].first, i < coll.key_ranges.size() ? coll.key_ranges[i] : Range{}), coll.members[i].second);
    } else if (!coll.is_null()) {
      error("for_each of dynamic \"" + b.labels[0] + "\" must be a collection, not a " + std::string(kind_name(coll.kind)),
            fe->expr->range);
    }
  }
  return out;
}

}  // namespace threegate::tf::detail
