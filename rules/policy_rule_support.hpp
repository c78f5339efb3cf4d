// Shared by the policy rules (TG201–TG205, TG301): which policies they judge, who owns a key
// policy, how far a statement reaches a caller from an unknown account, and the JSON of a fix.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "support.hpp"

namespace threegate::rules {

// A key or secret policy its owner wrote and can edit. AWS-managed keys' policies (modelled, listed
// as AWS-managed, or a standalone policy whose Id is "auto-...") are nobody's to fix: rules skip them.
bool is_customer_policy(const PolicyUse& use);

// The owner of a key policy: owner_account(use), or else the account of any principal allowed
// kms:PutKeyPolicy (it does not work across accounts, so only the owner's principals can hold it).
std::string key_policy_owner(const PolicyUse& use);

// The principals of a statement that belong to an account other than `owner` (none when `owner` is
// unknown), and whether it also names "*" (which rules judge on its own, by its conditions).
struct ExternalPrincipals {
  std::vector<const PrincipalRef*> principals;
  bool star = false;
};
ExternalPrincipals external_principals(const Statement& st, const std::string& owner);
// A principal as findings name it: "account 222222222222" for a whole account, else as written.
std::string describe_principal(const PrincipalRef& principal);

// The indices of the Action entries, as written, that grant one of `actions` (any case); none for
// NotAction. Rules name or point at the entries that make a statement risky.
std::vector<size_t> granting_entries(const Statement& st, const std::vector<std::string>& actions);

// The statement as pretty-printed policy JSON. Fixes copy the statement, change it, render it.
std::string statement_json(const Statement& st);
// A `StringEquals` condition for a fix to append to a copied statement.
Condition string_equals_condition(std::string key, std::string value);

// How far an Allow statement reaches a caller from an account that appears nowhere in the inputs.
struct OutsiderExposure {
  Tri reach = Tri::False;               // Unknown: depends on keys that do not identify the caller
  std::vector<std::string> depends_on;  // those keys (as written), when reach is Unknown
  std::vector<std::string> actions;     // the actions that reach the outsider (True or Unknown)
};

// Evaluates statements for "the outsider": a role of an account no input mentions, with every key
// that identifies the caller (aws:PrincipalAccount, kms:CallerAccount, aws:PrincipalOrgID, ...) set
// to it and every other key unknown. One per rule run, since finding the account reads every input.
class Outsider {
 public:
  explicit Outsider(const RuleContext& ctx);
  Outsider(const Outsider&) = delete;  // taken_ views its own strings
  Outsider& operator=(const Outsider&) = delete;

  // `allow` (a statement of the key, secret or role trust policy of `use`) together with the policy's Denies,
  // for each of `actions`. `owner` is owner_account(use), which callers compute once per policy.
  OutsiderExposure exposure(const PolicyUse& use, const std::string& owner, const Statement& allow,
                            const std::vector<std::string>& actions) const;

 private:
  const RuleContext& ctx_;
  std::string account_;        // the outsider's
  std::string stand_in_owner_;  // an account that is neither an input's nor the outsider's
  std::vector<std::string_view> taken_;  // every string of the inputs (accounts no outsider may have)
};

}  // namespace threegate::rules
