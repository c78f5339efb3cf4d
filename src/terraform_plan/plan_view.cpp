// The resource view of a Terraform plan or state. A value the plan knows is read from it; a
// value known only after apply (after_unknown) is taken, in this order, from the .tf source
// when it is given, from the resource the configuration's expression references (kms_key_id =
// aws_kms_key.k.arn is key k's ARN, built as the .tf reader builds it), and otherwise stays
// Unknown, named by its address. An argument the configuration does not set is AWS's to
// compute (a key's default policy), as in the .tf reader.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "threegate/symbol.hpp"
#include "threegate/terraform_plan.hpp"

namespace threegate {

namespace {

using tf::Value;

const JsonValue* member(const JsonValue* v, std::string_view key) {
  return v && v->is_object() ? v->find(key) : nullptr;
}

bool is_true(const JsonValue* v) { return v && v->kind == JsonKind::Bool && v->boolean; }

Range span(Range a, Range b) {
  if (!a.known()) return b;
  if (!b.known() || a.file != b.file) return a;
  return Range{a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

// The module path of a module instance address without instance keys: module.a[0].module.b["x"]
// → module.a.module.b (the configuration describes each module once).
std::string without_keys(std::string_view address) {
  std::string out;
  char quote = 0;
  int depth = 0;
  for (size_t i = 0; i < address.size(); ++i) {
    const char c = address[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (depth > 0) {
      if (c == '"') quote = c;
      else if (c == '[') ++depth;
      else if (c == ']') --depth;
      continue;
    }
    if (c == '[') ++depth;
    else out += c;
  }
  return out;
}

// A value whose text is a JSON document (a policy): parsed, so that its structure keeps ranges
// into the plan file.
bool looks_like_document(const JsonValue& v) {
  if (!v.is_string()) return false;
  const size_t at = v.text.find_first_not_of(" \t\r\n");
  return at != std::string::npos && v.text[at] == '{';
}

void relocate(Value& v, Range at) {
  v.range = at;
  for (auto& r : v.key_ranges) r = at;
  for (auto& i : v.items) relocate(i, at);
  for (auto& [k, m] : v.members) relocate(m, at);
  if (v.encoded_from) {
    auto copy = std::make_shared<Value>(*v.encoded_from);
    relocate(*copy, at);
    v.encoded_from = std::move(copy);
  }
}

// A value with no part known only after apply.
bool fully_known(const Value& v) {
  if (v.is_unknown() || has_symbol(v.text)) return false;
  for (const auto& i : v.items)
    if (!fully_known(i)) return false;
  for (const auto& [k, m] : v.members)
    if (!fully_known(m)) return false;
  return true;
}

// Equal values, ranges aside; JSON texts are equal when they encode the same document.
bool same(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::Null: return true;
    case Value::Kind::Bool: return a.boolean == b.boolean;
    case Value::Kind::Number: return a.text == b.text || nlohmann::json::parse(a.text, nullptr, false) == nlohmann::json::parse(b.text, nullptr, false);
    case Value::Kind::String: {
      if (a.text == b.text) return true;
      if (has_symbol(a.text) || has_symbol(b.text)) return false;
      const auto ja = nlohmann::json::parse(a.text, nullptr, false);
      return !ja.is_discarded() && ja.is_structured() && ja == nlohmann::json::parse(b.text, nullptr, false);
    }
    case Value::Kind::List:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i)
        if (!same(a.items[i], b.items[i])) return false;
      return true;
    case Value::Kind::Object:
      if (a.members.size() != b.members.size()) return false;
      for (const auto& [k, m] : a.members) {
        const Value* o = b.find(k);
        if (!o || !same(m, *o)) return false;
      }
      return true;
    case Value::Kind::Unknown: return false;
  }
  return false;
}

// Attributes that hold a whole document: a reference inside one makes the document unknown,
// it never is the referenced value.
bool document_attribute(std::string_view name) {
  return name == "policy" || name == "content" || name == "assume_role_policy" || name == "json" ||
         name == "minified_json";
}

// Fields of an ARN ("arn:partition:service:region:account:resource"); empty when not one.
std::vector<std::string> arn_fields(const std::string& arn) {
  std::vector<std::string> out;
  if (arn.rfind("arn:", 0) != 0 || has_symbol(arn)) return out;
  size_t at = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t colon = arn.find(':', at);
    if (colon == std::string::npos) return {};
    out.push_back(arn.substr(at, colon - at));
    at = colon + 1;
  }
  out.push_back(arn.substr(at));
  return out;
}

// A reference as the configuration lists it — type.name, type.name[key].attribute,
// data.type.name.attribute — as (resource with its key, attribute after the dot); nullopt for
// references to anything but a resource (var., local., module., …).
std::optional<std::pair<std::string, std::string>> parse_reference(const std::string& t) {
  for (const char* scope : {"var.", "local.", "module.", "path.", "self.", "terraform.", "count.", "each."})
    if (t.rfind(scope, 0) == 0) return std::nullopt;
  size_t at = t.rfind("data.", 0) == 0 ? 5 : 0;
  const size_t type_end = t.find('.', at);
  if (type_end == std::string::npos || type_end == at) return std::nullopt;
  size_t end = t.find_first_of(".[", type_end + 1);
  if (end == type_end + 1) return std::nullopt;
  if (end != std::string::npos && t[end] == '[') {
    char quote = 0;
    size_t i = end + 1;
    for (; i < t.size(); ++i) {
      if (quote) {
        if (t[i] == '\\') ++i;
        else if (t[i] == quote) quote = 0;
      } else if (t[i] == '"') {
        quote = '"';
      } else if (t[i] == ']') {
        break;
      }
    }
    if (i >= t.size()) return std::nullopt;
    end = i + 1 < t.size() ? i + 1 : std::string::npos;
  }
  if (end == std::string::npos) return std::pair{t, std::string()};
  if (t[end] != '.') return std::nullopt;
  return std::pair{t.substr(0, end), t.substr(end + 1)};
}

// `why` says what it depends on, as a user reads it ("aws_iam_role.r.arn is known only after apply").
Value unknown_value(const std::string& path, std::string why, Range at) {
  Value v;
  v.kind = Value::Kind::Unknown;
  v.text = path;
  v.range = at;
  v.unknown.push_back(std::move(why));
  return v;
}

// A JSON value of the plan with the parts after_unknown marks replaced by Unknowns.
Value with_unknowns(const JsonValue& v, const JsonValue* unknown, const std::string& path) {
  if (is_true(unknown)) return unknown_value(path, path + " is known only after apply", v.range);
  Value out;
  out.range = v.range;
  switch (v.kind) {
    case JsonKind::Array:
      out.kind = Value::Kind::List;
      for (size_t i = 0; i < v.items.size(); ++i)
        out.items.push_back(with_unknowns(v.items[i], unknown && unknown->is_array() && i < unknown->items.size()
                                                          ? &unknown->items[i]
                                                          : nullptr,
                                          path + "[" + std::to_string(i) + "]"));
      return out;
    case JsonKind::Object:
      out.kind = Value::Kind::Object;
      for (const auto& m : v.members) {
        out.members.emplace_back(m.key, with_unknowns(m.value, member(unknown, m.key), path + "." + m.key));
        out.key_ranges.push_back(m.key_range);
      }
      // A member known only after apply is left out of the values and marked in after_unknown.
      if (unknown && unknown->is_object())
        for (const auto& m : unknown->members)
          if (is_true(&m.value) && !v.find(m.key)) {
            out.members.emplace_back(m.key, unknown_value(path + "." + m.key, path + "." + m.key + " is known only after apply",
                                                          v.range));
            out.key_ranges.push_back(v.range);
          }
      return out;
    default: return plan_value(v);
  }
}

}  // namespace

Value plan_value(const JsonValue& v) {
  Value out;
  out.range = v.range;
  switch (v.kind) {
    case JsonKind::Null: break;
    case JsonKind::Bool:
      out.kind = Value::Kind::Bool;
      out.boolean = v.boolean;
      break;
    case JsonKind::Number:
      out.kind = Value::Kind::Number;
      out.text = v.text;
      break;
    case JsonKind::String:
      out.kind = Value::Kind::String;
      out.text = v.text;
      break;
    case JsonKind::Array:
      out.kind = Value::Kind::List;
      for (const auto& i : v.items) out.items.push_back(plan_value(i));
      break;
    case JsonKind::Object:
      out.kind = Value::Kind::Object;
      for (const auto& m : v.members) {
        out.members.emplace_back(m.key, plan_value(m.value));
        out.key_ranges.push_back(m.key_range);
      }
      break;
  }
  return out;
}

TerraformJsonKind terraform_json_kind(const JsonValue& doc) {
  const JsonValue* version = member(&doc, "format_version");
  if (!version || !version->is_string()) return TerraformJsonKind::None;
  for (const char* key : {"planned_values", "resource_changes", "configuration", "prior_state"})
    if (doc.find(key)) return TerraformJsonKind::Plan;
  if (doc.find("values") || doc.find("terraform_version")) return TerraformJsonKind::State;
  // `terraform show -json` of an empty state is {"format_version": "1.0"}.
  if (doc.members.size() == 1) return TerraformJsonKind::State;
  return TerraformJsonKind::None;
}

namespace {

// Every resource object of a module tree (`resources` and `child_modules`), with the address
// of the module instance holding it.
// Modules nested deeper than any real configuration are not read (said by the caller).
constexpr int kMaxModuleDepth = 64;

// A part of the module tree that could not be read: where, and why.
struct Unread {
  const JsonValue* at = nullptr;
  std::string why;
};

// Returns the first part of the tree that could not be read (at == nullptr when none).
template <class F>
Unread each_resource(const JsonValue* module, const std::string& module_address, F&& f, int depth = 0) {
  if (!module) return {};
  if (!module->is_object()) return {module, "a module must be an object"};
  if (depth > kMaxModuleDepth)
    return {module, "modules nested more than " + std::to_string(kMaxModuleDepth) + " deep: their resources are not read"};
  Unread first;
  if (const JsonValue* rs = member(module, "resources")) {
    if (!rs->is_array()) first = {rs, "`resources` must be an array: the module's resources are not read"};
    else
      for (const auto& r : rs->items) f(r, module_address);
  }
  if (const JsonValue* cs = member(module, "child_modules")) {
    if (!cs->is_array()) {
      if (!first.at) first = {cs, "`child_modules` must be an array: the modules in it are not read"};
    } else {
      for (const auto& c : cs->items) {
        const JsonValue* a = member(&c, "address");
        Unread u = each_resource(&c, a && a->is_string() ? a->text : module_address, f, depth + 1);
        if (!first.at) first = std::move(u);
      }
    }
  }
  return first;
}

std::string string_member(const JsonValue* v, std::string_view key) {
  const JsonValue* m = member(v, key);
  return m && m->is_string() ? m->text : std::string();
}

}  // namespace

PlanFacts plan_facts(const JsonValue& doc) {
  PlanFacts facts;
  if (const JsonValue* vars = member(&doc, "variables"); vars && vars->is_object())
    for (const auto& m : vars->members)
      if (const JsonValue* v = member(&m.value, "value")) facts.variables.emplace_back(m.key, plan_value(*v));
  // data "aws_caller_identity" of the root module read with the default aws provider: another
  // provider (an alias assuming a role elsewhere) may see another account. Identities that
  // disagree leave the account unknown.
  std::map<std::string, std::string> provider_of;  // "data.aws_caller_identity.x" → provider_config_key
  if (const JsonValue* rs = member(member(member(&doc, "configuration"), "root_module"), "resources"); rs && rs->is_array())
    for (const auto& r : rs->items) provider_of[string_member(&r, "address")] = string_member(&r, "provider_config_key");
  std::set<std::string> accounts;
  auto caller = [&](const JsonValue& r, const std::string& module) {
    if (!module.empty() || string_member(&r, "mode") != "data" || string_member(&r, "type") != "aws_caller_identity") return;
    const auto p = provider_of.find(string_member(&r, "address"));
    if (p != provider_of.end() && !p->second.empty() && p->second != "aws") return;
    if (std::string a = string_member(member(&r, "values"), "account_id"); !a.empty()) accounts.insert(a);
  };
  each_resource(member(member(member(&doc, "prior_state"), "values"), "root_module"), "", caller);
  each_resource(member(member(&doc, "values"), "root_module"), "", caller);
  if (accounts.size() == 1) facts.account = *accounts.begin();
  if (facts.account.empty() && accounts.empty()) {
    const JsonValue* ids = member(member(member(member(member(&doc, "configuration"), "provider_config"), "aws"),
                                         "expressions"),
                                  "allowed_account_ids");
    const JsonValue* c = member(ids, "constant_value");
    if (c && c->is_array() && c->items.size() == 1 && c->items[0].is_string()) facts.account = c->items[0].text;
  }
  if (facts.account.size() != 12 || facts.account.find_first_not_of("0123456789") != std::string::npos)
    facts.account.clear();
  return facts;
}

namespace {

class PlanView final : public ResourceView {
 public:
  PlanView(const JsonValue& doc, const tf::Configuration* source, Diagnostics& diags)
      : doc_(doc), diags_(diags), facts_(plan_facts(doc)) {
    if (source) {
      source_ = configuration_view(*source);
      for (const ResourceInstance& si : source_->instances()) source_by_address_[si.address] = &si;
    }
    const std::string version = string_member(&doc, "format_version");
    if (version.size() < 2 || (version[0] != '0' && version[0] != '1') || version[1] != '.')
      say(Severity::Warning,
          "format_version " + (version.empty() ? std::string("(none)") : version) +
              " is not one threegate knows (0.x and 1.x): read as 1.x, what it says differently may be missed",
          member(&doc, "format_version") ? member(&doc, "format_version")->range : doc.range);
    index_configuration(member(member(&doc, "configuration"), "root_module"), "", 0);
    read_changes();
    const TerraformJsonKind kind = terraform_json_kind(doc);
    const char* top = kind == TerraformJsonKind::State ? "values" : "planned_values";
    const JsonValue* values = doc.find(top);
    const JsonValue* root = member(values, "root_module");
    if (values && !root) {
      say(Severity::Warning, std::string("`") + top + "` has no `root_module` object: no resource is read",
          values->range);
    }
    const auto add_one = [&](const JsonValue& r, const std::string& m) { add(r, m); };
    if (Unread u = each_resource(root, "", add_one); u.at) say(Severity::Warning, u.why, u.at->range);
    // Data sources read while planning are in the prior state only.
    prior_state_pass_ = true;
    const auto add_data = [&](const JsonValue& r, const std::string& m) {
      if (string_member(&r, "mode") == "data") add(r, m);
    };
    if (Unread u = each_resource(member(member(member(&doc, "prior_state"), "values"), "root_module"), "", add_data); u.at)
      say(Severity::Warning, "prior_state: " + u.why, u.at->range);
    // Resources of the source the plan does not have: a stale plan, or other code. Said, since
    // they are analyzed only through the plan.
    if (source_) {
      std::vector<const ResourceInstance*> missing;
      for (const ResourceInstance& si : source_->instances())
        if (si.mode == "managed" && !si.unknown_expansion && !seen_.count(si.address)) missing.push_back(&si);
      if (!missing.empty())
        say(Severity::Warning,
            std::to_string(missing.size()) + (missing.size() == 1 ? " resource" : " resources") +
                " of the .tf files read as the plan's source " + (missing.size() == 1 ? "is" : "are") +
                " not in the plan (" + missing.front()->address + (missing.size() > 1 ? ", …" : "") +
                "): is the plan stale, or made from other code? They are not analyzed",
            missing.front()->header);
    }
  }

