// The rule catalog. A rule is one file under rules/ holding its code and its documentation;
// rules/catalog.cpp lists them, and nothing else needs editing to add one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "threegate/finding.hpp"
#include "threegate/gates.hpp"
#include "threegate/inventory.hpp"

namespace threegate {

// A policy and where it is used. Rules judge a document only knowing its use site.
struct PolicyUse {
  const Policy* policy = nullptr;
  PolicyKind kind = PolicyKind::Unknown;
  std::string owner_account;  // the account owning the key/secret, empty when unknown
  const KeyRecord* key = nullptr;        // for key policies of the inventory
  const SecretRecord* secret = nullptr;  // for secret policies of the inventory
};

struct Config;

struct RuleContext {
  const Inventory& inventory;
  const std::vector<ShareResult>& shares;  // the intended shares and their gate checks
  const std::vector<PolicyUse>& policies;  // every policy read, inventory and standalone
  const Config* config = nullptr;          // .threegate.yaml, when one applies
};

struct RuleDoc {
  std::string_view what;      // What it does
  std::string_view why;       // Why is this bad?
  std::string_view example;   // a bad example (JSON or inventory excerpt)
  std::string_view use_instead;  // the good example
  std::string_view fix;       // how to fix
};

struct RuleInfo {
  std::string_view id;        // "TG102"
  std::string_view name;      // "key-policy-blocks-consumer"
  Severity severity = Severity::Error;
  std::string_view category;  // "gate", "policy", "key", "input"
  std::string_view summary;   // one line
  RuleDoc doc;
  // Runs the rule; input rules (TG401–TG403) come from diagnostics and have no function.
  void (*run)(const RuleContext&, FindingSink&) = nullptr;
};

const std::vector<const RuleInfo*>& rule_catalog();
const RuleInfo* find_rule(std::string_view id_or_name);

// Runs every rule with a function over the context.
void run_rules(const RuleContext& context, FindingSink& sink);

// Renders a rule's documentation as Markdown (for `threegate explain` and the rules reference).
std::string rule_markdown(const RuleInfo& rule);

}  // namespace threegate
