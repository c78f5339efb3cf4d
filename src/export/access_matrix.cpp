// Who can read each secret copy. Candidates: every role and user of the inventory (their IAM is
// known, so their read is decided in full), every principal and account the secret's policy, its
// key's policy or the key's grants name (their IAM is not known: what is decided is whether the
// secret's side lets them read), and, when one of those policies allows "*", principals outside
// the organization. Each read is decided with the three gates (ReadEvaluator, check_read).
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

// ---- IdentityIndex -----------------------------------------------------------------------------

namespace {

// The literal text of a resource pattern before its first wildcard or policy variable: an ARN it
// matches starts with it (arn_matches compares that part literally, case included).
std::string_view literal_prefix(std::string_view pattern) {
  size_t cut = pattern.find_first_of("*?$");
  return cut == std::string_view::npos ? pattern : pattern.substr(0, cut);
}

}  // namespace

IdentityIndex::IdentityIndex(const Inventory& inventory, std::string_view action) {
  for (const auto& p : inventory.principals) {
    for (const auto& policy : p.policies) {
      for (const auto& st : policy.statements) {
        if (st.effect != Effect::Allow) continue;
        bool acts = false;
        for (const auto& a : st.actions_lower) acts = acts || action_matches(a, action);
        if (st.not_action) acts = !acts;
        if (!acts) continue;
        std::vector<std::string_view> patterns;
        if (!st.has_resource || st.not_resource) {
          patterns.push_back("*");  // NotResource: anything it does not exclude
        } else {
          for (const auto& r : st.resources) patterns.push_back(r.value);
        }
        for (std::string_view pattern : patterns) {
          std::string prefix(literal_prefix(pattern));
          Entry e{&p, std::string(pattern), pattern.find("${") != std::string_view::npos};
          by_prefix_[p.account + "|" + prefix].push_back(e);
          by_prefix_["|" + prefix].push_back(std::move(e));
          ++entries_;
        }
      }
    }
  }
}

void IdentityIndex::candidates(std::string_view arn, std::string_view account, std::vector<const PrincipalRecord*>& out) const {
  std::string key(account);
  key += '|';
  const size_t base = key.size();
  seen_.clear();
  for (size_t len = 0; len <= arn.size(); ++len) {
    key.resize(base);
    key.append(arn.substr(0, len));
    auto it = by_prefix_.find(key);
    if (it == by_prefix_.end()) continue;
    for (const Entry& e : it->second) {
      if (std::find(seen_.begin(), seen_.end(), e.principal) != seen_.end()) continue;
      if (!e.variable && !arn_matches(e.pattern, arn)) continue;
      seen_.push_back(e.principal);
    }
  }
  for (const PrincipalRecord* p : seen_) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
}

// ---- the matrix ----------------------------------------------------------------------------------

std::string account_name(const AccessMatrix& matrix, std::string_view account) {
  auto it = matrix.known_accounts.find(std::string(account));
  return it == matrix.known_accounts.end() ? std::string() : it->second.name;
}

std::string account_tag(const AccessMatrix& matrix, std::string_view account) {
  auto it = matrix.known_accounts.find(std::string(account));
  if (it == matrix.known_accounts.end()) return "";
  if (!it->second.partner) return it->second.name;
  return it->second.name.empty() ? "partner" : it->second.name + ", partner";
}

