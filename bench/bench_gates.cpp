// Benchmarks the three-gate check. Builds an organization-sized inventory (ROLES roles in a
// consumer account, SECRETS secrets shared with that account, one customer-managed key per ten
// secrets, SCPs on the consumer account), then measures:
//   1. the decision for every principal/secret pair with policies loaded (one core), and
//   2. load + analysis of the whole inventory file, as `threegate check` does it.
// Usage: bench_gates [ROLES] [SECRETS] [--write FILE]   (defaults 1000 200)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>

#include "threegate/analysis.hpp"

using namespace threegate;

namespace {

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

std::string make_inventory(int roles, int secrets) {
  std::string out = R"({"organization": {"id": "o-a1b2c3d4e5", "management_account": "999999999999",
  "accounts": ["111111111111", "222222222222"]},
"keys": [)";
  int keys = (secrets + 9) / 10;
  for (int k = 0; k < keys; ++k) {
    out += fmt::format(R"({}{{"arn": "arn:aws:kms:us-east-1:111111111111:key/0000{:04d}-aaaa-4bbb-8ccc-dddddddddddd",
  "aliases": ["alias/app-{}"], "policy": {{"Version": "2012-10-17", "Statement": [
  {{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::111111111111:root"}}, "Action": "kms:*", "Resource": "*"}},
  {{"Sid": "AllowOwnerViaSecretsManager", "Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
    "Condition": {{"StringEquals": {{"kms:CallerAccount": "111111111111", "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}}}},
  {{"Sid": "AllowConsumerAccount", "Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::222222222222:root"}}, "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
    "Condition": {{"StringEquals": {{"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}}}}]}}}})",
                       k ? ",\n" : "", k, k);
  }
  out += "],\n\"secrets\": [";
  for (int s = 0; s < secrets; ++s) {
    out += fmt::format(R"({}{{"arn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/s{}-AbCdEf", "kms_key": "alias/app-{}",
  "policy": {{"Version": "2012-10-17", "Statement": [{{"Sid": "ShareWithConsumerAccount", "Effect": "Allow",
    "Principal": {{"AWS": "arn:aws:iam::222222222222:root"}}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}}]}}}})",
                       s ? ",\n" : "", s, s / 10);
  }
  out += "],\n\"principals\": [";
  for (int r = 0; r < roles; ++r) {
    out += fmt::format(R"({}{{"arn": "arn:aws:iam::222222222222:role/service-{}", "policies": [{{"Version": "2012-10-17", "Statement": [
  {{"Sid": "ReadAppSecrets", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
    "Resource": "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/*"}},
  {{"Sid": "DecryptAppSecrets", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:111111111111:key/*",
    "Condition": {{"StringEquals": {{"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}}}},
  {{"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}}]}}]}})",
                       r ? ",\n" : "", r);
  }
  out += R"(],
"scps": {"222222222222": [
  [{"Version": "2012-10-17", "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}],
  [{"Version": "2012-10-17", "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "DenyLeavingOrg", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
    {"Sid": "DenyRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}]}]]}
})";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int roles = 1000, secrets = 200;
  std::string write_path = "/tmp/threegate-bench-inventory.json";
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--write") == 0 && i + 1 < argc) {
      write_path = argv[++i];
    } else if (positional == 0) {
      roles = std::atoi(argv[i]);
      ++positional;
    } else {
      secrets = std::atoi(argv[i]);
    }
  }
  std::string text = make_inventory(roles, secrets);
  std::ofstream(write_path) << text;

  // 2. The whole check, as the CLI runs it (load, derive shares, gates, rules).
  auto t0 = std::chrono::steady_clock::now();
  double c0 = cpu_seconds();
  Analysis a;
  std::string usage;
  load_inputs({write_path}, CheckOptions{}, a, usage);
  run_analysis(a);
  double check_cpu = cpu_seconds() - c0;
  double check_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // 1. The decision of every pair with policies loaded (plans built once, then decide()).
  const Scope& scope = a.scopes.back();
  const Inventory& inv = scope.inventory;
  ReadEvaluator fast(inv);
  std::vector<ReadEvaluator::CallerId> callers;
  for (const auto& p : inv.principals) {
    RequestPrincipal rp;
    std::string error;
    parse_request_principal(p.arn, rp, error);
    callers.push_back(fast.add_caller(rp, &p));
  }
  std::vector<ReadEvaluator::TargetId> targets;
  for (const auto& s : inv.secrets) targets.push_back(fast.add_target(s, s.region));
  // Timed five times: this machine is shared, so the best and the median are both reported.
  size_t pairs = 0, allowed = 0;
  std::vector<double> rates;
  for (int rep = 0; rep < 5; ++rep) {
    size_t n = 0;
    double c1 = cpu_seconds();
    for (auto c : callers) {
      for (auto t : targets) {
        allowed += fast.decide(c, t) == Decision::Allow;
        ++n;
      }
    }
    rates.push_back(static_cast<double>(n) / (cpu_seconds() - c1));
    pairs += n;
  }
  std::sort(rates.begin(), rates.end());

  fmt::print("inventory: {} roles x {} secrets ({} bytes) written to {}\n", roles, secrets, text.size(), write_path);
  fmt::print("check (load + shares + gates + rules): {:.3f} s wall, {:.3f} s cpu; {} shares, {} reads checked, {} findings\n",
             check_wall, check_cpu, a.shares, a.reads_checked, a.findings.size());
  fmt::print("pair decisions: {} pairs ({} allowed), 5 runs: best {:.0f}, median {:.0f}, worst {:.0f} pairs/s per core\n",
             pairs, allowed, rates.back(), rates[2], rates.front());
  return allowed == pairs ? 0 : 1;
}
