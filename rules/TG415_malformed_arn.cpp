#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG415;
const RuleInfo kTG415{
    "TG415",
    "malformed-arn",
    Severity::Error,
    "validation",
    "a Resource entry is not a well-formed ARN (partition, service, region or account)",
    {
        "Checks every `Resource` and `NotResource` entry other than `\"*\"`: it must be "
        "`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, with a known partition (`aws`, `aws-cn`, `aws-us-gov`, "
        "`aws-iso`, …), a service that has ARNs in AWS's service authorization catalog, a region that looks like one "
        "(`us-east-1`) and an account of twelve digits. A region or account is required when every ARN format of the "
        "service has one. Wildcards and policy variables are accepted in every field; values known only after apply "
        "are skipped.",
        "A malformed ARN matches no resource: the statement silently grants or denies nothing on it. AWS rejects "
        "some such policies outright and accepts others, which then fail at request time.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
   "Resource": "arn:aws:secretsmanager:us-east-1:11112222333:secret:app/db-*"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
   "Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-*"}]})",
        "Correct the field the message names.",
    },
    &run,
};

namespace {

constexpr std::array<std::string_view, 8> kPartitions{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b",
                                                      "aws-iso-e", "aws-iso-f", "aws-eusc"};

bool open_field(std::string_view f) { return f.find_first_of("*?$") != std::string_view::npos; }

bool region_like(std::string_view r) {
  // two letters, dash-separated words, a number: us-east-1, us-gov-west-1, eu-isoe-west-1
  size_t i = 0;
  auto letters = [&] {
    const size_t start = i;
    while (i < r.size() && r[i] >= 'a' && r[i] <= 'z') ++i;
    return i - start;
  };
  if (letters() != 2) return false;
  int words = 0;
  while (i < r.size() && r[i] == '-') {
    ++i;
    if (i < r.size() && r[i] >= '0' && r[i] <= '9') {
      while (i < r.size() && r[i] >= '0' && r[i] <= '9') ++i;
      return i == r.size() && words >= 1;
    }
    if (letters() == 0) return false;
    ++words;
  }
  return false;
}

bool account_like(std::string_view a) {
  if (a == "aws") return true;  // AWS-owned resources (managed policies, public parameters)
  if (a.size() != 12) return false;
  for (char c : a)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string problem(std::string_view value) {
  using namespace validation;
  if (!value.starts_with("arn:")) {
    if (has_wildcard(value.substr(0, 4))) return "";
    return "it is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE) nor \"*\"";
  }
  const auto parts = split_arn(value);
  if (!parts) {
    if (value.find('*') != std::string_view::npos) return "";  // "arn:aws:s3:*" spans the missing fields
    return "it has fewer than six colon-separated fields (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)";
  }
  if (!open_field(parts->partition) &&
      std::find(kPartitions.begin(), kPartitions.end(), parts->partition) == kPartitions.end())
    return fmt::format("the partition \"{}\" does not exist (aws, aws-cn, aws-us-gov, …)", parts->partition);
  if (open_field(parts->service)) return "";
  const ArnServiceFacts facts = arn_service_facts(parts->service);
  if (!facts.known) {
    const auto suggestion = catalog::suggest_service(parts->service);
    return fmt::format("the service \"{}\" does not exist{}", parts->service,
                       suggestion ? fmt::format(" (did you mean \"{}\"?)", *suggestion) : std::string());
  }
  if (!open_field(parts->region)) {
    if (parts->region.empty() && facts.region_required)
      return fmt::format("it has no region, and every {} ARN has one (us-east-1, …, or *)", parts->service);
    if (!parts->region.empty() && !region_like(parts->region))
      return fmt::format("the region \"{}\" is not a region name (us-east-1, eu-west-2, …)", parts->region);
  }
  if (!open_field(parts->account)) {
    if (parts->account.empty() && facts.account_required)
      return fmt::format("it has no account, and every {} ARN has one (12 digits, or *)", parts->service);
    if (!parts->account.empty() && !account_like(parts->account))
      return fmt::format("the account \"{}\" is not a 12-digit account id", parts->account);
  }
  if (parts->resource.empty()) return "its resource part is empty";
  return "";
}

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      for (const Text& r : st.resources) {
        if (symbolic(r.value) || r.value.find_first_not_of('*') == std::string::npos) continue;
        const std::string why = problem(r.value);
        if (!why.empty())
          sink.add(make_finding(kTG415, fmt::format("malformed ARN \"{}\": {}", r.value, why), r.range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
