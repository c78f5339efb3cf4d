// Loading modules: *.tf and *.tf.json files in name order, the blocks that matter, variable values
// from tfvars files and options, local child modules (guarded against cycles), files read by file().
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "terraform/internal.hpp"

namespace threegate::tf::detail {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_in(const std::string& dir, bool (*want)(const std::string&)) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    const std::string name = it->path().filename().string();
    if (want(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string join_path(const std::string& dir, const std::string& name) {
  std::string p = (fs::path(dir) / name).lexically_normal().generic_string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

// A literal string attribute (module source, provider alias): its text, or "" when absent.
std::string literal(Engine& e, const hcl::Body& body, std::string_view name) {
  const hcl::Attribute* a = body.attribute(name);
  if (!a || !a->expr) return "";
  Scope s;
  s.constants_only = true;
  Value v = e.eval(*a->expr, s);
  if (v.kind != Value::Kind::String) {
    e.warn(std::string(name) + " must be a literal string", a->range);
    return "";
  }
  return v.text;
}

void collect(Engine& e, ModuleState& m, const std::vector<hcl::File>& files) {
  for (const auto& file : files) {
    for (const auto& b : file.body.blocks) {
      auto need_labels = [&](size_t n) {
        if (b.labels.size() >= n) return true;
        e.warn(b.type + " block needs " + std::to_string(n) + (n == 1 ? " label" : " labels"), b.type_range);
        return false;
      };
      if (b.type == "variable") {
        if (!need_labels(1)) continue;
        if (!m.variables.emplace(b.labels[0], &b).second) e.warn("variable \"" + b.labels[0] + "\" is declared twice", b.range);
      } else if (b.type == "locals") {
        for (const auto& a : b.body.attributes)
          if (!m.locals.emplace(a.name, &a).second) e.warn("local value \"" + a.name + "\" is defined twice", a.range);
      } else if (b.type == "output") {
        if (!need_labels(1)) continue;
        if (!m.outputs.emplace(b.labels[0], &b).second) e.warn("output \"" + b.labels[0] + "\" is declared twice", b.range);
      } else if (b.type == "resource" || b.type == "data") {
        if (!need_labels(2)) continue;
        auto d = std::make_unique<ResourceDecl>();
        d->data = b.type == "data";
        d->type = b.labels[0];
        d->name = b.labels[1];
        d->block = &b;
        d->mod = &m;
        const std::string key = d->local_address();
        if (m.resources.count(key)) {
          e.warn(key + " is declared twice", b.range);
          continue;
        }
        m.resource_order.push_back(d.get());
        m.resources.emplace(key, std::move(d));
      } else if (b.type == "module") {
        if (!need_labels(1)) continue;
        auto c = std::make_unique<ModuleCall>();
        c->name = b.labels[0];
        c->block = &b;
        c->parent = &m;
        c->source = literal(e, b.body, "source");
        c->local = c->source == "." || c->source == ".." || c->source.rfind("./", 0) == 0 || c->source.rfind("../", 0) == 0;
        if (m.calls.count(c->name)) {
          e.warn("module \"" + c->name + "\" is declared twice", b.range);
          continue;
        }
        m.call_order.push_back(c.get());
        m.calls.emplace(c->name, std::move(c));
      } else if (b.type == "provider") {
        if (!need_labels(1)) continue;
        std::string name = b.labels[0];
        const std::string alias = literal(e, b.body, "alias");
        if (!alias.empty()) name += "." + alias;
        if (!m.provider_blocks.emplace(name, &b).second) e.warn("provider " + name + " is configured twice", b.range);
      }
    }
  }
}

}  // namespace

// Parses the *.tf and *.tf.json files of a directory once (as Terraform, both kinds in one name
// order, JSON syntax for .tf.json); empty when it has none.
static std::shared_ptr<const std::vector<hcl::File>> parse_dir(Engine& e, const std::string& dir) {
  if (auto it = e.parsed_dirs.find(dir); it != e.parsed_dirs.end()) return it->second;
  auto files = std::make_shared<std::vector<hcl::File>>();
  std::vector<const SourceFile*>& srcs = e.dir_sources[dir];
  for (const std::string& name : files_in(dir, [](const std::string& n) {
         return ends_with(n, ".tf") || hcl::is_json_syntax_path(n);
       })) {
    const std::string path = join_path(dir, name);
    std::string err;
    const SourceFile* f = e.sources().load(path, err);
    if (!f) {
      e.say(Severity::Error, err, Range{}, path);
      continue;
    }
    srcs.push_back(f);
    files->push_back(hcl::parse_terraform_file(*f));
    e.pass_on(files->back().errors);
  }
  std::shared_ptr<const std::vector<hcl::File>> shared = files;
  e.parsed_dirs[dir] = shared;
  return shared;
}

namespace {

// Variable values from one tfvars file (HCL attributes, or a JSON object for *.tfvars.json).
void read_tfvars(Engine& e, ModuleState& root, const std::string& path, bool must_exist) {
  std::error_code ec;
  if (!must_exist && !fs::exists(path, ec)) return;
  std::string err;
  const SourceFile* f = e.sources().load(path, err);
  if (!f) {
    e.say(Severity::Error, err, Range{}, path);
    return;
  }
  auto declared = [&](const std::string& name, Range r) {
    if (root.variables.count(name)) return true;
    e.warn("\"" + name + "\" is set in " + path + " but no variable declares it", r);
    return false;
  };
  if (ends_with(path, ".json")) {
    std::string error;
    auto v = json_decode(f->text(), f, 0, Range{f, 0, 0}, error);
    if (!v || v->kind != Value::Kind::Object) {
      e.warn("invalid variables file: " + (v ? std::string("expected a JSON object") : error), Range{f, 0, 0});
      return;
    }
    for (size_t i = 0; i < v->members.size(); ++i)
      if (declared(v->members[i].first, v->key_ranges[i])) root.given[v->members[i].first] = v->members[i].second;
    return;
  }
  // Attribute values only live while evaluated here; values keep ranges into the source set.
  hcl::File file = hcl::parse_file(*f);
  e.pass_on(file.errors);
  for (const auto& b : file.body.blocks) e.warn("a variables file holds attributes only, not blocks", b.range);
  Scope s;
  s.mod = &root;
  s.constants_only = true;
  for (const auto& a : file.body.attributes) {
    if (!a.expr || !declared(a.name, a.name_range)) continue;
    root.given[a.name] = e.eval(*a.expr, s);
  }
}

}  // namespace

ModuleState* Engine::load_root(const std::string& dir, const Options& options) {
  root_dir = fs::path(dir.empty() ? "." : dir).lexically_normal().generic_string();
  while (root_dir.size() > 1 && root_dir.back() == '/') root_dir.pop_back();
  auto files = parse_dir(*this, root_dir);
  modules.emplace_back();
  Module& mod = modules.back();
  mod.dir = root_dir;
  mod.files = files;
  mod.sources = dir_sources[root_dir];
  states.emplace_back();
  ModuleState& st = states.back();
  st.module = &mod;
  st.dir = root_dir;
  state_by_module[&mod] = &st;
  if (files->empty()) say(Severity::Warning, "no .tf files in " + root_dir, Range{}, root_dir);
  collect(*this, st, *files);
  resolve_providers(st);

  // Later sources win: terraform.tfvars, *.auto.tfvars in name order, -var-file, -var.
  read_tfvars(*this, st, join_path(root_dir, "terraform.tfvars"), false);
  read_tfvars(*this, st, join_path(root_dir, "terraform.tfvars.json"), false);
  for (const std::string& name : files_in(root_dir, [](const std::string& n) {
         return ends_with(n, ".auto.tfvars") || ends_with(n, ".auto.tfvars.json");
       }))
    read_tfvars(*this, st, join_path(root_dir, name), true);
  for (const std::string& f : options.var_files) read_tfvars(*this, st, f, true);
  for (const auto& [name, text] : options.vars) {
    auto decl = st.variables.find(name);
    if (decl == st.variables.end()) {
      say(Severity::Warning, "-var " + name + ": no variable \"" + name + "\" is declared", Range{}, root_dir);
      continue;
    }
    // A string variable takes the text as it is; any other type reads it as an expression.
    const hcl::Attribute* type = decl->second->body.attribute("type");
    const bool as_string = !type || !type->expr || (type->expr->kind == hcl::ExprKind::Variable && type->expr->text == "string");
    if (as_string) {
      st.given[name] = string_value(text);
      continue;
    }
    const SourceFile* f = sources().add("-var " + name, "v = " + text + "\n");
    hcl::File file = hcl::parse_file(*f);
    pass_on(file.errors);
    const hcl::Attribute* a = file.body.attribute("v");
    if (!a || !a->expr) continue;
    Scope s;
    s.constants_only = true;
    st.given[name] = eval(*a->expr, s);
  }
  for (const auto& [name, value] : options.values) {
    if (st.variables.count(name)) st.given[name] = value;
    else say(Severity::Warning, "variable \"" + name + "\" of the plan is not declared in " + root_dir, Range{}, root_dir);
  }
  if (!options.account.empty()) known_account = options.account;
  return &st;
}

ModuleState* Engine::load_child(ModuleCall& call, Value count_index, Value each_key, Value each_value,
                                std::string address_suffix) {
  ModuleState& parent = *call.parent;
  const std::string dir = join_path(parent.dir, call.source);
  const std::string address = parent.prefix + "module." + call.name + address_suffix;
  const Range at = call.block->labels.empty() ? call.block->range : call.block->label_ranges[0];
  for (ModuleState* p = &parent; p; p = p->parent) {
    if (p->dir == dir) {
      warn("module \"" + call.name + "\" includes " + dir + ", which is already being loaded (a module cycle); it is not read", at);
      return nullptr;
    }
  }
  if (parent.depth >= 16) {
    warn("module \"" + call.name + "\" is nested more than 16 modules deep; it is not read", at);
    return nullptr;
  }
  auto files = parse_dir(*this, dir);
  if (files->empty()) {
    warn("module \"" + call.name + "\": no .tf files in " + dir + "; its outputs are unknown", at);
    return nullptr;
  }
  modules.emplace_back();
  Module& mod = modules.back();
  mod.address = address;
  mod.dir = dir;
  mod.files = files;
  mod.sources = dir_sources[dir];
  mod.parent = parent.module;
  states.emplace_back();
  ModuleState& st = states.back();
  st.module = &mod;
  st.parent = &parent;
  st.call = &call;
  st.count_index = std::move(count_index);
  st.each_key = std::move(each_key);
  st.each_value = std::move(each_value);
  st.dir = dir;
  st.prefix = address + ".";
  st.depth = parent.depth + 1;
  state_by_module[&mod] = &st;
  collect(*this, st, *files);
  resolve_providers(st);
  for (const auto& a : call.block->body.attributes) {
    static const char* meta[] = {"source", "version", "providers", "count", "for_each", "depends_on"};
    if (std::find(std::begin(meta), std::end(meta), a.name) != std::end(meta)) continue;
    if (!st.variables.count(a.name)) warn("module \"" + call.name + "\" has no variable \"" + a.name + "\"", a.name_range);
  }
  return &st;
}

const SourceFile* Engine::read_module_file(ModuleState& m, const std::string& path, Range at) {
  fs::path p(path);
  if (p.is_relative()) p = fs::path(root_dir) / p;
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(p, ec);
  // Inside a module of the configuration, or below the folder threegate runs in (a repository
  // whose environments read ../../policies/x.json).
  const fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
  bool inside = !cwd.empty() && !target.lexically_relative(cwd).empty() &&
                target.lexically_relative(cwd).generic_string().rfind("..", 0) != 0;
  for (const ModuleState& s : states) {
    const fs::path base = fs::weakly_canonical(s.dir, ec);
    auto rel = target.lexically_relative(base).generic_string();
    if (!rel.empty() && rel.rfind("..", 0) != 0) inside = true;
  }
  (void)m;
  if (!inside) {
    error("file \"" + path + "\" is outside the module tree and the current folder; it is not read", at);
    return nullptr;
  }
  const std::string key = target.generic_string();
  if (auto it = read_files.find(key); it != read_files.end()) return it->second;
  std::string err;
  const SourceFile* f = sources().load(p.lexically_normal().generic_string(), err);
  if (!f) {
    error("cannot read file \"" + path + "\"", at);
    return nullptr;
  }
  read_files[key] = f;
  return f;
}

}  // namespace threegate::tf::detail
