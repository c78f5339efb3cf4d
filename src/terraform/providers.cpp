// Provider configurations: which one an instance uses (provider = aws.x, inherited by child
// modules or passed with providers = {…}), its region, and the module's account and partition.
#include "terraform/internal.hpp"

namespace threegate::tf::detail {
namespace {

// "aws" or "aws.alias" from a reference expression written as a bare traversal.
std::string provider_name(const hcl::Expr* e) {
  if (!e) return "";
  if (e->kind == hcl::ExprKind::Variable) return e->text;
  if (e->kind == hcl::ExprKind::Traversal && e->source && e->source->kind == hcl::ExprKind::Variable &&
      e->traversers.size() == 1 && e->traversers[0].kind == hcl::Traverser::Kind::Attr)
    return e->source->text + "." + e->traversers[0].name;
  if (e->kind == hcl::ExprKind::Template && e->parts.size() == 1 && e->parts[0].kind == hcl::TemplatePart::Kind::Literal)
    return e->parts[0].text;  // older configurations quote it
  return "";
}

std::string base_of(std::string_view name) {
  auto dot = name.find('.');
  return std::string(name.substr(0, dot));
}

}  // namespace

void Engine::resolve_providers(ModuleState& m) {
  // Inherited: a child sees its parent's default configurations unless `providers` says
  // otherwise; configurations of its own (legacy) take precedence.
  if (m.parent) {
    for (const auto& [name, ref] : m.parent->provider_map)
      if (name.find('.') == std::string::npos) m.provider_map[name] = ref;
    if (const hcl::Attribute* p = m.call ? m.call->block->body.attribute("providers") : nullptr; p && p->expr) {
      if (p->expr->kind == hcl::ExprKind::Object) {
        for (const auto& item : p->expr->object_items) {
          const std::string child = provider_name(item.key.get());
          const std::string parent = provider_name(item.value.get());
          if (child.empty() || parent.empty()) {
            warn("providers = {…} entries must name provider configurations (aws = aws.replica)", item.range);
            continue;
          }
          auto it = m.parent->provider_map.find(parent);
          if (it != m.parent->provider_map.end()) {
            m.provider_map[child] = it->second;
          } else {
            warn("provider configuration " + parent + " is not defined in " +
                     (m.parent->module->address.empty() ? std::string("the root module") : m.parent->module->address),
                 item.value->range);
            m.provider_map[child] = ProviderRef{m.parent, nullptr, parent};
          }
        }
      } else {
        warn("providers must be an object such as { aws = aws.replica }", p->range);
      }
    }
  }
  for (const auto& [name, block] : m.provider_blocks) m.provider_map[name] = ProviderRef{&m, block, name};
}

std::string Engine::provider_of(const ResourceDecl& decl) {
  if (const hcl::Attribute* p = decl.block->body.attribute("provider"); p && p->expr) {
    std::string n = provider_name(p->expr.get());
    if (!n.empty()) return n;
    warn("provider must name a provider configuration (provider = aws.replica)", p->range);
  }
  return base_of(decl.type.substr(0, decl.type.find('_')));
}

Value Engine::provider_region(ModuleState& m, std::string_view provider, Range at) {
  auto it = m.provider_map.find(provider);
  ProviderRef ref;
  if (it != m.provider_map.end()) {
    ref = it->second;
  } else {
    ref = ProviderRef{&m, nullptr, std::string(provider)};
    if (provider.find('.') != std::string_view::npos) {
      warn("provider configuration " + std::string(provider) + " is not defined", at);
    } else {
      // The default configuration of the root module, even when it has no block.
      ModuleState* root = &m;
      while (root->parent) root = root->parent;
      ref.mod = root;
    }
  }
  const std::string symbol_name = ref.mod->prefix + "provider." + ref.root_name + ".region";
  Slot& slot = ref.mod->provider_regions[ref.root_name];
  if (slot.state == 2) return slot.value;
  if (slot.state == 1) return string_value(make_symbol(SymbolKind::Unknown, symbol_name), at);
  slot.state = 1;
  Value region;
  const hcl::Attribute* r = ref.block ? ref.block->body.attribute("region") : nullptr;
  if (r && r->expr) {
    Scope s = module_scope(*ref.mod);
    region = eval(*r->expr, s);
    if (region.is_unknown()) {
      region = string_value(make_symbol(SymbolKind::Unknown, region.text), r->expr->range);
    } else if (region.kind != Value::Kind::String) {
      error("the region of provider " + ref.root_name + " must be a string", r->expr->range);
      region = string_value(make_symbol(SymbolKind::Unknown, symbol_name), r->expr->range);
    }
  } else {
    // Taken from the environment (AWS_REGION, a profile) when terraform runs.
    region = string_value(make_symbol(SymbolKind::Unknown, symbol_name), ref.block ? ref.block->range : Range{});
  }
  slot.value = region;
  slot.state = 2;
  return region;
}

// One account for the whole configuration: every module and every aws_caller_identity data
// source deploys with the same credentials (providers that assume roles in other accounts are
// not told apart).
// The default provider's `allowed_account_ids`, when it names one account, is that account:
// Terraform refuses to run with credentials of any other.
std::string Engine::account(ModuleState& m) {
  if (m.account_symbol) return *m.account_symbol;
  ModuleState* root = &m;
  while (root->parent) root = root->parent;
  std::string account = make_symbol(SymbolKind::Account, kAccountSymbol);
  if (!known_account.empty()) account = known_account;
  else if (auto it = root->provider_blocks.find("aws"); it != root->provider_blocks.end() && it->second) {
    if (const hcl::Attribute* a = it->second->body.attribute("allowed_account_ids"); a && a->expr) {
      Scope s = module_scope(*root);
      const Value ids = eval(*a->expr, s);
      if (ids.kind == Value::Kind::List && ids.items.size() == 1 && ids.items[0].kind == Value::Kind::String &&
          ids.items[0].text.size() == 12 &&
          ids.items[0].text.find_first_not_of("0123456789") == std::string::npos)
        account = ids.items[0].text;
    }
  }
  m.account_symbol = account;
  return account;
}

std::string Engine::partition(ModuleState& m, const Value& region) {
  if (region.kind == Value::Kind::String) {
    std::string p = partition_of_region(region.text);
    if (!p.empty()) return p;
  }
  if (m.partition_symbol) return *m.partition_symbol;
  std::string s = make_symbol(SymbolKind::Unknown, "partition");
  for (ResourceDecl* d : m.resource_order) {
    if (d->data && d->type == "aws_partition") {
      s = make_symbol(SymbolKind::Unknown, m.prefix + "data.aws_partition." + d->name + ".partition");
      break;
    }
  }
  m.partition_symbol = s;
  return s;
}

}  // namespace threegate::tf::detail
