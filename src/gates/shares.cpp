// Intended shares are derived, not asked for: who the secret policy lets read, who a key
// policy names for decrypt (when the key serves one secret only), and declared intents.
#include <algorithm>
#include <map>
#include <set>

#include "threegate/gates.hpp"

namespace threegate {
namespace {

// A principal entry as an ARN of a role/user, or an account id; empty when it names neither
// (a service, "*", a unique id of a deleted principal).
std::string share_target(const PrincipalRef& p) {
  if (p.kind != PrincipalKind::Aws) return "";
  if (is_account_id(p.value)) return p.value;
  ArnParts a;
  if (!split_arn(p.value, a) || !is_account_id(a.account)) return "";
  if (a.service == "iam" && a.resource == "root") return a.account;
  if (a.service == "iam" && (a.resource.rfind("role/", 0) == 0 || a.resource.rfind("user/", 0) == 0)) return p.value;
  if (a.service == "sts" && a.resource.rfind("assumed-role/", 0) == 0) return p.value;
  return "";
}

template <class F>
void allowed_principals(const Policy& policy, std::string_view action, F&& f) {
  for (const auto& st : policy.statements) {
    if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
    bool acts = false;
    for (const auto& a : st.actions_lower) acts = acts || action_matches(a, action);
    if (st.not_action) acts = !acts;
    if (!acts) continue;
    for (const auto& p : st.principals) f(p);
  }
}

// Whether the identity policies of `p` could let it read `secret_arn`: an Allow statement for
// secretsmanager:GetSecretValue on a matching (or variable) pattern, or any Deny statement (which
// decides the caller_iam gate otherwise than a missing allow).
bool may_read(const PrincipalRecord& p, const std::string& secret_arn) {
  for (const auto& policy : p.policies) {
    for (const auto& st : policy.statements) {
      if (st.effect == Effect::Deny) return true;
      bool acts = false;
      for (const auto& a : st.actions_lower) acts = acts || action_matches(a, "secretsmanager:getsecretvalue");
      if (st.not_action) acts = !acts;
      if (!acts) continue;
      if (!st.has_resource || st.not_resource) return true;
      for (const auto& r : st.resources) {
        if (r.value.find("${") != std::string::npos || arn_matches(r.value, secret_arn)) return true;
      }
    }
  }
  return false;
}

std::string account_of(const std::string& target) {
  if (is_account_id(target)) return target;
  ArnParts a;
  return split_arn(target, a) ? a.account : "";
}

}  // namespace

std::vector<Share> derive_shares(const Inventory& inv) {
  std::vector<Share> out;
  std::set<std::pair<std::string, const SecretRecord*>> seen;
  auto add = [&](std::string principal, const SecretRecord* s, ShareOrigin origin, Range range) {
    if (principal.empty() || !s) return;
    if (!seen.insert({principal, s}).second) return;
    out.push_back(Share{std::move(principal), s, origin, range});
  };

  for (const auto& s : inv.secrets) {
    if (!s.policy) continue;
    allowed_principals(*s.policy, "secretsmanager:getsecretvalue", [&](const PrincipalRef& p) {
      add(share_target(p), &s, ShareOrigin::SecretPolicy, p.range);
    });
  }

  // A key that encrypts exactly one secret of the inputs says who is meant to read it. Each
  // secret's keys are resolved once (not once per key: exports hold thousands of both).
  std::map<const KeyRecord*, std::pair<const SecretRecord*, int>> users;
  for (const auto& s : inv.secrets) {
    std::set<const KeyRecord*> keys{inv.resolve_key(s.kms_key, s.account, s.region, s.partition)};
    for (const auto& r : s.replicas) keys.insert(inv.resolve_key(r.kms_key, s.account, r.region, s.partition));
    for (const KeyRecord* k : keys) {
      auto& u = users[k];
      u.first = &s;
      ++u.second;
    }
  }
  for (const auto& k : inv.keys) {
    if (!k.policy) continue;
    auto used = users.find(&k);
    if (used == users.end() || used->second.second != 1) continue;
    const SecretRecord* only = used->second.first;
    allowed_principals(*k.policy, "kms:decrypt", [&](const PrincipalRef& p) {
      std::string target = share_target(p);
      if (!target.empty() && account_of(target) != k.account) add(target, only, ShareOrigin::KeyPolicy, p.range);
    });
    // A grant of Decrypt to a principal of another account says the same.
    for (const auto& g : k.grants) {
      bool decrypt = std::find(g.operations.begin(), g.operations.end(), "Decrypt") != g.operations.end();
      std::string target = share_target(PrincipalRef{PrincipalKind::Aws, g.grantee, g.range});
      if (decrypt && !target.empty() && account_of(target) != k.account) add(target, only, ShareOrigin::KeyGrant, g.range);
    }
  }

  for (const auto& i : inv.intents) {
    const SecretRecord* s = inv.find_secret(i.secret);
    add(i.principal, s, ShareOrigin::Declared, i.range);
  }
  return out;
}

std::vector<ShareResult> analyze_shares(const Inventory& inv) {
  // Decide every read on the fast path; explain (check_read) only those that are not allowed.
  ReadEvaluator fast(inv);
  std::map<std::string, ReadEvaluator::CallerId> callers;
  std::map<std::pair<const SecretRecord*, std::string>, ReadEvaluator::TargetId> targets;
  auto caller_id = [&](const RequestPrincipal& rp, const PrincipalRecord* rec) {
    auto [it, added] = callers.try_emplace(rp.arn, 0);
    if (added) it->second = fast.add_caller(rp, rec);
    return it->second;
  };
  auto target_id = [&](const SecretRecord& s, const std::string& region) {
    auto [it, added] = targets.try_emplace({&s, region}, 0);
    if (added) it->second = fast.add_target(s, region);
    return it->second;
  };

  std::map<std::string, std::vector<const PrincipalRecord*>, std::less<>> by_account;
  for (const auto& p : inv.principals) by_account[p.account].push_back(&p);

  std::vector<ShareResult> results;
  for (const Share& share : derive_shares(inv)) {
    ShareResult res;
    res.share = share;
    const SecretRecord& secret = *share.secret;
    std::vector<std::string> regions{secret.region};
    for (const auto& r : secret.replicas) regions.push_back(r.region);

    // Returns false when the caller's IAM does not even allow reading the secret (for account
    // shares, such principals are not meant readers).
    auto check = [&](const RequestPrincipal& rp, const PrincipalRecord* rec, bool account_only, bool only_readers) {
      ReadEvaluator::CallerId c = caller_id(rp, rec);
      std::vector<ReadCheck> failed;
      for (const auto& region : regions) {
        if (fast.decide(c, target_id(secret, region)) == Decision::Allow) continue;
        ReadCheck rc = check_read(inv, rp, rec, secret, region, account_only);
        if (only_readers && region == secret.region && rc.caller_iam.state == GateState::Closed &&
            rc.caller_iam.lacks_secret_access) {
          return false;
        }
        failed.push_back(std::move(rc));
      }
      res.reads += regions.size();
      for (auto& rc : failed) res.checks.push_back(std::move(rc));
      return true;
    };

    if (is_account_id(share.principal)) {
      if (auto it = by_account.find(share.principal); it != by_account.end()) res.account_principals = it->second;
      if (res.account_principals.empty()) {
        RequestPrincipal rp;
        std::string error;
        parse_request_principal(share.principal, rp, error);
        check(rp, nullptr, true, false);
      } else {
        // Check the principals of that account whose IAM lets them read the secret.
        bool any_reader = false;
        for (const PrincipalRecord* p : res.account_principals) {
          RequestPrincipal rp;
          std::string error;
          if (!parse_request_principal(p->arn, rp, error)) continue;
          // Across accounts, a principal whose identity policies have no Allow that could cover
          // the read, and no Deny at all, is closed at caller_iam for lacking GetSecretValue:
          // not a meant reader, known without evaluating it.
          if (rp.account != secret.account && !may_read(*p, secret.arn)) continue;
          any_reader = check(rp, p, false, true) || any_reader;
        }
        res.no_principal_with_access = !any_reader;
      }
    } else {
      RequestPrincipal rp;
      std::string error;
      if (!parse_request_principal(share.principal, rp, error)) continue;
      const PrincipalRecord* rec = inv.find_principal(rp.role_arn.empty() ? rp.arn : rp.role_arn);
      check(rp, rec, false, false);
    }
    results.push_back(std::move(res));
  }
  return results;
}

}  // namespace threegate