  const std::vector<ResourceInstance>& instances() const override { return instances_; }

  Value attribute(const ResourceInstance& i, std::string_view name) const override {
    const Res& r = res_[i.id];
    return read(r, Slot{r.values, r.unknown, member(r.config, "expressions"), r.address, r.source ? r.source : nullptr,
                        nullptr, i.header},
                name);
  }

  Range attribute_range(const ResourceInstance& i, std::string_view name) const override {
    const Res& r = res_[i.id];
    if (r.source) return source_->attribute_range(*r.source, name);
    if (const JsonMember* m = r.values && r.values->is_object() ? r.values->find_member(name) : nullptr)
      return span(m->key_range, m->value.range);
    return i.header;
  }

  Value reference(const ResourceInstance& i, std::string_view name) const override {
    const Res& r = res_[i.id];
    const JsonValue* known = member(r.values, name);
    if (known && (known->is_string() || known->kind == JsonKind::Number) && !is_true(member(r.unknown, name)))
      return plan_value(*known);
    if (r.source) return source_->reference(*r.source, name);
    tf::ComputedInputs in;
    in.address = r.address;
    in.data = i.mode == "data";
    const Value region = provider_region(i);
    in.region = region.is_string() ? region.text : make_symbol(SymbolKind::Unknown, region.text);
    in.account = account(i);
    in.partition = partition(i);
    in.configured = [&](std::string_view attr) -> std::optional<std::string> {
      const Value v = attribute(i, attr);
      if (v.is_unknown()) return make_symbol(SymbolKind::Unknown, v.text);
      if (v.is_string()) return v.text;
      return std::nullopt;
    };
    if (auto text = tf::computed_attribute(i.type, name, in)) {
      Value v;
      v.kind = Value::Kind::String;
      v.text = std::move(*text);
      v.range = i.header;
      return v;
    }
    const std::string path = r.address + "." + std::string(name);
    return unknown_value(path, path + " is known only after apply", i.header);
  }

