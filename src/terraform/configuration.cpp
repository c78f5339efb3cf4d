// The public face of the evaluator: load() evaluates everything once (so every problem is said
// there), the accessors read the memoized results.
#include <algorithm>

#include "terraform/internal.hpp"

namespace threegate::tf {

using detail::Engine;
using detail::InstanceState;
using detail::ModuleState;

struct Configuration::Impl {
  std::unique_ptr<Engine> engine;
  std::vector<Instance> instances;
};

Configuration::Configuration() : impl_(std::make_unique<Impl>()) {}
Configuration::~Configuration() = default;

namespace {

// Evaluates the attributes of a body and of its nested blocks (dynamic blocks expanded).
void evaluate_body(Engine& e, InstanceState& inst, const BlockView& view, int depth) {
  if (depth > 32 || !view.block) return;
  std::vector<std::string> types;
  for (const auto& b : view.block->body.blocks) {
    std::string t = b.type == "dynamic" ? (b.labels.empty() ? "" : b.labels[0]) : b.type;
    if (t.empty() || t == "lifecycle" || t == "content") continue;
    if (std::find(types.begin(), types.end(), t) != types.end()) continue;
    types.push_back(t);
    for (const BlockView& nested : e.blocks_of(view.block->body, inst, view.iterators, t)) {
      for (const auto& a : nested.block->body.attributes) e.block_attribute(nested, inst, a.name);
      evaluate_body(e, inst, nested, depth + 1);
    }
  }
}

bool meta_argument(const std::string& name) {
  return name == "count" || name == "for_each" || name == "provider" || name == "depends_on";
}

}  // namespace

std::unique_ptr<Configuration> Configuration::load(const std::string& dir, const Options& options, SourceSet& sources,
                                                   Diagnostics& diagnostics) {
  std::unique_ptr<Configuration> cfg(new Configuration());
  cfg->impl_->engine = std::make_unique<Engine>(sources, &diagnostics);
  Engine& e = *cfg->impl_->engine;
  e.load_root(dir, options);

  // Modules first (the deque grows as calls are expanded), then every value once.
  for (size_t i = 0; i < e.states.size(); ++i) {
    ModuleState& m = e.states[i];
    for (detail::ModuleCall* call : m.call_order) {
      e.expand(*call);
      if (call->local) continue;
      // A module that cannot be read still gets its arguments checked.
      detail::Scope s = e.module_scope(m);
      for (const auto& a : call->block->body.attributes) {
        if (a.name == "source" || a.name == "version" || a.name == "providers" || meta_argument(a.name) || !a.expr) continue;
        e.eval(*a.expr, s);
      }
    }
    for (detail::ResourceDecl* d : m.resource_order) e.expand(*d);
  }
  for (size_t i = 0; i < e.states.size(); ++i) {
    ModuleState& m = e.states[i];
    for (const auto& [name, block] : m.variables) e.variable(m, name, block->range);
    for (const auto& [name, attr] : m.locals) e.local(m, name, attr->range);
    for (const auto& [name, block] : m.outputs) e.output(m, name, block->range);
    for (detail::ResourceDecl* d : m.resource_order) {
      for (InstanceState* inst : d->instances) {
        for (const auto& a : inst->inst.block->body.attributes)
          if (!meta_argument(a.name)) e.configured_attribute(*inst, a.name);
        BlockView whole{inst->inst.block, &inst->inst, {}};
        evaluate_body(e, *inst, whole, 0);
        if (d->data && d->type == "aws_iam_policy_document") e.instance_attribute(*inst, "json", inst->inst.block->range);
        cfg->impl_->instances.push_back(inst->inst);
      }
    }
  }
  // Later reads are memoized or re-evaluate what was said already; nothing more to report.
  e.set_sink(nullptr);
  return cfg;
}

const std::deque<Module>& Configuration::modules() const { return impl_->engine->modules; }
const std::vector<Instance>& Configuration::instances() const { return impl_->instances; }

namespace detail {

InstanceState* Engine::find_instance(const Instance& i) const {
  auto it = by_address.find(i.address);
  return it == by_address.end() ? nullptr : it->second;
}

ModuleState* Engine::state_of(const Module* m) const {
  auto it = state_by_module.find(m);
  return it == state_by_module.end() ? nullptr : it->second;
}

}  // namespace detail

Value Configuration::attribute(const Instance& instance, std::string_view name) const {
  InstanceState* st = impl_->engine->find_instance(instance);
  if (!st) return Value{};
  return impl_->engine->configured_attribute(*st, name);
}

Value Configuration::attribute(const BlockView& block, std::string_view name) const {
  if (!block.instance) return Value{};
  InstanceState* st = impl_->engine->find_instance(*block.instance);
  if (!st) return Value{};
  return impl_->engine->block_attribute(block, *st, name);
}

Value Configuration::reference(const Instance& instance, std::string_view name) const {
  InstanceState* st = impl_->engine->find_instance(instance);
  if (!st) return Value{};
  return impl_->engine->instance_attribute(*st, name, instance.block ? instance.block->range : Range{});
}

std::vector<BlockView> Configuration::blocks(const Instance& instance, std::string_view type) const {
  InstanceState* st = impl_->engine->find_instance(instance);
  if (!st) return {};
  return impl_->engine->blocks_of(st->inst.block->body, *st, {}, type);
}

std::vector<BlockView> Configuration::blocks(const BlockView& block, std::string_view type) const {
  if (!block.instance || !block.block) return {};
  InstanceState* st = impl_->engine->find_instance(*block.instance);
  if (!st) return {};
  return impl_->engine->blocks_of(block.block->body, *st, block.iterators, type);
}

Value Configuration::output(const Module& module, std::string_view name) const {
  ModuleState* m = impl_->engine->state_of(&module);
  if (!m || !m->outputs.count(name)) return Value{};
  return impl_->engine->output(*m, name, Range{});
}

std::string Configuration::account(const Module& module) const {
  ModuleState* m = impl_->engine->state_of(&module);
  return m ? impl_->engine->account(*m) : make_symbol(SymbolKind::Account, "account");
}

std::string Configuration::partition(const Instance& instance) const {
  ModuleState* m = impl_->engine->state_of(instance.module);
  if (!m) return make_symbol(SymbolKind::Unknown, "partition");
  return impl_->engine->partition(*m, instance.provider_region);
}

std::vector<std::string> Configuration::files_read() const {
  std::vector<std::string> out;
  for (const auto& [path, file] : impl_->engine->read_files) out.push_back(path);
  return out;
}

}  // namespace threegate::tf
