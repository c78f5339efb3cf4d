// The rows of the generated catalog (catalog_data.cpp, written by scripts/generate-catalog).
// Strings are byte offsets into kStrings; ranges are [begin, end) indices into other tables.
// Services, and within a service its actions, resource types and keys, are sorted by lowercase
// name, so that lookups are binary searches.
#pragma once

#include <cstdint>

namespace threegate::catalog_data {

struct ServiceRow {
  uint32_t prefix, name, actions_begin, actions_end, rtypes_begin, rtypes_end, keys_begin, keys_end;
};
struct ActionRow {
  uint32_t name, access_level, rtypes_begin, rtypes_end, keys_begin, keys_end;  // into kActionResourceTypes / kActionKeys
};
struct ResourceTypeRow {
  uint32_t name, arn, keys_begin, keys_end;  // into kResourceTypeKeys
};
struct KeyRow {
  uint32_t name, type;  // type: index into the ConditionKeyType enumeration of catalog.hpp
};
struct AliasRow {
  uint32_t prefix, service;  // a condition-key prefix that is not a service prefix, and a service index
};

extern const char kPackageName[], kPackageVersion[], kPackageIntegrity[], kPackageShasum[], kDataDate[];
extern const char kStrings[];
extern const uint32_t kStringsSize;
extern const ServiceRow kServices[];
extern const ActionRow kActions[];
extern const ResourceTypeRow kResourceTypes[];
extern const KeyRow kKeys[];
extern const KeyRow kGlobalKeys[];
extern const AliasRow kKeyPrefixAliases[];
extern const uint32_t kActionResourceTypes[];  // resource type index * 2 + required
extern const uint32_t kActionKeys[];           // key indices
extern const uint32_t kResourceTypeKeys[];     // key indices
extern const uint32_t kServicesCount, kActionsCount, kResourceTypesCount, kKeysCount, kGlobalKeysCount,
    kKeyPrefixAliasesCount;

}  // namespace threegate::catalog_data
