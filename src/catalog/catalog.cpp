// Lookups over the generated tables (catalog_data.cpp). Every table is sorted by lowercase name,
// so a lookup is a binary search with a case-insensitive comparison; nothing is built at start-up.
#include "threegate/catalog.hpp"

#include <algorithm>
#include <cstring>

#include "catalog/catalog_data.hpp"

namespace threegate::catalog {
namespace {

using namespace catalog_data;

std::string_view S(uint32_t offset) { return std::string_view(kStrings + offset); }

char low(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive three-way comparison.
int icompare(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const char x = low(a[i]), y = low(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && icompare(a, b) == 0; }

// Index in [begin, end) of the row whose name equals `name` (any case), or `end`.
template <class Row>
uint32_t search(const Row* rows, uint32_t begin, uint32_t end, std::string_view name, uint32_t Row::*field) {
  uint32_t lo = begin, hi = end;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    const int c = icompare(S(rows[mid].*field), name);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return end;
}

ConditionKey key_at(uint32_t i) { return ConditionKey{S(kKeys[i].name), static_cast<KeyType>(kKeys[i].type), false, i}; }

// Case-insensitive glob ('*' any run, '?' one character).
bool glob(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || low(p[pi]) == low(s[si]))) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (low(a[i - 1]) == low(b[j - 1]) ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Suggestions must be close: at most a third of the name, and at least one edit is allowed.
bool close_enough(size_t distance, std::string_view name) { return distance <= std::max<size_t>(1, name.size() / 3); }

std::optional<ConditionKey> key_in_range(uint32_t begin, uint32_t end, std::string_view key, const KeyRow* rows,
                                         bool global) {
  const uint32_t i = search(rows, begin, end, key, &KeyRow::name);
  auto make = [&](uint32_t k) {
    return ConditionKey{S(rows[k].name), static_cast<KeyType>(rows[k].type), global, k};
  };
  if (i != end) return make(i);
  for (uint32_t k = begin; k < end; ++k) {
    const std::string_view name = S(rows[k].name);
    if (name.find("${") != std::string_view::npos && key_pattern_matches(name, key)) return make(k);
  }
  return std::nullopt;
}

}  // namespace

CatalogInfo info() { return CatalogInfo{kPackageName, kPackageVersion, kPackageIntegrity, kPackageShasum, kDataDate}; }

std::string version_line() {
  return std::string("AWS service catalog ") + kDataDate + " (" + kPackageName + " " + kPackageVersion + ")";
}

const char* key_type_name(KeyType type) {
  static const char* const kNames[] = {"String", "ArrayOfString", "ARN",  "ArrayOfARN",  "Numeric",   "ArrayOfNumeric",
                                       "Date",   "ArrayOfDate",   "Bool", "ArrayOfBool", "IPAddress", "ArrayOfIPAddress",
                                       "Binary", "ArrayOfBinary"};
  return kNames[static_cast<size_t>(type)];
}
bool is_multivalued(KeyType type) { return static_cast<uint8_t>(type) % 2 == 1; }
KeyType scalar_type(KeyType type) { return static_cast<KeyType>(static_cast<uint8_t>(type) & ~1u); }

const char* access_level_name(AccessLevel level) {
  static const char* const kNames[] = {"List", "Read", "Write", "Permissions management", "Tagging"};
  return kNames[static_cast<size_t>(level)];
}

// ---- resource types -----------------------------------------------------------------------------

std::string_view ResourceType::name() const { return S(kResourceTypes[index].name); }
std::string_view ResourceType::arn_format() const { return S(kResourceTypes[index].arn); }
std::vector<ConditionKey> ResourceType::condition_keys() const {
  std::vector<ConditionKey> out;
  for (uint32_t k = kResourceTypes[index].keys_begin; k < kResourceTypes[index].keys_end; ++k)
    out.push_back(key_at(kResourceTypeKeys[k]));
  return out;
}

// ---- actions -------------------------------------------------------------------------------------

Service Action::service() const {
  // Services hold contiguous ranges of actions: the last service starting at or before this one.
  uint32_t lo = 0, hi = kServicesCount;
  while (hi - lo > 1) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (kServices[mid].actions_begin <= index) lo = mid;
    else hi = mid;
  }
  while (lo + 1 < kServicesCount && kServices[lo].actions_end <= index) ++lo;  // services without actions
  return Service{lo};
}
std::string_view Action::name() const { return S(kActions[index].name); }
std::string Action::full_name() const { return std::string(service().prefix()) + ":" + std::string(name()); }
AccessLevel Action::access_level() const { return static_cast<AccessLevel>(kActions[index].access_level); }
size_t Action::resource_type_count() const { return kActions[index].rtypes_end - kActions[index].rtypes_begin; }
ResourceType Action::resource_type(size_t i) const {
  return ResourceType{kActionResourceTypes[kActions[index].rtypes_begin + i] / 2};
}
bool Action::resource_type_required(size_t i) const {
  return (kActionResourceTypes[kActions[index].rtypes_begin + i] & 1) != 0;
}
std::vector<ConditionKey> Action::condition_keys() const {
  std::vector<ConditionKey> out;
  for (uint32_t k = kActions[index].keys_begin; k < kActions[index].keys_end; ++k) out.push_back(key_at(kActionKeys[k]));
  return out;
}
bool Action::supports_key(std::string_view key) const {
  auto fits = [&](uint32_t k) {
    const std::string_view name = S(kKeys[k].name);
    return iequals(name, key) || (name.find("${") != std::string_view::npos && key_pattern_matches(name, key));
  };
  for (uint32_t k = kActions[index].keys_begin; k < kActions[index].keys_end; ++k)
    if (fits(kActionKeys[k])) return true;
  // The keys of the resource types it acts on ("ec2:Vpc" of a vpc) come with the resource.
  for (uint32_t r = kActions[index].rtypes_begin; r < kActions[index].rtypes_end; ++r) {
    const ResourceTypeRow& t = kResourceTypes[kActionResourceTypes[r] / 2];
    for (uint32_t k = t.keys_begin; k < t.keys_end; ++k)
      if (fits(kResourceTypeKeys[k])) return true;
  }
  return false;
}

// ---- services ------------------------------------------------------------------------------------

std::string_view Service::prefix() const { return S(kServices[index].prefix); }
std::string_view Service::name() const { return S(kServices[index].name); }
size_t Service::action_count() const { return kServices[index].actions_end - kServices[index].actions_begin; }
Action Service::action(size_t i) const { return Action{static_cast<uint32_t>(kServices[index].actions_begin + i)}; }
std::optional<ResourceType> Service::resource_type(std::string_view name) const {
  const ServiceRow& s = kServices[index];
  const uint32_t i = search(kResourceTypes, s.rtypes_begin, s.rtypes_end, name, &ResourceTypeRow::name);
  if (i == s.rtypes_end) return std::nullopt;
  return ResourceType{i};
}
std::vector<ResourceType> Service::resource_types() const {
  std::vector<ResourceType> out;
  for (uint32_t i = kServices[index].rtypes_begin; i < kServices[index].rtypes_end; ++i) out.push_back(ResourceType{i});
  return out;
}
std::optional<ConditionKey> Service::condition_key(std::string_view key) const {
  return key_in_range(kServices[index].keys_begin, kServices[index].keys_end, key, kKeys, false);
}

std::optional<Service> find_service(std::string_view prefix) {
  const uint32_t i = search(kServices, 0, kServicesCount, prefix, &ServiceRow::prefix);
  if (i == kServicesCount) return std::nullopt;
  return Service{i};
}
size_t service_count() { return kServicesCount; }
Service service_at(size_t i) { return Service{static_cast<uint32_t>(i)}; }

std::optional<Action> find_action(std::string_view prefix, std::string_view name) {
  const auto service = find_service(prefix);
  if (!service) return std::nullopt;
  const ServiceRow& s = kServices[service->index];
  const uint32_t i = search(kActions, s.actions_begin, s.actions_end, name, &ActionRow::name);
  if (i == s.actions_end) return std::nullopt;
  return Action{i};
}

std::optional<Action> find_action(std::string_view service_colon_name) {
  const size_t colon = service_colon_name.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return find_action(service_colon_name.substr(0, colon), service_colon_name.substr(colon + 1));
}

std::vector<Action> match_actions(std::string_view pattern) {
  std::vector<Action> out;
  const size_t colon = pattern.find(':');
  if (colon == std::string_view::npos) {
    if (!glob(pattern, "x:y")) return out;  // only "*"-like patterns name actions without a colon
    for (uint32_t a = 0; a < kActionsCount; ++a) out.push_back(Action{a});
    return out;
  }
  const std::string_view svc = pattern.substr(0, colon), name = pattern.substr(colon + 1);
  const bool svc_wild = svc.find_first_of("*?") != std::string_view::npos;
  const bool name_wild = name.find_first_of("*?") != std::string_view::npos;
  for (uint32_t s = 0; s < kServicesCount; ++s) {
    if (svc_wild ? !glob(svc, S(kServices[s].prefix)) : !iequals(svc, S(kServices[s].prefix))) continue;
    if (!name_wild) {
      const uint32_t i = search(kActions, kServices[s].actions_begin, kServices[s].actions_end, name, &ActionRow::name);
      if (i != kServices[s].actions_end) out.push_back(Action{i});
      continue;
    }
    for (uint32_t a = kServices[s].actions_begin; a < kServices[s].actions_end; ++a)
      if (glob(name, S(kActions[a].name))) out.push_back(Action{a});
  }
  return out;
}

std::optional<ConditionKey> find_condition_key(std::string_view key) {
  if (auto g = key_in_range(0, kGlobalKeysCount, key, kGlobalKeys, true)) return g;
  const size_t colon = key.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view prefix = key.substr(0, colon);
  if (auto service = find_service(prefix)) return service->condition_key(key);
  // A prefix that names no service, such as an identity provider's ("accounts.google.com:aud").
  for (uint32_t i = 0; i < kKeyPrefixAliasesCount; ++i) {
    if (!iequals(S(kKeyPrefixAliases[i].prefix), prefix)) continue;
    if (auto k = Service{kKeyPrefixAliases[i].service}.condition_key(key)) return k;
  }
  return std::nullopt;
}

std::optional<std::string> suggest_service(std::string_view prefix) {
  size_t best = SIZE_MAX;
  std::string_view found;
  for (uint32_t s = 0; s < kServicesCount; ++s) {
    const size_t d = edit_distance(prefix, S(kServices[s].prefix));
    if (d < best) {
      best = d;
      found = S(kServices[s].prefix);
    }
  }
  if (found.empty() || !close_enough(best, prefix)) return std::nullopt;
  return std::string(found);
}

std::optional<std::string> suggest_action(const Service& service, std::string_view name) {
  size_t best = SIZE_MAX;
  std::string_view found;
  const ServiceRow& s = kServices[service.index];
  for (uint32_t a = s.actions_begin; a < s.actions_end; ++a) {
    const size_t d = edit_distance(name, S(kActions[a].name));
    if (d < best) {
      best = d;
      found = S(kActions[a].name);
    }
  }
  if (found.empty() || !close_enough(best, name)) return std::nullopt;
  return std::string(service.prefix()) + ":" + std::string(found);
}

bool key_pattern_matches(std::string_view pattern, std::string_view text) {
  // "${…}" becomes a run of one or more characters; the rest is compared case-insensitively.
  size_t pi = 0, ti = 0;
  while (pi < pattern.size()) {
    if (pattern.compare(pi, 2, "${") == 0) {
      const size_t close = pattern.find('}', pi);
      if (close == std::string_view::npos) return false;
      const std::string_view rest = pattern.substr(close + 1);
      if (rest.empty()) return text.size() > ti;
      for (size_t t = ti + 1; t <= text.size(); ++t)
        if (key_pattern_matches(rest, text.substr(t))) return true;
      return false;
    }
    if (ti >= text.size() || low(pattern[pi]) != low(text[ti])) return false;
    ++pi;
    ++ti;
  }
  return ti == text.size();
}

// ---- ARN formats against Resource entries --------------------------------------------------------

namespace {

// A token of either side. Format variables ("${KeyId}") match any run of characters except the
// separator that follows them (a bucket name holds no '/', a log group name no ':'); the last one
// matches anything (key paths, role paths). Policy wildcards and variables match anything.
struct Token {
  enum Kind : uint8_t { Lit, Var, One } kind;
  char c;  // Lit: the character; Var: the character it excludes ('\0' for none)
};

std::vector<Token> format_tokens(std::string_view f) {
  std::vector<Token> out;
  // A resource part that is a lone name ("${BucketName}", "${TopicName}") holds no '/': a path
  // after it names something else (an object of the bucket).
  size_t colons = 0, resource = f.size();
  for (size_t i = 0; i < f.size() && colons < 5; ++i)
    if (f[i] == ':' && ++colons == 5) resource = i + 1;
  const std::string_view part = f.substr(std::min(resource, f.size()));
  const bool lone = part.starts_with("${") && part.find('}') == part.size() - 1;
  for (size_t i = 0; i < f.size();) {
    if (f.compare(i, 2, "${") == 0) {
      size_t close = f.find('}', i);
      if (close == std::string_view::npos) close = f.size() - 1;
      const char next = close + 1 < f.size() ? f[close + 1] : lone && i == resource ? '/' : '\0';
      out.push_back(Token{Token::Var, next});
      i = close + 1;
    } else {
      out.push_back(Token{Token::Lit, f[i++]});
    }
  }
  return out;
}

std::vector<Token> resource_tokens(std::string_view r) {
  std::vector<Token> out;
  for (size_t i = 0; i < r.size();) {
    if (r.compare(i, 2, "${") == 0) {
      const size_t close = r.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view inner = r.substr(i + 2, close - i - 2);
        if (inner == "*" || inner == "?" || inner == "$") out.push_back(Token{Token::Lit, inner[0]});
        else out.push_back(Token{Token::Var, '\0'});
        i = close + 1;
        continue;
      }
    }
    const char c = r[i++];
    if (c == '*') out.push_back(Token{Token::Var, '\0'});
    else if (c == '?') out.push_back(Token{Token::One, 0});
    else out.push_back(Token{Token::Lit, c});
  }
  return out;
}

}  // namespace

bool arn_format_matches(std::string_view arn_format, std::string_view resource) {
  if (resource == "*") return true;
  const std::vector<Token> a = format_tokens(arn_format), b = resource_tokens(resource);
  const size_t n = a.size(), m = b.size(), w = m + 1;
  // Reachability in the product of the two patterns: state (i, j) has read a[0,i) and b[0,j).
  std::vector<char> seen((n + 1) * w, 0);
  std::vector<std::pair<size_t, size_t>> todo{{0, 0}};
  seen[0] = 1;
  auto push = [&](size_t i, size_t j) {
    if (!seen[i * w + j]) {
      seen[i * w + j] = 1;
      todo.push_back({i, j});
    }
  };
  while (!todo.empty()) {
    const auto [i, j] = todo.back();
    todo.pop_back();
    if (i == n && j == m) return true;
    if (i < n && a[i].kind == Token::Var) push(i + 1, j);  // the variable ends here
    if (j < m && b[j].kind == Token::Var) push(i, j + 1);  // the wildcard ends here
    if (i == n || j == m) continue;
    const Token x = a[i], y = b[j];
    if (x.kind == Token::Lit) {
      if (y.kind == Token::Lit && x.c == y.c) push(i + 1, j + 1);
      else if (y.kind == Token::One) push(i + 1, j + 1);
      else if (y.kind == Token::Var) push(i + 1, j);
    } else {  // a format variable reads one more character
      if (y.kind == Token::Lit && y.c != x.c) push(i, j + 1);
      else if (y.kind == Token::One) push(i, j + 1);
    }
  }
  return false;
}

}  // namespace threegate::catalog