  std::vector<NestedBlock> blocks(const ResourceInstance& i, std::string_view type) const override {
    const Res& r = res_[i.id];
    std::vector<NestedBlock> source_blocks;
    if (r.source) source_blocks = source_->blocks(*r.source, type);
    const JsonValue* list = member(r.values, type);
    const JsonValue* unknown = member(r.unknown, type);
    std::vector<NestedBlock> out;
    if (is_true(unknown)) {
      if (r.source) {
        for (const NestedBlock& sb : source_blocks) out.push_back(nest(Nested{i.id, nullptr, nullptr, nullptr, r.address, sb}, sb.range));
      } else if (member(member(r.config, "expressions"), type) || !r.config) {
        say(Severity::Info,
            "the " + std::string(type) + " blocks of " + r.address +
                " are known only after apply: what they hold is not simulated (pass --source with the .tf files)",
            i.header);
      }
      return out;
    }
    if (!list || !list->is_array()) return out;
    const JsonValue* exprs = member(member(r.config, "expressions"), type);
    // Blocks the provider reads back from other resources (a role's inline_policy lists its
    // aws_iam_role_policy resources) are theirs, unless the configuration writes them. Other
    // blocks are read from the values even when the configuration does not list them: a
    // dynamic block is not in a plan's configuration.
    if (r.config && !exprs && !r.source && i.type == "aws_iam_role" && type == "inline_policy") return out;
    const size_t expr_count = exprs && exprs->is_array() ? exprs->items.size() : 0;
    for (size_t k = 0; k < list->items.size(); ++k) {
      const JsonValue& item = list->items[k];
      // Blocks such as `replica` are sets: the plan lists them in its own order, not the code's.
      // Pair them by the attribute that tells them apart, by position only when none does.
      const auto e = pair_block(item, k, list->items.size(), expr_count, [&](size_t j) -> std::optional<std::string> {
        const JsonValue* c = member(member(&exprs->items[j], block_key(item)), "constant_value");
        return c && c->is_string() ? std::optional<std::string>(c->text) : std::nullopt;
      });
      const auto src = pair_block(item, k, list->items.size(), source_blocks.size(), [&](size_t j) -> std::optional<std::string> {
        const Value v = source_->attribute(source_blocks[j], block_key(item));
        return v.is_string() && !has_symbol(v.text) ? std::optional<std::string>(v.text) : std::nullopt;
      });
      Nested n{i.id, &item, unknown && unknown->is_array() && k < unknown->items.size() ? &unknown->items[k] : nullptr,
               e ? &exprs->items[*e] : nullptr, r.address + "." + std::string(type) + "[" + std::to_string(k) + "]",
               std::nullopt};
      if (src) n.source = source_blocks[*src];
      const Range at = n.source ? n.source->range : item.range;
      out.push_back(nest(std::move(n), at));
    }
    return out;
  }