AccessMatrix build_access_matrix(Scope& scope, const MatrixOptions& options) {
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

  auto declared = [&](const std::string& account) { return options.known_accounts.count(account) > 0; };

  ReadEvaluator fast(inv);
  struct Member {
    RequestPrincipal rp;
    ReadEvaluator::CallerId caller = 0;
    bool valid = false;
  };
  // Parallel to inv.principals; a caller is planned on first use.
  std::vector<Member> members(inv.principals.size());
  std::unordered_map<const PrincipalRecord*, size_t> member_of;
  std::map<std::string, std::vector<const PrincipalRecord*>, std::less<>> by_account;
  std::set<std::string> member_accounts;
  {
    size_t i = 0;
    for (const auto& p : inv.principals) {
      member_of[&p] = i;
      std::string error;
      members[i].valid = parse_request_principal(p.arn, members[i].rp, error);
      if (members[i].valid) {
        by_account[members[i].rp.account].push_back(&p);
        member_accounts.insert(members[i].rp.account);
      }
      ++i;
    }
  }
  std::vector<bool> planned(members.size(), false);
  auto caller_of = [&](size_t i) {
    if (!planned[i]) {
      members[i].caller = fast.add_caller(members[i].rp, &inv.principals[i]);
      planned[i] = true;
    }
    return members[i].caller;
  };
  std::optional<IdentityIndex> index;
  if (!options.exhaustive) index.emplace(inv, "secretsmanager:getsecretvalue");

  AccessMatrix m;
  m.known_accounts = options.known_accounts;
  std::map<std::pair<const SecretRecord*, std::string>, size_t> cell_of;
  std::vector<const SecretRecord*> secrets;
  for (const auto& s : inv.secrets) secrets.push_back(&s);
  std::sort(secrets.begin(), secrets.end(), [](const SecretRecord* a, const SecretRecord* b) { return a->arn < b->arn; });
  size_t copies = 0, done = 0;
  for (const SecretRecord* s : secrets) copies += 1 + s->replicas.size();

  std::vector<const PrincipalRecord*> candidates;
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
      std::set<std::string> named, secret_named;
      bool open = false, secret_open = false;
      if (s->policy) named_by(*s->policy, "secretsmanager:getsecretvalue", secret_named, secret_open);
      named = secret_named;
      open = secret_open;
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

      // The principals of the inventory that could read this copy. A read needs
      // secretsmanager:GetSecretValue from the caller's identity policies (always across
      // accounts) or from the secret policy naming the caller (or everyone): so the candidates
      // are those the identity index finds in the secret's account and in every account the
      // secret policy names (every account when it names everyone), those it names by ARN, and
      // — when it names everyone — every principal of the secret's own account.
      candidates.clear();
      if (options.exhaustive) {
        for (const auto& p : inv.principals) candidates.push_back(&p);
      } else {
        auto whole_account = [&](const std::string& account) {
          auto it = by_account.find(account);
          if (it == by_account.end()) return;
          for (const PrincipalRecord* p : it->second) {
            if (std::find(candidates.begin(), candidates.end(), p) == candidates.end()) candidates.push_back(p);
          }
        };
        if (secret_open) {
          index->candidates(cell.secret_arn, "", candidates);
          whole_account(s->account);
        } else {
          std::set<std::string> accounts{s->account};
          for (const auto& entry : secret_named) {
            std::string caller;
            if (entry.find_first_of("*?") != std::string::npos) {
              ArnParts a;  // not a valid principal, but whatever the evaluator makes of it stays covered
              if (split_arn(entry, a)) whole_account(a.account);
              continue;
            }
            if (!as_caller(entry, caller)) continue;
            if (threegate::is_account_id(caller)) {
              accounts.insert(caller);
              continue;
            }
            RequestPrincipal rp;
            std::string error;
            if (!parse_request_principal(caller, rp, error)) continue;
            if (const PrincipalRecord* p = inv.find_principal(rp.role_arn.empty() ? rp.arn : rp.role_arn)) {
              if (std::find(candidates.begin(), candidates.end(), p) == candidates.end()) candidates.push_back(p);
            }
          }
          for (const auto& a : accounts) index->candidates(cell.secret_arn, a, candidates);
        }
        // Decide in the inventory's order, as the exhaustive matrix does.
        std::sort(candidates.begin(), candidates.end(),
                  [&](const PrincipalRecord* a, const PrincipalRecord* b) { return member_of[a] < member_of[b]; });
      }

      ReadEvaluator::TargetId t = fast.add_target(*s, region);
      for (const PrincipalRecord* p : candidates) {
        size_t i = member_of[p];
        if (!members[i].valid) continue;
        const RequestPrincipal& rp = members[i].rp;
        Decision d = fast.decide(caller_of(i), t);
        ++m.pairs_decided;
        if (d == Decision::Allow) {
          // Candidates are distinct principals: no entry to merge with.
          MatrixEntry e{rp.arn, rp.account, "", true, inside.count(rp.account) > 0, d, {}};
          if (!e.in_organization && !declared(rp.account)) cell.external.push_back(e);
          cell.readers.push_back(std::move(e));
        } else if (d == Decision::Depends) {
          ReadCheck rc = check_read(inv, rp, p, *s, region);
          cell.undecided.push_back(MatrixEntry{rp.arn, rp.account, "", true, inside.count(rp.account) > 0, d, rc.depends_on});
        }
      }

      // Named principals whose IAM is not known: the secret's side decides.
      auto judge = [&](const RequestPrincipal& rp, bool account_only, const std::string& shown, const std::string& label) {
        ReadCheck rc = check_read(inv, rp, nullptr, *s, region, account_only);
        Decision d = resource_side(rc);
        bool in_org = inside.count(rp.account) > 0;
        MatrixEntry e{shown, rp.account, label, false, in_org, d, rc.depends_on};
        if (d == Decision::Allow && !in_org && !declared(rp.account)) {
          add_entry(cell.external, std::move(e));
        } else if (d == Decision::Allow && !in_org) {
          // A partner (or an organization account the export does not list) the configuration
          // declares: a reader if its own IAM allows, as an outsider would be, but not external.
          add_entry(cell.readers, std::move(e));
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
      if (options.progress) options.progress(++done, copies);
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
    if (!cell.undecided.empty()) {
      std::set<std::string_view> decided;
      for (const auto& r : cell.readers) decided.insert(r.principal);
      for (const auto& b : cell.broken) decided.insert(b.principal);
      std::erase_if(cell.undecided, [&](const MatrixEntry& u) { return decided.count(u.principal) > 0; });
    }
    std::sort(cell.broken.begin(), cell.broken.end(),
              [](const BrokenShare& a, const BrokenShare& b) { return a.principal < b.principal; });
  }
  return m;
}

std::vector<PrincipalAccess> principal_access(Scope& scope, const RequestPrincipal& principal) {
  Inventory& inv = scope.inventory;
  const PrincipalRecord* record = inv.find_principal(principal.role_arn.empty() ? principal.arn : principal.role_arn);
  // An outsider's aws:PrincipalOrgID is not known: judged as a principal of an organization no
  // policy names, then of each one a policy names (as the matrix's outsiders are).
  bool outsider = !record && !inv.external_org_ids.count(principal.account) &&
                  std::find(inv.org_accounts.begin(), inv.org_accounts.end(), principal.account) == inv.org_accounts.end() &&
                  !(inv.org_accounts.empty() && inv.organization_id.empty() &&
                    std::any_of(inv.principals.begin(), inv.principals.end(),
                                [&](const PrincipalRecord& p) { return p.account == principal.account; }));
  std::vector<std::string> orgs;
  if (outsider) {
    std::set<std::string> org_ids;
    for (const auto& s : inv.secrets) {
      if (s.policy) org_ids_in(*s.policy, org_ids);
    }
    for (const auto& k : inv.keys) {
      if (k.policy) org_ids_in(*k.policy, org_ids);
    }
    org_ids.erase(inv.organization_id);
    std::string fresh = "o-outsider00";
    while (org_ids.count(fresh) || fresh == inv.organization_id) fresh += "0";
    orgs.push_back(fresh);
    orgs.insert(orgs.end(), org_ids.begin(), org_ids.end());
  }
  std::vector<const SecretRecord*> secrets;
  for (const auto& s : inv.secrets) secrets.push_back(&s);
  std::sort(secrets.begin(), secrets.end(), [](const SecretRecord* a, const SecretRecord* b) { return a->arn < b->arn; });
  std::vector<PrincipalAccess> out;
  for (const SecretRecord* s : secrets) {
    std::vector<std::string> regions{s->region};
    for (const auto& r : s->replicas) regions.push_back(r.region);
    for (const auto& region : regions) {
      bool account_only = principal.type == PrincipalType::Account;
      if (outsider) inv.external_org_ids[principal.account] = orgs[0];
      ReadCheck rc = check_read(inv, principal, record, *s, region, account_only);
      Decision d = record ? rc.decision : resource_side(rc);
      std::vector<std::string> depends = rc.depends_on;
      if (outsider && d != Decision::Allow) {
        // Principals of a named organization may read what others outside may not.
        std::vector<std::string> allowed_for;
        for (size_t i = 1; i < orgs.size(); ++i) {
          inv.external_org_ids[principal.account] = orgs[i];
          ReadCheck other = check_read(inv, principal, record, *s, region, account_only);
          if (resource_side(other) != Decision::ImplicitDeny && resource_side(other) != Decision::ExplicitDeny) {
            allowed_for.push_back(orgs[i]);
          }
        }
        if (!allowed_for.empty()) {
          d = Decision::Depends;
          depends = {"aws:PrincipalOrgID (readable when it is " + fmt::format("{}", fmt::join(allowed_for, " or ")) + ")"};
        } else if (d == Decision::Depends) {
          // Undecided for a reason other than the organization: say it.
          std::erase_if(depends, [](const std::string& k) { return k == "aws:PrincipalOrgID"; });
        }
      }
      std::string gate;
      if (d == Decision::ImplicitDeny || d == Decision::ExplicitDeny) {
        std::string reason;
        gate = first_closed_gate(rc, reason) + std::string(": ") + reason;
      }
      out.push_back(PrincipalAccess{s, rc.secret_arn, region, d, std::move(depends), gate});
    }
  }
  if (outsider) inv.external_org_ids.erase(principal.account);
  return out;
}

}  // namespace threegate
