// .threegate.yaml through the binary: found by walking up, flags over the file, suppressions with
// expiry, --show-suppressed, baselines (round trip, moved lines) and `config --dump`.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "e2e/run.hpp"

namespace fs = std::filesystem;

namespace {

// Runs threegate in `cwd` (the tests need folders of their own, each with its configuration).
e2e::Run run_in(const fs::path& cwd, const std::string& args, bool with_stderr = true) {
  std::string cmd = "cd '" + cwd.string() + "' && '" + THREEGATE_BIN + "' " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
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

// A key policy with one TG201 finding (the whole account 222222222222), statement "AllowConsumer".
std::string key_policy(const std::string& before = "") {
  return R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"},)" +
         before + R"(
    {"Sid": "AllowConsumer", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
     "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}
  ]
}
)";
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) : path(fs::temp_directory_path() / ("threegate-e2e-" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

size_t count_rule(const nlohmann::json& report, const std::string& rule) {
  size_t n = 0;
  for (const auto& f : report["findings"]) n += f["rule_id"] == rule;
  return n;
}

}  // namespace

TEST_CASE("config e2e: found by walking up from the current directory; flags override it") {
  TempDir t("config-walk");
  write(t.path / ".threegate.yaml", "fail-on: never\n");
  write(t.path / "team" / "policies" / "key.json", key_policy());
  CHECK(run_in(t.path / "team", "check policies").exit_code == 0);                   // fail-on: never
  CHECK(run_in(t.path / "team", "check --fail-on warning policies").exit_code == 1);  // the flag wins
  CHECK(run_in(t.path / "team", "check --no-config policies").exit_code == 1);
  write(t.path / "team" / ".threegate.yaml", "ignore: [TG201]\n");  // the nearest file applies, alone
  auto r = run_in(t.path / "team", "check --format json policies", false);
  CHECK(r.exit_code == 0);
  CHECK(count_rule(nlohmann::json::parse(r.out), "TG201") == 0);
  CHECK(run_in(t.path / "team", "check --config ../.threegate.yaml --format json policies", false).exit_code == 0);
  CHECK(run_in(t.path / "team", "check --config missing.yaml policies").exit_code == 2);
}

TEST_CASE("config e2e: a wrong configuration is reported at file:line:col and never crashes") {
  TempDir t("config-wrong");
  write(t.path / ".threegate.yaml", "accounts:\n  - id: \"222222222222\"\n    trust: friend\nfail-on: [error]\nexclude: {a: b}\n");
  write(t.path / "key.json", key_policy());
  auto r = run_in(t.path, "check key.json");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find(".threegate.yaml:3:12: error TG407 invalid-config: trust 'friend' must be organization or partner") !=
        std::string::npos);
  CHECK(r.out.find(".threegate.yaml:4:10: error TG407 invalid-config: fail-on must be a single value") != std::string::npos);
  CHECK(r.out.find(".threegate.yaml:5:10: error TG407 invalid-config: exclude must be a list") != std::string::npos);
  write(t.path / ".threegate.yaml", "fail-on: error\n  bad: [\n");
  r = run_in(t.path, "check key.json");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("TG407 invalid-config: not valid YAML") != std::string::npos);
  auto dump = run_in(t.path, "config --dump", false);
  CHECK(dump.exit_code == 1);
  CHECK(dump.out.find("fail-on: warning") != std::string::npos);  // the defaults apply
}