  Value attribute(const NestedBlock& b, std::string_view name) const override {
    const Nested& n = nested_.at(b.id);
    return read(res_[n.owner], Slot{n.values, n.unknown, n.exprs, n.path, nullptr, n.source ? &*n.source : nullptr, b.range},
                name);
  }

  Range attribute_range(const NestedBlock& b, std::string_view name) const override {
    const Nested& n = nested_.at(b.id);
    if (n.source) return source_->attribute_range(*n.source, name);
    if (const JsonMember* m = n.values && n.values->is_object() ? n.values->find_member(name) : nullptr)
      return span(m->key_range, m->value.range);
    return b.range;
  }

  std::string account(const ResourceInstance& i) const override {
    const Res& r = res_[i.id];
    if (r.source) return source_->account(*r.source);
    const auto f = arn_fields(string_member(r.values, "arn"));
    if (!f.empty() && f[4].size() == 12) return f[4];
    return facts_.account.empty() ? make_symbol(SymbolKind::Account, tf::kAccountSymbol) : facts_.account;
  }

  std::string partition(const ResourceInstance& i) const override {
    const Res& r = res_[i.id];
    if (r.source) return source_->partition(*r.source);
    const auto f = arn_fields(string_member(r.values, "arn"));
    if (!f.empty() && !f[1].empty()) return f[1];
    const Value region = provider_region(i);
    if (region.is_string())
      if (std::string p = tf::partition_of_region(region.text); !p.empty()) return p;
    return make_symbol(SymbolKind::Unknown, "partition");
  }

