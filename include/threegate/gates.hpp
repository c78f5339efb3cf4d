// The three gates of a secret read: key_policy, secret_policy, caller_iam (semantics §3), plus
// the guardrails around them. Built on the evaluator; formats no text.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "threegate/eval.hpp"
#include "threegate/inventory.hpp"

namespace threegate {

enum class GateState { Open, Closed, Depends, NotInInventory, NotRequired };
const char* gate_state_name(GateState s);  // "open", "closed", "depends", "not_in_inventory", "not_required"

enum class GateId { KeyPolicy, SecretPolicy, CallerIam };
const char* gate_name(GateId g);  // "key_policy", "secret_policy", "caller_iam"

struct GateVerdict {
  GateState state = GateState::Open;
  bool explicit_deny = false;             // closed by a Deny statement (in `deciding`)
  std::vector<StatementHit> deciding;     // the statements that opened or closed the gate
  std::vector<std::string> depends_on;    // context keys or missing inputs
  // caller_iam only: which permission is missing (or undecided)
  bool lacks_secret_access = false;
  bool lacks_decrypt = false;
};

enum class KeyIssue {
  None,
  AwsManagedCrossAccount,  // the caller is in another account than an AWS-managed key
  Unusable,                // key state is not Enabled
  NotFound,                // the key reference matches no key of the inputs
  PolicyUnknown,           // the key is known, its policy is not
  WrongRegion,             // the key is not in the secret's region
};

// One principal reading one secret in one region (the primary or a replica).
struct ReadCheck {
  RequestPrincipal principal;
  const PrincipalRecord* principal_record = nullptr;  // nullptr: not in the inventory
  bool account_only = false;                          // the share names an account, no principal known
  const SecretRecord* secret = nullptr;
  std::string region;
  std::string secret_arn;  // the ARN in `region`
  bool replica = false;
  std::string key_ref;     // as written for this region ("" = aws/secretsmanager)
  Range key_ref_range;
  const KeyRecord* key = nullptr;
  KeyIssue key_issue = KeyIssue::None;
  bool cross_account = false;

  Request read_request, decrypt_request;  // the two requests, with their context
  EvalResult read;     // secretsmanager:GetSecretValue on the secret
  EvalResult decrypt;  // kms:Decrypt on the key, as Secrets Manager calls it for the caller
  GateVerdict key_policy, secret_policy, caller_iam;
  std::vector<StatementHit> guardrail_denies;     // SCP, RCP, boundary, session Deny statements
  std::vector<MissingAllow> guardrail_missing;    // SCP levels, boundary, session that lack an allow
  Decision decision = Decision::ImplicitDeny;     // the read as a whole
  std::vector<std::string> depends_on;
};

// Evaluates the three gates for `principal` reading `secret` in `region`.
ReadCheck check_read(const Inventory& inventory, const RequestPrincipal& principal,
                     const PrincipalRecord* record, const SecretRecord& secret, const std::string& region,
                     bool account_only = false);

// Decides many reads quickly, without explanations: what belongs to a caller and what belongs to
// a secret's region is prepared once, and a pair's decision allocates nothing after warm-up.
// It agrees with check_read(...).decision. Not thread-safe: one per thread.
class ReadEvaluator {
 public:
  explicit ReadEvaluator(const Inventory& inventory);
  ~ReadEvaluator();
  ReadEvaluator(const ReadEvaluator&) = delete;
  ReadEvaluator& operator=(const ReadEvaluator&) = delete;

  using CallerId = size_t;
  using TargetId = size_t;
  CallerId add_caller(const RequestPrincipal& principal, const PrincipalRecord* record);
  TargetId add_target(const SecretRecord& secret, const std::string& region);
  Decision decide(CallerId caller, TargetId target);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Builds what each grant of the key amounts to (KeyRecord::policy_with_grants and
// KeyGrant::identity). Call it after filling `grants`; without a known key policy it builds
// nothing, and the key gate stays undecided as for any key whose policy is unknown.
void compile_key_grants(KeyRecord& key);

// Where an intended share comes from.
enum class ShareOrigin { SecretPolicy, KeyPolicy, Declared, KeyGrant };

struct Share {
  std::string principal;  // a role/user ARN or a 12-digit account id
  const SecretRecord* secret = nullptr;
  ShareOrigin origin = ShareOrigin::Declared;
  Range range;  // the principal entry or intent that declares the share
};

// Shares derived from the inventory (semantics: issue "threegate core" §4), deduplicated.
std::vector<Share> derive_shares(const Inventory& inventory);

struct ShareResult {
  Share share;
  std::vector<ReadCheck> checks;  // the reads that are not allowed, with their explanation
  size_t reads = 0;               // reads decided: one per principal checked and per region
  // An account share whose known principals all lack IAM access to the secret.
  bool no_principal_with_access = false;
  std::vector<const PrincipalRecord*> account_principals;  // known principals of that account
};

std::vector<ShareResult> analyze_shares(const Inventory& inventory);

}  // namespace threegate
