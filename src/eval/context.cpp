// The request context: keys stored lowercase (condition keys are case-insensitive), and the
// keys AWS adds to every request.
#include "eval/eval_internal.hpp"

namespace threegate {

namespace {

// `stored` is lowercase; `key` may be in any case.
bool same_key(std::string_view stored, std::string_view key) {
  if (stored.size() != key.size()) return false;
  for (size_t i = 0; i < key.size(); ++i)
    if (stored[i] != eval_detail::ascii_lower(key[i])) return false;
  return true;
}

}  // namespace

// The entry for `key`, created if needed from a cleared entry's storage. Its value is left as
// it was: every caller overwrites all of it.
ContextValue& RequestContext::slot(std::string_view key) {
  for (auto& [name, value] : entries_)
    if (same_key(name, key)) return value;
  if (spare_.empty()) entries_.emplace_back();
  else {
    entries_.push_back(std::move(spare_.back()));
    spare_.pop_back();
  }
  std::string& name = entries_.back().first;
  name.assign(key);
  for (char& c : name) c = eval_detail::ascii_lower(c);
  return entries_.back().second;
}

void RequestContext::set(std::string_view key, std::string value) {
  ContextValue& v = slot(key);
  v.values.resize(1);
  v.values[0] = std::move(value);
  v.multi = false;
  v.unknown = false;
}

void RequestContext::assign(std::string_view key, std::string_view value) {
  ContextValue& v = slot(key);
  v.values.resize(1);
  v.values[0].assign(value);
  v.multi = false;
  v.unknown = false;
}

void RequestContext::set_multi(std::string_view key, std::vector<std::string> values) {
  ContextValue& v = slot(key);
  v.values = std::move(values);
  v.multi = true;
  v.unknown = false;
}

void RequestContext::assign_multi(std::string_view key, std::initializer_list<std::string_view> values) {
  ContextValue& v = slot(key);
  v.values.resize(values.size());
  size_t i = 0;
  for (std::string_view value : values) v.values[i++].assign(value);
  v.multi = true;
  v.unknown = false;
}

void RequestContext::set_unknown(std::string_view key) {
  ContextValue& v = slot(key);
  v.values.clear();
  v.multi = false;
  v.unknown = true;
}

void RequestContext::erase(std::string_view key) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!same_key(entries_[i].first, key)) continue;
    spare_.push_back(std::move(entries_[i]));
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));  // keeps the order
    return;
  }
}

// In reverse, so that refilling the keys in the same order (the usual per-request set-up) gives
// each key the storage it had, already large enough.
void RequestContext::clear_values() {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) spare_.push_back(std::move(*it));
  entries_.clear();
}

const ContextValue* RequestContext::find(std::string_view key_lower) const {
  const size_t n = key_lower.size();
  // Keys share prefixes ("aws:", "kms:") but rarely their last character: test it first.
  const char last = n ? key_lower[n - 1] : '\0';
  for (const RequestContext* c = this; c; c = c->parent)
    for (const auto& [name, value] : c->entries_)
      if (name.size() == n && (n == 0 || name[n - 1] == last) && name == key_lower) return &value;
  return nullptr;
}

bool RequestContext::absent_key_unknown(std::string_view key_lower) const {
  if (!absent_is_unknown) return false;
  for (const auto& prefix : known_prefixes)
    if (key_lower.substr(0, prefix.size()) == prefix) return false;
  return true;
}

namespace {

// Looks through the parents too: a key the caller set anywhere in the chain is left alone.
void set_if_absent(RequestContext& ctx, std::string_view key_lower, std::string_view value) {
  if (!ctx.find(key_lower)) ctx.assign(key_lower, value);
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