  Value provider_region(const ResourceInstance& i) const override {
    const Res& r = res_[i.id];
    if (r.source) return source_->provider_region(*r.source);
    const auto f = arn_fields(string_member(r.values, "arn"));
    if (!f.empty() && !f[3].empty()) {
      Value v;
      v.kind = Value::Kind::String;
      v.text = f[3];
      return v;
    }
    return region_of_provider(r);
  }

 private:
  struct Res {
    const JsonValue* values = nullptr;   // the resource's `values`
    const JsonValue* unknown = nullptr;  // its change's after_unknown
    const JsonValue* config = nullptr;   // its configuration block (expressions, provider_config_key)
    bool forgotten = false;              // no longer managed: read from `before`, not configuration
    std::string address, type, module_address, config_module, base, key;
    const ResourceInstance* source = nullptr;  // the same instance in the .tf source
  };
  struct Nested {
    size_t owner;  // the resource's index
    const JsonValue* values;
    const JsonValue* unknown;
    const JsonValue* exprs;
    std::string path;
    std::optional<NestedBlock> source;
  };
  // Where read() looks for a value: the plan's values, its unknowns, the configuration's
  // expressions, and the source's instance or block.
  struct Slot {
    const JsonValue* values;
    const JsonValue* unknown;
    const JsonValue* exprs;
    const std::string& path;
    const ResourceInstance* source;
    const NestedBlock* source_block;
    Range header;
  };

  Value from_source(const Slot& s, std::string_view name) const {
    return s.source ? source_->attribute(*s.source, name) : source_->attribute(*s.source_block, name);
  }
  Range source_range(const Slot& s, std::string_view name) const {
    return s.source ? source_->attribute_range(*s.source, name) : source_->attribute_range(*s.source_block, name);
  }

  Value read(const Res& owner, const Slot& s, std::string_view name) const {
    const bool has_source = s.source || s.source_block;
    const JsonValue* known = member(s.values, name);
    // after_unknown `true` for the whole object: every attribute is known only after apply.
    const JsonValue* unknown = is_true(s.unknown) ? s.unknown : member(s.unknown, name);
    const std::string path = s.path + "." + std::string(name);
    const JsonValue* expr = member(s.exprs, name);  // the plan's configuration sets it
    if (is_true(unknown)) {
      if (has_source) {
        // Null from the source: the configuration does not set it, AWS computes it — unless the
        // plan's own configuration sets it, and then the source is not the plan's code.
        Value sv = from_source(s, name);
        if (!sv.is_null() || !expr) return sv;
        mismatch(path, "is set in the plan's configuration but not in the .tf files", s.header);
      }
      if (s.exprs && !expr) return Value{};
      if (expr && !owner.address.empty())
        if (auto v = referenced(owner, *expr, name, s.header)) return *v;
      std::string why = path + " is known only after apply";
      const std::string culprit = unknown_reference(owner, member(expr, "references"));
      if (!culprit.empty()) why = culprit + " is known only after apply";
      if (!source_ && document_attribute(name))
        why += "; with the .tf files (--source DIR) its structure would be read from them";
      // An argument that is one reference (kms_key_id = module.kms.key_arn) is named by it.
      return unknown_value(!culprit.empty() && !document_attribute(name) ? culprit : path, why, s.header);
    }
    if (known && known->is_null()) return Value{};  // the plan knows it is not set
    if (!known) return has_source ? from_source(s, name) : Value{};
    // What the configuration does not set is AWS's (or another resource's) to fill: a secret's
    // policy read back from its aws_secretsmanager_secret_policy, a role's managed_policy_arns
    // read back from its attachments. Counting those would count the same policy twice. A key
    // has one policy, though: the one the plan reads back is the one in force.
    const bool read_back_in_force = owner.type == "aws_kms_key" && name == "policy";
    if (!has_source && s.exprs && !expr && !read_back_in_force) return Value{};
    Value v = with_unknowns(*known, unknown, path);
    if (looks_like_document(*known)) {
      JsonParseResult doc = parse_embedded_json(*known);
      if (doc.ok()) v.encoded_from = std::make_shared<Value>(plan_value(*doc.value));
    }
    if (has_source) {
      Value sv = from_source(s, name);
      if (same(sv, v)) return sv;
      if (sv.is_null()) {
        if (!expr) return read_back_in_force ? v : sv;
        mismatch(path, "is set in the plan's configuration but not in the .tf files", s.header);
        return v;
      }
      // The source may not know what the plan knows (a value known only after apply in the .tf
      // files); a value both know, and that differs, says the source is other code.
      if (fully_known(sv)) {
        mismatch(path, "has another value in the .tf files", s.header);
        return v;
      }
      relocate(v, source_range(s, name));
    }
    return v;
  }

  // The attribute that tells blocks of a set apart: a replica's region, an inline policy's name.
  static std::string_view block_key(const JsonValue& item) {
    for (const char* key : {"region", "name"})
      if (const JsonValue* v = member(&item, key); v && v->is_string()) return key;
    return "";
  }

