// data "aws_iam_policy_document" rendered as the AWS provider renders it (policy_model.go and
// policy_document_data_source.go): statement members in the provider's order, string sets
// deduplicated and sorted in reverse (one element rendered as a plain string), principal and
// condition maps with sorted keys, `&{` turned into `${`, source documents merged first and
// override documents last (a statement with the same Sid replaces the earlier one). Every
// element keeps the range of the .tf expression it comes from.
#include <algorithm>

#include "terraform/internal.hpp"

namespace threegate::tf::detail {
namespace {

struct Doc {
  Value version, id;  // Null when absent
  std::vector<Value> statements;
};

std::string sid_of(const Value& stmt) {
  const Value* s = stmt.find("Sid");
  return s && s->kind == Value::Kind::String ? s->text : "";
}

// IAMPolicyDoc.Merge: adopt Id, upgrade Version, replace statements with the same Sid.
void merge(Doc& into, Doc&& from) {
  if (from.id.kind == Value::Kind::String && !from.id.text.empty()) into.id = from.id;
  if (from.version.kind == Value::Kind::String &&
      (into.version.kind != Value::Kind::String || from.version.text > into.version.text))
    into.version = from.version;
  for (auto& s : from.statements) {
    const std::string sid = sid_of(s);
    bool replaced = false;
    if (!sid.empty()) {
      for (auto& have : into.statements) {
        if (sid_of(have) == sid) {
          have = s;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) into.statements.push_back(std::move(s));
  }
}

void replace_vars(std::string& s) {
  size_t at = 0;
  while ((at = s.find("&{", at)) != std::string::npos) {
    s[at] = '$';
    at += 2;
  }
}

// A set of strings: deduplicated; one element as itself, more sorted in reverse.
Value string_set(Engine& e, const Value& v, Range at, bool vars, const std::string& what) {
  if (v.is_unknown()) return v;
  std::vector<Value> items;
  if (v.kind == Value::Kind::List) {
    items = v.items;
  } else if (v.kind == Value::Kind::String) {
    items.push_back(v);
  } else {
    return e.error(what + " must be a list of strings", at);
  }
  std::vector<Value> out;
  for (auto& i : items) {
    if (i.is_unknown()) {
      out.push_back(i);
      continue;
    }
    std::string s;
    if (!string_of(i, s) || i.is_null()) {
      e.error(what + " must be a list of strings, not of " + kind_name(i.kind) + "s", i.range.known() ? i.range : at);
      continue;
    }
    if (vars) replace_vars(s);
    bool dup = false;
    for (const auto& have : out) dup = dup || (have.kind == Value::Kind::String && have.text == s);
    if (!dup) out.push_back(string_value(std::move(s), i.range.known() ? i.range : at));
  }
  if (out.size() == 1) return out[0];
  std::stable_sort(out.begin(), out.end(), [](const Value& a, const Value& b) { return a.text > b.text; });
  return list_value(std::move(out), v.range.known() ? v.range : at);
}

void add(Value& obj, const char* key, Value v, Range key_range = {}) {
  obj.members.emplace_back(key, std::move(v));
  obj.key_ranges.push_back(key_range);
}

// Inserts a member keeping keys sorted (Go marshals maps that way).
Value* sorted_member(Value& obj, const std::string& key, Range key_range) {
  auto it = obj.members.begin();
  size_t i = 0;
  for (; it != obj.members.end() && it->first < key; ++it, ++i) {
  }
  if (it != obj.members.end() && it->first == key) return &it->second;
  obj.members.insert(it, {key, Value{}});
  obj.key_ranges.insert(obj.key_ranges.begin() + static_cast<long>(i), key_range);
  return &obj.members[i].second;
}

// Appends identifiers or values to a member that may be a string or a list.
void append_to(Value& slot, const Value& add_v, Range range) {
  if (slot.is_null()) {
    slot = add_v;
    return;
  }
  if (slot.kind != Value::Kind::List) {
    Value first = slot;
    slot = list_value({std::move(first)}, range);
  }
  if (add_v.kind == Value::Kind::List) slot.items.insert(slot.items.end(), add_v.items.begin(), add_v.items.end());
  else slot.items.push_back(add_v);
}

Value principals_of(Engine& e, InstanceState& inst, const BlockView& stmt, const char* type) {
  std::vector<BlockView> blocks = e.blocks_of(stmt.block->body, inst, stmt.iterators, type);
  if (blocks.empty()) return null_value();
  struct P {
    Value type, ids;
    Range type_range;
  };
  std::vector<P> ps;
  for (const auto& b : blocks) {
    P p;
    p.type = e.block_attribute(b, inst, "type");
    const hcl::Attribute* ta = b.block->body.attribute("type");
    p.type_range = ta ? ta->range : b.block->range;
    const hcl::Attribute* ia = b.block->body.attribute("identifiers");
    p.ids = string_set(e, e.block_attribute(b, inst, "identifiers"), ia ? ia->range : b.block->range, true,
                       std::string(type) + " identifiers");
    if (p.type.is_unknown()) p.type = string_value(make_symbol(SymbolKind::Unknown, p.type.text), p.type.range);
    if (p.type.kind != Value::Kind::String) {
      e.error(std::string(type) + " needs a type", b.block->range);
      continue;
    }
    ps.push_back(std::move(p));
  }
  if (ps.empty()) return null_value();
  const Range r = blocks.front().block->range;
  if (ps.size() == 1 && ps[0].type.text == "*" && ps[0].ids.kind == Value::Kind::String && ps[0].ids.text == "*") {
    Value star = ps[0].ids;
    return star;
  }
  Value obj = object_value({}, r);
  for (auto& p : ps) {
    Value* slot = sorted_member(obj, p.type.text, p.type_range);
    append_to(*slot, p.ids, p.ids.range);
  }
  return obj;
}

Value conditions_of(Engine& e, InstanceState& inst, const BlockView& stmt) {
  std::vector<BlockView> blocks = e.blocks_of(stmt.block->body, inst, stmt.iterators, "condition");
  if (blocks.empty()) return null_value();
  Value obj = object_value({}, blocks.front().block->range);
  for (const auto& b : blocks) {
    Value test = e.block_attribute(b, inst, "test");
    Value var = e.block_attribute(b, inst, "variable");
    Value values = e.block_attribute(b, inst, "values");
    const hcl::Attribute* ta = b.block->body.attribute("test");
    const hcl::Attribute* va = b.block->body.attribute("variable");
    const hcl::Attribute* vs = b.block->body.attribute("values");
    std::string t, v;
    if (!string_of(test, t) || !string_of(var, v) || test.is_null() || var.is_null()) {
      e.error("a condition needs a test and a variable", b.block->range);
      continue;
    }
    Value list;
    if (values.is_unknown()) {
      list = values;
    } else if (values.kind == Value::Kind::List) {
      list = list_value({}, values.range);
      for (const auto& i : values.items) {
        std::string s;
        if (!i.is_unknown() && (!string_of(i, s) || i.is_null())) {
          e.error("condition values must be strings", i.range.known() ? i.range : b.block->range);
          continue;
        }
        if (i.is_unknown()) {
          list.items.push_back(i);
          continue;
        }
        replace_vars(s);
        list.items.push_back(string_value(std::move(s), i.range));
      }
    } else {
      e.error("condition values must be a list of strings", vs ? vs->range : b.block->range);
      continue;
    }
    Value* test_obj = sorted_member(obj, t, ta ? ta->range : b.block->range);
    if (test_obj->is_null()) *test_obj = object_value({}, b.block->range);
    Value* slot = sorted_member(*test_obj, v, va ? va->range : b.block->range);
    if (slot->is_null()) *slot = list_value({}, list.range);
    if (list.is_unknown()) {
      *slot = list;
    } else if (slot->kind == Value::Kind::List) {
      slot->items.insert(slot->items.end(), list.items.begin(), list.items.end());
    }
  }
  // One value is written as a plain string.
  for (auto& [test, vars] : obj.members)
    for (auto& [name, vals] : vars.members)
      if (vals.kind == Value::Kind::List && vals.items.size() == 1) {
        Value only = vals.items[0];
        vals = std::move(only);
      }
  return obj;
}

Value statement_of(Engine& e, InstanceState& inst, const BlockView& b, std::set<std::string>& sids) {
  Value st = object_value({}, b.block->range);
  auto attr_range = [&](const char* n) {
    const hcl::Attribute* a = b.block->body.attribute(n);
    return a ? a->range : b.block->range;
  };
  auto name_range = [&](const char* n) {
    const hcl::Attribute* a = b.block->body.attribute(n);
    return a ? a->name_range : Range{};
  };
  Value sid = e.block_attribute(b, inst, "sid");
  if (sid.is_unknown()) sid = string_value(make_symbol(SymbolKind::Unknown, sid.text), sid.range);
  if (sid.kind == Value::Kind::String && !sid.text.empty()) {
    if (!sids.insert(sid.text).second) e.warn("duplicate sid \"" + sid.text + "\" in " + inst.inst.address, attr_range("sid"));
    add(st, "Sid", sid, name_range("sid"));
  }
  Value effect = e.block_attribute(b, inst, "effect");
  if (effect.is_null()) effect = string_value("Allow", b.block->range);
  add(st, "Effect", effect, name_range("effect"));
  static const struct {
    const char* attr;
    const char* key;
    bool vars;
  } sets[] = {{"actions", "Action", false}, {"not_actions", "NotAction", false}, {"resources", "Resource", true},
              {"not_resources", "NotResource", true}};
  for (const auto& s : sets) {
    if (!b.block->body.attribute(s.attr)) continue;
    Value v = e.block_attribute(b, inst, s.attr);
    if (v.is_null() || (v.kind == Value::Kind::List && v.items.empty())) continue;
    add(st, s.key, string_set(e, v, attr_range(s.attr), s.vars, s.attr), name_range(s.attr));
  }
  Value p = principals_of(e, inst, b, "principals");
  if (!p.is_null()) add(st, "Principal", std::move(p), b.block->range);
  Value np = principals_of(e, inst, b, "not_principals");
  if (!np.is_null()) add(st, "NotPrincipal", std::move(np), b.block->range);
  Value c = conditions_of(e, inst, b);
  if (!c.is_null()) add(st, "Condition", std::move(c), b.block->range);
  return st;
}

// ---- documents given as JSON (source_policy_documents, override_policy_documents)

Value normalized_principal(const Value& p) {
  if (p.kind != Value::Kind::Object) return p.kind == Value::Kind::String ? string_value("*", p.range) : p;
  Value out = object_value({}, p.range);
  for (size_t i = 0; i < p.members.size(); ++i) {
    Value ids = p.members[i].second;
    if (ids.kind == Value::Kind::List) {
      std::stable_sort(ids.items.begin(), ids.items.end(), [](const Value& a, const Value& b) { return a.text > b.text; });
    }
    Value* slot = sorted_member(out, p.members[i].first, i < p.key_ranges.size() ? p.key_ranges[i] : Range{});
    append_to(*slot, ids, ids.range);
  }
  if (out.members.size() == 1 && out.members[0].first == "*" && out.members[0].second.kind == Value::Kind::String &&
      out.members[0].second.text == "*")
    return string_value("*", p.range);
  return out;
}

Value normalized_condition(const Value& c) {
  if (c.kind != Value::Kind::Object) return c;
  Value out = object_value({}, c.range);
  for (size_t i = 0; i < c.members.size(); ++i) {
    const Value& vars = c.members[i].second;
    Value* test = sorted_member(out, c.members[i].first, i < c.key_ranges.size() ? c.key_ranges[i] : Range{});
    if (test->is_null()) *test = object_value({}, vars.range);
    for (size_t k = 0; k < vars.members.size(); ++k) {
      Value vals = vars.members[k].second;
      if (vals.kind == Value::Kind::Bool) vals = string_value(vals.boolean ? "true" : "false", vals.range);
      if (vals.kind == Value::Kind::List && vals.items.size() == 1) {
        Value only = vals.items[0];
        vals = std::move(only);
      }
      Value* slot = sorted_member(*test, vars.members[k].first, k < vars.key_ranges.size() ? vars.key_ranges[k] : Range{});
      *slot = std::move(vals);
    }
  }
  return out;
}

std::optional<Doc> doc_from_json(Engine& e, const Value& text, Range at, const std::string& what) {
  Value v;
  if (text.encoded_from) {
    v = *text.encoded_from;
  } else {
    std::string error;
    const SourceFile* file = nullptr;
    uint32_t offset = 0;
    if (text.range.known() && !text.text.empty()) {
      std::string_view src = std::string_view(text.range.file->text()).substr(text.range.begin, text.range.end - text.range.begin);
      size_t hit = src.find(text.text);
      if (hit != std::string_view::npos) {
        file = text.range.file;
        offset = text.range.begin + static_cast<uint32_t>(hit);
      }
    }
    auto d = json_decode(text.text, file, offset, text.range.known() ? text.range : at, error);
    if (!d) {
      e.error(what + " is not valid JSON: " + error, text.range.known() ? text.range : at);
      return std::nullopt;
    }
    v = std::move(*d);
  }
  if (v.kind != Value::Kind::Object) {
    e.error(what + " must be a JSON policy document", at);
    return std::nullopt;
  }
  Doc d;
  if (const Value* ver = v.find("Version")) d.version = *ver;
  if (const Value* id = v.find("Id")) d.id = *id;
  const Value* stmts = v.find("Statement");
  std::vector<Value> list;
  if (stmts && stmts->kind == Value::Kind::List) list = stmts->items;
  else if (stmts && stmts->kind == Value::Kind::Object) list.push_back(*stmts);
  static const char* order[] = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"};
  for (const auto& s : list) {
    if (s.kind != Value::Kind::Object) continue;
    Value st = object_value({}, s.range);
    for (const char* key : order) {
      const Value* m = s.find(key);
      if (!m || m->is_null()) continue;
      if ((std::string_view(key) == "Sid" || std::string_view(key) == "Effect") && m->kind == Value::Kind::String && m->text.empty()) continue;
      Range kr;
      for (size_t i = 0; i < s.members.size(); ++i)
        if (s.members[i].first == key && i < s.key_ranges.size()) kr = s.key_ranges[i];
      Value val = *m;
      if (std::string_view(key) == "Principal" || std::string_view(key) == "NotPrincipal") val = normalized_principal(val);
      if (std::string_view(key) == "Condition") val = normalized_condition(val);
      if ((val.kind == Value::Kind::List && val.items.empty()) || (val.kind == Value::Kind::Object && val.members.empty())) continue;
      add(st, key, std::move(val), kr);
    }
    d.statements.push_back(std::move(st));
  }
  return d;
}

}  // namespace

Value render_policy_document(Engine& e, InstanceState& inst) {
  const hcl::Block& block = *inst.inst.block;
  const std::string unknown_name = inst.inst.address + ".json";
  Doc merged;

  auto documents = [&](const char* attr, bool source) -> std::optional<Value> {
    if (!block.body.attribute(attr)) return std::nullopt;
    Value list = e.configured_attribute(inst, attr);
    if (list.is_null()) return std::nullopt;
    if (list.is_unknown()) return unknown_from(unknown_name, block.range, {&list});
    if (list.kind != Value::Kind::List) return e.error(std::string(attr) + " must be a list of JSON documents", list.range, unknown_name);
    std::set<std::string> sids;
    for (size_t i = 0; i < list.items.size(); ++i) {
      const Value& item = list.items[i];
      if (item.is_null()) continue;
      if (item.is_unknown() || (item.kind == Value::Kind::String && string_has_unknown_symbol(item.text) && !item.encoded_from))
        return unknown_from(unknown_name, block.range, {&item});
      if (item.kind != Value::Kind::String) return e.error(std::string(attr) + " must be a list of JSON strings", item.range, unknown_name);
      auto d = doc_from_json(e, item, list.range, std::string(attr) + "[" + std::to_string(i) + "]");
      if (!d) return unknown_value(unknown_name, block.range, {unknown_name + " (" + attr + " is not a policy)"});
      if (source) {
        for (const auto& s : d->statements) {
          const std::string sid = sid_of(s);
          if (!sid.empty() && !sids.insert(sid).second)
            e.warn("duplicate sid \"" + sid + "\" in source_policy_documents of " + inst.inst.address +
                       " (terraform refuses it)",
                   item.range.known() ? item.range : list.range);
        }
      }
      merge(merged, std::move(*d));
    }
    return std::nullopt;
  };

  if (auto stop = documents("source_policy_documents", true)) return *stop;

  Doc own;
  Value version = e.configured_attribute(inst, "version");
  own.version = version.is_null() ? string_value("2012-10-17", block.range) : version;
  if (own.version.is_unknown()) own.version = string_value(make_symbol(SymbolKind::Unknown, own.version.text), own.version.range);
  Value id = e.configured_attribute(inst, "policy_id");
  if (id.is_unknown()) id = string_value(make_symbol(SymbolKind::Unknown, id.text), id.range);
  if (!id.is_null()) own.id = id;
  std::set<std::string> sids;
  for (const BlockView& b : e.blocks_of(block.body, inst, {}, "statement")) own.statements.push_back(statement_of(e, inst, b, sids));
  merge(merged, std::move(own));

  if (auto stop = documents("override_policy_documents", false)) return *stop;

  Value doc = object_value({}, block.range);
  if (merged.version.kind == Value::Kind::String && !merged.version.text.empty()) add(doc, "Version", merged.version);
  if (merged.id.kind == Value::Kind::String && !merged.id.text.empty()) add(doc, "Id", merged.id);
  if (!merged.statements.empty()) add(doc, "Statement", list_value(std::move(merged.statements), block.range));
  return doc;
}

}  // namespace threegate::tf::detail
