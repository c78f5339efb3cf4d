// The request context: keys stored lowercase (condition keys are case-insensitive), and the
// keys AWS adds to every request.
#include "eval/eval_internal.hpp"

namespace threegate {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = eval_detail::ascii_lower(c);
  return out;
}

}  // namespace

void RequestContext::set(std::string_view key, std::string value) {
  ContextValue v;
  v.values.push_back(std::move(value));
  std::string k = lower(key);
  for (auto& [name, existing] : entries_) {
    if (name == k) {
      existing = std::move(v);
      return;
    }
  }
  entries_.emplace_back(std::move(k), std::move(v));
}

void RequestContext::set_multi(std::string_view key, std::vector<std::string> values) {
  ContextValue v;
  v.values = std::move(values);
  v.multi = true;
  std::string k = lower(key);
  for (auto& [name, existing] : entries_) {
    if (name == k) {
      existing = std::move(v);
      return;
    }
  }
  entries_.emplace_back(std::move(k), std::move(v));
}

void RequestContext::set_unknown(std::string_view key) {
  ContextValue v;
  v.unknown = true;
  std::string k = lower(key);
  for (auto& [name, existing] : entries_) {
    if (name == k) {
      existing = std::move(v);
      return;
    }
  }
  entries_.emplace_back(std::move(k), std::move(v));
}

void RequestContext::erase(std::string_view key) {
  const std::string k = lower(key);
  std::erase_if(entries_, [&](const auto& e) { return e.first == k; });
}

const ContextValue* RequestContext::find(std::string_view key_lower) const {
  for (const auto& [name, value] : entries_)
    if (name == key_lower) return &value;
  return nullptr;
}

bool RequestContext::absent_key_unknown(std::string_view key_lower) const {
  if (!absent_is_unknown) return false;
  for (const auto& prefix : known_prefixes)
    if (key_lower.substr(0, prefix.size()) == prefix) return false;
  return true;
}

namespace {

void set_if_absent(RequestContext& ctx, std::string_view key_lower, std::string value) {
  if (!ctx.find(key_lower)) ctx.set(key_lower, std::move(value));
}

const char* principal_type_value(PrincipalType t) {
  switch (t) {
    case PrincipalType::User: return "User";
    case PrincipalType::Role:  // a role acts only through sessions
    case PrincipalType::AssumedRole: return "AssumedRole";
    case PrincipalType::FederatedUser: return "FederatedUser";
    case PrincipalType::Account: return "Account";
    case PrincipalType::Anonymous: return "Anonymous";
    case PrincipalType::Service:
    case PrincipalType::Other: return nullptr;
  }
  return nullptr;
}

}  // namespace

// Only keys whose value follows from the request are added: unique ids (aws:userid of users
// and roles) and tags are not known here, so they stay absent (or unknown in static analysis).
void add_implicit_context(Request& request) {
  const RequestPrincipal& p = request.principal;
  RequestContext& ctx = request.context;
  const bool iam = p.type != PrincipalType::Service && p.type != PrincipalType::Anonymous;
  if (iam) {
    const std::string& arn = p.type == PrincipalType::AssumedRole && !p.role_arn.empty() ? p.role_arn : p.arn;
    if (!arn.empty()) set_if_absent(ctx, "aws:principalarn", arn);
    if (!p.account.empty()) set_if_absent(ctx, "aws:principalaccount", p.account);
  }
  if (const char* type = principal_type_value(p.type)) set_if_absent(ctx, "aws:principaltype", type);
  if (p.type == PrincipalType::User && !p.name.empty()) set_if_absent(ctx, "aws:username", p.name);
  if (p.type == PrincipalType::Account && !p.account.empty()) set_if_absent(ctx, "aws:userid", p.account);
  if (p.type == PrincipalType::Anonymous) set_if_absent(ctx, "aws:userid", "anonymous");
  if (p.type == PrincipalType::Service && !p.service.empty())
    set_if_absent(ctx, "aws:principalservicename", p.service);
  if (p.type != PrincipalType::Anonymous)
    set_if_absent(ctx, "aws:principalisawsservice", p.type == PrincipalType::Service ? "true" : "false");
  const std::string_view action = request.action;
  if (action.size() > 4 && eval_detail::iequals(action.substr(0, 4), "kms:") && !p.account.empty())
    set_if_absent(ctx, "kms:calleraccount", p.account);
  if (!request.resource_account.empty()) set_if_absent(ctx, "aws:resourceaccount", request.resource_account);
}

}  // namespace threegate