TEST_CASE("config e2e: suppressions by path, Sid and resource, with expiry, and --show-suppressed") {
  TempDir t("config-suppress");
  write(t.path / "policies" / "key.json", key_policy());
  auto config = [&](const std::string& entry) { write(t.path / ".threegate.yaml", "suppress:\n" + entry); };

  config("  - {rule: TG201, path: \"policies/*.json\", sid: AllowConsumer, reason: contract SEC-1, expires: 2999-12-31}\n");
  auto r = run_in(t.path, "check --format json --show-suppressed policies", false);
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(count_rule(j, "TG201") == 0);
  REQUIRE(j["suppressed"].size() == 1);
  CHECK(j["suppressed"][0]["rule_id"] == "TG201");
  CHECK(j["suppressed"][0]["suppression"]["kind"] == "config");
  CHECK(j["suppressed"][0]["suppression"]["reason"] == "contract SEC-1");
  CHECK(j["suppressed"][0]["suppression"]["expires"] == "2999-12-31");
  CHECK(j["suppressed"][0]["suppression"]["location"]["line"] == 2);
  auto text = run_in(t.path, "check --show-suppressed policies", false);
  CHECK(text.out.find("1 suppressed finding:\npolicies/key.json:7:") != std::string::npos);
  CHECK(text.out.find("suppressed by the configuration until 2999-12-31: contract SEC-1  --> ") != std::string::npos);
  // Without the flag the report does not list them.
  CHECK(run_in(t.path, "check --format json policies", false).out.find("suppressed") == std::string::npos);

  // Criteria that do not match leave the finding.
  config("  - {rule: TG201, sid: Other, reason: r}\n");
  CHECK(run_in(t.path, "check policies").exit_code == 1);
  config("  - {rule: TG201, path: \"other/**\", reason: r}\n");
  CHECK(run_in(t.path, "check policies").exit_code == 1);
  // A standalone policy has no resource ARN: a resource glob matches the finding's own resource only.
  config("  - {rule: TG201, resource: \"arn:aws:kms:*\", reason: r}\n");
  CHECK(run_in(t.path, "check policies").exit_code == 1);

  // Expired: the finding is back, and the suppression says so.
  config("  - {rule: TG201, path: policies, reason: contract SEC-1, expires: 2000-01-01}\n");
  r = run_in(t.path, "check --format json policies", false);
  CHECK(r.exit_code == 1);
  j = nlohmann::json::parse(r.out);
  CHECK(count_rule(j, "TG201") == 1);
  REQUIRE(count_rule(j, "TG407") == 1);
  for (const auto& f : j["findings"])
    if (f["rule_id"] == "TG407") {
      CHECK(f["message"].get<std::string>().find("expired on 2000-01-01") != std::string::npos);
      CHECK(f["location"]["line"] == 2);
    }

  // Without a reason: still applied, and reported.
  config("  - {rule: TG201}\n");
  j = nlohmann::json::parse(run_in(t.path, "check --format json policies", false).out);
  CHECK(count_rule(j, "TG201") == 0);
  CHECK(count_rule(j, "TG407") == 1);
}

TEST_CASE("config e2e: --show-suppressed lists inline suppressions with their comment") {
  auto j = e2e::threegate_json("check --no-config --format json --show-suppressed fixtures/terraform/09-inline-suppressions");
  REQUIRE(j["suppressed"].size() == 2);
  for (const auto& s : j["suppressed"]) {
    CHECK(s["suppression"]["kind"] == "inline");
    CHECK(s["message"].get<std::string>().find("aws_") != std::string::npos);  // named as Terraform names them
  }
  CHECK(j["suppressed"][1]["suppression"]["reason"] == "the whole payments account reads this token, by design");
}

