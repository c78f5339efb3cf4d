// SARIF `suppressions`: the findings that an inline threegate:ignore comment or the
// configuration's `suppress` list silenced are results with one suppression each (kind inSource or
// external, status accepted, the reason as justification, the comment or entry as location); an
// expired entry silences nothing and appears in no suppression. Run through the library as
// `threegate check` runs: inputs, configuration, analysis, suppressions, then the SARIF writer.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "report/sarif.hpp"
#include "threegate/analysis.hpp"
#include "threegate/config.hpp"
#include "threegate/report.hpp"

using namespace threegate;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Checked {
  Analysis analysis;
  Config config;
  std::vector<SuppressedFinding> suppressed;
  std::string sarif;  // with the suppressed findings
};

// `threegate check PATHS` with the configuration CONFIG_FILE (none when empty); SARIF paths are
// relative to ROOT.
void check(Checked& c, const std::vector<std::string>& paths, const std::string& config_file, const std::string& root) {
  if (!config_file.empty()) c.config = load_config(config_file, c.analysis.sources);
  std::string error;
  load_inputs(paths, CheckOptions{}, c.analysis, error);
  REQUIRE(error.empty());
  c.analysis.diagnostics.insert(c.analysis.diagnostics.end(), c.config.diagnostics.begin(), c.config.diagnostics.end());
  apply_config_to_inputs(c.config, c.analysis);
  run_analysis(c.analysis);
  c.suppressed = apply_config_to_findings(c.config, c.analysis, "2026-01-15");
  ReportOptions o;
  o.root = root;
  std::ostringstream out;
  write_sarif(out, c.analysis.findings, c.suppressed, o);
  c.sarif = out.str();
}

const json& results(const json& log) { return log["runs"][0]["results"]; }

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A key policy with one TG201 finding (the whole account 222222222222), statement "AllowConsumer".
std::string key_policy() {
  return R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowConsumer", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
     "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}
  ]
}
)";
}

}  // namespace

