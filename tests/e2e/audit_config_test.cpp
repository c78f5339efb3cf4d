// `audit`, `who-can` and `can` with a .threegate.yaml, as `check` reads it: account names in every
// output, declared partners not "outside the organization", rule selection, suppressions with and
// without expiry, --show-suppressed, fail-on, and a wrong configuration reported at its location.
//
// fixtures/exports/partner-account is cmk-cross-account with account 222222222222 taken out of the
// organization (its role consumer reads through the secret and key policies) and account
// 444444444444, whose IAM is not in the export, named by the secret policy (Sid AllowVendorRead)
// and the key policy (Sid AllowVendorDecryptViaSecretsManager): without a configuration both are
// outside the organization; both statements trust a whole account (TG201, warning).
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "e2e/run.hpp"

namespace fs = std::filesystem;

namespace {

using nlohmann::json;

const std::string kExport = "fixtures/exports/partner-account";
const std::string kDb = "arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/db-AbCdEf";
const std::string kApp = "arn:aws:iam::111111111111:role/app";
const std::string kConsumer = "arn:aws:iam::222222222222:role/consumer";

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("threegate-e2e-audit-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// Writes the configuration; returns its path.
std::string write_config(const TempDir& t, const std::string& text) {
  const fs::path p = t.path / ".threegate.yaml";
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

// Names every account; 222222222222 and 444444444444 are trusted partners. TG423 (a duplicate Sid
// in the bundled AWS-managed key policy, when the catalog reports it) is left out so that the
// findings are the fixture's own.
const std::string kAccounts = R"(accounts:
  - {id: "111111111111", name: prod}
  - {id: "222222222222", name: consumer-vendor, trust: partner}
  - {id: "444444444444", name: analytics-vendor, trust: partner}
  - {id: "999999999999", name: management}
ignore: [TG423]
)";

std::vector<std::string> principals(const json& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e["principal"]);
  return out;
}

size_t count_rule(const json& findings, const std::string& rule) {
  size_t n = 0;
  for (const auto& f : findings) n += f["rule_id"] == rule;
  return n;
}

}  // namespace

TEST_CASE("audit config: without a configuration the partners are outside the organization") {
  int code = -1;
  json j = e2e::threegate_json("audit --no-config --format json " + kExport, &code);
  REQUIRE(j.is_object());
  CHECK(code == 1);
  CHECK(j["config"].is_null());
  const json& c = j["matrix"][0];
  CHECK(principals(c["readers"]) == std::vector<std::string>{kApp, kConsumer});
  CHECK(principals(c["external"]) == std::vector<std::string>{"444444444444", kConsumer});
}

