#include "validation_support.hpp"

#include <mutex>
#include <unordered_map>

namespace threegate::rules::validation {

std::vector<const PolicyUse*> validated_policies(const RuleContext& ctx) {
  std::vector<const PolicyUse*> out;
  for (const PolicyUse& use : ctx.policies)
    if (use.policy && use.policy->range.known()) out.push_back(&use);
  return out;
}

const std::vector<catalog::Action>& actions_of(std::string_view entry_lower) {
  // Managed policies repeat the same entries ("ec2:Describe*") many times: expand each once.
  static std::mutex mutex;
  static std::unordered_map<std::string, std::vector<catalog::Action>> cache;
  static const std::vector<catalog::Action> kNone;
  if (entry_lower == "*" || entry_lower.find(':') == std::string_view::npos) return kNone;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(std::string(entry_lower));
  if (it == cache.end()) it = cache.emplace(std::string(entry_lower), catalog::match_actions(entry_lower)).first;
  return it->second;
}

std::optional<ArnParts> split_arn(std::string_view arn) {
  if (!arn.starts_with("arn:")) return std::nullopt;
  std::string_view rest = arn.substr(4);
  std::string_view fields[4];
  for (auto& f : fields) {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    f = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  return ArnParts{fields[0], fields[1], fields[2], fields[3], rest};
}

namespace {
// A service's ARNs name the service itself or a relative ("servicecatalog" has "catalog" ARNs,
// "route53-recovery-cluster" has "route53-recovery-control" ones). An ARN format naming an
// unrelated service is a leftover of a retired one (ec2's "elastic-inference" accelerators).
bool related(std::string_view prefix, std::string_view arn_service) {
  if (prefix.find(arn_service) != std::string_view::npos || arn_service.find(prefix) != std::string_view::npos)
    return true;
  return prefix.substr(0, prefix.find('-')) == arn_service.substr(0, arn_service.find('-'));
}
}  // namespace

ArnServiceFacts arn_service_facts(std::string_view service) {
  static const std::unordered_map<std::string, ArnServiceFacts> facts = [] {
    std::unordered_map<std::string, ArnServiceFacts> out;
    for (size_t s = 0; s < catalog::service_count(); ++s) {
      out[std::string(catalog::service_at(s).prefix())].known = true;
      for (const catalog::ResourceType& t : catalog::service_at(s).resource_types()) {
        const auto parts = split_arn(t.arn_format());
        if (!parts || parts->service.find('$') != std::string_view::npos) continue;
        const std::string arn_service = ascii_lower(parts->service);
        if (!out.count(arn_service) && !related(catalog::service_at(s).prefix(), arn_service)) continue;
        auto [it, fresh] = out.try_emplace(arn_service);
        ArnServiceFacts& f = it->second;
        const bool region = !parts->region.empty(), account = !parts->account.empty();
        if (fresh || !f.known) {
          f.region_required = region;
          f.account_required = account;
        } else {
          f.region_required = f.region_required && region;
          f.account_required = f.account_required && account;
        }
        f.known = true;
      }
    }
    return out;
  }();
  auto it = facts.find(ascii_lower(service));
  return it == facts.end() ? ArnServiceFacts{} : it->second;
}

std::string key_prefix(std::string_view key) {
  const size_t colon = key.find(':');
  return ascii_lower(colon == std::string_view::npos ? std::string_view{} : key.substr(0, colon));
}

PolicySize policy_size(const Policy& policy) {
  PolicySize size;
  if (!policy.range.known()) return size;
  const std::string_view text =
      std::string_view(policy.range.file->text()).substr(policy.range.begin, policy.range.end - policy.range.begin);
  size.all = text.size();
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      ++size.without_whitespace;
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      ++size.without_whitespace;
      if (c == '"') in_string = true;
    }
  }
  return size;
}

}  // namespace threegate::rules::validation
