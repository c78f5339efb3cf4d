// Who is asking (parse_request_principal) and whether a statement's Principal names them.
#include <array>
#include <cassert>
#include <cstring>

#include "eval/eval_internal.hpp"

namespace threegate {

namespace {

// One whole symbol (symbol.hpp): an account or partition not known before apply.
bool is_symbol(std::string_view s) {
  return s.size() >= 3 && s.front() == kSymbolBegin && s.back() == kSymbolEnd &&
         s.find(kSymbolBegin, 1) == std::string_view::npos;
}

bool known_partition(std::string_view p) { return p == "aws" || p == "aws-cn" || p == "aws-us-gov" || is_symbol(p); }

std::string_view last_segment(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The parts of an IAM/STS principal ARN: arn:PARTITION:SERVICE::ACCOUNT:RESOURCE.
struct ArnParts {
  std::string_view partition, service, account, resource;
};

bool split_principal_arn(std::string_view arn, ArnParts& out) {
  std::array<std::string_view, 6> parts;
  size_t n = 0, start = 0;
  for (size_t i = 0; i < arn.size() && n < 5; ++i) {
    if (arn[i] != ':') continue;
    parts[n++] = arn.substr(start, i - start);
    start = i + 1;
  }
  if (n < 5) return false;
  parts[5] = arn.substr(start);
  if (parts[0] != "arn") return false;
  out = {parts[1], parts[2], parts[4], parts[5]};
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "'TEXT'" followed by `rest`, built by appending (GCC 12 warns, wrongly, on the operator+ chain).
std::string quoted(std::string_view text, std::string_view rest) {
  std::string out = "'";
  out += text;
  out += '\'';
  out += rest;
  return out;
}

}  // namespace

bool parse_request_principal(std::string_view text, RequestPrincipal& out, std::string& error) {
  out = RequestPrincipal{};
  if (text == "anonymous" || text == "*") {
    out.type = PrincipalType::Anonymous;
    out.arn = "anonymous";
    return true;
  }
  if (is_account_id(text)) {
    out.type = PrincipalType::Account;
    out.account = std::string(text);
    out.arn = "arn:aws:iam::" + out.account + ":root";
    return true;
  }
  if (!starts_with(text, "arn:")) {
    // Service principals: "secretsmanager.amazonaws.com" (also .amazonaws.com.cn).
    if (text.find('.') != std::string_view::npos && text.find(':') == std::string_view::npos &&
        text.find('/') == std::string_view::npos) {
      out.type = PrincipalType::Service;
      out.service = std::string(text);
      out.arn = out.service;
      out.partition = text.ends_with(".cn") ? "aws-cn" : "aws";
      return true;
    }
    error = quoted(text, " is not a principal: expected an arn, an account id, a service principal or anonymous");
    return false;
  }
  ArnParts a;
  if (!split_principal_arn(text, a)) {
    error = quoted(text, " is not a valid arn");
    return false;
  }
  if (!known_partition(a.partition)) {
    error = "unknown partition '" + std::string(a.partition) + "' in '" + std::string(text) + "'";
    return false;
  }
  if (!is_account_id(a.account)) {
    error = quoted(text, " has no 12-digit account id");
    return false;
  }
  out.arn = std::string(text);
  out.account = std::string(a.account);
  out.partition = std::string(a.partition);
  const std::string prefix = "arn:" + out.partition + ":iam::" + out.account + ":role/";
  if (a.service == "iam") {
    if (a.resource == "root") {
      out.type = PrincipalType::Account;
      return true;
    }
    if (starts_with(a.resource, "user/") && a.resource.size() > 5) {
      out.type = PrincipalType::User;
      out.name = std::string(last_segment(a.resource));
      return true;
    }
    if (starts_with(a.resource, "role/") && a.resource.size() > 5) {
      out.type = PrincipalType::Role;
      out.name = std::string(last_segment(a.resource));
      out.role_arn = out.arn;
      out.service_linked_role = starts_with(a.resource, "role/aws-service-role/");
      return true;
    }
  } else if (a.service == "sts") {
    if (starts_with(a.resource, "assumed-role/")) {
      const std::string_view rest = a.resource.substr(13);
      const size_t slash = rest.find('/');
      if (slash != std::string_view::npos && slash > 0 && slash + 1 < rest.size()) {
        out.type = PrincipalType::AssumedRole;
        const std::string_view role = rest.substr(0, slash);
        out.name = std::string(rest.substr(slash + 1));
        // A session ARN carries no role path; the role ARN is rebuilt without it.
        out.role_arn = prefix + std::string(role);
        // Service-linked role names always start with AWSServiceRoleFor (their path is not in
        // the session ARN).
        out.service_linked_role = starts_with(role, "AWSServiceRoleFor");
        return true;
      }
    }
    if (starts_with(a.resource, "federated-user/") && a.resource.size() > 15) {
      out.type = PrincipalType::FederatedUser;
      out.name = std::string(a.resource.substr(15));
      return true;
    }
  }
  error = quoted(text, " is not a user, role, session, federated user or account arn");
  out = RequestPrincipal{};
  return false;
}

namespace {

enum class Hit : uint8_t { None, Wildcard, Account, Role, Exact };

// Most entries are "arn:PARTITION:iam::ACCOUNT:..." or "arn:PARTITION:sts::ACCOUNT:...", and
// most name another account than the caller's: read that layout in place, so that such an entry
// is rejected after a few comparisons. Returns false when `value` has another layout (the
// general split then decides).
bool read_principal_arn_fast(std::string_view value, const RequestPrincipal& p, ArnParts& out, bool& other) {
  other = false;
  const char* v = value.data();
  const size_t plen = p.partition.size();
  const size_t service = 4 + plen + 1;  // "arn:" PARTITION ":"
  const size_t account = service + 5;   // SERVICE "::"
  if (value.size() < account + 13) return false;
  if (std::memcmp(v, "arn:", 4) != 0 || v[4 + plen] != ':') return false;
  for (size_t i = 0; i < plen; ++i)  // a few characters: cheaper than a call to memcmp
    if (v[4 + i] != p.partition[i]) return false;
  if (std::memcmp(v + service, "iam::", 5) != 0 && std::memcmp(v + service, "sts::", 5) != 0) return false;
  if (v[account + 12] != ':') return false;
  // The account segment is these 12 characters: none is a ':' if they equal the caller's account.
  if (std::memcmp(v + account, p.account.data(), 12) != 0) {
    other = true;
    return true;
  }
  out = {std::string_view(v + 4, plen), std::string_view(v + service, 3), std::string_view(v + account, 12),
         std::string_view(v + account + 13, value.size() - account - 13)};
  return true;
}

// How one "AWS" principal entry matches the caller.
Hit match_aws_entry(std::string_view value, const RequestPrincipal& p) {
  if (value == "*") return Hit::Wildcard;
  if (p.account.empty()) return Hit::None;  // services and anonymous have no account
  if (value.size() == 12 && is_account_id(value)) return value == p.account ? Hit::Account : Hit::None;
  ArnParts a;
  bool other = false;
  if (p.account.size() == 12 && read_principal_arn_fast(value, p, a, other)) {
    if (other) return Hit::None;
  } else {
    if (!split_principal_arn(value, a)) return Hit::None;  // unique ids (AROA…) name nothing
    if (a.partition != p.partition || a.account != p.account) return Hit::None;
  }
  if (a.service == "iam") {
    if (a.resource == "root") return Hit::Account;
    if (starts_with(a.resource, "role/")) {
      if (p.type != PrincipalType::Role && p.type != PrincipalType::AssumedRole) return Hit::None;
      return last_segment(a.resource) == last_segment(p.role_arn) ? Hit::Role : Hit::None;
    }
    if (starts_with(a.resource, "user/"))
      return p.type == PrincipalType::User && last_segment(a.resource) == p.name ? Hit::Exact : Hit::None;
    return Hit::None;
  }
  if (a.service == "sts") {
    if (p.type != PrincipalType::AssumedRole && p.type != PrincipalType::FederatedUser) return Hit::None;
    return value == p.arn ? Hit::Exact : Hit::None;
  }
  return Hit::None;
}

Hit match_entry(const PrincipalRef& ref, const RequestPrincipal& p) {
  switch (ref.kind) {
    case PrincipalKind::Any: return Hit::Wildcard;
    case PrincipalKind::Aws: return match_aws_entry(ref.value, p);
    case PrincipalKind::Service:
      return p.type == PrincipalType::Service && ref.value == p.service ? Hit::Exact : Hit::None;
    case PrincipalKind::Federated:
    case PrincipalKind::CanonicalUser: return !p.arn.empty() && ref.value == p.arn ? Hit::Exact : Hit::None;
  }
  return Hit::None;
}

// Equality of short strings (account ids, partitions) without a call to memcmp.
inline bool short_equal(const std::string& a, const std::string& b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n == 12) return std::memcmp(a.data(), b.data(), 12) == 0;  // an account id: inlined
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// The same for an entry compiled by the parser (CompiledPrincipal): the entry's parts were split
// once, so only the comparisons with the caller remain.
Hit match_compiled(const PrincipalRef& ref, const CompiledPrincipal& c, const RequestPrincipal& p) {
  using K = CompiledPrincipal;
  switch (c.kind) {
    case K::ByValue: return match_entry(ref, p);
    case K::Wildcard: return Hit::Wildcard;
    case K::NoMatch: return Hit::None;
    case K::AccountId: return !p.account.empty() && short_equal(c.account, p.account) ? Hit::Account : Hit::None;
    default: break;
  }
  if (p.account.empty() || !short_equal(c.account, p.account) || !short_equal(c.partition, p.partition))
    return Hit::None;
  switch (c.kind) {
    case K::IamRoot: return Hit::Account;
    case K::IamRole:
      if (p.type != PrincipalType::Role && p.type != PrincipalType::AssumedRole) return Hit::None;
      return c.name == last_segment(p.role_arn) ? Hit::Role : Hit::None;
    case K::IamUser: return p.type == PrincipalType::User && c.name == p.name ? Hit::Exact : Hit::None;
    case K::Sts:
      if (p.type != PrincipalType::AssumedRole && p.type != PrincipalType::FederatedUser) return Hit::None;
      return ref.value == p.arn ? Hit::Exact : Hit::None;
    default: return Hit::None;
  }
}

// Strength for choosing among entries: a direct grant outranks delegation to the account.
int rank(Hit h) {
  switch (h) {
    case Hit::None: return 0;
    case Hit::Account: return 1;
    case Hit::Wildcard: return 2;
    case Hit::Role: return 3;
    case Hit::Exact: return 4;
  }
  return 0;
}

PrincipalMatch to_match(Hit h) {
  switch (h) {
    case Hit::None: return PrincipalMatch::None;
    case Hit::Wildcard: return PrincipalMatch::Wildcard;
    case Hit::Account: return PrincipalMatch::Account;
    case Hit::Role: return PrincipalMatch::Role;
    case Hit::Exact: return PrincipalMatch::Exact;
  }
  return PrincipalMatch::None;
}

}  // namespace

namespace {

// match_aws_entry in three values, for an entry or a caller holding symbols: each comparison
// that decides (partition, account, name) is made by symbolic_equal.
Hit match_aws_entry_symbolic(std::string_view value, const RequestPrincipal& p, Tri& t, eval_detail::KeySink* sink) {
  using eval_detail::symbolic_equal;
  t = Tri::True;
  if (value == "*") return Hit::Wildcard;
  if (p.account.empty()) return Hit::None;
  if (value.find(':') == std::string_view::npos) {  // a bare account id, or a symbol standing for one
    t = symbolic_equal(value, p.account, false, sink);
    return t == Tri::False ? Hit::None : Hit::Account;
  }
  ArnParts a;
  if (!split_principal_arn(value, a)) return Hit::None;
  t = eval_detail::tri_and(symbolic_equal(a.partition, p.partition, false, sink),
                           symbolic_equal(a.account, p.account, false, sink));
  if (t == Tri::False) return Hit::None;
  Hit h = Hit::None;
  if (a.service == "iam") {
    if (a.resource == "root") {
      h = Hit::Account;
    } else if (starts_with(a.resource, "role/")) {
      if (p.type != PrincipalType::Role && p.type != PrincipalType::AssumedRole) return Hit::None;
      t = eval_detail::tri_and(t, symbolic_equal(last_segment(a.resource), last_segment(p.role_arn), false, sink));
      h = Hit::Role;
    } else if (starts_with(a.resource, "user/")) {
      if (p.type != PrincipalType::User) return Hit::None;
      t = eval_detail::tri_and(t, symbolic_equal(last_segment(a.resource), p.name, false, sink));
      h = Hit::Exact;
    }
  } else if (a.service == "sts") {
    if (p.type != PrincipalType::AssumedRole && p.type != PrincipalType::FederatedUser) return Hit::None;
    t = symbolic_equal(value, p.arn, false, sink);
    h = Hit::Exact;
  }
  return t == Tri::False ? Hit::None : h;
}

Hit match_entry_symbolic(const PrincipalRef& ref, const RequestPrincipal& p, Tri& t, eval_detail::KeySink* sink) {
  t = Tri::True;
  switch (ref.kind) {
    case PrincipalKind::Any: return Hit::Wildcard;
    case PrincipalKind::Aws: return match_aws_entry_symbolic(ref.value, p, t, sink);
    case PrincipalKind::Service:
      if (p.type != PrincipalType::Service) return Hit::None;
      t = eval_detail::symbolic_equal(ref.value, p.service, false, sink);
      return t == Tri::False ? Hit::None : Hit::Exact;
    case PrincipalKind::Federated:
    case PrincipalKind::CanonicalUser:
      if (p.arn.empty()) return Hit::None;
      t = eval_detail::symbolic_equal(ref.value, p.arn, false, sink);
      return t == Tri::False ? Hit::None : Hit::Exact;
  }
  return Hit::None;
}

}  // namespace

PrincipalMatch eval_detail::match_principal_symbolic(const Statement& statement, const RequestPrincipal& principal,
                                                     Tri& certainty, KeySink* sink) {
  certainty = Tri::True;
  if (statement.principal_field == PrincipalField::None) return PrincipalMatch::None;
  if (statement.principal_field == PrincipalField::Principal) {
    // A certain match wins; otherwise the strongest possible one, Unknown.
    Hit sure = Hit::None, maybe = Hit::None;
    for (const PrincipalRef& ref : statement.principals) {
      Tri t;
      const Hit h = match_entry_symbolic(ref, principal, t, sink);
      if (t == Tri::True && rank(h) > rank(sure)) sure = h;
      if (t == Tri::Unknown && rank(h) > rank(maybe)) maybe = h;
    }
    if (sure != Hit::None) return to_match(sure);
    certainty = maybe == Hit::None ? Tri::False : Tri::Unknown;
    return to_match(maybe);
  }
  // NotPrincipal: as match_principal, Unknown when an entry that could exclude the caller may
  // or may not name it.
  Tri wildcard = Tri::False, account = Tri::False, identity = Tri::False;
  for (const PrincipalRef& ref : statement.principals) {
    Tri t;
    switch (match_entry_symbolic(ref, principal, t, sink)) {
      case Hit::Wildcard: wildcard = eval_detail::tri_or(wildcard, t); break;
      case Hit::Account: account = eval_detail::tri_or(account, t); break;
      case Hit::Role:
      case Hit::Exact: identity = eval_detail::tri_or(identity, t); break;
      case Hit::None: break;
    }
  }
  Tri excluded = wildcard;
  if (excluded != Tri::True) {
    Tri rest;
    if (principal.account.empty()) rest = identity;
    else if (principal.type == PrincipalType::Account) rest = account;
    else rest = eval_detail::tri_and(account, identity);
    excluded = eval_detail::tri_or(excluded, rest);
  }
  if (excluded == Tri::True) return PrincipalMatch::None;
  certainty = eval_detail::tri_not(excluded);
  return PrincipalMatch::Wildcard;
}

PrincipalMatch match_principal(const Statement& statement, const RequestPrincipal& principal) {
  if (statement.principal_field == PrincipalField::None) return PrincipalMatch::None;
  const size_t n = statement.principals.size();
  const bool compiled = statement.compiled;
  assert(!compiled || statement.principal_patterns.size() == n);
  auto entry = [&](size_t i) {
    return compiled ? match_compiled(statement.principals[i], statement.principal_patterns[i], principal)
                    : match_entry(statement.principals[i], principal);
  };
  if (statement.principal_field == PrincipalField::Principal) {
    Hit best = Hit::None;
    for (size_t i = 0; i < n; ++i) {
      const Hit h = entry(i);
      if (rank(h) > rank(best)) best = h;
      if (best == Hit::Exact) break;  // the highest rank
    }
    return to_match(best);
  }
  // NotPrincipal: AWS checks the account, then the role, then the session, so a caller is
  // excluded only when its account and its own identity are both listed
  // (reference_policies_elements_notprincipal). Callers without an account: any entry.
  bool wildcard = false, account = false, identity = false;
  for (size_t i = 0; i < n; ++i) {
    switch (entry(i)) {
      case Hit::Wildcard: wildcard = true; break;
      case Hit::Account: account = true; break;
      case Hit::Role:
      case Hit::Exact: identity = true; break;
      case Hit::None: break;
    }
  }
  bool excluded = wildcard;
  if (!excluded) {
    if (principal.account.empty()) excluded = identity;
    else if (principal.type == PrincipalType::Account) excluded = account;
    else excluded = account && identity;
  }
  return excluded ? PrincipalMatch::None : PrincipalMatch::Wildcard;
}

}  // namespace threegate
