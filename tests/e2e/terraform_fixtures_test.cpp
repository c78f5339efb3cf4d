// The Terraform fixtures, end to end: each reports exactly the findings its case lists
// (expected-findings.txt: "RULE file:line", reviewed by hand), its text output matches the
// reviewed snapshot (expected.txt; THREEGATE_UPDATE_SNAPSHOTS=1 rewrites it), and where an
// equivalent inventory exists (fixtures/terraform-equivalents/) both give the same rules.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e/run.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> fixture_dirs() {
  std::vector<std::string> out;
  for (const auto& d : fs::directory_iterator(fs::path(THREEGATE_SOURCE_DIR) / "fixtures" / "terraform"))
    if (d.is_directory()) out.push_back("fixtures/terraform/" + d.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') out.push_back(line);
  return out;
}

// "TG101 main.tf:14" for every finding, paths relative to the fixture.
std::vector<std::string> findings_of(const nlohmann::json& report, const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : report["findings"]) {
    std::string path = f["location"].value("path", "");
    if (path.rfind(dir + "/", 0) == 0) path = path.substr(dir.size() + 1);
    out.push_back(f["rule_id"].get<std::string>() + " " + path + ":" + std::to_string(f["location"].value("line", 0)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> rules_of(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& f : report["findings"]) out.push_back(f["rule_id"]);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("terraform fixtures: exactly the findings each case lists") {
  const auto dirs = fixture_dirs();
  REQUIRE(dirs.size() >= 8);
  for (const auto& dir : dirs) {
    CAPTURE(dir);
    const fs::path listed = fs::path(THREEGATE_SOURCE_DIR) / dir / "expected-findings.txt";
    REQUIRE_MESSAGE(fs::exists(listed), "each Terraform fixture lists its expected findings");
    auto expected = lines_of(e2e::read_file(listed.string()));
    std::sort(expected.begin(), expected.end());
    const auto report = e2e::threegate_json("check --format json " + dir);
    REQUIRE(report.is_object());
    CHECK(findings_of(report, dir) == expected);
  }
}

TEST_CASE("terraform fixtures: text output matches the reviewed snapshots") {
  const bool update = std::getenv("THREEGATE_UPDATE_SNAPSHOTS") != nullptr;
  for (const auto& dir : fixture_dirs()) {
    CAPTURE(dir);
    const auto run = e2e::threegate("check " + dir, false);
    const fs::path snapshot = fs::path(THREEGATE_SOURCE_DIR) / dir / "expected.txt";
    if (update) {
      std::ofstream(snapshot, std::ios::binary) << run.out;
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(snapshot), "missing snapshot; run with THREEGATE_UPDATE_SNAPSHOTS=1 and review");
    CHECK(run.out == e2e::read_file(snapshot.string()));
  }
}

TEST_CASE("terraform fixtures: the same findings as the equivalent inventory") {
  size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(THREEGATE_SOURCE_DIR) / "fixtures" / "terraform-equivalents")) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().stem().string();
    CAPTURE(name);
    const auto tf = e2e::threegate_json("check --format json fixtures/terraform/" + name);
    const auto inv = e2e::threegate_json("check --format json fixtures/terraform-equivalents/" + name + ".json");
    REQUIRE(tf.is_object());
    REQUIRE(inv.is_object());
    CHECK(rules_of(tf) == rules_of(inv));
    CHECK(rules_of(tf).size() >= 2);
    ++compared;
  }
  CHECK(compared >= 5);
}

TEST_CASE("terraform: the deploying account's assumption is said once, on stderr") {
  const auto run = e2e::threegate("check fixtures/terraform/01-default-key-broken");
  const std::string said = "it is taken to differ from every account id the code names literally";
  const size_t first = run.out.find(said);
  CHECK(first != std::string::npos);
  CHECK(run.out.find(said, first + 1) == std::string::npos);
  CHECK(run.exit_code == 1);
}

TEST_CASE("terraform: a .tf.json file is read as Terraform configuration, never as a policy") {
  const fs::path dir = fs::temp_directory_path() / "threegate-e2e-tf-json";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(fs::path(THREEGATE_SOURCE_DIR) / "fixtures/terraform/16-json-syntax/main.tf.json", dir / "main.tf.json");
  for (const std::string input : {dir.string(), (dir / "main.tf.json").string()}) {
    CAPTURE(input);
    const auto report = e2e::threegate_json("check --format json " + input);
    REQUIRE(report.is_object());
    CHECK(findings_of(report, dir.string()) ==
          std::vector<std::string>{"TG102 main.tf.json:41", "TG201 main.tf.json:37", "TG201 main.tf.json:71"});
    const auto run = e2e::threegate("check " + input);
    CHECK(run.exit_code == 1);  // the TG102 error
    CHECK(run.out.find("TG405") == std::string::npos);
    CHECK(run.out.find("not read yet") == std::string::npos);
    CHECK(run.out.find("not a policy document") == std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("terraform: .tf and .tf.json files of one module refer to each other") {
  const fs::path dir = fs::temp_directory_path() / "threegate-e2e-tf-mixed";
  fs::remove_all(dir);
  fs::create_directories(dir);
  // The key (JSON syntax) reads local.region from the .tf file; the secret (native syntax) uses
  // the key and the variable of the .tf.json file. us-east-1 is the wrong region: TG102.
  std::ofstream(dir / "keys.tf.json") << R"J({
  "provider": {"aws": {"region": "eu-west-1"}},
  "variable": {"consumer_account_id": {"type": "string", "default": "222222222222"}},
  "resource": {"aws_kms_key": {"secrets": {
    "policy": "${jsonencode({Version = \"2012-10-17\", Statement = [{Sid = \"Consumer\", Effect = \"Allow\", Principal = {AWS = \"arn:aws:iam::${var.consumer_account_id}:root\"}, Action = \"kms:Decrypt\", Resource = \"*\", Condition = {StringEquals = {\"kms:ViaService\" = \"secretsmanager.${local.region}.amazonaws.com\"}}}]})}"
  }}}
}
)J";
  std::ofstream(dir / "secret.tf") << R"(locals {
  region = "us-east-1"
}

resource "aws_secretsmanager_secret" "api" {
  name       = "api"
  kms_key_id = aws_kms_key.secrets.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ConsumerRead"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.consumer_account_id}:root" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}
)";
  const auto report = e2e::threegate_json("check --format json " + dir.string());
  REQUIRE(report.is_object());
  CHECK(findings_of(report, dir.string()) == std::vector<std::string>{"TG102 keys.tf.json:5", "TG201 keys.tf.json:5",
                                                                     "TG201 secret.tf:13", "TG301 keys.tf.json:5"});
  const auto run = e2e::threegate("check " + dir.string());
  CHECK(run.out.find("keys.tf.json:5:253: error TG102") != std::string::npos);  // at `\"kms:ViaService\"`
  CHECK(run.out.find("in 2 files") != std::string::npos);
  fs::remove_all(dir);
}
