#include <fmt/format.h>

#include "threegate/inventory.hpp"
#include "threegate/policy_parse.hpp"
#include "threegate/symbol.hpp"

namespace threegate {

void Inventory::refresh_lookup() const {
  Lookup& l = lookup_;
  if (l.keys != keys.size()) {
    l.key_by_arn.clear();
    l.key_by_id.clear();
    l.key_by_alias.clear();
    // The first record wins, as the linear scans did.
    for (const auto& k : keys) {
      l.key_by_arn.try_emplace(k.arn, &k);
      l.key_by_id.try_emplace(k.account + " " + k.region + " " + k.key_id, &k);
      for (const auto& a : k.aliases) l.key_by_alias.try_emplace(k.account + " " + k.region + " " + a, &k);
    }
    l.keys = keys.size();
  }
  if (l.secrets != secrets.size()) {
    l.secret_by_arn.clear();
    for (const auto& s : secrets) {
      l.secret_by_arn.try_emplace(s.arn, &s);
      for (const auto& r : s.replicas) l.secret_by_arn.try_emplace(s.arn_in_region(r.region), &s);
    }
    l.secrets = secrets.size();
  }
  if (l.principals != principals.size()) {
    l.principal_by_arn.clear();
    for (const auto& p : principals) l.principal_by_arn.try_emplace(p.arn, &p);
    l.principals = principals.size();
  }
}

const KeyRecord* Inventory::resolve_key(const std::string& ref, const std::string& account,
                                        const std::string& region, const std::string& partition) const {
  refresh_lookup();
  std::string alias;
  std::string key_account = account, key_region = region;
  if (ref.empty() || ref == "alias/aws/secretsmanager") {
    alias = "alias/aws/secretsmanager";
  } else if (ref.rfind("arn:", 0) == 0) {
    ArnParts p;
    if (!split_arn(ref, p) || p.service != "kms") return nullptr;
    key_account = p.account;
    key_region = p.region;
    if (p.resource.rfind("alias/", 0) == 0) {
      alias = p.resource;
    } else {
      auto it = lookup_.key_by_arn.find(ref);
      return it == lookup_.key_by_arn.end() ? nullptr : it->second;
    }
  } else if (ref.rfind("alias/", 0) == 0) {
    alias = ref;
  } else {
    auto it = lookup_.key_by_id.find(account + " " + region + " " + ref);
    return it == lookup_.key_by_id.end() ? nullptr : it->second;
  }
  if (auto it = lookup_.key_by_alias.find(key_account + " " + key_region + " " + alias); it != lookup_.key_by_alias.end()) {
    return it->second;
  }
  if (alias != "alias/aws/secretsmanager") return nullptr;
  // Not in the inventory: model the AWS-managed key with the policy AWS attaches to it.
  if (auto it = lookup_.modelled.find(key_account + " " + key_region); it != lookup_.modelled.end()) return it->second;
  KeyRecord k;
  k.account = key_account;
  k.region = key_region;
  k.partition = partition;
  k.key_id = "aws/secretsmanager";
  k.arn = fmt::format("arn:{}:kms:{}:{}:alias/aws/secretsmanager", partition, key_region, key_account);
  k.manager = KeyManager::Aws;
  k.aliases = {"alias/aws/secretsmanager"};
  k.modelled = true;
  // Values known only after apply (symbol.hpp) cannot go through JSON text: placeholders stand
  // for them there and are replaced in the parsed policy.
  const bool symbolic = has_symbol(key_account) || has_symbol(key_region) || has_symbol(partition);
  const std::string account_text = symbolic ? "@account@" : key_account, region_text = symbolic ? "@region@" : key_region,
                    partition_text = symbolic ? "@partition@" : partition;
  modelled_sources_.push_back(std::make_unique<SourceFile>(
      fmt::format("<aws/secretsmanager key policy, {} {}>", display_symbols(key_account), display_symbols(key_region)),
      aws_managed_secretsmanager_key_policy(account_text, region_text, partition_text)));
  Diagnostics ignored;  // the modelled policy is well formed by construction
  k.policy = parse_policy_file(*modelled_sources_.back(), PolicyKind::KeyPolicy, ignored);
  if (k.policy && symbolic) {
    replace_in_policy(*k.policy, account_text, key_account);
    replace_in_policy(*k.policy, region_text, key_region);
    replace_in_policy(*k.policy, partition_text, partition);
  }
  if (k.policy) k.policy->name = "aws/secretsmanager (AWS-managed key policy)";
  // Ranges into a modelled source point at no user file.
  modelled_keys_.push_back(std::move(k));
  lookup_.modelled[key_account + " " + key_region] = &modelled_keys_.back();
  return &modelled_keys_.back();
}

const PrincipalRecord* Inventory::find_principal(const std::string& arn) const {
  refresh_lookup();
  auto it = lookup_.principal_by_arn.find(arn);
  return it == lookup_.principal_by_arn.end() ? nullptr : it->second;
}

const SecretRecord* Inventory::find_secret(const std::string& arn) const {
  refresh_lookup();
  auto it = lookup_.secret_by_arn.find(arn);
  return it == lookup_.secret_by_arn.end() ? nullptr : it->second;
}

}  // namespace threegate
