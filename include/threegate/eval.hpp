// AWS's policy evaluation, as written in semantics.md. The evaluator formats no text: it
// returns a decision, the statements that decided it, the policies that lacked an allow, and
// the context keys an answer depends on.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "threegate/policy.hpp"

namespace threegate {

enum class Decision { Allow, ExplicitDeny, ImplicitDeny, Depends };
const char* decision_name(Decision d);  // "allow", "explicit_deny", "implicit_deny", "depends"

// Three-valued truth for static analysis: Unknown when a needed context value is unknown.
enum class Tri : uint8_t { False, True, Unknown };

// ---- who is asking -------------------------------------------------------------------------

enum class PrincipalType { User, Role, AssumedRole, FederatedUser, Service, Account, Anonymous, Other };

struct RequestPrincipal {
  PrincipalType type = PrincipalType::Other;
  std::string arn;       // as the request carries it (a session ARN for an assumed role)
  std::string account;   // 12 digits, empty for services and anonymous
  std::string partition = "aws";
  std::string role_arn;  // for sessions: the role's ARN (the value of aws:PrincipalArn)
  std::string name;      // role or user name (no path); session name for sessions
  std::string service;   // for Service: "secretsmanager.amazonaws.com"
  bool service_linked_role = false;  // role path /aws-service-role/: SCPs do not apply
};

// Parses a principal as given on the command line or in a case file: a user, role, assumed-role
// session, federated user ARN, an account id or ...:root, a service principal ("x.amazonaws.com"),
// or "anonymous". Returns false with `error` set when it is none of those.
bool parse_request_principal(std::string_view text, RequestPrincipal& out, std::string& error);

// ---- the request context -------------------------------------------------------------------

struct ContextValue {
  std::vector<std::string> values;
  bool multi = false;    // a multi-valued key (a JSON array in a case file)
  bool unknown = false;  // present but its value is not known at analysis time
  bool symbolic = false;  // some value holds a symbol (symbol.hpp): matched in three values
};

// A context may chain to a parent holding the keys shared by many requests (those of the
// caller, those of the resource), so that per-request set-up touches only what differs. Setting
// an existing key reuses its entry, and clear_values() keeps the storage: a context reused across
// requests stops allocating once warm.
class RequestContext {
 public:
  // Each replaces this context's own entry for the key (keys are case-insensitive).
  void set(std::string_view key, std::string value);
  void set_multi(std::string_view key, std::vector<std::string> values);
  void set_unknown(std::string_view key);
  // As set() and set_multi(), copying into the entry's existing storage (no allocation once
  // the entry has held a value that long).
  void assign(std::string_view key, std::string_view value);
  void assign_multi(std::string_view key, std::initializer_list<std::string_view> values);
  // Removes this context's own entry; a parent's entry for the key becomes visible again.
  void erase(std::string_view key);
  // Removes every own entry, keeping their storage for later set()/assign() calls. The parent
  // and the absent-key flags stay.
  void clear_values();
  // nullptr when the key is absent from this context and from every parent; an own entry shadows
  // the parents'. `key_lower` must already be lowercase.
  const ContextValue* find(std::string_view key_lower) const;
  // The same with the key's context_key_hash (policy.hpp) already computed (Condition::key_hash).
  const ContextValue* find(std::string_view key_lower, uint32_t hash) const;
  // Absent keys: in a concrete request (simulate --case) an absent key is absent; in static
  // analysis a key nobody set is unknown, unless its prefix is listed as fully known (KMS sets
  // every kms: key it has, so another kms: key is truly absent). Only the context given to
  // evaluate() is asked: a parent's flags and prefixes are ignored.
  bool absent_is_unknown = false;
  std::vector<std::string> known_prefixes;  // lowercase, e.g. "kms:"

  // Looked up after this context's own entries (and its parent's parent, and so on). Not owned:
  // it must outlive every lookup, and the chain must not loop.
  const RequestContext* parent = nullptr;

  // What a lookup means for an absent key under the rules above.
  bool absent_key_unknown(std::string_view key_lower) const;

  // This context's own entries, without the parents'.
  const std::vector<std::pair<std::string, ContextValue>>& entries() const { return entries_; }

 private:
  ContextValue& slot(std::string_view key);

