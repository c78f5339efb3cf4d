// Helpers shared by the rules: building findings and reading principals and actions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "threegate/rules.hpp"

namespace threegate::rules {

Finding make_finding(const RuleInfo& rule, std::string message, Range range);

// "statement \"AllowApp\"" or "statement 2" (1-based) when it has no Sid.
std::string describe_statement(const Policy& policy, const Statement& statement);
// "key policy of arn:…", "secret policy of arn:…", "identity policy <file>" …
std::string describe_policy(const PolicyUse& use);
// A role trust policy read with no kind of its own (they are told by their statements).
bool is_trust_use(const PolicyUse& use);

// ASCII lowercase: action names and condition keys are case-insensitive.
std::string ascii_lower(std::string_view s);
// "a, b, c": the lists in finding messages.
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

using threegate::is_account_id;
// "*" or {"AWS": "*"}: every principal.
bool is_wildcard_principal(const PrincipalRef& principal);
// The account an AWS principal entry belongs to ("" for services, "*", unique ids).
std::string principal_account(const PrincipalRef& principal);
// A whole account: a bare 12-digit id or arn:…:iam::ID:root.
bool is_account_root(const PrincipalRef& principal);
// Whether the statement's Action/NotAction covers the (lowercase) action.
bool statement_covers_action(const Statement& statement, std::string_view action_lower);
bool has_condition_key(const Statement& statement, std::string_view key_lower);

// The owner of a policy: the key's or secret's account, or for a standalone key policy the
// account whose root the policy gives kms:* (the default "Enable IAM User Permissions").
std::string owner_account(const PolicyUse& use);

}  // namespace threegate::rules
