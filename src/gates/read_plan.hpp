// What a read needs, prepared once per caller and once per secret region. The requests of a
// pair chain three contexts: the pair's own keys → the caller's → the target's.
#pragma once

#include <string>
#include <vector>

#include "threegate/eval.hpp"
#include "threegate/gates.hpp"
#include "threegate/inventory.hpp"

namespace threegate::gates_detail {

struct CallerPlan {
  RequestPrincipal principal;
  const PrincipalRecord* record = nullptr;  // nullptr: IAM not in the inventory
  std::vector<const Policy*> identity;
  const Policy* boundary = nullptr;
  std::vector<std::vector<const Policy*>> scps;
  bool scp_exempt = false;
  RequestContext read_context, decrypt_context;  // keys that follow from the caller
};

struct TargetPlan {
  const SecretRecord* secret = nullptr;
  std::string region, secret_arn;
  bool replica = false;
  std::string key_ref;
  Range key_ref_range;
  const KeyRecord* key = nullptr;
  KeyIssue key_issue = KeyIssue::None;  // NotFound, WrongRegion, Unusable, PolicyUnknown (caller-independent)
  std::string key_arn, key_account;
  bool key_id_unknown = false;  // a modelled AWS-managed key: its id is not known
  const Policy* secret_policy = nullptr;
  const Policy* key_policy = nullptr;  // with the key's grants appended, when it has some
  // The key's grants that stand in for a grantee's IAM: the grant's key-policy statement (to match
  // the caller) and the identity policy the grantee then holds.
  std::vector<std::pair<const Statement*, const Policy*>> grants;
  std::vector<std::vector<const Policy*>> secret_rcps, key_rcps;
  bool secret_rcp_exempt = false, key_rcp_exempt = false;
  RequestContext read_context, decrypt_context;  // keys that follow from the secret and region
};

void plan_caller(const Inventory& inv, const RequestPrincipal& principal, const PrincipalRecord* record, CallerPlan& out);
void plan_target(const Inventory& inv, const SecretRecord& secret, const std::string& region, TargetPlan& out);

// Fills the requests and policy sets of one pair. The requests' contexts chain to the plans'
// (which must outlive them); `flatten` copies every key into the request instead.
void bind_pair(CallerPlan& caller, TargetPlan& target, Request& read, Request& decrypt, PolicySet& read_set,
               PolicySet& decrypt_set, bool flatten);
// The three parts of bind_pair, so that a caller or a target bound for the previous pair is not
// bound again.
void bind_caller(CallerPlan& caller, Request& read, Request& decrypt, PolicySet& read_set, PolicySet& decrypt_set);
void bind_target(TargetPlan& target, Request& read, Request& decrypt, PolicySet& read_set, PolicySet& decrypt_set);
void bind_context(CallerPlan& caller, TargetPlan& target, Request& read, Request& decrypt, bool flatten);
// The caller's identity policies for the decrypt, plus those of the target key's grants naming the
// caller. Returns whether a grant was added (the binding then differs from bind_caller's).
bool bind_grants(const CallerPlan& caller, const TargetPlan& target, PolicySet& decrypt_set);

// The decision of the whole read from its two requests and the target's key.
Decision combine_read(Decision read, Decision decrypt, const CallerPlan& caller, const TargetPlan& target);

}  // namespace threegate::gates_detail
