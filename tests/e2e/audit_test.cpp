// `threegate audit`, `who-can` and `can` on the bundled exports (fixtures/exports/<scenario>),
// each written in the AWS CLI's output shapes. The expected matrices are AWS's answers:
// - default-key-broken: the AWS-managed key aws/secretsmanager lets only its own account decrypt
//   (its policy's kms:CallerAccount condition; Secrets Manager guide: "you can't use the AWS
//   managed key aws/secretsmanager for cross-account access"), so the consumer share is broken at
//   the key policy while the same-account role reads;
// - cmk-cross-account: key policy, secret policy and the consumer's IAM all allow: both read;
// - public-secret: Principal "*" on the secret and a key open through Secrets Manager: anyone
//   outside the organization reads public/config; internal/config requires aws:PrincipalOrgID;
// - scp-blocks: an SCP Deny on the consumer account closes the share (semantics 1.1, 1.2);
// - partial-export: no key policy, no grants list, no resource policy: undecided, with the gaps;
// - url-encoded: IAM documents URL-encoded as the raw API returns them;
// - grant-opens-key: a grant lets the consumer decrypt without a key policy statement or an IAM
//   kms:Decrypt (KMS guide `key-policy-modifying-external-accounts`); another grant, constrained
//   to another secret's ARN, does not help role/other.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "e2e/run.hpp"

namespace {

using nlohmann::json;

std::vector<std::string> principals(const json& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e["principal"].get<std::string>() + (e.contains("gate") ? "=" + e["gate"].get<std::string>() : ""));
  return out;
}

const json* cell(const json& audit, const std::string& secret) {
  for (const auto& c : audit["matrix"]) {
    if (c["secret"] == secret) return &c;
  }
  return nullptr;
}

const std::string kDb = "arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/db-AbCdEf";
const std::string kApp = "arn:aws:iam::111111111111:role/app";
const std::string kConsumer = "arn:aws:iam::222222222222:role/consumer";

}  // namespace

TEST_CASE("audit: the access matrix of each bundled export") {
  struct Case {
    const char* scenario;
    std::string secret;
    std::vector<std::string> readers, broken, external;
    int exit_code;
  };
  const Case cases[] = {
      {"default-key-broken", kDb, {kApp}, {kConsumer + "=key_policy"}, {}, 1},
      {"cmk-cross-account", kDb, {kApp, kConsumer}, {}, {}, 0},
      {"scp-blocks", kDb, {kApp}, {kConsumer + "=guardrail"}, {}, 1},
      {"url-encoded", kDb, {kApp, "arn:aws:iam::111111111111:role/reporting"}, {}, {}, 0},
      {"grant-opens-key", kDb, {kApp, kConsumer}, {"arn:aws:iam::333333333333:role/other=key_policy"}, {}, 1},
      {"public-secret", "arn:aws:secretsmanager:us-east-1:111111111111:secret:public/config-QwErTy", {kApp, kConsumer}, {}, {"*"}, 1},
      {"public-secret", "arn:aws:secretsmanager:us-east-1:111111111111:secret:internal/config-AsDfGh", {kApp, kConsumer}, {}, {}, 1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.scenario);
    CAPTURE(c.secret);
    int code = -1;
    json j = e2e::threegate_json(std::string("audit --format json fixtures/exports/") + c.scenario, &code);
    REQUIRE(j.is_object());
    CHECK(code == c.exit_code);
    const json* m = cell(j, c.secret);
    REQUIRE(m);
    CHECK(principals((*m)["readers"]) == c.readers);
    CHECK(principals((*m)["broken"]) == c.broken);
    CHECK(principals((*m)["external"]) == c.external);
    CHECK((*m)["undecided"].empty());
    CHECK(j["gaps"].empty());
    CHECK(j["organization"]["id"] == "o-a1b2c3d4e5");
  }
}

TEST_CASE("audit: a broken share says which gate fails it and where the share is declared") {
  json j = e2e::threegate_json("audit --format json fixtures/exports/default-key-broken");
  REQUIRE(j.is_object());
  const json& b = (*cell(j, kDb))["broken"][0];
  CHECK(b["gate"] == "key_policy");
  CHECK(b["origin"] == "secret_policy");
  CHECK(b["reason"].get<std::string>().find("AWS-managed key") != std::string::npos);
  CHECK(b["location"]["path"].get<std::string>().find("secrets/prod%2Fdb/get-resource-policy.json") != std::string::npos);
  // The rules ran over the export too.
  bool tg101 = false;
  for (const auto& f : j["findings"]) tg101 = tg101 || f["rule_id"] == "TG101";
  CHECK(tg101);
  CHECK(j["summary"]["broken"] == 1);
  CHECK(j["summary"]["readers"] == 1);
}