  // The candidate (of `count`) that block `k` of the plan's `total` pairs with: the one whose
  // key attribute has the same value, or, when the block has none, the one at the same place
  // if both lists are as long.
  static std::optional<size_t> pair_block(const JsonValue& item, size_t k, size_t total, size_t count,
                                          const std::function<std::optional<std::string>(size_t)>& key_of) {
    const std::string_view key = block_key(item);
    if (key.empty()) return k < count && count == total ? std::optional<size_t>(k) : std::nullopt;
    const std::string& want = member(&item, key)->text;
    for (size_t j = 0; j < count; ++j)
      if (key_of(j) == want) return j;
    return std::nullopt;
  }

  void mismatch(const std::string& path, const std::string& what, Range at) const {
    say(Severity::Warning,
        "the .tf files read as the plan's source do not match it: " + path + " " + what +
            " (are they the code the plan was made from?); the plan's value is read",
        at);
  }

  // An argument known only after apply whose expression references one attribute of one
  // resource (kms_key_id = aws_kms_key.k.arn): that resource's attribute, as the .tf reader
  // renders it, so that the secret and the key meet.
  std::optional<Value> referenced(const Res& owner, const JsonValue& expr, std::string_view name, Range at,
                                  int depth = 0) const {
    if (document_attribute(name) || depth > 16) return std::nullopt;
    const JsonValue* refs = member(&expr, "references");
    if (!refs || !refs->is_array()) return std::nullopt;
    if (auto v = through_module(owner, *refs, name, at, depth)) return v;
    std::set<std::pair<std::string, std::string>> attrs;  // (resource with key, attribute)
    std::set<std::string> bare;                           // resources listed alone
    bool same_key = false;
    for (const auto& ref : refs->items) {
      if (!ref.is_string()) return std::nullopt;
      const std::string& t = ref.text;
      if (t == "count.index" || t == "each.key") {
        same_key = true;
        continue;
      }
      if (t.rfind("each.", 0) == 0 || t.rfind("count.", 0) == 0) return std::nullopt;  // each.value: any key
      auto parsed = parse_reference(t);
      if (!parsed) return std::nullopt;  // a variable, a local, a module output: not a resource
      if (parsed->second.empty()) {  // the resource as a whole, listed with its attribute
        bare.insert(parsed->first);
        continue;
      }
      attrs.insert(*parsed);
    }
    // Terraform 0.12 lists the resource alone (aws_iam_role.r for aws_iam_role.r.name): the
    // attribute is the one such an argument takes.
    if (attrs.empty() && bare.size() == 1) {
      if (name == "role" || name == "user" || name == "group" || name == "roles" || name == "users" || name == "groups")
        attrs.emplace(*bare.begin(), "name");
      else if (name.find("arn") != std::string_view::npos || name.find("key_id") != std::string_view::npos)
        attrs.emplace(*bare.begin(), "arn");
    }
    if (attrs.size() != 1) return std::nullopt;
    const auto& [resource, attr] = *attrs.begin();
    if (attr.empty() || attr.find_first_of(".[") != std::string::npos) return std::nullopt;
    const std::string base = without_keys(resource);
    auto it = by_base_.find(owner.module_address + "\n" + base);
    if (it == by_base_.end()) return std::nullopt;
    const ResourceInstance* target = nullptr;
    for (size_t id : it->second) {
      const Res& candidate = res_[id];
      const bool keyed = resource.size() > base.size();
      if ((keyed && candidate.base + candidate.key == resource) || (!keyed && it->second.size() == 1) ||
          (!keyed && same_key && candidate.key == owner.key))
        target = &instances_[id];
    }
    if (!target) return std::nullopt;
    Value v = reference(*target, attr);
    v.range = at;
    return v;
  }

  // The first reference of an expression whose value the plan does not know: a resource
  // attribute unknown (or absent) in the plan; "" when every one is known or none is a resource.
  std::string unknown_reference(const Res& owner, const JsonValue* refs) const {
    if (!refs || !refs->is_array()) return "";
    for (const auto& ref : refs->items) {
      if (!ref.is_string()) continue;
      // A module's output is not in the plan's values: unknown when the argument is.
      if (ref.text.rfind("module.", 0) == 0 && std::count(ref.text.begin(), ref.text.end(), '.') >= 2) return ref.text;
      const auto parsed = parse_reference(ref.text);
      if (!parsed || parsed->second.empty()) continue;
      const std::string attr = parsed->second.substr(0, parsed->second.find_first_of(".["));
      auto it = by_base_.find(owner.module_address + "\n" + without_keys(parsed->first));
      bool known = false;
      if (it != by_base_.end())
        for (size_t id : it->second) {
          const Res& r = res_[id];
          const JsonValue* v = member(r.values, attr);
          known = known || (v && !v->is_null() && !is_true(member(r.unknown, attr)));
        }
      if (!known) return ref.text;
    }
    // Terraform lists a reference with a dynamic key without its attribute
    // (data.aws_iam_policy_document.d for data.aws_iam_policy_document.d[each.key].json): the
    // first such resource the plan does not know wholly.
    for (const auto& ref : refs->items) {
      if (!ref.is_string()) continue;
      const auto parsed = parse_reference(ref.text);
      if (!parsed || !parsed->second.empty()) continue;
      auto it = by_base_.find(owner.module_address + "\n" + without_keys(parsed->first));
      bool known = it != by_base_.end();
      if (known)
        for (size_t id : it->second) {
          const JsonValue* u = res_[id].unknown;
          if (u && u->is_object())
            for (const auto& m : u->members) known = known && !is_true(&m.value);
        }
      if (!known) return ref.text;
    }
    return "";
  }

