// The typed policy model. It knows nothing of JSON libraries or of Terraform: every input
// adapter turns its documents into these types, each element with its source range.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// Strings of the model may hold symbols (symbol.hpp): values Terraform knows only after apply.

// An account id: twelve digits, or one symbol standing for an account known only after apply.
bool is_account_id(std::string_view s);

// ---- compiled forms ----------------------------------------------------------------------------
// Facts about a pattern that do not depend on the request, computed once by the parser
// (compile_statement) so that the evaluator matches most entries with a length check and a
// memcmp. They are parallel to the element they describe and used only when the statement (or
// condition) is marked `compiled`: code that builds a Statement by hand may leave them out, and
// code that edits actions/resources/principals/conditions of a parsed statement (or of a copy of
// one) must call compile_statement() again, or clear `compiled`. They never change what a
// pattern means. Copies keep them consistent: they are plain values.

// An Action/NotAction entry (matched as a case-insensitive glob) or a Resource/NotResource entry
// (matched as an ARN, semantics 1.10). `Any`..`PrefixSuffix` are used only where they give
// exactly the answer of the general matcher; everything else is `General`.
struct CompiledPattern {
  enum Kind : uint8_t {
    Any,           // matches everything ("*"; for actions also "**" ...)
    Exact,         // literal == the text
    Prefix,        // the text starts with literal (a pattern "literal*")
    Suffix,        // the text ends with literal (actions only: "*literal")
    PrefixSuffix,  // literal[0, prefix_size) starts and literal[prefix_size, end) ends the text,
                   // which is at least as long as literal ("pre*suf")
    General,       // literal is the whole pattern: the general matcher decides
  };
  Kind kind = General;
  bool has_variable = false;  // resources: "${" occurs (kind is then General)
  bool has_symbol = false;    // resources: a symbol (symbol.hpp) occurs (kind is then General)
  uint32_t prefix_size = 0;   // PrefixSuffix only
  std::string literal;        // actions: lowercase
};

// Compiles one Action entry (lowercased) or one Resource entry.
CompiledPattern compile_action_pattern(std::string_view pattern);
CompiledPattern compile_resource_pattern(std::string_view pattern);

// An "AWS" principal entry taken apart once. Other principal kinds (Service, Federated,
// CanonicalUser) are matched on their text and compile to `ByValue`.
struct CompiledPrincipal {
  enum Kind : uint8_t {
    ByValue,    // not an "AWS" entry: matched on PrincipalRef::value
    Wildcard,   // "*"
    AccountId,  // a bare 12-digit account id (in `account`)
    IamRoot,    // arn:PARTITION:iam:*:ACCOUNT:root
    IamRole,    // arn:PARTITION:iam:*:ACCOUNT:role/PATH/NAME (`name` = NAME)
    IamUser,    // arn:PARTITION:iam:*:ACCOUNT:user/PATH/NAME (`name` = NAME)
    Sts,        // arn:PARTITION:sts:*:ACCOUNT:... (matched on the whole value)
    NoMatch,    // names nobody: another IAM resource or service, or not an ARN (unique ids)
  };
  Kind kind = ByValue;
  std::string partition;
  std::string account;
  std::string name;
};

CompiledPrincipal compile_principal(const PrincipalRef& ref);

// The hash of a condition key, as Condition::key_hash holds it and the request context compares
// it before the key itself. Keys are case-insensitive: ASCII letters hash as their lowercase, so
// that a key need not be lowercased to be hashed. Eight bytes at a time.
namespace key_hash_detail {
constexpr uint64_t kOnes = 0x0101010101010101ULL;
// Sets bit 5 of every ASCII uppercase letter among the 8 bytes of x (lowercases them).
constexpr uint64_t lower8(uint64_t x) {
  const uint64_t low7 = x & (0x7f * kOnes);
  const uint64_t ge_a = low7 + (0x80 - 'A') * kOnes;      // high bit: byte >= 'A'
  const uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * kOnes;  // high bit: byte > 'Z'
  const uint64_t upper = ge_a & ~gt_z & ~x & (0x80 * kOnes);
  return x | (upper >> 2);
}
constexpr uint64_t load8(const char* p, size_t n) {  // n <= 8 bytes, little-endian order
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
// The little-endian word of the 8 bytes at p.
inline uint64_t word8(const char* p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}
}  // namespace key_hash_detail

constexpr uint32_t context_key_hash(std::string_view key) {
  using namespace key_hash_detail;
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ key.size();
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) h = (h ^ lower8(load8(key.data() + i, 8))) * 0xff51afd7ed558ccdULL;
  if (i < key.size()) h = (h ^ lower8(load8(key.data() + i, key.size() - i))) * 0xff51afd7ed558ccdULL;
  h ^= h >> 29;
  return static_cast<uint32_t>(h ^ (h >> 32));
}

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

  // Compiled facts (see CompiledPattern): valid only when `compiled` is set.
  bool compiled = false;
  bool values_have_variables = false;  // some value holds "${"
  bool values_have_symbols = false;    // some value holds a symbol (symbol.hpp)
  uint32_t key_hash = 0;               // context_key_hash(key_lower)
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

  // Compiled forms, parallel to actions, resources and principals (see CompiledPattern); used
  // only when `compiled` is set (by compile_statement).
  bool compiled = false;
  std::vector<CompiledPattern> action_patterns;
  std::vector<CompiledPattern> resource_patterns;
  std::vector<CompiledPrincipal> principal_patterns;
  bool principals_have_symbols = false;  // some principal entry holds a symbol (symbol.hpp)
  bool actions_have_symbols = false;     // some action entry holds a symbol
};

// Fills the compiled forms of a statement (and of its conditions) from its elements. The parser
// calls it for every statement; call it again after editing one.
void compile_statement(Statement& statement);

// Replaces `from` by `to` in every string of the policy's statements (actions, resources,
// principals, condition values) and compiles them again: a policy written from a template whose
// values hold symbols (symbol.hpp), which JSON text cannot carry.
struct Policy;
void replace_in_policy(Policy& policy, std::string_view from, std::string_view to);

struct Policy {
  PolicyKind kind = PolicyKind::Unknown;
  std::string name;  // a label for reports: file name, inventory path, resource address
  std::optional<Text> version;
  std::optional<Text> id;
  std::vector<Statement> statements;
  Range range;
  bool valid = true;  // false when the document had TG402 problems (statements kept as read)

  // Policy variables are substituted only under Version 2012-10-17.
  bool variables_enabled() const {
    // A fixed-size comparison (inlined), asked once per policy per evaluation.
    return version && version->value.size() == 10 && __builtin_memcmp(version->value.data(), "2012-10-17", 10) == 0;
  }
};

// A role trust policy: every statement names a Principal (or NotPrincipal) and only
// sts:AssumeRole* / sts:TagSession / sts:SetSourceIdentity / sts:SetContext. Such documents have
// no PolicyKind of their own: they are told by their statements.
bool is_trust_policy(const Policy& policy);

}  // namespace threegate