  std::vector<std::pair<std::string, ContextValue>> entries_;  // keys lowercase; few, so linear
  std::vector<uint32_t> hashes_;                               // context_key_hash of each entry's key
  uint64_t bloom_ = 0;  // bit (hash % 64) of every own entry: most lookups skip a context at once
  std::vector<std::pair<std::string, ContextValue>> spare_;    // cleared entries, storage kept
};

// The placeholder a request's resource ARN holds in place of an id that is not known
// (resource_id_unknown): "arn:aws:kms:us-east-1:111122223333:key/<unknown>".
inline constexpr std::string_view kUnknownResourceId = "<unknown>";

struct Request {
  RequestPrincipal principal;
  std::string action;            // "kms:Decrypt"
  std::string resource;          // an ARN
  std::string resource_account;  // owner of the resource; empty if unknown
  RequestContext context;
  // The resource's last path component (after the last '/' of `resource`, which holds
  // kUnknownResourceId there) is not known: the AWS-managed key aws/secretsmanager of an account
  // and region is known without its key id. Resource and NotResource then match in three values:
  // True when the pattern matches whatever the id is ("*", ".../key/*"), False when it matches
  // no id (another account, region or service, "alias/..."), Unknown otherwise (a pattern naming
  // a key id, which may be this key's). An Unknown match makes the answer depend on
  // "key id of <resource>".
  bool resource_id_unknown = false;
};

// Fills the keys AWS always sets and that follow from the principal and the action
// (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid when known,
// aws:username for users, kms:CallerAccount for kms: actions, aws:ResourceAccount), leaving
// keys the caller already set untouched.
void add_implicit_context(Request& request);

// ---- the policies that apply -----------------------------------------------------------------

struct PolicySet {
  std::vector<const Policy*> identity;            // the principal's identity policies
  const Policy* resource = nullptr;               // the resource's policy (key policy for kms:)
  const Policy* boundary = nullptr;               // permission boundary, if any
  const Policy* session = nullptr;                // session policy, if any
  std::vector<std::vector<const Policy*>> scps;   // caller's account: one list per level
  std::vector<std::vector<const Policy*>> rcps;   // resource's account: one list per level
  bool kms_key = false;          // resource is a KMS key: the key policy must allow (semantics 2.1)
  bool aws_managed_key = false;  // RCPs do not apply to AWS-managed keys
  bool scp_exempt = false;       // caller in the management account (service-linked roles are detected)
  bool rcp_exempt = false;       // resource in the management account
};

enum class PolicyRole { Identity, Resource, Boundary, Session, Scp, Rcp };
const char* policy_role_name(PolicyRole role);

// How a resource-policy statement's Principal matched the request principal.
enum class PrincipalMatch : uint8_t {
  None,
  Wildcard,  // "*" or {"AWS": "*"}, or NotPrincipal not listing the caller
  Account,   // the account principal (…:root or a bare id): delegates to the account's IAM
  Role,      // a role ARN matching the role or one of its sessions
  Exact,     // a user ARN, a session ARN, a service or federated principal named exactly
};

struct StatementHit {
  PolicyRole role = PolicyRole::Identity;
  int level = -1;  // SCP/RCP level index, -1 otherwise
  const Policy* policy = nullptr;
  const Statement* statement = nullptr;
  Tri match = Tri::True;  // True, or Unknown when conditions depend on unknown keys
  PrincipalMatch principal_match = PrincipalMatch::None;  // for resource policies
  std::vector<std::string> unknown_keys;                  // when match is Unknown
};

// A policy that needed to allow and did not (or might not).
struct MissingAllow {
  PolicyRole role = PolicyRole::Identity;
  int level = -1;
  Tri allowed = Tri::False;  // False, or Unknown
};

struct EvalResult {
  Decision decision = Decision::ImplicitDeny;
  bool cross_account = false;
  std::vector<StatementHit> denies;   // matching Deny statements (True or Unknown)
  std::vector<StatementHit> allows;   // matching Allow statements (True or Unknown)
  std::vector<MissingAllow> missing;  // for implicit_deny / depends: who lacked an allow
  std::vector<std::string> depends_on;  // context keys (as written in policies) the answer depends on
};

struct EvalOptions {
  // When false, only `decision`, `cross_account` and `depends_on` are filled (fast path).
  bool explain = true;
};

EvalResult evaluate(const Request& request, const PolicySet& policies, const EvalOptions& options = {});

// ---- matching primitives (exposed for rules and tests) ----------------------------------------

// Glob with '*' and '?', linear in the input for a given pattern (no exponential backtracking).
bool glob_match(std::string_view pattern, std::string_view text, bool case_insensitive = false);
// An action pattern ("kms:*", "KMS:Decrypt") against an action; case-insensitive.
bool action_matches(std::string_view pattern, std::string_view action);
// An ARN pattern against an ARN, segment by segment (semantics 1.10); case-sensitive.
bool arn_matches(std::string_view pattern, std::string_view arn);
// How the principal entries of a statement match the caller (NotPrincipal inverts).
PrincipalMatch match_principal(const Statement& statement, const RequestPrincipal& principal);
// The compiled forms (policy.hpp) give the same answers as the functions above:
// compiled_action_matches(compile_action_pattern(p), lowercase(a)) == action_matches(p, a),
// compiled_resource_matches(compile_resource_pattern(p), arn) == arn_matches(p, arn) (for a
// pattern with "${", that of its text taken literally).
bool compiled_action_matches(const CompiledPattern& pattern, std::string_view action_lower);
bool compiled_resource_matches(const CompiledPattern& pattern, std::string_view arn);

}  // namespace threegate

namespace threegate {

// Evaluates one condition of `policy` against `request` on its own, to explain which condition
// of a statement failed (variables are substituted as in evaluate()).
Tri evaluate_condition(const Condition& condition, const Request& request, const Policy& policy);

}  // namespace threegate