TEST_CASE("config e2e: baselines round trip, survive moved lines, and report only new findings") {
  TempDir t("baseline");
  write(t.path / "policies" / "key.json", key_policy());
  auto first = run_in(t.path, "check --write-baseline baseline.json policies");
  CHECK(first.exit_code == 1);  // writing a baseline reports as usual
  auto baseline = nlohmann::json::parse(e2e::read_file((t.path / "baseline.json").string()));
  REQUIRE(baseline["findings"].size() == 1);
  CHECK(baseline["findings"][0]["rule_id"] == "TG201");

  // The same fingerprint SARIF gives, from the same folder.
  auto sarif = nlohmann::json::parse(run_in(t.path, "check --format sarif policies", false).out);
  CHECK(sarif["runs"][0]["results"][0]["partialFingerprints"]["threegate/v1"] == baseline["findings"][0]["fingerprint"]);

  auto again = run_in(t.path, "check --baseline baseline.json policies");
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("threegate: 1 finding in the baseline baseline.json not reported") != std::string::npos);
  CHECK(again.out.find("0 errors, 0 warnings, 0 infos") != std::string::npos);
  // From another folder, naming the same baseline: paths are hashed relative to the baseline's folder.
  CHECK(run_in(t.path / "policies", "check --baseline ../baseline.json key.json").exit_code == 0);

  // Unrelated lines move (a statement added above): the old finding stays baselined, the new one is reported.
  write(t.path / "policies" / "key.json", key_policy(R"(
    {"Sid": "AllowAudit", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
     "Action": "kms:DescribeKey", "Resource": "*"},)"));
  auto moved = run_in(t.path, "check --format json --baseline baseline.json policies", false);
  CHECK(moved.exit_code == 1);
  auto j = nlohmann::json::parse(moved.out);
  REQUIRE(j["findings"].size() == 1);
  CHECK(j["findings"][0]["message"].get<std::string>().find("333333333333") != std::string::npos);

  CHECK(run_in(t.path, "check --baseline missing.json policies").exit_code == 2);
  write(t.path / "not-a-baseline.json", "{\"findings\": 3}");
  CHECK(run_in(t.path, "check --baseline not-a-baseline.json policies").exit_code == 2);
}

TEST_CASE("config e2e: config --dump prints the effective configuration with defaults") {
  TempDir t("config-dump");
  auto defaults = run_in(t.path, "config --dump --no-config", false);
  CHECK(defaults.exit_code == 0);
  CHECK(defaults.out.find("# defaults: no .threegate.yaml applies") == 0);
  CHECK(defaults.out.find("fail-on: warning") != std::string::npos);
  write(t.path / ".threegate.yaml", "accounts: [{id: \"222222222222\", name: analytics, trust: partner}]\nfail-on: error\n");
  fs::create_directories(t.path / "sub");
  auto dump = run_in(t.path / "sub", "config --dump", false);
  CHECK(dump.exit_code == 0);
  CHECK(dump.out.find("# effective configuration of ../.threegate.yaml\n") == 0);
  CHECK(dump.out.find("id: \"222222222222\"") != std::string::npos);
  CHECK(dump.out.find("trust: partner") != std::string::npos);
  CHECK(dump.out.find("fail-on: error") != std::string::npos);
  CHECK(dump.out.find("select: []") != std::string::npos);
}

TEST_CASE("cli e2e: completion scripts name every flag of check, and audit writes --output") {
  auto bash = e2e::threegate("completion bash", false);
  CHECK(bash.exit_code == 0);
  CHECK(bash.out.find("complete -o filenames -F _threegate threegate") != std::string::npos);
  CHECK(e2e::threegate("completion zsh", false).out.find("bashcompinit") != std::string::npos);
  CHECK(e2e::threegate("completion fish", false).out.find("complete -c threegate") != std::string::npos);
  CHECK(e2e::threegate("completion tcsh").exit_code == 2);
  // Every long flag `check --help` lists is completed.
  const std::string help = e2e::threegate("check --help", false).out;
  for (size_t at = help.find("--"); at != std::string::npos; at = help.find("--", at + 2)) {
    size_t end = at + 2;
    while (end < help.size() && (std::isalnum(static_cast<unsigned char>(help[end])) || help[end] == '-')) ++end;
    const std::string flag = help.substr(at, end - at);
    if (flag.size() > 2 && flag != "--help") CHECK_MESSAGE(bash.out.find(flag + " ") != std::string::npos, flag);
  }

  TempDir t("audit-output");
  const std::string report = (t.path / "audit.json").string();
  auto r = e2e::threegate("audit --format json --output " + report + " fixtures/exports/" +
                          fs::directory_iterator(fs::path(THREEGATE_SOURCE_DIR) / "fixtures/exports")->path().filename().string(),
                          false);
  CHECK(r.out.empty());
  CHECK(nlohmann::json::parse(e2e::read_file(report), nullptr, false).is_object());
}
