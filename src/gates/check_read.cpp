// One principal reading one secret in one region: both requests evaluated, then each closed
// gate attributed from the evaluator's structured answer.
#include <algorithm>

#include "gates/read_request.hpp"
#include "threegate/gates.hpp"
#include "threegate/policy_parse.hpp"

namespace threegate {
namespace {

// Stands in for the identity policies of a principal the inventory does not know, so that the
// resource-side gates can be judged alone; the caller_iam gate is then reported not_in_inventory.
const Policy& allow_everything_identity() {
  static SourceSet sources;
  static const Policy policy = [] {
    Diagnostics ignored;
    auto p = parse_policy_text(sources, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                               PolicyKind::Identity, ignored, "<caller IAM not in inventory>");
    return *p;
  }();
  return policy;
}

struct Policies {
  std::vector<std::vector<const Policy*>> scps, rcps;
  std::vector<const Policy*> identity;
  const Policy* boundary = nullptr;
};

std::vector<std::vector<const Policy*>> levels_of(const std::map<std::string, std::vector<std::vector<Policy>>>& m,
                                                  const std::string& account) {
  std::vector<std::vector<const Policy*>> out;
  auto it = m.find(account);
  if (it == m.end()) return out;
  for (const auto& level : it->second) {
    std::vector<const Policy*> l;
    for (const auto& p : level) l.push_back(&p);
    out.push_back(std::move(l));
  }
  return out;
}

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

Decision combine(Decision a, Decision b) {
  if (a == Decision::ExplicitDeny || b == Decision::ExplicitDeny) return Decision::ExplicitDeny;
  if (a == Decision::ImplicitDeny || b == Decision::ImplicitDeny) return Decision::ImplicitDeny;
  if (a == Decision::Depends || b == Decision::Depends) return Decision::Depends;
  return Decision::Allow;
}

struct Prepared {
  Request read, decrypt;
  PolicySet read_set, decrypt_set;
  Policies caller;
  std::vector<std::vector<const Policy*>> secret_rcps, key_rcps;
};

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

namespace {

// Resolves the key of `secret` in `region` and builds both requests and policy sets.
void prepare(const Inventory& inv, const RequestPrincipal& principal, const PrincipalRecord* record,
             const SecretRecord& secret, const std::string& region, ReadCheck& rc, Prepared& p) {
  rc.principal = principal;
  rc.principal_record = record;
  rc.secret = &secret;
  rc.region = region;
  rc.secret_arn = secret.arn_in_region(region);
  rc.replica = region != secret.region;
  rc.cross_account = principal.account != secret.account;
  rc.key_ref = secret.kms_key;
  rc.key_ref_range = secret.kms_key_range;
  if (rc.replica) {
    for (const auto& r : secret.replicas) {
      if (r.region == region) {
        rc.key_ref = r.kms_key;
        rc.key_ref_range = r.range;
      }
    }
  }
  rc.key = inv.resolve_key(rc.key_ref, secret.account, region, secret.partition);

  std::string key_arn = rc.key ? rc.key->arn : rc.key_ref;
  std::string key_account = rc.key ? rc.key->account : secret.account;
  if (rc.key && rc.key->region != region) rc.key_issue = KeyIssue::WrongRegion;
  if (!rc.key) rc.key_issue = KeyIssue::NotFound;

  p.read = make_read_request(principal, secret, region, rc.secret_arn);
  p.decrypt = make_decrypt_request(principal, key_arn, key_account, region, rc.secret_arn, secret.partition);
  if (!inv.organization_id.empty() &&
      std::find(inv.org_accounts.begin(), inv.org_accounts.end(), principal.account) != inv.org_accounts.end()) {
    p.read.context.set("aws:PrincipalOrgID", inv.organization_id);
    p.decrypt.context.set("aws:PrincipalOrgID", inv.organization_id);
  }

  if (record) {
    for (const auto& pol : record->policies) p.caller.identity.push_back(&pol);
    if (record->boundary) p.caller.boundary = &*record->boundary;
  } else {
    p.caller.identity.push_back(&allow_everything_identity());
  }
  p.caller.scps = levels_of(inv.scps, principal.account);
  bool scp_exempt = !inv.management_account.empty() && principal.account == inv.management_account;

  p.read_set.identity = p.caller.identity;
  p.read_set.boundary = p.caller.boundary;
  p.read_set.resource = secret.policy ? &*secret.policy : nullptr;
  p.read_set.scps = p.caller.scps;
  p.read_set.rcps = levels_of(inv.rcps, secret.account);
  p.read_set.scp_exempt = scp_exempt;
  p.read_set.rcp_exempt = !inv.management_account.empty() && secret.account == inv.management_account;

  p.decrypt_set.identity = p.caller.identity;
  p.decrypt_set.boundary = p.caller.boundary;
  p.decrypt_set.resource = rc.key && rc.key->policy ? &*rc.key->policy : nullptr;
  p.decrypt_set.kms_key = true;
  p.decrypt_set.aws_managed_key = rc.key && rc.key->manager == KeyManager::Aws;
  p.decrypt_set.scps = p.caller.scps;
  p.decrypt_set.rcps = levels_of(inv.rcps, key_account);
  p.decrypt_set.scp_exempt = scp_exempt;
  p.decrypt_set.rcp_exempt = !inv.management_account.empty() && key_account == inv.management_account;
}

}  // namespace

ReadCheck check_read(const Inventory& inv, const RequestPrincipal& principal, const PrincipalRecord* record,
                     const SecretRecord& secret, const std::string& region, bool account_only) {
  ReadCheck rc;
  Prepared p;
  prepare(inv, principal, record, secret, region, rc, p);
  rc.account_only = account_only;
  rc.read = evaluate(p.read, p.read_set);
  rc.decrypt = evaluate(p.decrypt, p.decrypt_set);
  rc.read_request = std::move(p.read);
  rc.decrypt_request = std::move(p.decrypt);

  // ---- gate key_policy -------------------------------------------------------------------------
  GateVerdict& kg = rc.key_policy;
  Tri key_direct = allowed_by(rc.decrypt, PolicyRole::Resource, [](const StatementHit& h) { return !is_account_match(h.principal_match); });
  Tri key_account = allowed_by(rc.decrypt, PolicyRole::Resource, [](const StatementHit& h) { return is_account_match(h.principal_match); });
  if (!rc.key) {
    kg.state = GateState::Depends;
    kg.depends_on.push_back("key " + (rc.key_ref.empty() ? std::string("aws/secretsmanager") : rc.key_ref) +
                            " (not in the inputs)");
  } else if (!rc.key->policy) {
    rc.key_issue = KeyIssue::PolicyUnknown;
    kg.state = GateState::Depends;
    kg.depends_on.push_back("key policy of " + rc.key->arn + " (not in the inputs)");
  } else {
    if (rc.key->manager == KeyManager::Aws && principal.account != rc.key->account) {
      rc.key_issue = KeyIssue::AwsManagedCrossAccount;
    }
    if (!apply_denies(rc.decrypt, PolicyRole::Resource, kg)) {
      from_tri(tri_or(key_direct, key_account), kg);
      collect(rc.decrypt, PolicyRole::Resource, kg, true);
      add_unknowns(rc.decrypt, PolicyRole::Resource, kg);
    }
    if (!rc.key->usable()) {
      if (rc.key_issue == KeyIssue::None) rc.key_issue = KeyIssue::Unusable;
      kg.state = GateState::Closed;
    }
    if (rc.key_issue == KeyIssue::WrongRegion) kg.state = GateState::Closed;
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
      bool needs_read = rc.cross_account || secret_direct != Tri::True;
      bool needs_decrypt = rc.cross_account ? true : key_direct != Tri::True;
      Tri need = Tri::True;
      auto require = [&](bool needed, Tri have, bool& lacks) {
        if (!needed || have == Tri::True) return;
        lacks = true;
        if (have == Tri::False) need = Tri::False;
        if (have == Tri::Unknown && need == Tri::True) need = Tri::Unknown;
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
      if (h.role == PolicyRole::Scp || h.role == PolicyRole::Rcp || h.role == PolicyRole::Boundary ||
          h.role == PolicyRole::Session) {
        rc.guardrail_denies.push_back(h);
      }
    }
    if (r->decision == Decision::Allow) continue;
    for (const auto& m : r->missing) {
      if (m.role == PolicyRole::Scp || m.role == PolicyRole::Boundary || m.role == PolicyRole::Session) {
        rc.guardrail_missing.push_back(m);
      }
    }
  }

  // ---- the read as a whole ------------------------------------------------------------------------
  rc.decision = combine(rc.read.decision, rc.decrypt.decision);
  if (rc.key && !rc.key->usable() && rc.decision != Decision::ExplicitDeny) rc.decision = Decision::ImplicitDeny;
  if (rc.key_issue == KeyIssue::WrongRegion && rc.decision != Decision::ExplicitDeny) rc.decision = Decision::ImplicitDeny;
  if (!rc.key || !rc.key->policy) {
    if (rc.decision == Decision::Allow) rc.decision = Decision::Depends;
  }
  if (!record && rc.decision == Decision::Allow) rc.decision = Decision::Depends;  // caller IAM unknown
  for (const GateVerdict* g : {&kg, &sg, &cg}) {
    rc.depends_on.insert(rc.depends_on.end(), g->depends_on.begin(), g->depends_on.end());
  }
  rc.depends_on.insert(rc.depends_on.end(), rc.read.depends_on.begin(), rc.read.depends_on.end());
  rc.depends_on.insert(rc.depends_on.end(), rc.decrypt.depends_on.begin(), rc.decrypt.depends_on.end());
  dedupe(rc.depends_on);
  for (GateVerdict* g : {&kg, &sg, &cg}) dedupe(g->depends_on);
  return rc;
}

Decision check_read_fast(const Inventory& inv, const RequestPrincipal& principal, const PrincipalRecord* record,
                         const SecretRecord& secret, const std::string& region) {
  ReadCheck rc;
  Prepared p;
  prepare(inv, principal, record, secret, region, rc, p);
  EvalOptions fast;
  fast.explain = false;
  Decision d = evaluate(p.read, p.read_set, fast).decision;
  if (d == Decision::ExplicitDeny) return d;
  d = combine(d, evaluate(p.decrypt, p.decrypt_set, fast).decision);
  if (rc.key && (!rc.key->usable() || rc.key_issue == KeyIssue::WrongRegion) && d != Decision::ExplicitDeny) {
    return Decision::ImplicitDeny;
  }
  if ((!rc.key || !rc.key->policy || !record) && d == Decision::Allow) return Decision::Depends;
  return d;
}

}  // namespace threegate
