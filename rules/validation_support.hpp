// Shared by the catalog validation rules (TG410–TG428): which policies they judge, the actions a
// statement's entries name (from the service catalog, cached), and facts about ARNs and keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support.hpp"
#include "threegate/catalog.hpp"
#include "threegate/symbol.hpp"

namespace threegate::rules::validation {

// The policies the validation rules read: every policy with a source (modelled policies, such as
// an AWS-managed key's, have none and nobody can edit them).
std::vector<const PolicyUse*> validated_policies(const RuleContext& ctx);

// A string the rules leave alone: it holds a symbol (a value known only after apply).
inline bool symbolic(std::string_view s) { return has_symbol(s); }
inline bool has_wildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// The catalog's actions an Action entry names (any case; wildcards expand), cached by entry.
// Empty for "*" (callers treat it on its own) and for unknown services.
const std::vector<catalog::Action>& actions_of(std::string_view entry_lower);

// The six fields of an ARN (the resource field keeps its colons); nullopt when it is not one.
struct ArnParts {
  std::string_view partition, service, region, account, resource;
};
std::optional<ArnParts> split_arn(std::string_view arn);

// What the catalog's ARN formats say about the ARNs of one service field ("s3", "execute-api"):
// whether it exists, and whether every format of it has a region and an account.
struct ArnServiceFacts {
  bool known = false, region_required = false, account_required = false;
};
ArnServiceFacts arn_service_facts(std::string_view service);

// The prefix of a condition key ("kms" of "kms:ViaService"), lowercase.
std::string key_prefix(std::string_view key);

// The number of characters of the policy's text, and the number without the whitespace outside
// strings (as IAM counts against its quotas).
struct PolicySize {
  size_t all = 0, without_whitespace = 0;
};
PolicySize policy_size(const Policy& policy);

}  // namespace threegate::rules::validation
