#include "policy_rule_support.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

namespace threegate::rules {

bool is_customer_policy(const PolicyUse& use) {
  if (!use.policy) return false;
  if (use.key && (use.key->modelled || use.key->manager == KeyManager::Aws)) return false;
  return !(use.policy->id && use.policy->id->value.starts_with("auto-"));  // an AWS-managed key's policy
}

std::string key_policy_owner(const PolicyUse& use) {
  std::string owner = owner_account(use);
  if (!owner.empty() || !use.policy) return owner;
  for (const Statement& st : use.policy->statements) {
    if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
    if (!statement_covers_action(st, "kms:putkeypolicy")) continue;
    for (const PrincipalRef& p : st.principals) {
      std::string a = principal_account(p);
      if (!a.empty()) return a;
    }
  }
  return "";
}

ExternalPrincipals external_principals(const Statement& st, const std::string& owner) {
  ExternalPrincipals out;
  for (const PrincipalRef& p : st.principals) {
    if (is_wildcard_principal(p)) {
      out.star = true;
      continue;
    }
    const std::string account = principal_account(p);
    if (!account.empty() && !owner.empty() && account != owner) out.principals.push_back(&p);
  }
  return out;
}

std::string describe_principal(const PrincipalRef& principal) {
  return is_account_root(principal) ? "account " + principal_account(principal) : principal.value;
}

std::vector<size_t> granting_entries(const Statement& st, const std::vector<std::string>& actions) {
  std::vector<size_t> out;
  if (st.not_action) return out;
  std::vector<std::string> wanted;
  for (const auto& a : actions) wanted.push_back(ascii_lower(a));
  for (size_t i = 0; i < st.actions.size() && i < st.actions_lower.size(); ++i) {
    for (const auto& a : wanted) {
      if (action_matches(st.actions_lower[i], a)) {
        out.push_back(i);
        break;
      }
    }
  }
  return out;
}

namespace {

using Json = nlohmann::ordered_json;

Json one_or_list(const std::vector<std::string>& v) {
  if (v.size() == 1) return v.front();
  return Json(v);
}

std::vector<std::string> values_of(const std::vector<Text>& texts) {
  std::vector<std::string> out;
  for (const Text& t : texts) out.push_back(t.value);
  return out;
}

const char* principal_type(PrincipalKind k) {
  switch (k) {
    case PrincipalKind::Service: return "Service";
    case PrincipalKind::Federated: return "Federated";
    case PrincipalKind::CanonicalUser: return "CanonicalUser";
    case PrincipalKind::Aws:
    case PrincipalKind::Any: break;
  }
  return "AWS";
}

// "*", or {"AWS": [...], "Service": ...} grouped by type in the order the types first appear.
Json principals_json(const std::vector<PrincipalRef>& principals) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  bool any = false;
  for (const PrincipalRef& p : principals) {
    if (p.kind == PrincipalKind::Any) {
      any = true;
      continue;
    }
    const std::string type = principal_type(p.kind);
    auto g = groups.begin();
    while (g != groups.end() && g->first != type) ++g;
    if (g == groups.end()) groups.push_back({type, {p.value}});
    else g->second.push_back(p.value);
  }
  if (any && groups.empty()) return "*";
  Json out = Json::object();
  for (auto& [type, values] : groups) out[type] = one_or_list(values);
  return out;
}

}  // namespace

