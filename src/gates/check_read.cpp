// One principal reading one secret in one region: both requests evaluated, then each closed
// gate attributed from the evaluator's structured answer.
#include <algorithm>

#include <cstdint>
#include <deque>

#include "gates/read_plan.hpp"
#include "threegate/gates.hpp"
#include "threegate/policy_parse.hpp"
#include "threegate/symbol.hpp"

namespace threegate {
namespace {

Tri tri_or(Tri a, Tri b) {
  if (a == Tri::True || b == Tri::True) return Tri::True;
  if (a == Tri::Unknown || b == Tri::Unknown) return Tri::Unknown;
  return Tri::False;
}

bool is_account_match(PrincipalMatch m) { return m == PrincipalMatch::Account; }

// Whether statements of `role` allow (True if one surely does, Unknown if one might).
template <class Pred>
Tri allowed_by(const EvalResult& r, PolicyRole role, Pred pred) {
  Tri t = Tri::False;
  for (const auto& h : r.allows) {
    if (h.role == role && pred(h)) t = tri_or(t, h.match);
  }
  return t;
}

Tri allowed_by(const EvalResult& r, PolicyRole role) {
  return allowed_by(r, role, [](const StatementHit&) { return true; });
}

void collect(const EvalResult& r, PolicyRole role, GateVerdict& g, bool allows) {
  for (const auto& h : allows ? r.allows : r.denies) {
    if (h.role == role) g.deciding.push_back(h);
  }
}

// Denies of `role` close the gate (True) or make it depend (Unknown).
bool apply_denies(const EvalResult& r, PolicyRole role, GateVerdict& g) {
  bool any = false;
  for (const auto& h : r.denies) {
    if (h.role != role) continue;
    if (h.match == Tri::True) {
      if (!g.explicit_deny) g.deciding.clear();
      g.explicit_deny = true;
      g.state = GateState::Closed;
      g.deciding.push_back(h);
      any = true;
    } else if (!g.explicit_deny) {
      g.state = GateState::Depends;
      g.deciding.push_back(h);
      g.depends_on.insert(g.depends_on.end(), h.unknown_keys.begin(), h.unknown_keys.end());
    }
  }
  return any;
}

void from_tri(Tri t, GateVerdict& g) {
  if (g.explicit_deny) return;
  if (t == Tri::False) g.state = GateState::Closed;
  if (t == Tri::Unknown && g.state != GateState::Closed) g.state = GateState::Depends;
}

void add_unknowns(const EvalResult& r, PolicyRole role, GateVerdict& g) {
  for (const auto& h : r.allows) {
    if (h.role == role && h.match == Tri::Unknown) {
      g.depends_on.insert(g.depends_on.end(), h.unknown_keys.begin(), h.unknown_keys.end());
    }
  }
}

void dedupe(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

const char* gate_state_name(GateState s) {
  switch (s) {
    case GateState::Open: return "open";
    case GateState::Closed: return "closed";
    case GateState::Depends: return "depends";
    case GateState::NotInInventory: return "not_in_inventory";
    case GateState::NotRequired: return "not_required";
  }
  return "?";
}

const char* gate_name(GateId g) {
  switch (g) {
    case GateId::KeyPolicy: return "key_policy";
    case GateId::SecretPolicy: return "secret_policy";
    case GateId::CallerIam: return "caller_iam";
  }
  return "?";
}

ReadCheck check_read(const Inventory& inv, const RequestPrincipal& principal, const PrincipalRecord* record,
                     const SecretRecord& secret, const std::string& region, bool account_only) {
  using namespace gates_detail;
  CallerPlan caller;
  TargetPlan target;
  plan_caller(inv, principal, record, caller);
  plan_target(inv, secret, region, target);
  ReadCheck rc;
  rc.principal = principal;
  rc.principal_record = record;
  rc.account_only = account_only;
  rc.secret = &secret;
  rc.region = region;
  rc.secret_arn = target.secret_arn;
  rc.replica = target.replica;
  rc.key_ref = target.key_ref;
  rc.key_ref_range = target.key_ref_range;
  rc.key = target.key;
  rc.key_issue = target.key_issue;
  rc.cross_account = principal.account != secret.account;
  PolicySet read_set, decrypt_set;
  bind_pair(caller, target, rc.read_request, rc.decrypt_request, read_set, decrypt_set, /*flatten=*/true);
  rc.read = evaluate(rc.read_request, read_set);
  rc.decrypt = evaluate(rc.decrypt_request, decrypt_set);

  // ---- gate key_policy -------------------------------------------------------------------------
  GateVerdict& kg = rc.key_policy;
  Tri key_direct = allowed_by(rc.decrypt, PolicyRole::Resource, [](const StatementHit& h) { return !is_account_match(h.principal_match); });
  Tri key_account = allowed_by(rc.decrypt, PolicyRole::Resource, [](const StatementHit& h) { return is_account_match(h.principal_match); });
  if (!rc.key) {
    kg.state = GateState::Depends;
    kg.depends_on.push_back("key " + (rc.key_ref.empty() ? std::string("aws/secretsmanager") : rc.key_ref) +
                            " (not in the inputs)");
  } else if (!rc.key->policy) {
    kg.state = GateState::Depends;
    kg.depends_on.push_back("key policy of " + rc.key->arn + " (not in the inputs)");
  } else {
    // Surely another account: an account known only after apply may be the key's own.
    const bool other_account = principal.account != rc.key->account && !has_unknown_symbol(principal.account) &&
                               !has_unknown_symbol(rc.key->account);
    if (rc.key->manager == KeyManager::Aws && other_account && rc.key_issue == KeyIssue::None) {
      rc.key_issue = KeyIssue::AwsManagedCrossAccount;
    }
    if (!apply_denies(rc.decrypt, PolicyRole::Resource, kg)) {
      from_tri(tri_or(key_direct, key_account), kg);
      collect(rc.decrypt, PolicyRole::Resource, kg, true);
      add_unknowns(rc.decrypt, PolicyRole::Resource, kg);
    }
    if (rc.key_issue == KeyIssue::Unusable || rc.key_issue == KeyIssue::WrongRegion) kg.state = GateState::Closed;
  }

  // ---- gate secret_policy -------------------------------------------------------------------------
  GateVerdict& sg = rc.secret_policy;
  Tri secret_any = allowed_by(rc.read, PolicyRole::Resource);
  Tri secret_direct = allowed_by(rc.read, PolicyRole::Resource, [](const StatementHit& h) { return !is_account_match(h.principal_match); });
  if (!apply_denies(rc.read, PolicyRole::Resource, sg)) {
    collect(rc.read, PolicyRole::Resource, sg, true);
    add_unknowns(rc.read, PolicyRole::Resource, sg);
    if (rc.cross_account) {
      from_tri(secret_any, sg);
    } else if (secret_direct == Tri::False) {
      sg.state = GateState::NotRequired;  // same account: the caller's IAM may grant alone
    } else {
      from_tri(secret_direct, sg);
    }
  }

  // ---- gate caller_iam ----------------------------------------------------------------------------
  GateVerdict& cg = rc.caller_iam;
  if (!record) {
    cg.state = GateState::NotInInventory;
  } else {
    bool denied = apply_denies(rc.read, PolicyRole::Identity, cg);
    denied = apply_denies(rc.decrypt, PolicyRole::Identity, cg) || denied;
    if (!denied) {
      Tri iam_read = allowed_by(rc.read, PolicyRole::Identity);
      Tri iam_decrypt = allowed_by(rc.decrypt, PolicyRole::Identity);
      // Same account: a direct grant in the secret policy suffices; the key policy's direct
      // grant (AWS-managed key, or a role named in the key policy) makes IAM decrypt unneeded.
      Tri needs_read = rc.cross_account || secret_direct != Tri::True ? Tri::True : Tri::False;
      // Same account: IAM decrypt is needed unless the key policy grants the caller directly;
      // without the key policy that is not known.
      Tri needs_decrypt = Tri::True;
      if (!rc.cross_account) {
        needs_decrypt = !rc.key || !rc.key->policy ? Tri::Unknown : key_direct == Tri::True ? Tri::False : Tri::True;
      }
      Tri need = Tri::True;
      auto require = [&](Tri needed, Tri have, bool& lacks) {
        if (needed == Tri::False || have == Tri::True) return;
        lacks = true;
        if (have == Tri::False && needed == Tri::True) {
          need = Tri::False;
        } else if (need == Tri::True) {
          need = Tri::Unknown;
        }
      };
      require(needs_read, iam_read, cg.lacks_secret_access);
      require(needs_decrypt, iam_decrypt, cg.lacks_decrypt);
      from_tri(need, cg);
      collect(rc.read, PolicyRole::Identity, cg, true);
      collect(rc.decrypt, PolicyRole::Identity, cg, true);
      add_unknowns(rc.read, PolicyRole::Identity, cg);
      add_unknowns(rc.decrypt, PolicyRole::Identity, cg);
    }
  }

  // ---- guardrails ---------------------------------------------------------------------------------
  for (const EvalResult* r : {&rc.read, &rc.decrypt}) {
    for (const auto& h : r->denies) {
      bool guardrail = h.role == PolicyRole::Scp || h.role == PolicyRole::Rcp || h.role == PolicyRole::Boundary ||
                       h.role == PolicyRole::Session;
      bool seen = std::any_of(rc.guardrail_denies.begin(), rc.guardrail_denies.end(),
                              [&](const StatementHit& g) { return g.statement == h.statement; });
      if (guardrail && !seen) rc.guardrail_denies.push_back(h);
    }
    if (r->decision == Decision::Allow) continue;
    for (const auto& m : r->missing) {
      bool guardrail = m.role == PolicyRole::Scp || m.role == PolicyRole::Boundary || m.role == PolicyRole::Session;
      bool seen = std::any_of(rc.guardrail_missing.begin(), rc.guardrail_missing.end(),
                              [&](const MissingAllow& g) { return g.role == m.role && g.level == m.level; });
      if (guardrail && !seen) rc.guardrail_missing.push_back(m);
    }
  }

  // ---- the read as a whole ------------------------------------------------------------------------
  rc.decision = combine_read(rc.read.decision, rc.decrypt.decision, caller, target);
  for (const GateVerdict* g : {&kg, &sg, &cg}) {
    rc.depends_on.insert(rc.depends_on.end(), g->depends_on.begin(), g->depends_on.end());
  }
  rc.depends_on.insert(rc.depends_on.end(), rc.read.depends_on.begin(), rc.read.depends_on.end());
  rc.depends_on.insert(rc.depends_on.end(), rc.decrypt.depends_on.begin(), rc.decrypt.depends_on.end());
  dedupe(rc.depends_on);
  for (GateVerdict* g : {&kg, &sg, &cg}) dedupe(g->depends_on);
  return rc;
}

// ---- ReadEvaluator ------------------------------------------------------------------------------

struct ReadEvaluator::Impl {
  const Inventory& inventory;
  std::deque<gates_detail::CallerPlan> callers;
  std::deque<gates_detail::TargetPlan> targets;
  Request read, decrypt;  // reused: after warm-up a pair allocates nothing
  PolicySet read_set, decrypt_set;
  // What the requests hold now: a pair that shares its caller or target with the previous one
  // binds only what changed.
  size_t bound_caller = SIZE_MAX, bound_target = SIZE_MAX;
  bool grants_bound = false;  // decrypt_set.identity holds grant policies for the bound pair
};

ReadEvaluator::ReadEvaluator(const Inventory& inventory) : impl_(new Impl{inventory, {}, {}, {}, {}, {}, {}, SIZE_MAX, SIZE_MAX, false}) {}
ReadEvaluator::~ReadEvaluator() = default;

ReadEvaluator::CallerId ReadEvaluator::add_caller(const RequestPrincipal& principal, const PrincipalRecord* record) {
  gates_detail::plan_caller(impl_->inventory, principal, record, impl_->callers.emplace_back());
  return impl_->callers.size() - 1;
}

ReadEvaluator::TargetId ReadEvaluator::add_target(const SecretRecord& secret, const std::string& region) {
  gates_detail::plan_target(impl_->inventory, secret, region, impl_->targets.emplace_back());
  return impl_->targets.size() - 1;
}

Decision ReadEvaluator::decide(CallerId caller_id, TargetId target_id) {
  Impl& m = *impl_;
  gates_detail::CallerPlan& caller = m.callers[caller_id];
  gates_detail::TargetPlan& target = m.targets[target_id];
  if (caller_id != m.bound_caller) gates_detail::bind_caller(caller, m.read, m.decrypt, m.read_set, m.decrypt_set);
  if (target_id != m.bound_target) gates_detail::bind_target(target, m.read, m.decrypt, m.read_set, m.decrypt_set);
  // A key with grants gives the caller named by one an identity policy for this pair only.
  if (!target.grants.empty() || m.grants_bound) {
    m.grants_bound = gates_detail::bind_grants(caller, target, m.decrypt_set);
  }
  m.bound_caller = caller_id;
  m.bound_target = target_id;
  gates_detail::bind_context(caller, target, m.read, m.decrypt, /*flatten=*/false);
  EvalOptions fast;
  fast.explain = false;
  Decision read = evaluate(m.read, m.read_set, fast).decision;
  if (read == Decision::ExplicitDeny) return read;
  Decision decrypt = evaluate(m.decrypt, m.decrypt_set, fast).decision;
  return gates_detail::combine_read(read, decrypt, caller, target);
}

}  // namespace threegate
