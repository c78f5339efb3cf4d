// The request context: keys stored lowercase (condition keys are case-insensitive), and the
// keys AWS adds to every request.
#include <bit>
#include <cstring>

#include "eval/eval_internal.hpp"

namespace threegate {

namespace {

// `stored` is lowercase; `key` may be in any case. Eight bytes at a time.
bool same_key(std::string_view stored, std::string_view key) {
  using namespace key_hash_detail;
  const size_t n = key.size();
  if (stored.size() != n) return false;
  if (n < 8) {
    for (size_t i = 0; i < n; ++i)
      if (stored[i] != eval_detail::ascii_lower(key[i])) return false;
    return true;
  }
  for (size_t i = 0;; i += 8) {
    if (i + 8 > n) i = n - 8;  // the last word overlaps bytes already found equal
    if (word8(stored.data() + i) != lower8(word8(key.data() + i))) return false;
    if (i + 8 == n) return true;
  }
}

// context_key_hash with word loads: the tail of a key of 8 bytes or more is read as the last
// word shifted down (the same value as load8 of the tail).
uint32_t key_hash(std::string_view key) {
  using namespace key_hash_detail;
  const size_t n = key.size();
  if (n < 8) return context_key_hash(key);
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) h = (h ^ lower8(word8(key.data() + i))) * 0xff51afd7ed558ccdULL;
  if (i < n) h = (h ^ lower8(word8(key.data() + n - 8) >> (8 * (8 - (n - i))))) * 0xff51afd7ed558ccdULL;
  h ^= h >> 29;
  return static_cast<uint32_t>(h ^ (h >> 32));
}

}  // namespace

// The entry for `key`, created if needed from a cleared entry's storage. Its value is left as
// it was: every caller overwrites all of it.
ContextValue& RequestContext::slot(std::string_view key) {
  const uint32_t hash = key_hash(key);
  for (size_t i = 0; i < hashes_.size(); ++i)
    if (hashes_[i] == hash && same_key(entries_[i].first, key)) return entries_[i].second;
  if (spare_.empty()) entries_.emplace_back();
  else {
    entries_.push_back(std::move(spare_.back()));
    spare_.pop_back();
  }
  hashes_.push_back(hash);
  bloom_ |= uint64_t{1} << (hash & 63);
  std::string& name = entries_.back().first;
  name.assign(key);
  eval_detail::copy_lower(name.data(), name.data(), name.size());
  return entries_.back().second;
}

void RequestContext::set(std::string_view key, std::string value) {
  ContextValue& v = slot(key);
  v.values.resize(1);
  v.values[0] = std::move(value);
  v.multi = false;
  v.unknown = false;
  v.symbolic = has_symbol(v.values[0]);
}

void RequestContext::assign(std::string_view key, std::string_view value) {
  ContextValue& v = slot(key);
  v.values.resize(1);
  v.values[0].assign(value);
  v.multi = false;
  v.unknown = false;
  v.symbolic = has_symbol(value);
}

void RequestContext::set_multi(std::string_view key, std::vector<std::string> values) {
  ContextValue& v = slot(key);
  v.values = std::move(values);
  v.multi = true;
  v.unknown = false;
  v.symbolic = false;
  for (const auto& x : v.values) v.symbolic = v.symbolic || has_symbol(x);
}

void RequestContext::assign_multi(std::string_view key, std::initializer_list<std::string_view> values) {
  ContextValue& v = slot(key);
  v.values.resize(values.size());
  size_t i = 0;
  v.symbolic = false;
  for (std::string_view value : values) {
    v.values[i++].assign(value);
    v.symbolic = v.symbolic || has_symbol(value);
  }
  v.multi = true;
  v.unknown = false;
}

void RequestContext::set_unknown(std::string_view key) {
  ContextValue& v = slot(key);
  v.values.clear();
  v.multi = false;
  v.unknown = true;
  v.symbolic = false;
}

void RequestContext::erase(std::string_view key) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!same_key(entries_[i].first, key)) continue;
    spare_.push_back(std::move(entries_[i]));
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));  // keeps the order
    hashes_.erase(hashes_.begin() + static_cast<std::ptrdiff_t>(i));
    bloom_ = 0;
    for (uint32_t h : hashes_) bloom_ |= uint64_t{1} << (h & 63);
    return;
  }
}

// In reverse, so that refilling the keys in the same order (the usual per-request set-up) gives
// each key the storage it had, already large enough.
void RequestContext::clear_values() {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) spare_.push_back(std::move(*it));
  entries_.clear();
  hashes_.clear();
  bloom_ = 0;
}

const ContextValue* RequestContext::find(std::string_view key_lower) const {
  return find(key_lower, key_hash(key_lower));
}

// Keys share prefixes ("aws:", "kms:") and often their length: the hashes, kept apart from the
// entries, tell them apart in one comparison each.
const ContextValue* RequestContext::find(std::string_view key_lower, uint32_t hash) const {
  const uint64_t bit = uint64_t{1} << (hash & 63);
  for (const RequestContext* c = this; c; c = c->parent) {
    if (!(c->bloom_ & bit)) continue;
    const uint32_t* h = c->hashes_.data();
    const size_t n = c->hashes_.size();
    for (size_t i = 0; i < n; ++i)
      if (h[i] == hash) {
        const std::string& name = c->entries_[i].first;
        if (name.size() == key_lower.size() && eval_detail::same_bytes(name.data(), key_lower.data(), name.size()))
          return &c->entries_[i].second;
      }
  }
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
