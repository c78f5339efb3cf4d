// The bundled examples, end to end through the binary: each scenario reports exactly the
// rules its README promises, at the places it names.
#include <doctest/doctest.h>

#include <map>

#include "e2e/run.hpp"

namespace {

std::multimap<std::string, std::string> findings_by_rule(const nlohmann::json& report) {
  std::multimap<std::string, std::string> out;
  for (const auto& f : report["findings"]) {
    const auto& l = f["location"];
    std::string where = l["path"].get<std::string>();
    if (l.contains("line")) where += ":" + std::to_string(l["line"].get<int>()) + ":" + std::to_string(l["column"].get<int>());
    out.emplace(f["rule_id"].get<std::string>(), where);
  }
  return out;
}

struct Expect {
  const char* dir;
  int exit_code;
  std::vector<std::pair<const char*, const char*>> findings;  // rule id → path:line:col
};

}  // namespace

TEST_CASE("examples: each scenario reports what its README promises") {
  const std::string ex = "fixtures/examples/";
  const Expect cases[] = {
      {"01-default-key-broken", 1, {{"TG101", "01-default-key-broken/inventory.json:5:18"}}},
      {"02-cmk-fixed", 0, {}},
      {"03-central-sops-key",
       1,
       {{"TG102", "03-central-sops-key/policies/central-key-policy.json:1:1"},
        {"TG203", "03-central-sops-key/policies/central-key-policy.json:18:16"}}},
      {"04-per-service-viaservice", 1, {{"TG102", "04-per-service-viaservice/policies/legacy-key-policy.json:34:11"}}},
      {"05-multi-region-replica",
       1,
       {{"TG107", "05-multi-region-replica/inventory.json:43:9"}, {"TG107", "05-multi-region-replica/inventory.json:47:9"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.dir);
    int code = -1;
    auto report = e2e::threegate_json("check --format json " + ex + c.dir, &code);
    REQUIRE(report.is_object());
    CHECK(code == c.exit_code);
    auto got = findings_by_rule(report);
    std::multimap<std::string, std::string> want;
    for (const auto& [rule, where] : c.findings) want.emplace(rule, ex + where);
    CHECK(got == want);
  }
}

TEST_CASE("examples: the broken share names the gates, the deciding statement and the fix") {
  auto r = e2e::threegate("check fixtures/examples/01-default-key-broken");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("error TG101 aws-managed-key-cross-account") != std::string::npos);
  CHECK(r.out.find("gate key_policy: closed") != std::string::npos);
  CHECK(r.out.find("gate secret_policy: open") != std::string::npos);
  CHECK(r.out.find("secret-policy.json:4:5") != std::string::npos);
  CHECK(r.out.find("\"kms:ViaService\": \"secretsmanager.us-east-1.amazonaws.com\"") != std::string::npos);
}

TEST_CASE("examples: all of fixtures/ at once keeps each inventory apart") {
  // Checking every case in one run gives the union of the per-folder results, nothing more.
  auto all = e2e::threegate_json("check --format json fixtures/examples");
  REQUIRE(all.is_object());
  size_t sum = 0;
  for (const char* d : {"01-default-key-broken", "02-cmk-fixed", "03-central-sops-key", "04-per-service-viaservice",
                        "05-multi-region-replica"}) {
    sum += e2e::threegate_json(std::string("check --format json fixtures/examples/") + d)["findings"].size();
  }
  CHECK(all["findings"].size() == sum);
}

TEST_CASE("simulate: the three gates of one read, as JSON") {
  int code = -1;
  auto j = e2e::threegate_json(
      "simulate --format json --principal arn:aws:sts::222222222222:assumed-role/app/i-1 "
      "--secret arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/app/db-credentials-AbCdEf "
      "fixtures/examples/01-default-key-broken",
      &code);
  REQUIRE(j.is_object());
  CHECK(code == 1);
  CHECK(j["decision"] == "implicit_deny");
  CHECK(j["gates"]["key_policy"]["decision"] == "implicit_deny");
  CHECK(j["gates"]["secret_policy"]["decision"] == "allow");
  CHECK(j["key_issue"] == "aws_managed_key_cross_account");

  auto fixed = e2e::threegate_json(
      "simulate --format json --principal arn:aws:iam::222222222222:role/app "
      "--secret arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/app/db-credentials-AbCdEf "
      "fixtures/examples/02-cmk-fixed",
      &code);
  REQUIRE(fixed.is_object());
  CHECK(code == 0);
  CHECK(fixed["decision"] == "allow");
  for (const char* g : {"key_policy", "secret_policy", "caller_iam"}) CHECK(fixed["gates"][g]["decision"] == "allow");
}

TEST_CASE("simulate: replica regions are each reported") {
  auto j = e2e::threegate_json(
      "simulate --format json --principal arn:aws:iam::222222222222:role/app "
      "--secret arn:aws:secretsmanager:us-east-1:111111111111:secret:payments/api-token-Q1w2E3 "
      "fixtures/examples/05-multi-region-replica");
  REQUIRE(j.is_object());
  REQUIRE(j["regions"].size() == 3);
  CHECK(j["regions"][0]["decision"] == "allow");
  CHECK(j["regions"][1]["decision"] == "implicit_deny");
  CHECK(j["regions"][2]["key_issue"] == "aws_managed_key_cross_account");
}

TEST_CASE("simulate: standalone policy files, with the key named by --key") {
  const std::string secret = "arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/app/db-credentials-AbCdEf";
  const std::string key = "arn:aws:kms:us-east-1:111111111111:key/0b5c8e1a-2f3d-4e6b-9a7c-1d2e3f4a5b6c";
  const std::string files =
      " fixtures/examples/02-cmk-fixed/policies/key-policy.json fixtures/examples/02-cmk-fixed/policies/app-identity.json"
      " fixtures/examples/01-default-key-broken/policies/secret-policy.json";
  int code = -1;
  auto j = e2e::threegate_json("simulate --format json --principal arn:aws:iam::222222222222:role/app --secret " + secret +
                                   " --key " + key + files,
                               &code);
  REQUIRE(j.is_object());
  CHECK(code == 0);
  CHECK(j["decision"] == "allow");
  CHECK(j["gates"]["key_policy"]["deciding"][0]["statement"] == "AllowConsumerAppDecryptViaSecretsManager");
  // A key policy file without --key cannot be tied to a key ARN.
  CHECK(e2e::threegate("simulate --principal arn:aws:iam::222222222222:role/app --secret " + secret + files).exit_code == 2);
}