TEST_CASE("audit: the public secret is open to any principal outside the organization") {
  json j = e2e::threegate_json("audit --format json fixtures/exports/public-secret");
  REQUIRE(j.is_object());
  const json& ext = (*cell(j, "arn:aws:secretsmanager:us-east-1:111111111111:secret:public/config-QwErTy"))["external"];
  REQUIRE(ext.size() == 1);
  CHECK(ext[0]["label"] == "any principal outside the organization");
  CHECK(ext[0]["iam_in_export"] == false);
}

TEST_CASE("audit: a partial export names what is missing and leaves those reads undecided") {
  int code = -1;
  json j = e2e::threegate_json("audit --format json fixtures/exports/partial-export", &code);
  REQUIRE(j.is_object());
  CHECK(code == 0);  // nothing is broken or open outside: undecided is not a failure
  std::vector<std::string> gaps;
  for (const auto& g : j["gaps"]) gaps.push_back(g["message"]);
  REQUIRE(gaps.size() == 3);
  CHECK(gaps[0] ==
        "no get-key-policy.json for key arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab: its policy "
        "is unknown, reads through it are undecided");
  CHECK(gaps[1].find("no list-grants.json") == 0);
  CHECK(gaps[2].find("no get-resource-policy.json for secret arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/api-ZxCvBn") == 0);
  const json& db = *cell(j, kDb);
  CHECK(db["readers"].empty());  // never a silent "no access", never a guess
  CHECK(principals(db["undecided"]) == std::vector<std::string>{kApp, kConsumer});
  CHECK(db["undecided"][1]["depends_on"][0].get<std::string>().find("key policy of") == 0);
  const json& api = *cell(j, "arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/api-ZxCvBn");
  CHECK(principals(api["undecided"]) == std::vector<std::string>{kApp});
}

TEST_CASE("audit: text output has the summary table, the matrix and the gaps") {
  auto r = e2e::threegate("audit fixtures/exports/partial-export");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("SECRET") != std::string::npos);
  CHECK(r.out.find("111111111111:prod/db-AbCdEf") != std::string::npos);
  CHECK(r.out.find("undecided (2):") != std::string::npos);
  CHECK(r.out.find("gaps in the export (3):") != std::string::npos);
  CHECK(r.out.find("fixtures/exports/partial-export/accounts/111111111111/us-east-1/kms/keys/1234abcd-12ab-34cd-56ef-1234567890ab/get-key-policy.json: no get-key-policy.json") !=
        std::string::npos);
}

TEST_CASE("who-can: exactly the principals that can read the secret") {
  int code = -1;
  json j = e2e::threegate_json("who-can --format json --secret " + kDb + " fixtures/exports/grant-opens-key", &code);
  REQUIRE(j.is_object());
  CHECK(code == 0);
  CHECK(j["secret"] == kDb);
  CHECK(principals(j["readers"]) == std::vector<std::string>{kApp, kConsumer});
  CHECK(principals(j["broken"]) == std::vector<std::string>{"arn:aws:iam::333333333333:role/other=key_policy"});
  CHECK(j["gaps"].is_array());
  auto unknown = e2e::threegate("who-can --secret arn:aws:secretsmanager:us-east-1:111111111111:secret:nope-AbCdEf fixtures/exports/grant-opens-key");
  CHECK(unknown.exit_code == 2);
}

TEST_CASE("can: the secrets one principal can read") {
  json j = e2e::threegate_json("can --format json --principal " + kConsumer + " fixtures/exports/public-secret");
  REQUIRE(j.is_object());
  CHECK(j["iam_in_export"] == true);
  CHECK(j["can_read"].size() == 2);
  json d = e2e::threegate_json("can --format json --principal " + kConsumer + " fixtures/exports/default-key-broken");
  REQUIRE(d.is_object());
  CHECK(d["can_read"].empty());
  REQUIRE(d["denied"].size() == 1);
  CHECK(d["denied"][0]["closed"].get<std::string>().find("key_policy") == 0);
  // A principal the export does not hold: the secrets' side alone, and it names what is unknown.
  json o = e2e::threegate_json("can --format json --principal arn:aws:iam::444444444444:role/x fixtures/exports/public-secret");
  REQUIRE(o.is_object());
  CHECK(o["iam_in_export"] == false);
  REQUIRE(o["can_read"].size() == 1);
  CHECK(o["can_read"][0]["secret"] == "arn:aws:secretsmanager:us-east-1:111111111111:secret:public/config-QwErTy");
}

