// Who is asking (parse_request_principal) and whether a statement's Principal names them.
#include <array>

#include "eval/eval_internal.hpp"

namespace threegate {

namespace {

bool is_account_id(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool known_partition(std::string_view p) { return p == "aws" || p == "aws-cn" || p == "aws-us-gov"; }

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
  while (n < 5) {
    const size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return false;
    parts[n++] = arn.substr(start, colon - start);
    start = colon + 1;
  }
  parts[5] = arn.substr(start);
  if (parts[0] != "arn") return false;
  out = {parts[1], parts[2], parts[4], parts[5]};
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

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
    error = "'" + std::string(text) + "' is not a principal: expected an arn, an account id, a service principal or anonymous";
    return false;
  }
  ArnParts a;
  if (!split_principal_arn(text, a)) {
    error = "'" + std::string(text) + "' is not a valid arn";
    return false;
  }
  if (!known_partition(a.partition)) {
    error = "unknown partition '" + std::string(a.partition) + "' in '" + std::string(text) + "'";
    return false;
  }
  if (!is_account_id(a.account)) {
    error = "'" + std::string(text) + "' has no 12-digit account id";
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
  error = "'" + std::string(text) + "' is not a user, role, session, federated user or account arn";
  out = RequestPrincipal{};
  return false;
}

namespace {

enum class Hit : uint8_t { None, Wildcard, Account, Role, Exact };

// How one "AWS" principal entry matches the caller.
Hit match_aws_entry(std::string_view value, const RequestPrincipal& p) {
  if (value == "*") return Hit::Wildcard;
  if (p.account.empty()) return Hit::None;  // services and anonymous have no account
  if (is_account_id(value)) return value == p.account ? Hit::Account : Hit::None;
  ArnParts a;
  if (!split_principal_arn(value, a)) return Hit::None;  // unique ids (AROA…) name nothing
  if (a.partition != p.partition || a.account != p.account) return Hit::None;
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

PrincipalMatch match_principal(const Statement& statement, const RequestPrincipal& principal) {
  if (statement.principal_field == PrincipalField::None) return PrincipalMatch::None;
  if (statement.principal_field == PrincipalField::Principal) {
    Hit best = Hit::None;
    for (const auto& ref : statement.principals) {
      const Hit h = match_entry(ref, principal);
      if (rank(h) > rank(best)) best = h;
    }
    return to_match(best);
  }
  // NotPrincipal: AWS checks the account, then the role, then the session, so a caller is
  // excluded only when its account and its own identity are both listed
  // (reference_policies_elements_notprincipal). Callers without an account: any entry.
  bool wildcard = false, account = false, identity = false;
  for (const auto& ref : statement.principals) {
    switch (match_entry(ref, principal)) {
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