TEST_CASE("sarif suppressions: inline threegate:ignore comments are inSource suppressions") {
  Checked c;
  const std::string src = THREEGATE_SOURCE_DIR;
  check(c, {src + "/fixtures/terraform/09-inline-suppressions"}, "", src);
  REQUIRE(c.suppressed.size() == 2);
  const json log = json::parse(c.sarif);
  const json& res = results(log);
  REQUIRE(res.size() == c.analysis.findings.size() + 2);

  // The reported findings come first, unchanged: no suppressions, the same fingerprints as the
  // baseline keys and as a report without the suppressed findings.
  const auto fingerprints = finding_fingerprints(c.analysis.findings, src);
  for (size_t i = 0; i < c.analysis.findings.size(); ++i) {
    CHECK_FALSE(res[i].contains("suppressions"));
    CHECK(res[i]["partialFingerprints"]["threegate/v1"] == fingerprints[i]);
  }
  std::ostringstream plain;
  ReportOptions o;
  o.root = src;
  write_sarif(plain, c.analysis.findings, o);
  json without = json::parse(plain.str());
  json first = log;
  first["runs"][0]["results"].erase(first["runs"][0]["results"].begin() + static_cast<long>(c.analysis.findings.size()),
                                     first["runs"][0]["results"].end());
  CHECK(first == without);

  // Then the two TG201 findings, each with one accepted inSource suppression at its comment.
  std::vector<std::string> justifications;
  std::set<std::string> fingerprints_seen(fingerprints.begin(), fingerprints.end());
  for (size_t i = c.analysis.findings.size(); i < res.size(); ++i) {
    const json& r = res[i];
    CHECK(r["ruleId"] == "TG201");
    CHECK(r["level"] == "warning");
    CHECK(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "fixtures/terraform/09-inline-suppressions/main.tf");
    fingerprints_seen.insert(r["partialFingerprints"]["threegate/v1"].get<std::string>());
    REQUIRE(r["suppressions"].size() == 1);
    const json& s = r["suppressions"][0];
    CHECK(s["kind"] == "inSource");
    CHECK(s["status"] == "accepted");
    CHECK_FALSE(s.contains("properties"));  // an inline comment does not expire
    const json& at = s["location"]["physicalLocation"];
    CHECK(at["artifactLocation"]["uri"] == "fixtures/terraform/09-inline-suppressions/main.tf");
    CHECK(at["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
    const int line = at["region"]["startLine"];
    CHECK((line == 27 || line == 58));  // the comment above the key policy's statement; the trailing one
    if (line == 27) CHECK_FALSE(s.contains("justification"));  // no reason given (TG406 says so)
    justifications.push_back(s.value("justification", ""));
  }
  CHECK(fingerprints_seen.size() == res.size());  // every result has a fingerprint of its own
  CHECK(std::find(justifications.begin(), justifications.end(),
                  "the whole payments account reads this token, by design") != justifications.end());
}

TEST_CASE("sarif suppressions: configuration entries are external suppressions; an expired one is none") {
  const fs::path dir = fs::temp_directory_path() / "threegate-unit-sarif-suppressions";
  fs::remove_all(dir);
  write(dir / "policies" / "key.json", key_policy());
  write(dir / "policies" / "old.json", key_policy());
  write(dir / ".threegate.yaml",
        "suppress:\n"
        "  - {rule: TG201, path: policies/key.json, sid: AllowConsumer, reason: contract SEC-1, expires: 2999-12-31}\n"
        "  - {rule: TG201, path: policies/old.json, reason: the old contract, expires: 2000-01-01}\n");
  Checked c;
  check(c, {(dir / "policies").string()}, (dir / ".threegate.yaml").string(), dir.string());
  const json log = json::parse(c.sarif);
  const json& res = results(log);

  size_t suppressed = 0, old = 0, expired_notes = 0;
  for (const json& r : res) {
    const std::string uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    if (r.contains("suppressions")) {
      ++suppressed;
      CHECK(r["ruleId"] == "TG201");
      CHECK(uri == "policies/key.json");
      REQUIRE(r["suppressions"].size() == 1);
      const json& s = r["suppressions"][0];
      CHECK(s["kind"] == "external");
      CHECK(s["status"] == "accepted");
      CHECK(s["justification"] == "contract SEC-1");
      CHECK(s["properties"]["expires"] == "2999-12-31");
      CHECK(s["location"]["physicalLocation"]["artifactLocation"]["uri"] == ".threegate.yaml");
      CHECK(s["location"]["physicalLocation"]["region"]["startLine"] == 2);
    } else if (r["ruleId"] == "TG201") {
      ++old;  // the expired entry silences nothing: reported, with no suppression
      CHECK(uri == "policies/old.json");
    } else if (r["ruleId"] == "TG407") {
      expired_notes += r["message"]["text"].get<std::string>().find("expired on 2000-01-01") != std::string::npos;
    }
  }
  CHECK(suppressed == 1);
  CHECK(old == 1);
  CHECK(expired_notes == 1);
  CHECK(c.sarif.find("the old contract") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("sarif suppressions: none suppressed gives the same report as before") {
  SourceSet sources;
  const SourceFile* f = sources.add("policies/key.json", key_policy());
  Finding a;
  a.rule_id = "TG201";
  a.rule_name = "whole-account-principal";
  a.severity = Severity::Warning;
  a.message = "m";
  a.range = Range{f, 10, 20};
  std::ostringstream with, without;
  write_sarif(with, {a}, std::vector<SuppressedFinding>{}, ReportOptions{});
  write_sarif(without, {a}, ReportOptions{});
  CHECK(with.str() == without.str());

  // A suppression whose entry has no known place, reason or expiry is still a valid suppression.
  SuppressedFinding s{a, false, "", "", Range{}};
  std::ostringstream one;
  write_sarif(one, {}, {s}, ReportOptions{});
  const json r = results(json::parse(one.str()));
  REQUIRE(r.size() == 1);
  CHECK(r[0]["suppressions"] == json::array({{{"kind", "external"}, {"status", "accepted"}}}));
}
