// The resources threegate reasons about, tied together: keys, secrets, principals, guardrails
// and declared intents. Every input adapter (inventory JSON today; Terraform and account
// exports later) fills this one model.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "threegate/diagnostic.hpp"
#include "threegate/json.hpp"
#include "threegate/policy.hpp"

namespace threegate {

// arn:partition:service:region:account:resource
struct ArnParts {
  std::string partition, service, region, account, resource;
};
bool split_arn(std::string_view arn, ArnParts& out);

enum class KeyManager { Customer, Aws };

// A KMS grant (list-grants). It lets its grantee use the key for the listed operations with no
// key policy statement and no IAM allow of the grantee's own; explicit denies and guardrails still
// apply (semantics 2.7; KMS guide `grants`, `key-policy-modifying-external-accounts`).
struct KeyGrant {
  std::string grant_id;
  std::string grantee;                  // GranteePrincipal: a role/user/session ARN, an account, or a service
  std::vector<std::string> operations;  // "Decrypt", "GenerateDataKey", ...
  // Constraints: the request's encryption context must include (subset) or be exactly (equals)
  // these pairs; keys compare case-insensitively, values case-sensitively. Empty: no constraint.
  std::vector<std::pair<std::string, std::string>> context_subset, context_equals;
  Range range;
  // Built by compile_key_grants (gates.hpp): stands in for the grantee's own IAM allow.
  Policy identity;
};

struct KeyRecord {
  std::string arn;
  std::string account, region, key_id, partition = "aws";
  KeyManager manager = KeyManager::Customer;
  std::string state = "Enabled";  // Enabled, Disabled, PendingDeletion, PendingImport, Unavailable, ...
  std::vector<std::string> aliases;  // "alias/app"
  std::optional<Policy> policy;      // nullopt: the key's policy is not known
  bool multi_region = false;
  std::string primary_arn;
  std::optional<bool> rotation;
  std::vector<KeyGrant> grants;
  // `policy` followed by one statement per grant naming its grantee (compile_key_grants); the key
  // gate is judged on it when there are grants.
  std::optional<Policy> policy_with_grants;
  bool modelled = false;  // synthesized: the region's aws/secretsmanager with its real policy
  Range range;            // the inventory entry

  bool usable() const { return state == "Enabled"; }
};

struct SecretReplica {
  std::string region;
  std::string kms_key;  // empty: the region's aws/secretsmanager
  Range range;
};

struct SecretRecord {
  std::string arn, account, region, name, partition = "aws";
  std::string kms_key;  // as given: key id, key ARN, alias name or alias ARN; empty: aws/secretsmanager
  Range kms_key_range;
  std::optional<Policy> policy;  // nullopt: no resource policy
  std::vector<SecretReplica> replicas;
  Range range;

  // The ARN of this secret's copy in `region` (replicas share name and suffix).
  std::string arn_in_region(const std::string& in_region) const;
};

struct PrincipalRecord {
  std::string arn;  // a role or user ARN
  std::string account;
  std::vector<Policy> policies;  // identity policies (inline and attached)
  std::optional<Policy> boundary;
  Range range;
};

struct Intent {
  std::string principal;  // an ARN or an account id
  std::string secret;     // a secret ARN
  Range range;
};

// A policy read from a file of its own, not tied to a resource: policy rules still apply.
struct LoosePolicy {
  Policy policy;
  std::string account;  // the account it belongs to (a role trust policy's role's), empty when unknown
};

struct Inventory {
  std::deque<KeyRecord> keys;  // deque: records are referenced by address
  std::deque<SecretRecord> secrets;
  std::deque<PrincipalRecord> principals;
  // account id → levels (root → OUs → account) → policies at that level
  std::map<std::string, std::vector<std::vector<Policy>>> scps;
  std::map<std::string, std::vector<std::vector<Policy>>> rcps;
  std::vector<Intent> intents;
  std::string management_account;   // SCPs/RCPs do not apply to it
  std::string organization_id;      // aws:PrincipalOrgID of principals in `org_accounts`
  std::vector<std::string> org_accounts;
  // Accounts known to belong to another organization → its id (their aws:PrincipalOrgID).
  std::map<std::string, std::string> external_org_ids;
  std::deque<LoosePolicy> loose;

  // Resolves a secret's key reference in the secret's account and region: key id, key ARN,
  // alias name ("alias/x"), alias ARN. Empty or "alias/aws/secretsmanager" gives the region's
  // AWS-managed key, modelled with its real policy. nullptr when the key is not in the inventory.
  const KeyRecord* resolve_key(const std::string& ref, const std::string& account, const std::string& region,
                               const std::string& partition = "aws") const;
  const PrincipalRecord* find_principal(const std::string& arn) const;
  const SecretRecord* find_secret(const std::string& arn) const;

 private:
  mutable std::deque<KeyRecord> modelled_keys_;  // aws/secretsmanager per account and region, made on demand
  mutable std::vector<std::unique_ptr<SourceFile>> modelled_sources_;
  // Lookup maps, built on first use and again when records were added since (records are only
  // appended once filled): an export holds tens of thousands of each.
  struct Lookup {
    size_t keys = SIZE_MAX, secrets = SIZE_MAX, principals = SIZE_MAX;
    std::map<std::string, const KeyRecord*, std::less<>> key_by_arn, key_by_id, key_by_alias;  // id/alias: "account region name"
    std::map<std::string, const SecretRecord*, std::less<>> secret_by_arn;
    std::map<std::string, const PrincipalRecord*, std::less<>> principal_by_arn;
    std::map<std::string, const KeyRecord*, std::less<>> modelled;  // "account region"
  };
  mutable Lookup lookup_;
  void refresh_lookup() const;
};

// The policy of the AWS-managed key aws/secretsmanager for an account and region (auto-secretsmanager-2).
std::string aws_managed_secretsmanager_key_policy(const std::string& account, const std::string& region,
                                                 const std::string& partition = "aws");

// Reads an inventory JSON file (format in README.md). Policies may be inline documents, JSON
// strings, or paths relative to the inventory file; paths read are added to `referenced`.
bool is_inventory_document(const JsonValue& document);
void load_inventory(const JsonValue& document, const SourceFile& file, SourceSet& sources, Inventory& inventory,
                    Diagnostics& diagnostics, std::vector<std::string>& referenced);

}  // namespace threegate