  Value region_of_provider(const Res& r) const {
    std::string key = string_member(r.config, "provider_config_key");
    if (key.empty()) key = "aws";
    const JsonValue* providers = member(member(&doc_, "configuration"), "provider_config");
    const JsonValue* p = member(providers, key);
    // Terraform 0.12–0.14 wrote a module's key as "module_name:aws"; a module that passes no
    // provider inherits the default one, whose key is then "aws".
    if (!p && key.find(':') != std::string::npos) p = member(providers, key.substr(key.rfind(':') + 1));
    const std::string alias = string_member(p, "alias");
    const std::string name = alias.empty() ? "provider.aws.region" : "provider.aws." + alias + ".region";
    const JsonValue* region = member(member(p, "expressions"), "region");
    if (const JsonValue* c = member(region, "constant_value"); c && c->is_string()) return plan_value(*c);
    if (const JsonValue* refs = member(region, "references"); refs && refs->is_array())
      for (const auto& ref : refs->items)
        if (ref.is_string() && ref.text.rfind("var.", 0) == 0 && string_member(p, "module_address").empty())
          for (const auto& [var, value] : facts_.variables)
            if (var == ref.text.substr(4) && value.is_string()) return value;
    Value v;
    v.kind = Value::Kind::Unknown;
    v.text = name;
    return v;
  }

  // A reference to a module's output (kms_key_id = module.kms.key_arn), or, inside a module, to
  // one of its variables: the expression the output or the module call gives, read in that
  // module's scope. Modules called with count or for_each are left unknown (their instance is
  // not told by the reference).
  std::optional<Value> through_module(const Res& owner, const JsonValue& refs, std::string_view name, Range at,
                                      int depth) const {
    std::string output_ref, var_ref;
    for (const auto& ref : refs.items) {
      if (!ref.is_string()) return std::nullopt;
      const std::string& t = ref.text;
      if (t.rfind("module.", 0) == 0) {
        if (std::count(t.begin(), t.end(), '.') >= 2) {
          if (!output_ref.empty() && output_ref != t) return std::nullopt;
          output_ref = t;
        }
      } else if (t.rfind("var.", 0) == 0) {
        if (!var_ref.empty() && var_ref != t) return std::nullopt;
        var_ref = t;
      } else {
        return std::nullopt;  // something else too: not one value passed through
      }
    }
    if (!output_ref.empty() && var_ref.empty()) {
      const size_t dot = output_ref.find('.', 7);
      const std::string call = output_ref.substr(7, dot - 7), output = output_ref.substr(dot + 1);
      if (call.find('[') != std::string::npos || output.find_first_of(".[") != std::string::npos) return std::nullopt;
      const std::string path = (owner.config_module.empty() ? "" : owner.config_module + ".") + "module." + call;
      auto m = modules_.find(path);
      if (m == modules_.end()) return std::nullopt;
      const JsonValue* e = member(member(member(m->second, "outputs"), output), "expression");
      if (!e) return std::nullopt;
      Res inner;
      inner.address = owner.address;
      inner.module_address = (owner.module_address.empty() ? "" : owner.module_address + ".") + "module." + call;
      inner.config_module = path;
      if (!instances_in_module(inner.module_address)) return std::nullopt;  // count / for_each: keyed
      return referenced(inner, *e, name, at, depth + 1);
    }
    if (!var_ref.empty() && output_ref.empty() && !owner.config_module.empty()) {
      const size_t last = owner.config_module.rfind("module.");
      const std::string parent = last == 0 ? "" : owner.config_module.substr(0, last - 1);
      const std::string call = owner.config_module.substr(last + 7);
      auto m = modules_.find(parent);
      if (m == modules_.end() || owner.module_address.back() == ']') return std::nullopt;
      const JsonValue* e = member(member(member(member(m->second, "module_calls"), call), "expressions"), var_ref.substr(4));
      if (!e) return std::nullopt;
      Res outer;
      outer.address = owner.address;
      const size_t cut = owner.module_address.rfind(".module.");
      outer.module_address = cut == std::string::npos ? "" : owner.module_address.substr(0, cut);
      outer.config_module = parent;
      return referenced(outer, *e, name, at, depth + 1);
    }
    return std::nullopt;
  }

  // Whether the plan has resources in a module instance of exactly this address.
  bool instances_in_module(const std::string& module_address) const { return module_addresses_.count(module_address) > 0; }

  void index_configuration(const JsonValue* module, const std::string& path, int depth) {
    if (!module || depth > 64) return;
    modules_[path] = module;
    if (const JsonValue* rs = member(module, "resources"); rs && rs->is_array())
      for (const auto& r : rs->items) config_[path + "\n" + string_member(&r, "address")] = &r;
    if (const JsonValue* calls = member(module, "module_calls"); calls && calls->is_object())
      for (const auto& c : calls->members)
        index_configuration(member(&c.value, "module"), (path.empty() ? "" : path + ".") + "module." + c.key, depth + 1);
  }

  void read_changes() {
    const JsonValue* changes = member(&doc_, "resource_changes");
    if (!changes || !changes->is_array()) return;
    for (const auto& c : changes->items) {
      const std::string address = string_member(&c, "address");
      // A deposed object (left by a failed create_before_destroy) shares the address of the
      // object in force; its change (a delete) is not that object's.
      if (address.empty() || c.find("deposed")) continue;
      changes_[address] = &c;
    }
  }

