// SARIF `suppressions` through the binary: suppressed findings are results with an accepted
// suppression in every SARIF report (with or without --show-suppressed), inline comments as
// inSource, configuration entries as external; an expired entry suppresses nothing; the exit code
// and the other formats do not change.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "e2e/run.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

e2e::Run run_in(const fs::path& cwd, const std::string& args) {
  std::string cmd = "cd '" + cwd.string() + "' && '" + THREEGATE_BIN + "' " + args + " 2>/dev/null";
  e2e::Run r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<json> with_suppressions(const json& log) {
  std::vector<json> out;
  for (const auto& r : log["runs"][0]["results"])
    if (r.contains("suppressions")) out.push_back(r);
  return out;
}

}  // namespace

TEST_CASE("sarif e2e: inline suppressions are inSource suppressions, with or without --show-suppressed") {
  const std::string dir = "fixtures/terraform/09-inline-suppressions";
  int code = -1, shown_code = -1;
  const json log = e2e::threegate_json("check --no-config --format sarif " + dir, &code);
  const json shown = e2e::threegate_json("check --no-config --show-suppressed --format sarif " + dir, &shown_code);
  REQUIRE(log.is_object());
  CHECK(log == shown);
  CHECK(code == 1);  // the TG406 warnings; the suppressed findings do not count
  CHECK(shown_code == 1);
  const auto suppressed = with_suppressions(log);
  REQUIRE(suppressed.size() == 2);
  for (const auto& r : suppressed) {
    CHECK(r["ruleId"] == "TG201");
    REQUIRE(r["suppressions"].size() == 1);
    CHECK(r["suppressions"][0]["kind"] == "inSource");
    CHECK(r["suppressions"][0]["status"] == "accepted");
    CHECK(r["suppressions"][0]["location"]["physicalLocation"]["artifactLocation"]["uri"] == dir + "/main.tf");
  }
  CHECK(suppressed[1]["suppressions"][0]["justification"] == "the whole payments account reads this token, by design");
  CHECK_FALSE(suppressed[0]["suppressions"][0].contains("justification"));
  // The other formats list them only with --show-suppressed, as before.
  CHECK(e2e::threegate("check --no-config --format json " + dir, false).out.find("suppressed") == std::string::npos);
}

TEST_CASE("sarif e2e: configuration suppressions are external; an expired one suppresses nothing") {
  const fs::path t = fs::temp_directory_path() / "threegate-e2e-sarif-suppressions";
  fs::remove_all(t);
  const std::string policy = R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowConsumer", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
   "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}]}
)";
  write(t / "policies" / "key.json", policy);
  write(t / "policies" / "old.json", policy);
  write(t / ".threegate.yaml",
        "suppress:\n"
        "  - {rule: TG201, path: policies/key.json, reason: contract SEC-1, expires: 2999-12-31}\n"
        "  - {rule: TG201, path: policies/old.json, reason: the old contract, expires: 2000-01-01}\n");
  const auto r = run_in(t, "check --format sarif policies");
  CHECK(r.exit_code == 1);  // old.json's TG201 and the expired entry's TG407
  const json log = json::parse(r.out, nullptr, false);
  REQUIRE(log.is_object());
  const auto suppressed = with_suppressions(log);
  REQUIRE(suppressed.size() == 1);
  CHECK(suppressed[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policies/key.json");
  const json& s = suppressed[0]["suppressions"][0];
  CHECK(s["kind"] == "external");
  CHECK(s["status"] == "accepted");
  CHECK(s["justification"] == "contract SEC-1");
  CHECK(s["properties"]["expires"] == "2999-12-31");
  CHECK(s["location"]["physicalLocation"]["artifactLocation"]["uri"] == ".threegate.yaml");
  CHECK(s["location"]["physicalLocation"]["region"]["startLine"] == 2);
  size_t old = 0;
  for (const auto& res : log["runs"][0]["results"])
    if (res["ruleId"] == "TG201" && !res.contains("suppressions"))
      old += res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policies/old.json";
  CHECK(old == 1);
  CHECK(r.out.find("the old contract") == std::string::npos);
  fs::remove_all(t);
}
