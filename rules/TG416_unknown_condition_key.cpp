#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG416;
const RuleInfo kTG416{
    "TG416",
    "unknown-condition-key",
    Severity::Error,
    "validation",
    "a Condition uses a key that is neither a global key nor one of its service's keys",
    {
        "Looks up every condition key among the global keys (`aws:SourceIp`, `aws:PrincipalOrgID`, …) and the "
        "condition keys of its service in AWS's service authorization catalog. Keys with a variable part are "
        "patterns: `aws:RequestTag/${TagKey}`, `aws:PrincipalTag/…`, `kms:EncryptionContext:${EncryptionContextKey}`, "
        "`s3:ExistingObjectTag/…`. Keys of identity providers (`accounts.google.com:aud`, an OIDC provider's "
        "`…:sub`) are left alone.",
        "A key that does not exist is never in the request context: with a positive operator the condition never "
        "matches, so an Allow grants nothing; with a negated operator or `…IfExists` it always matches, so a Deny "
        "meant as a guardrail denies everything or a restriction is void. Usually a typo (`kms:ViaServices`) or a key "
        "of another service.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaServices": "secretsmanager.us-east-1.amazonaws.com"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}]})",
        "Correct the key (the message names the closest one), or remove the condition.",
    },
    &run,
};

namespace {

size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The closest key of the service (or the global keys), by edit distance.
std::string suggestion(std::string_view key, const std::optional<catalog::Service>& service) {
  std::string best;
  size_t best_d = std::max<size_t>(2, key.size() / 4) + 1;
  auto consider = [&](std::string_view name) {
    const size_t d = distance(key, name);
    if (d < best_d) {
      best_d = d;
      best = std::string(name);
    }
  };
  static const char* const kGlobal[] = {
      "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalType",
      "aws:PrincipalIsAWSService", "aws:PrincipalServiceName", "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce",
      "aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:ResourceAccount", "aws:ResourceOrgID",
      "aws:CalledVia", "aws:ViaAWSService", "aws:SecureTransport", "aws:MultiFactorAuthPresent", "aws:RequestedRegion",
      "aws:CurrentTime", "aws:userid", "aws:username", "aws:TagKeys"};
  if (!service) {
    for (const char* g : kGlobal) consider(g);
  } else {
    // Every key of the service, through its actions and resource types.
    for (size_t i = 0; i < service->action_count(); ++i)
      for (const auto& k : service->action(i).condition_keys()) consider(k.name);
  }
  return best;
}

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      for (const Condition& c : st.conditions) {
        if (symbolic(c.key) || catalog::find_condition_key(c.key)) continue;
        const std::string prefix = key_prefix(c.key);
        if (prefix.empty() || prefix.find_first_of("./") != std::string::npos) continue;  // identity providers' keys
        std::string message;
        if (prefix == "aws") {
          const std::string s = suggestion(c.key, std::nullopt);
          message = fmt::format("{} is not a global condition key{}", c.key,
                                s.empty() ? std::string() : fmt::format(" (did you mean {}?)", s));
        } else if (const auto service = catalog::find_service(prefix)) {
          const std::string s = suggestion(c.key, service);
          message = fmt::format("the condition key {} does not exist in the service {} ({}){}", c.key, service->prefix(),
                                service->name(), s.empty() ? std::string() : fmt::format(": did you mean {}?", s));
        } else {
          message = fmt::format("the condition key {} names the service prefix \"{}\", which does not exist", c.key, prefix);
        }
        sink.add(make_finding(kTG416, message, c.key_range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