  void add(const JsonValue& r, const std::string& module_address) {
    const std::string address = string_member(&r, "address");
    const std::string type = string_member(&r, "type");
    const std::string name = string_member(&r, "name");
    std::string mode = string_member(&r, "mode");
    if (address.empty() || type.empty() || name.empty()) {
      say(Severity::Warning, "a resource of the plan has no address, type or name: not read", r.range);
      return;
    }
    if (!seen_.insert(address).second) {
      if (!prior_state_pass_)
        say(Severity::Warning, "the plan lists " + address + " twice: the first one is read", r.range);
      return;
    }
    if (mode.empty()) mode = address.rfind("data.", 0) == 0 || address.find(".data.") != std::string::npos ? "data" : "managed";
    Res res;
    res.address = address;
    res.type = type;
    res.module_address = module_address;
    res.config_module = without_keys(module_address);
    res.base = (mode == "data" ? "data." : "") + type + "." + name;
    const size_t local = module_address.empty() ? 0 : module_address.size() + 1;
    res.key = address.size() > local + res.base.size() ? address.substr(local + res.base.size()) : "";
    // Terraform leaves `values` out when every attribute is known only after apply.
    static const JsonValue kNoValues = [] {
      JsonValue v;
      v.kind = JsonKind::Object;
      return v;
    }();
    res.values = member(&r, "values");
    if (!res.values) res.values = &kNoValues;
    if (!res.values->is_object()) {
      say(Severity::Warning, address + ": `values` is not an object: the resource is not read", res.values->range);
      return;
    }
    if (auto c = changes_.find(address); c != changes_.end()) {
      const JsonValue* change = member(c->second, "change");
      res.unknown = member(change, "after_unknown");
      if (res.unknown && !res.unknown->is_object() && res.unknown->kind != JsonKind::Bool) {
        say(Severity::Warning,
            "the after_unknown of " + address + " is not an object: what is known only after apply cannot be told, so it "
            "is not read",
            res.unknown->range);
        return;
      }
      const std::string change_type = string_member(c->second, "type");
      if (!change_type.empty() && change_type != type)
        say(Severity::Warning,
            "the plan contradicts itself: " + address + " has type " + type + " in planned_values but " + change_type +
                " in resource_changes (was it edited by hand?); planned_values is read",
            member(&r, "type") ? member(&r, "type")->range : r.range);
      const JsonValue* actions = member(change, "actions");
      bool forget = false;
      if (actions && actions->is_array())
        for (const auto& a : actions->items) forget = forget || (a.is_string() && a.text == "forget");
      if (forget) {
        // Terraform stops managing it (removed { lifecycle { destroy = false } }): it stays in
        // AWS as it is, which is what `before` holds.
        const JsonValue* before = member(change, "before");
        if (!before || !before->is_object()) {
          say(Severity::Warning, address + " leaves Terraform's management and the plan does not say its state: not read",
              r.range);
          return;
        }
        res.values = before;
        res.unknown = nullptr;
        res.forgotten = true;
      }
      if (actions && actions->is_array() && actions->items.size() == 1 && actions->items[0].is_string() &&
          actions->items[0].text == "delete") {
        say(Severity::Warning,
            "the plan contradicts itself: " + address + " is in planned_values but resource_changes deletes it; "
            "it is not read (a deleted resource is not in force)",
            r.range);
        return;
      }
    }
    if (!res.forgotten)
      res.config = config_.count(res.config_module + "\n" + res.base) ? config_[res.config_module + "\n" + res.base] : nullptr;
    if (auto s = source_by_address_.find(address); s != source_by_address_.end()) res.source = s->second;
    ResourceInstance i;
    i.address = address;
    i.mode = mode;
    i.type = type;
    i.id = res_.size();
    i.range = res.source ? res.source->range : r.range;
    if (res.source) i.header = res.source->header;
    else if (const JsonMember* a = r.find_member("address")) i.header = span(a->key_range, a->value.range);
    else i.header = r.range;
    by_base_[module_address + "\n" + res.base].push_back(i.id);
    module_addresses_.insert(module_address);
    res_.push_back(std::move(res));
    instances_.push_back(std::move(i));
  }

  NestedBlock nest(Nested n, Range at) const {
    nested_.push_back(std::move(n));
    return NestedBlock{at, nested_.size() - 1};
  }

  void say(Severity severity, std::string message, Range at) const {
    if (!said_.insert(message).second) return;
    diags_.push_back(Diagnostic{"TG405", severity, std::move(message), at, {}});
  }

  const JsonValue& doc_;
  Diagnostics& diags_;
  PlanFacts facts_;
  std::unique_ptr<ResourceView> source_;
  std::unordered_map<std::string, const ResourceInstance*> source_by_address_;
  std::unordered_map<std::string, const JsonValue*> config_;   // "module path\nlocal address"
  std::unordered_map<std::string, const JsonValue*> changes_;  // by address
  std::unordered_map<std::string, const JsonValue*> modules_;  // configuration modules by path ("" = root)
  std::set<std::string> module_addresses_;                      // module instances that hold resources
  std::unordered_map<std::string, std::vector<size_t>> by_base_;  // "module address\nbase" → instances
  std::set<std::string> seen_;
  bool prior_state_pass_ = false;  // reading prior_state: a data source already read is no news
  std::vector<Res> res_;
  std::vector<ResourceInstance> instances_;
  mutable std::deque<Nested> nested_;
  mutable std::set<std::string> said_;
};

}  // namespace

std::unique_ptr<ResourceView> plan_view(const JsonValue& document, const tf::Configuration* source, Diagnostics& diagnostics) {
  return std::make_unique<PlanView>(document, source, diagnostics);
}

}  // namespace threegate
