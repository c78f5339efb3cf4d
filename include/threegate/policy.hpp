// The typed policy model. It knows nothing of JSON libraries or of Terraform: every input
// adapter turns its documents into these types, each element with its source range.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "threegate/source.hpp"

namespace threegate {

// Where a policy document is used. The same JSON means different things as a key policy
// (Resource "*" is this key) and as an identity policy (Resource "*" is everything).
enum class PolicyKind { Unknown, Identity, KeyPolicy, SecretPolicy, Scp, Rcp, Boundary, Session };

const char* policy_kind_name(PolicyKind kind);  // "identity", "key", "secret", "scp", ...

enum class Effect { Allow, Deny };

struct Text {
  std::string value;
  Range range;
};

enum class PrincipalKind { Any, Aws, Service, Federated, CanonicalUser };

struct PrincipalRef {
  PrincipalKind kind = PrincipalKind::Any;  // Any: "Principal": "*" (the bare string)
  std::string value;                        // "*" for Any, else the entry as written
  Range range;
};

enum class ConditionOperator {
  StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
  StringLike, StringNotLike,
  NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals,
  NumericGreaterThan, NumericGreaterThanEquals,
  DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan, DateGreaterThanEquals,
  Bool, BinaryEquals, IpAddress, NotIpAddress,
  ArnEquals, ArnLike, ArnNotEquals, ArnNotLike,
  Null,
};

enum class SetOperator { None, ForAnyValue, ForAllValues };

// Parses an operator name without prefix or IfExists suffix ("StringLike"); false if unknown.
bool parse_condition_operator(std::string_view name, ConditionOperator& out);
const char* condition_operator_name(ConditionOperator op);
// True for the operators whose sense is negative (StringNotEquals, NotIpAddress, ArnNotLike ...).
bool is_negated_operator(ConditionOperator op);

// One key under one operator: {"StringEquals": {"kms:CallerAccount": ["1", "2"]}} gives one
// Condition with two values.
struct Condition {
  ConditionOperator op = ConditionOperator::StringEquals;
  SetOperator set = SetOperator::None;
  bool if_exists = false;
  std::string operator_text;  // as written, e.g. "ForAnyValue:StringLikeIfExists"
  Range operator_range;
  std::string key;            // as written
  std::string key_lower;      // condition key names are case-insensitive
  Range key_range;
  std::vector<Text> values;   // JSON booleans and numbers kept in their literal text
  Range range;                // the key and its values
};

enum class PrincipalField { None, Principal, NotPrincipal };

struct Statement {
  std::optional<Text> sid;
  Effect effect = Effect::Allow;
  Range effect_range;
  Range range;  // the whole statement object

  PrincipalField principal_field = PrincipalField::None;
  Range principal_range;
  std::vector<PrincipalRef> principals;

  bool not_action = false;
  Range action_range;
  std::vector<Text> actions;
  std::vector<std::string> actions_lower;  // parallel to actions: actions are case-insensitive

  bool has_resource = false;  // Resource or NotResource present
  bool not_resource = false;
  Range resource_range;
  std::vector<Text> resources;

  Range condition_range;
  std::vector<Condition> conditions;
};

struct Policy {
  PolicyKind kind = PolicyKind::Unknown;
  std::string name;  // a label for reports: file name, inventory path, resource address
  std::optional<Text> version;
  std::optional<Text> id;
  std::vector<Statement> statements;
  Range range;
  bool valid = true;  // false when the document had TG402 problems (statements kept as read)

  // Policy variables are substituted only under Version 2012-10-17.
  bool variables_enabled() const { return version && version->value == "2012-10-17"; }
};

}  // namespace threegate
