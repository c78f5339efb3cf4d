// Evaluations per second on the hot path (explain = false) for typical small policies:
// a key policy (root delegation + external Decrypt under kms:ViaService/kms:CallerAccount),
// an identity policy and a secret policy.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <string>
#include <vector>

#include "threegate/eval.hpp"
#include "threegate/policy_parse.hpp"

using namespace threegate;

namespace {

Policy parse(SourceSet& sources, const char* json, PolicyKind kind) {
  Diagnostics diags;
  auto p = parse_policy_text(sources, json, kind, diags);
  if (!p || !diags.empty()) {
    std::fprintf(stderr, "bench policy did not parse\n");
    std::exit(1);
  }
  return std::move(*p);
}

Request make(const char* who, const char* action, const char* resource, const char* owner) {
  Request r;
  std::string error;
  if (!parse_request_principal(who, r.principal, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    std::exit(1);
  }
  r.action = action;
  r.resource = resource;
  r.resource_account = owner;
  r.context.set("kms:ViaService", "secretsmanager.us-east-1.amazonaws.com");
  r.context.set_multi("kms:EncryptionContextKeys", {"SecretARN", "SecretVersionId"});
  add_implicit_context(r);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 6'000'000;
  SourceSet sources;
  const Policy key = parse(sources, R"({"Version":"2012-10-17","Id":"key-default-1","Statement":[
    {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
    {"Sid":"AllowExternalDecryptViaSecretsManager","Effect":"Allow",
     "Principal":{"AWS":["arn:aws:iam::444455556666:root","arn:aws:iam::777788889999:role/reader"]},
     "Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*",
     "Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com",
                                  "kms:CallerAccount":["444455556666","777788889999"]}}}]})",
                           PolicyKind::KeyPolicy);
  const Policy identity = parse(sources, R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],
     "Resource":"arn:aws:secretsmanager:us-east-1:111122223333:secret:app/*"},
    {"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/*",
     "Condition":{"StringLike":{"kms:ViaService":"secretsmanager.*.amazonaws.com"}}},
    {"Effect":"Deny","Action":"secretsmanager:DeleteSecret","Resource":"*"}]})",
                                PolicyKind::Identity);
  const Policy secret = parse(sources, R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:role/app","arn:aws:iam::777788889999:root"]},
     "Action":"secretsmanager:GetSecretValue","Resource":"*"},
    {"Effect":"Deny","Principal":"*","Action":"secretsmanager:*","Resource":"*",
     "Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"},"Bool":{"aws:PrincipalIsAWSService":"false"}}}]})",
                              PolicyKind::SecretPolicy);

  const char* keyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const char* secretArn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-AbCdEf";
  std::vector<Request> requests = {
      make("arn:aws:sts::111122223333:assumed-role/app/s1", "kms:Decrypt", keyArn, "111122223333"),
      make("arn:aws:sts::444455556666:assumed-role/app/s1", "kms:Decrypt", keyArn, "111122223333"),
      make("arn:aws:sts::111122223333:assumed-role/app/s1", "secretsmanager:GetSecretValue", secretArn, "111122223333"),
      make("arn:aws:sts::444455556666:assumed-role/app/s1", "secretsmanager:GetSecretValue", secretArn, "111122223333"),
  };
  for (auto& r : requests) r.context.set("aws:PrincipalOrgID", "o-abc123");
  PolicySet kms;
  kms.kms_key = true;
  kms.resource = &key;
  kms.identity = {&identity};
  PolicySet sm;
  sm.resource = &secret;
  sm.identity = {&identity};

  const EvalOptions fast{false};
  long allowed = 0;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();  // CPU time: fair on a loaded machine
  for (long i = 0; i < n; ++i) {
    const Request& r = requests[static_cast<size_t>(i) & 3];
    const EvalResult res = evaluate(r, (i & 2) ? sm : kms, fast);
    allowed += res.decision == Decision::Allow;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::printf("%ld evaluations in %.3f s wall, %.3f s cpu: %.0f evaluations/s wall, %.0f per cpu-second (%ld allowed)\n",
              n, secs, cpu, n / secs, n / cpu, allowed);
  return 0;
}
