#include <fmt/format.h>

#include "threegate/inventory.hpp"
#include "threegate/policy_parse.hpp"
#include "threegate/symbol.hpp"

namespace threegate {
namespace {

bool alias_matches(const KeyRecord& key, std::string_view alias) {
  for (const auto& a : key.aliases) {
    if (a == alias) return true;
  }
  return false;
}

}  // namespace

const KeyRecord* Inventory::resolve_key(const std::string& ref, const std::string& account,
                                        const std::string& region, const std::string& partition) const {
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
      for (const auto& k : keys) {
        if (k.arn == ref) return &k;
      }
      return nullptr;
    }
  } else if (ref.rfind("alias/", 0) == 0) {
    alias = ref;
  } else {
    for (const auto& k : keys) {
      if (k.key_id == ref && k.account == account && k.region == region) return &k;
    }
    return nullptr;
  }
  for (const auto& k : keys) {
    if (k.account == key_account && k.region == key_region && alias_matches(k, alias)) return &k;
  }
  if (alias != "alias/aws/secretsmanager") return nullptr;
  // Not in the inventory: model the AWS-managed key with the policy AWS attaches to it.
  for (const auto& k : modelled_keys_) {
    if (k.account == key_account && k.region == key_region) return &k;
  }
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
  return &modelled_keys_.back();
}

const PrincipalRecord* Inventory::find_principal(const std::string& arn) const {
  for (const auto& p : principals) {
    if (p.arn == arn) return &p;
  }
  return nullptr;
}

const SecretRecord* Inventory::find_secret(const std::string& arn) const {
  for (const auto& s : secrets) {
    if (s.arn == arn) return &s;
    for (const auto& r : s.replicas) {
      if (s.arn_in_region(r.region) == arn) return &s;
    }
  }
  return nullptr;
}

}  // namespace threegate