TEST_CASE("audit config: names and partners in json, text, csv and the graph") {
  TempDir t("names");
  const std::string config = write_config(t, kAccounts);
  int code = -1;
  json j = e2e::threegate_json("audit --format json --config " + config + " " + kExport, &code);
  REQUIRE(j.is_object());
  CHECK(j["config"] == config);
  CHECK(j["known_accounts"]["222222222222"] == json{{"name", "consumer-vendor"}, {"trust", "partner"}});
  const json& c = j["matrix"][0];
  CHECK(c["account_name"] == "prod");
  CHECK(c["trust"] == "organization");
  // Declared partners still read, but are not outside the organization.
  CHECK(principals(c["readers"]) == std::vector<std::string>{"444444444444", kApp, kConsumer});
  CHECK(c["external"].empty());
  CHECK(c["undecided"].empty());
  CHECK(c["readers"][0]["iam_in_export"] == false);
  CHECK(c["readers"][0]["account_name"] == "analytics-vendor");
  CHECK(c["readers"][2]["account_name"] == "consumer-vendor");
  CHECK(c["readers"][2]["trust"] == "partner");
  CHECK(c["readers"][2]["in_organization"] == false);
  CHECK(j["summary"]["external"] == 0);
  // No broken share, nobody outside; the config does not say fail-on, so its findings (TG201
  // warnings) leave the exit code as it is without a config.
  CHECK(code == 0);

  auto text = e2e::threegate("audit --config " + config + " " + kExport, false);
  CHECK(text.out.find("prod:prod/db-AbCdEf") != std::string::npos);
  CHECK(text.out.find(kDb + " [prod]\n") != std::string::npos);
  CHECK(text.out.find("    " + kConsumer + " [consumer-vendor, partner]\n") != std::string::npos);
  CHECK(text.out.find("    444444444444 [analytics-vendor, partner] (if its own IAM allows)\n") != std::string::npos);
  CHECK(text.out.find("outside the organization (0)") != std::string::npos);

  auto csv = e2e::threegate("audit --format csv --config " + config + " " + kExport, false);
  CHECK(csv.out.rfind("secret,region,replica,key,principal,account,verdict,gate,reason,account_name\r\n", 0) == 0);
  CHECK(csv.out.find("," + kConsumer + ",222222222222,reader,,,consumer-vendor\r\n") != std::string::npos);
  CHECK(csv.out.find(",444444444444,444444444444,reader,,the secret's side lets it read; its own IAM decides,analytics-vendor\r\n") !=
        std::string::npos);
  CHECK(csv.out.find(",external,") == std::string::npos);

  const std::string dot = (t.path / "graph.dot").string();
  e2e::threegate("audit --graph " + dot + " --config " + config + " " + kExport);
  const std::string graph = e2e::read_file(dot);
  CHECK(graph.find("label=\"account 111111111111 (prod)\"") != std::string::npos);
  CHECK(graph.find("label=\"account 222222222222 (consumer-vendor, partner)\"") != std::string::npos);
  CHECK(graph.find("\"" + kConsumer + "\" -> \"" + kDb + "\" [color=darkgreen]") != std::string::npos);

  // who-can and can read it too.
  json w = e2e::threegate_json("who-can --format json --secret " + kDb + " --config " + config + " " + kExport);
  REQUIRE(w.is_object());
  CHECK(w["external"].empty());
  CHECK(w["account_name"] == "prod");
  auto wt = e2e::threegate("who-can --secret " + kDb + " --config " + config + " " + kExport, false);
  CHECK(wt.out.find(kConsumer + " [consumer-vendor, partner]") != std::string::npos);
  json cn = e2e::threegate_json("can --format json --principal " + kConsumer + " --config " + config + " " + kExport);
  REQUIRE(cn.is_object());
  CHECK(cn["account_name"] == "consumer-vendor");
  CHECK(cn["trust"] == "partner");
  REQUIRE(cn["can_read"].size() == 1);
  CHECK(cn["can_read"][0]["account_name"] == "prod");
  auto ct = e2e::threegate("can --principal " + kConsumer + " --config " + config + " " + kExport, false);
  CHECK(ct.out.rfind(kConsumer + " [consumer-vendor, partner]\n", 0) == 0);
}

TEST_CASE("audit config: found by walking up from the current directory, and --no-config") {
  TempDir t("walk");
  write_config(t, "accounts: [{id: \"222222222222\", name: consumer-vendor, trust: partner}]\n");
  fs::create_directories(t.path / "sub");
  const std::string exp = (fs::path(THREEGATE_SOURCE_DIR) / kExport).string();
  auto run = [&](const std::string& args) {
    std::string cmd = "cd '" + (t.path / "sub").string() + "' && '" + THREEGATE_BIN + "' " + args + " 2>/dev/null";
    e2e::Run r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  };
  json j = json::parse(run("audit --format json " + exp).out, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j["config"] == "../.threegate.yaml");
  CHECK(principals(j["matrix"][0]["external"]) == std::vector<std::string>{"444444444444"});
  json none = json::parse(run("audit --no-config --format json " + exp).out, nullptr, false);
  REQUIRE(none.is_object());
  CHECK(none["config"].is_null());
  CHECK(none["matrix"][0]["external"].size() == 2);
  CHECK(e2e::threegate("audit --config /nonexistent/.threegate.yaml " + kExport).exit_code == 2);
  CHECK(e2e::threegate("can --principal " + kApp + " --config /nonexistent/.threegate.yaml " + kExport).exit_code == 2);
}

TEST_CASE("audit config: fail-on from the configuration, and the flag over it") {
  TempDir t("fail-on");
  // Only warnings (TG201) and an info (none here once the partner reads): error does not fail.
  std::string config = write_config(t, kAccounts + "fail-on: error\n");
  CHECK(e2e::threegate("audit --config " + config + " " + kExport).exit_code == 0);
  CHECK(e2e::threegate("audit --fail-on warning --config " + config + " " + kExport).exit_code == 1);
  config = write_config(t, kAccounts + "fail-on: warning\n");
  CHECK(e2e::threegate("audit --config " + config + " " + kExport).exit_code == 1);
  CHECK(e2e::threegate("audit --fail-on error --config " + config + " " + kExport).exit_code == 0);
  // Severity overrides count.
  config = write_config(t, kAccounts + "fail-on: error\nseverity: {TG201: error}\n");
  CHECK(e2e::threegate("audit --config " + config + " " + kExport).exit_code == 1);
  // never: not even reads from outside the organization fail the audit.
  CHECK(e2e::threegate("audit --no-config --fail-on never " + kExport).exit_code == 0);
  CHECK(e2e::threegate("audit --no-config --fail-on error " + kExport).exit_code == 1);  // still outside reads
  // Rule selection applies to the findings.
  json j = e2e::threegate_json("audit --format json --config " + write_config(t, kAccounts + "select: [TG109]\n") + " " + kExport);
  REQUIRE(j.is_object());
  CHECK(count_rule(j["findings"], "TG201") == 0);
}