TEST_CASE("audit: usage errors exit 2") {
  CHECK(e2e::threegate("audit").exit_code == 2);
  CHECK(e2e::threegate("audit fixtures/exports/no-such-export").exit_code == 2);
  CHECK(e2e::threegate("audit fixtures/cases").exit_code == 2);
  CHECK(e2e::threegate("audit --format yaml fixtures/exports/cmk-cross-account").exit_code == 2);
  CHECK(e2e::threegate("who-can fixtures/exports/cmk-cross-account").exit_code == 2);
  CHECK(e2e::threegate("who-can --secret not-an-arn fixtures/exports/cmk-cross-account").exit_code == 2);
  CHECK(e2e::threegate("can --principal not-an-arn fixtures/exports/cmk-cross-account").exit_code == 2);
}

TEST_CASE("can: an outside principal is judged organization by organization, not left to aws:PrincipalOrgID") {
  json o = e2e::threegate_json("can --format json --principal arn:aws:iam::444444444444:role/x fixtures/exports/public-secret");
  REQUIRE(o.is_object());
  CHECK(o["undecided"].empty());
  REQUIRE(o["denied"].size() == 1);
  CHECK(o["denied"][0]["secret"] == "arn:aws:secretsmanager:us-east-1:111111111111:secret:internal/config-AsDfGh");
  CHECK(o["denied"][0]["closed"].get<std::string>().find("secret_policy") == 0);
}

TEST_CASE("audit --format csv: one row per secret copy and principal, with the verdict") {
  auto r = e2e::threegate("audit --format csv fixtures/exports/default-key-broken", false);
  CHECK(r.exit_code == 1);
  CHECK(r.out.rfind("secret,region,replica,key,principal,account,verdict,gate,reason\r\n", 0) == 0);
  CHECK(r.out.find(kDb + ",us-east-1,false,") != std::string::npos);
  CHECK(r.out.find("," + kApp + ",111111111111,reader,,\r\n") != std::string::npos);
  CHECK(r.out.find("," + kConsumer + ",222222222222,broken,key_policy,") != std::string::npos);
}

TEST_CASE("audit --graph: a Graphviz file with the reads and the broken shares") {
  std::string path = "/tmp/threegate-e2e-graph-" + std::to_string(::getpid()) + ".dot";
  auto r = e2e::threegate("audit --graph " + path + " fixtures/exports/grant-opens-key");
  CHECK(r.exit_code == 1);
  std::ifstream in(path);
  std::string dot((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(dot.rfind("digraph threegate_access {", 0) == 0);
  CHECK(dot.find("\"" + kConsumer + "\" -> \"" + kDb + "\" [color=darkgreen]") != std::string::npos);
  CHECK(dot.find("\"arn:aws:iam::333333333333:role/other\" -> \"" + kDb + "\" [color=red, style=dashed") != std::string::npos);
  // With Graphviz the SVG is rendered next to it; without, stderr says so.
  std::string svg = path.substr(0, path.size() - 4) + ".svg";
  bool rendered = std::ifstream(svg).good();
  CHECK((rendered || r.out.find("Graphviz dot is not installed") != std::string::npos));
  std::remove(path.c_str());
  std::remove(svg.c_str());
}

TEST_CASE("audit: an iam-collect store is read into the same matrix, and what it lacks is a gap") {
  for (const char* dir : {"fixtures/exports/iam-collect", "fixtures/exports/iam-collect/aws/aws"}) {
    CAPTURE(dir);
    int code = -1;
    json j = e2e::threegate_json(std::string("audit --format json ") + dir, &code);
    REQUIRE(j.is_object());
    CHECK(code == 1);
    CHECK(j["organization"]["id"] == "o-a1b2c3d4e5");
    const json* db = cell(j, kDb);
    REQUIRE(db);
    CHECK(principals((*db)["readers"]) == std::vector<std::string>{kApp, kConsumer});
    const json* api = cell(j, "arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/api-ZxCvBn");
    REQUIRE(api);
    CHECK(principals((*api)["broken"]) == std::vector<std::string>{kConsumer + "=key_policy"});
    REQUIRE(j["gaps"].size() == 1);
    CHECK(j["gaps"][0]["message"].get<std::string>().find("no KMS key manager, key state, aliases or grants") != std::string::npos);
    // The consumer role's trust-policy.json lets anyone who knows an external id assume it.
    size_t open_trust = 0;
    for (const auto& f : j["findings"])
      open_trust += f["rule_id"] == "TG202" &&
                    f["message"].get<std::string>().find(kConsumer + " trust policy") != std::string::npos &&
                    f["location"]["path"].get<std::string>().find("role/consumer/trust-policy.json") != std::string::npos;
    CHECK(open_trust == 1);
  }
}