std::string statement_json(const Statement& st) {
  Json j;
  if (st.sid) j["Sid"] = st.sid->value;
  j["Effect"] = st.effect == Effect::Allow ? "Allow" : "Deny";
  if (st.principal_field != PrincipalField::None)
    j[st.principal_field == PrincipalField::Principal ? "Principal" : "NotPrincipal"] = principals_json(st.principals);
  j[st.not_action ? "NotAction" : "Action"] = one_or_list(values_of(st.actions));
  if (st.has_resource) j[st.not_resource ? "NotResource" : "Resource"] = one_or_list(values_of(st.resources));
  if (!st.conditions.empty()) {
    Json cond = Json::object();
    for (const Condition& c : st.conditions) cond[c.operator_text][c.key] = one_or_list(values_of(c.values));
    j["Condition"] = cond;
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

Condition string_equals_condition(std::string key, std::string value) {
  Condition c;
  c.op = ConditionOperator::StringEquals;
  c.operator_text = "StringEquals";
  c.key_lower = ascii_lower(key);
  c.key = std::move(key);
  c.values.push_back(Text{std::move(value), {}});
  return c;
}

// ---- the outsider ------------------------------------------------------------------------------

namespace {

// An account id that occurs in none of `taken`, nor is `not_this`.
std::string unused_account(const std::vector<std::string_view>& taken, std::string_view not_this) {
  static constexpr std::array<std::string_view, 6> kCandidates{"000000000000", "999999999999", "000000000001",
                                                               "987654321098", "135792468013", "000011112222"};
  auto used = [&](std::string_view c) {
    if (c == not_this) return true;
    for (std::string_view t : taken)
      if (t.find(c) != std::string_view::npos) return true;
    return false;
  };
  for (std::string_view c : kCandidates)
    if (!used(c)) return std::string(c);
  // Every candidate appears somewhere (contrived): count up until one does not.
  for (unsigned long long n = 100000000000ULL;; ++n) {
    std::string c = std::to_string(n);
    if (!used(c)) return c;
  }
}

void add_unique(std::vector<std::string>& list, const std::string& s) {
  const std::string s_lower = ascii_lower(s);
  for (const auto& x : list)
    if (ascii_lower(x) == s_lower) return;
  list.push_back(s);
}

// The outsider's principals worth trying against `st`: a role with a name no input uses, and one
// role or user for each ARN pattern of the statement's aws:PrincipalArn conditions that admits
// another account (`arn:aws:iam::*:role/deploy`: the outsider can create a role called deploy).
// Wildcards in the name are filled with 'x'. A pattern naming accounts keeps the outsider out.
std::vector<std::string> outsider_principals(const Statement& st, const std::string& partition, const std::string& outsider) {
  std::vector<std::string> out{"arn:" + partition + ":iam::" + outsider + ":role/threegate-outsider"};
  for (const Condition& c : st.conditions) {
    if (c.key_lower != "aws:principalarn" || is_negated_operator(c.op)) continue;
    for (const Text& v : c.values) {
      if (out.size() >= 9) return out;  // enough witnesses; each costs one evaluation per action
      std::vector<std::string_view> f;
      std::string_view rest = v.value;
      for (int i = 0; i < 5; ++i) {
        const size_t colon = rest.find(':');
        if (colon == std::string_view::npos) break;
        f.push_back(rest.substr(0, colon));
        rest.remove_prefix(colon + 1);
      }
      if (f.size() != 5 || f[0] != "arn" || !glob_match(f[1], partition) || !glob_match(f[2], "iam") ||
          !glob_match(f[4], outsider))
        continue;
      std::string resource(rest);
      for (char& ch : resource)
        if (ch == '*' || ch == '?') ch = 'x';
      const bool role = resource.starts_with("role/"), user = resource.starts_with("user/");
      if ((!role && !user) || resource.size() <= 5 || resource.back() == '/') continue;
      // Only names IAM lets anyone create: AWS's own roles (`role/aws:ec2-infrastructure`) hold a ':'.
      if (resource.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-/") !=
          std::string::npos)
        continue;
      std::string arn = "arn:" + partition + ":iam::" + outsider + ":" + resource;
      if (std::find(out.begin(), out.end(), arn) == out.end()) out.push_back(std::move(arn));
    }
  }
  return out;
}

}  // namespace

Outsider::Outsider(const RuleContext& ctx) : ctx_(ctx) {
  // Every string of the inputs, so that the outsider's account appears nowhere in them.
  std::vector<std::string_view> taken;
  for (const PolicyUse& use : ctx.policies) {
    taken.push_back(use.owner_account);
    if (!use.policy) continue;
    for (const Statement& st : use.policy->statements) {
      for (const PrincipalRef& p : st.principals) taken.push_back(p.value);
      for (const Text& r : st.resources) taken.push_back(r.value);
      for (const Condition& c : st.conditions)
        for (const Text& v : c.values) taken.push_back(v.value);
    }
  }
  const Inventory& inv = ctx.inventory;
  for (const auto& a : inv.org_accounts) taken.push_back(a);
  for (const auto& k : inv.keys) taken.push_back(k.account);
  for (const auto& s : inv.secrets) taken.push_back(s.account);
  for (const auto& p : inv.principals) taken.push_back(p.account);
  taken.push_back(inv.management_account);
  account_ = unused_account(taken, "");
  taken.push_back(account_);
  stand_in_owner_ = unused_account(taken, account_);
}

OutsiderExposure Outsider::exposure(const PolicyUse& use, const std::string& given_owner, const Statement& allow,
                                    const std::vector<std::string>& actions) const {
  const Policy& policy = *use.policy;
  const std::string& outsider = account_;
  const std::string& owner = given_owner.empty() ? stand_in_owner_ : given_owner;
  std::string partition = "aws", region = "us-east-1", resource;
  if (use.key) {
    partition = use.key->partition;
    if (!use.key->region.empty()) region = use.key->region;
    resource = use.key->arn;
  } else if (use.secret) {
    partition = use.secret->partition;
    if (!use.secret->region.empty()) region = use.secret->region;
    resource = use.secret->arn;
  }

  // One statement plus the denies; a Resource element only matters when the resource is known.
  Policy single;
  single.kind = policy.kind;
  single.name = policy.name;
  single.version = policy.version;
  single.statements.push_back(allow);
  for (const Statement& st : policy.statements)
    if (st.effect == Effect::Deny) single.statements.push_back(st);
  if (resource.empty()) {
    for (Statement& st : single.statements) st.has_resource = false;
    resource = use.kind == PolicyKind::KeyPolicy
                   ? "arn:" + partition + ":kms:" + region + ":" + owner + ":key/00000000-0000-0000-0000-000000000000"
               : use.kind == PolicyKind::SecretPolicy
                   ? "arn:" + partition + ":secretsmanager:" + region + ":" + owner + ":secret:threegate-AbCdEf"
                   : "arn:" + partition + ":iam::" + owner + ":role/threegate-role";  // a trust policy's role
  }
  // The outsider's own account allows it everything: only the resource policy decides.
  Policy allow_all;
  allow_all.kind = PolicyKind::Identity;
  {
    Statement st;
    st.effect = Effect::Allow;
    st.actions.push_back(Text{"*", {}});
    st.actions_lower.push_back("*");
    st.has_resource = true;
    st.resources.push_back(Text{"*", {}});
    allow_all.statements.push_back(std::move(st));
  }
  PolicySet ps;
  ps.identity.push_back(&allow_all);
  ps.resource = &single;
  ps.kms_key = use.kind == PolicyKind::KeyPolicy;
  ps.aws_managed_key = use.key && use.key->manager == KeyManager::Aws;

  const std::string org = "o-outsider0000";
  const std::string org_path = org + "/r-out0/ou-out0-outsider0/";
  OutsiderExposure out;
  bool any_unknown = false;
  // One evaluation: `action` by `who` of the outsider's account (a role, as a session, or a user).
  auto reach_of = [&](const std::string& action, const std::string& who, std::vector<std::string>& keys) {
    Request r;
    const std::string name = who.substr(who.rfind('/') + 1);
    const bool user = who.find(":user/") != std::string::npos;
    r.principal.partition = partition;
    r.principal.account = outsider;
    if (user) {
      r.principal.type = PrincipalType::User;
      r.principal.arn = who;
      r.principal.name = name;
    } else {
      r.principal.type = PrincipalType::AssumedRole;
      r.principal.role_arn = who;
      r.principal.arn = "arn:" + partition + ":sts::" + outsider + ":assumed-role/" + name + "/threegate";
      r.principal.name = "threegate";
    }
    r.action = action;
    r.resource = resource;
    r.resource_account = owner;
    RequestContext& c = r.context;
    c.absent_is_unknown = true;
    // A role session has no service name: those keys are truly absent.
    c.known_prefixes = {"aws:principalservicename", "aws:principalservicenamelist"};
    c.set("aws:PrincipalAccount", outsider);
    c.set("kms:CallerAccount", outsider);
    c.set("aws:SourceAccount", outsider);
    c.set("aws:SourceArn", "arn:" + partition + ":sqs:" + region + ":" + outsider + ":threegate-outsider");
    c.set("aws:SourceOwner", outsider);
    c.set("aws:PrincipalOrgID", org);
    c.set_multi("aws:PrincipalOrgPaths", {org_path});
    c.set("aws:SourceOrgID", org);
    c.set_multi("aws:SourceOrgPaths", {org_path});
    c.set("aws:userid", user ? "AIDAOUTSIDER00000000X" : "AROAOUTSIDER00000000X:threegate");
    c.set("aws:ResourceAccount", owner);
    c.set("aws:ResourceOrgID",
          ctx_.inventory.organization_id.empty() ? std::string("o-resource0000") : ctx_.inventory.organization_id);
    // The outsider may be a user as well as a role: what type it is stays open.
    c.set_unknown("aws:PrincipalType");
    add_implicit_context(r);

    const EvalResult res = evaluate(r, ps);
    Tri allowed = Tri::False, denied = Tri::False;
    for (const StatementHit& h : res.allows) {
      if (h.role != PolicyRole::Resource || h.statement != &single.statements.front()) continue;
      allowed = h.match == Tri::True ? Tri::True : Tri::Unknown;
      for (const auto& k : h.unknown_keys) add_unique(keys, k);
    }
    for (const StatementHit& h : res.denies) {
      if (h.role != PolicyRole::Resource) continue;
      if (h.match == Tri::True) {
        denied = Tri::True;
      } else if (denied != Tri::True) {
        denied = Tri::Unknown;
        for (const auto& k : h.unknown_keys) add_unique(keys, k);
      }
    }
    return allowed == Tri::False || denied == Tri::True ? Tri::False
           : allowed == Tri::True && denied == Tri::False ? Tri::True
                                                           : Tri::Unknown;
  };
  const std::vector<std::string> principals = outsider_principals(allow, partition, outsider);
  for (const std::string& action : actions) {
    // The outsider is any of its principals: the one that gets furthest counts.
    Tri reach = Tri::False;
    std::vector<std::string> keys;
    for (const std::string& who : principals) {
      std::vector<std::string> who_keys;
      const Tri r = reach_of(action, who, who_keys);
      if (r == Tri::True) {
        reach = Tri::True;
        break;
      }
      if (r == Tri::Unknown) {
        reach = Tri::Unknown;
        for (const auto& k : who_keys) add_unique(keys, k);
      }
    }
    if (reach == Tri::False) continue;
    out.actions.push_back(action);
    if (reach == Tri::True) {
      out.reach = Tri::True;
      out.depends_on.clear();
    } else if (out.reach != Tri::True) {
      any_unknown = true;
      for (const auto& k : keys) add_unique(out.depends_on, k);
    }
  }
  if (out.reach != Tri::True && any_unknown) out.reach = Tri::Unknown;
  return out;
}

}  // namespace threegate::rules
