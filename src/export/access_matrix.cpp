// Who can read each secret copy. Candidates: every role and user of the inventory (their IAM is
// known, so their read is decided in full), every principal and account the secret's policy, its
// key's policy or the key's grants name (their IAM is not known: what is decided is whether the
// secret's side lets them read), and, when one of those policies allows "*", principals outside
// the organization. Each read is decided with the three gates (ReadEvaluator, check_read).
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "threegate/export.hpp"

namespace threegate {
namespace {

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The principals a policy names for `action` (lowercase) in its Allow statements; `open` is set
// when one allows everyone ("*", or NotPrincipal).
void named_by(const Policy& policy, std::string_view action, std::set<std::string>& out, bool& open) {
  for (const auto& st : policy.statements) {
    if (st.effect != Effect::Allow || st.principal_field == PrincipalField::None) continue;
    bool acts = false;
    for (const auto& a : st.actions_lower) acts = acts || action_matches(a, action);
    if (st.not_action) acts = !acts;
    if (!acts) continue;
    if (st.principal_field == PrincipalField::NotPrincipal) {
      open = true;
      continue;
    }
    for (const auto& p : st.principals) {
      if (p.kind == PrincipalKind::Any || (p.kind == PrincipalKind::Aws && p.value == "*")) {
        open = true;
      } else if (p.kind == PrincipalKind::Aws) {
        out.insert(p.value);
      }
    }
  }
}

// A principal entry as a caller: a role/user/session ARN, or an account (…:root or a bare id).
bool as_caller(const std::string& entry, std::string& key) {
  if (is_account_id(entry)) {
    key = entry;
    return true;
  }
  ArnParts a;
  if (!split_arn(entry, a) || !is_account_id(a.account)) return false;
  if (a.service == "iam" && a.resource == "root") {
    key = a.account;
    return true;
  }
  bool named = (a.service == "iam" && (a.resource.rfind("role/", 0) == 0 || a.resource.rfind("user/", 0) == 0)) ||
               (a.service == "sts" && a.resource.rfind("assumed-role/", 0) == 0);
  if (named) key = entry;
  return named;
}

void org_ids_in(const Policy& policy, std::set<std::string>& out) {
  for (const auto& st : policy.statements) {
    for (const auto& c : st.conditions) {
      if (c.key_lower != "aws:principalorgid") continue;
      for (const auto& v : c.values) out.insert(v.value);
    }
  }
}

// What the secret's side decides for a caller whose IAM is not known: check_read stands in an
// allow-everything identity, so an Allow of both requests means the secret, its key and the
// resource guardrails let the caller read (its own IAM permitting).
Decision resource_side(const ReadCheck& rc) {
  if (rc.decision != Decision::Depends) return rc.decision;
  bool key_unknown = rc.key_issue == KeyIssue::NotFound || rc.key_issue == KeyIssue::PolicyUnknown;
  if (!key_unknown && rc.read.decision == Decision::Allow && rc.decrypt.decision == Decision::Allow) return Decision::Allow;
  return Decision::Depends;
}

const char* first_closed_gate(const ReadCheck& rc, std::string& reason) {
  auto denied = [](const GateVerdict& g) { return g.explicit_deny ? " (explicit deny)" : ""; };
  if (rc.key_issue == KeyIssue::Unusable) {
    reason = "key " + (rc.key ? rc.key->arn : rc.key_ref) + " is " + (rc.key ? rc.key->state : "unusable");
    return "key_unusable";
  }
  if (rc.key_issue == KeyIssue::WrongRegion) {
    reason = "key " + (rc.key ? rc.key->arn : rc.key_ref) + " is not in " + rc.region;
    return "key_unusable";
  }
  if (rc.key_policy.state == GateState::Closed) {
    if (rc.key_issue == KeyIssue::AwsManagedCrossAccount) {
      reason = "the AWS-managed key aws/secretsmanager cannot be used from another account";
    } else {
      reason = std::string("the key policy does not let it decrypt") + denied(rc.key_policy);
    }
    return "key_policy";
  }
  if (rc.secret_policy.state == GateState::Closed) {
    reason = std::string("the secret policy does not let it read") + denied(rc.secret_policy);
    return "secret_policy";
  }
  if (rc.caller_iam.state == GateState::Closed) {
    reason = rc.caller_iam.explicit_deny ? "its IAM denies the read"
             : rc.caller_iam.lacks_secret_access && rc.caller_iam.lacks_decrypt
                 ? "its IAM lacks secretsmanager:GetSecretValue and kms:Decrypt"
             : rc.caller_iam.lacks_secret_access ? "its IAM lacks secretsmanager:GetSecretValue"
                                                 : "its IAM lacks kms:Decrypt";
    return "caller_iam";
  }
  reason = "a guardrail blocks it (";
  bool first = true;
  for (const auto& h : rc.guardrail_denies) {
    if (h.match != Tri::True) continue;
    reason += (first ? "" : ", ") + std::string(policy_role_name(h.role)) + " " + h.policy->name + " denies";
    first = false;
  }
  for (const auto& m : rc.guardrail_missing) {
    if (m.allowed != Tri::False) continue;
    reason += (first ? "" : ", ") + std::string("no allow in ") + policy_role_name(m.role) +
              (m.level >= 0 ? " level " + std::to_string(m.level) : "");
    first = false;
  }
  reason += ")";
  return "guardrail";
}

void add_entry(std::vector<MatrixEntry>& list, MatrixEntry e) {
  for (auto& x : list) {
    if (x.principal == e.principal && x.label == e.label) return;
  }
  list.push_back(std::move(e));
}

}  // namespace

AccessMatrix build_access_matrix(Scope& scope) {
  Inventory& inv = scope.inventory;

  // "In the organization": its accounts when the organization is known, else the inventory's own.
  std::set<std::string> known_accounts;
  for (const auto& p : inv.principals) known_accounts.insert(p.account);
  for (const auto& k : inv.keys) known_accounts.insert(k.account);
  for (const auto& s : inv.secrets) known_accounts.insert(s.account);
  for (const auto& a : inv.org_accounts) known_accounts.insert(a);
  std::set<std::string> inside(inv.org_accounts.begin(), inv.org_accounts.end());
  if (inside.empty()) {
    for (const auto& p : inv.principals) inside.insert(p.account);
    for (const auto& s : inv.secrets) inside.insert(s.account);
  }

  // Outsiders: a role in an account found nowhere, in an organization named nowhere, and one in
  // each other organization a secret or key policy names in aws:PrincipalOrgID.
  std::set<std::string> org_ids;
  for (const auto& s : inv.secrets) {
    if (s.policy) org_ids_in(*s.policy, org_ids);
  }
  for (const auto& k : inv.keys) {
    if (k.policy) org_ids_in(*k.policy, org_ids);
  }
  org_ids.erase(inv.organization_id);
  std::string fresh_org = "o-outsider00";
  while (org_ids.count(fresh_org) || fresh_org == inv.organization_id) fresh_org += "0";
  struct Outsider {
    std::string account, org, label;
  };
  std::vector<Outsider> outsiders;
  uint64_t next = 1;
  auto fresh_account = [&] {
    std::string id;
    do {
      id = std::to_string(next++);
      id.insert(0, 12 - id.size(), '0');
    } while (known_accounts.count(id));
    known_accounts.insert(id);
    return id;
  };
  outsiders.push_back({fresh_account(), fresh_org, "any principal outside the organization"});
  for (const auto& o : org_ids) outsiders.push_back({fresh_account(), o, "principals of organization " + o});
  for (const auto& o : outsiders) inv.external_org_ids[o.account] = o.org;

  ReadEvaluator fast(inv);
  std::vector<std::pair<RequestPrincipal, ReadEvaluator::CallerId>> members;
  for (const auto& p : inv.principals) {
    RequestPrincipal rp;
    std::string error;
    if (!parse_request_principal(p.arn, rp, error)) continue;
    members.emplace_back(rp, fast.add_caller(rp, &p));
  }

  AccessMatrix m;
  std::map<std::pair<const SecretRecord*, std::string>, size_t> cell_of;
  std::vector<const SecretRecord*> secrets;
  for (const auto& s : inv.secrets) secrets.push_back(&s);
  std::sort(secrets.begin(), secrets.end(), [](const SecretRecord* a, const SecretRecord* b) { return a->arn < b->arn; });

  for (const SecretRecord* s : secrets) {
    std::vector<std::string> regions{s->region};
    for (const auto& r : s->replicas) regions.push_back(r.region);
    for (const auto& region : regions) {
      MatrixCell cell;
      cell.secret = s;
      cell.region = region;
      cell.secret_arn = s->arn_in_region(region);
      cell.replica = region != s->region;
      std::string ref = s->kms_key;
      for (const auto& r : s->replicas) {
        if (cell.replica && r.region == region) ref = r.kms_key;
      }
      const KeyRecord* key = inv.resolve_key(ref, s->account, region, s->partition);
      cell.key = key ? key->arn : ref;

      // Whom the policies of this copy name, and whether one allows everyone.
      std::set<std::string> named;
      bool open = false;
      if (s->policy) named_by(*s->policy, "secretsmanager:getsecretvalue", named, open);
      if (key && key->policy) {
        bool key_open = false;
        named_by(*key->policy, "kms:decrypt", named, key_open);
        // A key open to everyone matters only with a secret policy that admits outsiders too; the
        // outsider's read tells.
        open = open || key_open;
        for (const auto& g : key->grants) {
          if (std::find(g.operations.begin(), g.operations.end(), "Decrypt") != g.operations.end()) named.insert(g.grantee);
        }
      }

      ReadEvaluator::TargetId t = fast.add_target(*s, region);
      std::set<std::string> member_accounts;
      for (const auto& [rp, c] : members) {
        member_accounts.insert(rp.account);
        Decision d = fast.decide(c, t);
        if (d == Decision::Allow) {
          MatrixEntry e{rp.arn, rp.account, "", true, inside.count(rp.account) > 0, d, {}};
          if (!e.in_organization) add_entry(cell.external, e);
          add_entry(cell.readers, std::move(e));
        } else if (d == Decision::Depends) {
          ReadCheck rc = check_read(inv, rp, inv.find_principal(rp.arn), *s, region);
          add_entry(cell.undecided, MatrixEntry{rp.arn, rp.account, "", true, inside.count(rp.account) > 0, d, rc.depends_on});
        }
      }

      // Named principals whose IAM is not known: the secret's side decides.
      auto judge = [&](const RequestPrincipal& rp, bool account_only, const std::string& shown, const std::string& label) {
        ReadCheck rc = check_read(inv, rp, nullptr, *s, region, account_only);
        Decision d = resource_side(rc);
        bool in_org = inside.count(rp.account) > 0;
        MatrixEntry e{shown, rp.account, label, false, in_org, d, rc.depends_on};
        if (d == Decision::Allow && !in_org) {
          add_entry(cell.external, std::move(e));
        } else if (d == Decision::Allow) {
          e.decision = Decision::Depends;
          e.depends_on = {"IAM of " + shown + " (not in the export)"};
          add_entry(cell.undecided, std::move(e));
        } else if (d == Decision::Depends) {
          add_entry(cell.undecided, std::move(e));
        }
      };
      for (const auto& entry : named) {
        std::string caller;
        if (!as_caller(entry, caller)) continue;
        RequestPrincipal rp;
        std::string error;
        if (!parse_request_principal(caller, rp, error)) continue;
        if (inv.find_principal(rp.role_arn.empty() ? rp.arn : rp.role_arn)) continue;  // decided above
        bool account = rp.type == PrincipalType::Account;
        if (account && member_accounts.count(rp.account)) continue;  // its roles and users are decided above
        judge(rp, account, account ? rp.account : rp.arn, account ? "account" : "");
      }
      if (open) {
        bool any_outsider_open = false;
        for (size_t i = 0; i < outsiders.size(); ++i) {
          // Principals of a named organization need no line of their own when any outsider can read.
          if (i > 0 && any_outsider_open) break;
          RequestPrincipal rp;
          std::string error;
          if (!parse_request_principal("arn:aws:iam::" + outsiders[i].account + ":role/outsider", rp, error)) continue;
          ReadCheck rc = check_read(inv, rp, nullptr, *s, region);
          Decision d = resource_side(rc);
          MatrixEntry e{"*", "", outsiders[i].label, false, false, d, rc.depends_on};
          if (d == Decision::Allow) {
            any_outsider_open = i == 0;
            add_entry(cell.external, std::move(e));
          } else if (d == Decision::Depends) {
            add_entry(cell.undecided, std::move(e));
          }
        }
      }
      cell_of[{s, region}] = m.cells.size();
      m.cells.push_back(std::move(cell));
    }
  }

  // Intended shares that fail, with the gate that fails them.
  for (const ShareResult& sr : scope.shares) {
    for (const ReadCheck& rc : sr.checks) {
      auto it = cell_of.find({rc.secret, rc.region});
      if (it == cell_of.end()) continue;
      MatrixCell& cell = m.cells[it->second];
      std::string shown = rc.account_only ? sr.share.principal : rc.principal.arn;
      if (rc.decision == Decision::Depends) {
        add_entry(cell.undecided, MatrixEntry{shown, rc.principal.account, "", rc.principal_record != nullptr,
                                              inside.count(rc.principal.account) > 0, rc.decision, rc.depends_on});
        continue;
      }
      if (rc.decision == Decision::Allow) continue;
      BrokenShare b;
      b.principal = shown;
      b.origin = sr.share.origin;
      b.range = sr.share.range;
      b.gate = first_closed_gate(rc, b.reason);
      bool seen = std::any_of(cell.broken.begin(), cell.broken.end(),
                              [&](const BrokenShare& x) { return x.principal == b.principal; });
      if (!seen) cell.broken.push_back(std::move(b));
    }
    if (sr.no_principal_with_access) {
      auto it = cell_of.find({sr.share.secret, sr.share.secret->region});
      if (it == cell_of.end()) continue;
      BrokenShare b{sr.share.principal, sr.share.origin, "caller_iam",
                    "no role or user of account " + sr.share.principal + " in the export has IAM access to the secret",
                    sr.share.range};
      m.cells[it->second].broken.push_back(std::move(b));
    }
  }

  auto by_principal = [](const MatrixEntry& a, const MatrixEntry& b) {
    return std::tie(a.principal, a.label) < std::tie(b.principal, b.label);
  };
  for (auto& cell : m.cells) {
    std::sort(cell.readers.begin(), cell.readers.end(), by_principal);
    std::sort(cell.external.begin(), cell.external.end(), by_principal);
    std::sort(cell.undecided.begin(), cell.undecided.end(), by_principal);
    // A principal that is a reader, or decided broken, is not also undecided.
    std::erase_if(cell.undecided, [&](const MatrixEntry& u) {
      return std::any_of(cell.readers.begin(), cell.readers.end(), [&](const MatrixEntry& r) { return r.principal == u.principal; }) ||
             std::any_of(cell.broken.begin(), cell.broken.end(), [&](const BrokenShare& b) { return b.principal == u.principal; });
    });
    std::sort(cell.broken.begin(), cell.broken.end(),
              [](const BrokenShare& a, const BrokenShare& b) { return a.principal < b.principal; });
  }
  return m;
}

std::vector<PrincipalAccess> principal_access(const Scope& scope, const RequestPrincipal& principal) {
  const Inventory& inv = scope.inventory;
  const PrincipalRecord* record = inv.find_principal(principal.role_arn.empty() ? principal.arn : principal.role_arn);
  std::vector<const SecretRecord*> secrets;
  for (const auto& s : inv.secrets) secrets.push_back(&s);
  std::sort(secrets.begin(), secrets.end(), [](const SecretRecord* a, const SecretRecord* b) { return a->arn < b->arn; });
  std::vector<PrincipalAccess> out;
  for (const SecretRecord* s : secrets) {
    std::vector<std::string> regions{s->region};
    for (const auto& r : s->replicas) regions.push_back(r.region);
    for (const auto& region : regions) {
      ReadCheck rc = check_read(inv, principal, record, *s, region, principal.type == PrincipalType::Account);
      Decision d = record ? rc.decision : resource_side(rc);
      std::string gate;
      if (d == Decision::ImplicitDeny || d == Decision::ExplicitDeny) {
        std::string reason;
        gate = first_closed_gate(rc, reason) + std::string(": ") + reason;
      }
      out.push_back(PrincipalAccess{s, rc.secret_arn, region, d, rc.depends_on, gate});
    }
  }
  return out;
}

}  // namespace threegate
