#include "policy_rule_support.hpp"

#include "threegate/config.hpp"

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

// Whether `s` occurs in any of the input strings.
bool appears_in(const std::vector<std::string_view>& taken, std::string_view s) {
  return std::any_of(taken.begin(), taken.end(), [&](std::string_view t) { return t.find(s) != std::string_view::npos; });
}

// An account that the account field of an ARN pattern admits and no input names: the outsider's
// when the pattern admits it, else one made from the pattern ("1*" gives 100000000000). Empty for
// a literal account (the pattern names it) or when no such account is found.
std::string witness_account(std::string_view pattern, const std::string& outsider,
                            const std::vector<std::string_view>& taken) {
  if (glob_match(pattern, outsider)) return outsider;
  if (pattern.find_first_of("*?") == std::string_view::npos) return "";
  if (pattern.find_first_not_of("0123456789*?") != std::string_view::npos) return "";
  const size_t fixed = std::count_if(pattern.begin(), pattern.end(), [](char c) { return c != '*'; });
  if (fixed > 12) return "";
  for (const char fill : {'0', '9', '5', '3', '7'}) {
    std::string w;
    bool first_star = true;
    for (const char c : pattern) {
      if (c == '?') w += fill;
      else if (c != '*') w += c;
      else if (first_star) w.append(12 - fixed, fill), first_star = false;
    }
    if (w.size() == 12 && glob_match(pattern, w) && !appears_in(taken, w)) return w;
  }
  return "";
}

// A role or user path and name IAM lets anyone create: "role/ci/deploy" (names up to 64 of
// [A-Za-z0-9+=,.@_-], paths up to 512). AWS's own roles (`role/aws:ec2-infrastructure`) hold a ':'.
bool creatable_name(std::string_view resource) {
  const size_t slash = resource.find('/');
  const std::string_view path_and_name = resource.substr(slash + 1);
  const size_t last = path_and_name.rfind('/');
  const std::string_view name = last == std::string_view::npos ? path_and_name : path_and_name.substr(last + 1);
  const size_t path = last == std::string_view::npos ? 1 : last + 2;  // with its leading and trailing '/'
  return !name.empty() && name.size() <= 64 && path <= 512 && path_and_name.find("//") == std::string_view::npos &&
         path_and_name.front() != '/' &&
         path_and_name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-/") ==
             std::string_view::npos;
}

// The outsider's principals worth trying against `st`: a role with a name no input uses, and one
// principal for each ARN pattern of the statement's aws:PrincipalArn conditions that admits an
// account no input names (`arn:aws:iam::*:role/deploy`: anyone can create a role called deploy in
// their own account; `::*:root`: any account's root user). Wildcards in a name are filled with
// 'x'. A pattern that names accounts keeps outsiders out and adds nothing.
std::vector<std::string> outsider_principals(const Statement& st, const std::string& partition, const std::string& outsider,
                                             const std::vector<std::string_view>& taken) {
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
      if (f.size() != 5 || f[0] != "arn" || !glob_match(f[1], partition) || !glob_match(f[2], "iam")) continue;
      const std::string account = witness_account(f[4], outsider, taken);
      if (account.empty()) continue;
      std::string resource(rest);
      for (char& ch : resource)
        if (ch == '*' || ch == '?') ch = 'x';
      if (resource != "root" && !((resource.starts_with("role/") || resource.starts_with("user/")) && creatable_name(resource)))
        continue;
      std::string arn = "arn:" + partition + ":iam::" + account + ":" + resource;
      if (std::find(out.begin(), out.end(), arn) == out.end()) out.push_back(std::move(arn));
    }
  }
  return out;
}

}  // namespace

Outsider::Outsider(const RuleContext& ctx) : ctx_(ctx) {
  // Every string of the inputs, so that the outsider's account appears nowhere in them.
  std::vector<std::string_view>& taken = taken_;
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
  if (ctx.config)
    for (const auto& a : ctx.config->accounts) taken.push_back(a.id);
  account_ = unused_account(taken, "");
  taken.push_back(account_);
  stand_in_owner_ = unused_account(taken, account_);
  taken.push_back(stand_in_owner_);
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
  // One evaluation: `action` by `who`, an IAM ARN of an outsider's account: a role (as a
  // session), a user, or the account's root user.
  auto reach_of = [&](const std::string& action, const std::string& who, std::vector<std::string>& keys) {
    Request r;
    const size_t account_at = who.find("::") + 2;
    const std::string acct = who.substr(account_at, who.find(':', account_at) - account_at);
    const std::string name = who.substr(who.rfind('/') + 1);
    const bool user = who.find(":user/") != std::string::npos, root = who.ends_with(":root");
    r.principal.partition = partition;
    r.principal.account = acct;
    if (root) {
      r.principal.type = PrincipalType::Account;
      r.principal.arn = who;
    } else if (user) {
      r.principal.type = PrincipalType::User;
      r.principal.arn = who;
      r.principal.name = name;
    } else {
      r.principal.type = PrincipalType::AssumedRole;
      r.principal.role_arn = who;
      r.principal.arn = "arn:" + partition + ":sts::" + acct + ":assumed-role/" + name + "/threegate";
      r.principal.name = "threegate";
    }
    r.action = action;
    r.resource = resource;
    r.resource_account = owner;
    RequestContext& c = r.context;
    c.absent_is_unknown = true;
    // A role session has no service name: those keys are truly absent.
    c.known_prefixes = {"aws:principalservicename", "aws:principalservicenamelist"};
    c.set("aws:PrincipalAccount", acct);
    c.set("kms:CallerAccount", acct);
    c.set("aws:SourceAccount", acct);
    c.set("aws:SourceArn", "arn:" + partition + ":sqs:" + region + ":" + acct + ":threegate-outsider");
    c.set("aws:SourceOwner", acct);
    c.set("aws:PrincipalOrgID", org);
    c.set_multi("aws:PrincipalOrgPaths", {org_path});
    c.set("aws:SourceOrgID", org);
    c.set_multi("aws:SourceOrgPaths", {org_path});
    c.set("aws:userid", root ? acct : user ? "AIDAOUTSIDER00000000X" : "AROAOUTSIDER00000000X:threegate");
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
  const std::vector<std::string> principals = outsider_principals(allow, partition, outsider, taken_);
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