TEST_CASE("audit config: suppressions with and without expiry, and --show-suppressed") {
  TempDir t("suppress");
  const std::string suppress = R"(suppress:
  - rule: TG201
    sid: AllowVendorRead
    reason: the vendor reads through its own roles by contract (SEC-1234)
)";
  std::string config = write_config(t, kAccounts + suppress + "    expires: 2999-12-31\n");
  json j = e2e::threegate_json("audit --format json --config " + config + " " + kExport);
  REQUIRE(j.is_object());
  CHECK(count_rule(j["findings"], "TG201") == 1);  // the key policy's statement is not suppressed
  CHECK(!j.contains("suppressed"));
  json s = e2e::threegate_json("audit --format json --show-suppressed --config " + config + " " + kExport);
  REQUIRE(s.is_object());
  REQUIRE(s["suppressed"].size() == 1);
  CHECK(s["suppressed"][0]["rule_id"] == "TG201");
  CHECK(s["suppressed"][0]["suppression"]["kind"] == "config");
  CHECK(s["suppressed"][0]["suppression"]["expires"] == "2999-12-31");
  CHECK(s["suppressed"][0]["suppression"]["reason"] == "the vendor reads through its own roles by contract (SEC-1234)");
  CHECK(s["suppressed"][0]["suppression"]["location"]["line"] == 8);
  auto text = e2e::threegate("audit --show-suppressed --config " + config + " " + kExport, false);
  CHECK(text.out.find("1 suppressed finding:") != std::string::npos);
  CHECK(text.out.find("suppressed by the configuration until 2999-12-31: the vendor reads through its own roles") !=
        std::string::npos);

  // Without expiry.
  config = write_config(t, kAccounts + suppress);
  j = e2e::threegate_json("audit --format json --config " + config + " " + kExport);
  REQUIRE(j.is_object());
  CHECK(count_rule(j["findings"], "TG201") == 1);

  // Expired: the finding is back, and the suppression says so at its location.
  config = write_config(t, kAccounts + suppress + "    expires: 2020-01-31\n");
  j = e2e::threegate_json("audit --format json --show-suppressed --config " + config + " " + kExport);
  REQUIRE(j.is_object());
  CHECK(count_rule(j["findings"], "TG201") == 2);
  CHECK(j["suppressed"].empty());
  REQUIRE(count_rule(j["findings"], "TG407") == 1);
  for (const auto& f : j["findings"]) {
    if (f["rule_id"] != "TG407") continue;
    CHECK(f["message"].get<std::string>().find("expired on 2020-01-31") != std::string::npos);
    CHECK(f["location"]["line"] == 8);
  }
}

TEST_CASE("audit config: a wrong configuration is a TG407 finding at its location") {
  TempDir t("bad");
  const std::string config = write_config(t, "accounts:\n  - {id: \"222222222222\", trust: partner}\nfail-on: sometimes\n");
  json j = e2e::threegate_json("audit --format json --config " + config + " " + kExport);
  REQUIRE(j.is_object());
  bool found = false;
  for (const auto& f : j["findings"]) {
    if (f["rule_id"] != "TG407") continue;
    found = true;
    CHECK(f["location"]["path"] == config);
    CHECK(f["location"]["line"] == 3);
  }
  CHECK(found);
  // The rest of the file still applies.
  CHECK(principals(j["matrix"][0]["external"]) == std::vector<std::string>{"444444444444"});
  // who-can and can print no findings: the problem goes to stderr.
  auto w = e2e::threegate("who-can --secret " + kDb + " --config " + config + " " + kExport);
  CHECK(w.exit_code == 0);
  CHECK(w.out.find(config + ":3:") != std::string::npos);
  CHECK(w.out.find("TG407") != std::string::npos);
}
