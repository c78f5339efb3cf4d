// The command line as a user meets it: simulate cases, the catalog, wrong flags, wrong inputs.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "e2e/run.hpp"

namespace fs = std::filesystem;

TEST_CASE("cli: simulate --case gives the decision AWS would") {
  struct Case {
    const char* file;
    const char* decision;
    int exit_code;
  };
  const Case cases[] = {
      {"cross-account-decrypt-allowed.json", "allow", 0},
      {"cross-account-iam-alone-denied.json", "implicit_deny", 1},
      {"scp-explicit-deny.json", "explicit_deny", 1},
      {"absent-key-ifexists.json", "allow", 0},
      {"kms-action-case.json", "implicit_deny", 1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file);
    int code = -1;
    auto j = e2e::threegate_json(std::string("simulate --format json --case fixtures/cases/") + c.file, &code);
    REQUIRE(j.is_object());
    CHECK(j["decision"] == c.decision);
    CHECK(code == c.exit_code);
  }
}

TEST_CASE("cli: simulate --case names the deciding statements") {
  auto j = e2e::threegate_json("simulate --format json --case fixtures/cases/cross-account-decrypt-allowed.json");
  REQUIRE(j.is_object());
  CHECK(j["cross_account"] == true);
  bool key_policy_allow = false;
  for (const auto& a : j["allows"]) {
    if (a["policy_type"] == "resource" && a["statement"] == "ConsumerAccount") {
      key_policy_allow = true;
      CHECK(a["principal_match"] == "account");
      CHECK(a["location"]["line"] == 19);
    }
  }
  CHECK(key_policy_allow);
}

TEST_CASE("cli: a malformed case is refused with its location") {
  auto r = e2e::threegate("simulate --case fixtures/cases/broken-policy.json");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("fixtures/cases/broken-policy.json:8:") != std::string::npos);
  CHECK(r.out.find("TG401") != std::string::npos);
}

TEST_CASE("cli: rules and explain") {
  auto r = e2e::threegate("rules");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("TG101  aws-managed-key-cross-account") != std::string::npos);
  auto e = e2e::threegate("explain TG102");
  CHECK(e.exit_code == 0);
  CHECK(e.out.find("### Why is this bad?") != std::string::npos);
  CHECK(e2e::threegate("explain key-policy-blocks-consumer").out == e.out);
  CHECK(e2e::threegate("explain TG999").exit_code == 2);
  auto md = e2e::threegate("rules --format markdown");
  CHECK(md.out.find("## TG205 not-principal-allow") != std::string::npos);
}

TEST_CASE("cli: usage errors exit 2") {
  CHECK(e2e::threegate("").exit_code == 2);
  CHECK(e2e::threegate("check").exit_code == 2);
  CHECK(e2e::threegate("check --format yaml fixtures/examples").exit_code == 2);
  CHECK(e2e::threegate("check no/such/path.json").exit_code == 2);
  CHECK(e2e::threegate("simulate --principal arn:aws:iam::222222222222:role/app").exit_code == 2);
  CHECK(e2e::threegate("simulate --principal not-an-arn --secret arn:aws:secretsmanager:us-east-1:111111111111:secret:x "
                       "fixtures/examples/01-default-key-broken")
            .exit_code == 2);
  CHECK(e2e::threegate("--version").exit_code == 0);
  CHECK(e2e::threegate("simulate --principal arn:aws:iam::222222222222:role/app --region eu-west-3 "
                       "--secret arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/app/db-credentials-AbCdEf "
                       "fixtures/examples/01-default-key-broken")
            .exit_code == 2);
}

TEST_CASE("cli: --fail-on sets the exit threshold") {
  // TG203 bad case: one warning, no error.
  const std::string dir = " fixtures/rules/TG203/bad";
  CHECK(e2e::threegate("check" + dir).exit_code == 1);
  CHECK(e2e::threegate("check --fail-on error" + dir).exit_code == 0);
  CHECK(e2e::threegate("check --fail-on never fixtures/examples/01-default-key-broken").exit_code == 0);
}

TEST_CASE("cli: one bad file never stops the analysis of the others") {
  fs::path dir = fs::temp_directory_path() / "threegate-e2e-mixed";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "a-broken.json") << "{\"Version\": \"2012-10-17\", \"Statement\": [\n";
  std::ofstream(dir / "b-binary.json") << std::string("\x00\x01\xff{", 4);
  std::ofstream(dir / "c-public.json")
      << R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})";
  std::ofstream(dir / "d-not-a-policy.json") << R"({"name": "package", "version": "1.0.0"})";
  int code = -1;
  auto j = e2e::threegate_json("check --format json " + dir.string(), &code);
  REQUIRE(j.is_object());
  CHECK(code == 1);
  std::multiset<std::string> rules;
  for (const auto& f : j["findings"]) rules.insert(f["rule_id"].get<std::string>() + "@" + fs::path(f["location"]["path"].get<std::string>()).filename().string());
  CHECK(rules.count("TG401@a-broken.json") == 1);
  CHECK(rules.count("TG401@b-binary.json") == 1);
  CHECK(rules.count("TG202@c-public.json") == 1);
  CHECK(rules.count("TG402@d-not-a-policy.json") == 1);  // said, not skipped silently
  CHECK(j["summary"]["files"] == 4);
  // The same file named twice is read once.
  auto twice = e2e::threegate_json("check --format json " + (dir / "c-public.json").string() + " " + dir.string() + "/./c-public.json");
  CHECK(twice["summary"]["files"] == 1);
  CHECK(twice["findings"].size() == 1);
  fs::remove_all(dir);
}
