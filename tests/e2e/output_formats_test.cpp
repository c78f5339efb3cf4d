// The machine output formats through the binary: reviewed snapshots of SARIF, GitHub workflow
// commands and JUnit (fixtures/output/<case>/expected.<format>; THREEGATE_UPDATE_SNAPSHOTS=1
// rewrites them), SARIF rule descriptors against the catalog, fingerprints that survive moved
// lines, --format/--output pairs, --quiet, colour, and docs/rules.md against the binary.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "e2e/run.hpp"

namespace fs = std::filesystem;

namespace {

using json = nlohmann::json;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "threegate-output-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string str() const { return path.string(); }
};

// A shell command run from the source folder; its stdout.
std::string shell(const std::string& command) {
  std::string cmd = std::string("cd '") + THREEGATE_SOURCE_DIR + "' && " + command + " 2>/dev/null";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

void write_file(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// The stable part of a SARIF report: the rule descriptors and the root URI become placeholders.
std::string sarif_snapshot(const std::string& report) {
  auto j = nlohmann::ordered_json::parse(report, nullptr, false);
  if (j.is_discarded()) return "not JSON:\n" + report;
  auto& run = j["runs"][0];
  run["tool"]["driver"]["rules"] = "(every rule of the catalog: checked against `threegate rules` separately)";
  run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///SRCROOT/";
  return j.dump(2) + "\n";
}

void compare_snapshot(const std::string& name, const std::string& actual) {
  fs::path snapshot = fs::path(THREEGATE_SOURCE_DIR) / "fixtures" / "output" / name;
  if (std::getenv("THREEGATE_UPDATE_SNAPSHOTS")) {
    fs::create_directories(snapshot.parent_path());
    write_file(snapshot, actual);
    return;
  }
  REQUIRE_MESSAGE(fs::exists(snapshot), "missing snapshot ", name, "; run with THREEGATE_UPDATE_SNAPSHOTS=1 and review");
  CHECK(actual == e2e::read_file(snapshot.string()));
}

json sarif(const std::string& args, int* code = nullptr) { return e2e::threegate_json("check --format sarif " + args, code); }

std::map<std::string, std::string> fingerprints(const json& log) {
  std::map<std::string, std::string> out;  // "rule principal" -> fingerprint
  for (const auto& r : log["runs"][0]["results"]) {
    std::string key = r["ruleId"].get<std::string>() + " " + r["properties"].value("principal", "") + " " +
                      r["message"]["text"].get<std::string>().substr(0, 60);
    out[key] = r["partialFingerprints"]["threegate/v1"];
  }
  return out;
}

}  // namespace

TEST_CASE("output: SARIF, GitHub and JUnit reports match the reviewed snapshots") {
  struct Case {
    const char* name;
    const char* args;
  };
  const Case cases[] = {
      {"01-default-key-broken", "fixtures/examples/01-default-key-broken"},
      {"03-central-sops-key", "fixtures/examples/03-central-sops-key"},
      {"unicode", "--kind key fixtures/output/unicode"},
      {"invalid-json", "fixtures/rules/TG401/bad"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto s = e2e::threegate(std::string("check --format sarif ") + c.args, false);
    CHECK(s.exit_code == 1);
    compare_snapshot(std::string(c.name) + "/expected.sarif", sarif_snapshot(s.out));
    auto g = e2e::threegate(std::string("check --format github ") + c.args, false);
    CHECK(g.exit_code == 1);
    compare_snapshot(std::string(c.name) + "/expected.github", g.out);
    auto x = e2e::threegate(std::string("check --format junit ") + c.args, false);
    CHECK(x.exit_code == 1);
    compare_snapshot(std::string(c.name) + "/expected.junit.xml", x.out);
  }
}

TEST_CASE("output: SARIF columns count UTF-16 code units, the text report bytes") {
  // Line 5 holds €, 🔑 and é (3 + 4 + 2 bytes, 1 + 2 + 1 UTF-16 units) before the finding.
  auto log = sarif("--kind key fixtures/output/unicode");
  REQUIRE(log.is_object());
  const auto& region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
  auto text = e2e::threegate("check --kind key fixtures/output/unicode", false).out;
  std::smatch m;
  REQUIRE(std::regex_search(text, m, std::regex(R"(key-policy\.json:5:(\d+): error TG202)")));
  CHECK(region["startLine"] == 5);
  CHECK(region["startColumn"].get<int>() == std::stoi(m[1]) - 5);
  CHECK(log["runs"][0]["columnKind"] == "utf16CodeUnits");
}

TEST_CASE("output: SARIF rule descriptors come from the rule catalog") {
  auto catalog = e2e::threegate_json("rules --format json");
  auto log = sarif("fixtures/examples/02-cmk-fixed");
  REQUIRE(catalog.is_array());
  REQUIRE(log.is_object());
  const auto& driver = log["runs"][0]["tool"]["driver"];
  CHECK(driver["name"] == "threegate");
  CHECK(driver["version"] == e2e::threegate("--version", false).out.substr(0, driver["version"].get<std::string>().size()));
  // Links only when the build knows threegate's home page (THREEGATE_HOMEPAGE_URL), for all
  // rules or none; the unit tests check their anchors with a home page set.
  const bool links = driver.contains("informationUri");
  if (links) CHECK(driver["informationUri"].is_string());
  REQUIRE(driver["rules"].size() == catalog.size());
  const std::map<std::string, std::string> security_severity{{"error", "8.0"}, {"warning", "5.0"}, {"info", "2.0"}};
  const std::map<std::string, std::string> level{{"error", "error"}, {"warning", "warning"}, {"info", "note"}};
  for (size_t i = 0; i < catalog.size(); ++i) {
    const auto& want = catalog[i];
    const auto& rule = driver["rules"][i];
    CAPTURE(want["id"]);
    CHECK(rule["id"] == want["id"]);
    CHECK(rule["name"] == want["name"]);
    CHECK(rule["shortDescription"]["text"] == want["summary"]);
    CHECK(rule["fullDescription"]["text"].get<std::string>().size() > 20);
    CHECK(rule["help"]["markdown"].get<std::string>().find("### ") != std::string::npos);
    CHECK(rule["help"]["text"].get<std::string>().find(want["summary"].get<std::string>()) == 0);
    std::string anchor = want["id"].get<std::string>() + "-" + want["name"].get<std::string>();
    for (auto& ch : anchor) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(rule.contains("helpUri") == links);
    if (links) {
      std::string help_uri = rule["helpUri"], tail = "docs/rules.md#" + anchor;
      CHECK(help_uri.size() > tail.size());
      CHECK(help_uri.compare(help_uri.size() - std::min(tail.size(), help_uri.size()), tail.size(), tail) == 0);
    }
    CHECK(rule["defaultConfiguration"]["level"] == level.at(want["severity"]));
    CHECK(rule["properties"]["security-severity"] == security_severity.at(want["severity"]));
    CHECK(rule["properties"]["tags"] == json::array({want["category"], "security"}));
  }
  CHECK(log["runs"][0]["results"].empty());
}

TEST_CASE("output: SARIF fingerprints stay when unrelated lines move and differ between findings") {
  TempDir dir;
  fs::copy(fs::path(THREEGATE_SOURCE_DIR) / "fixtures/examples/03-central-sops-key", dir.path / "case",
           fs::copy_options::recursive);
  const std::string args = "--sarif-root " + dir.str() + " " + (dir.path / "case").string();
  auto before = sarif(args);
  REQUIRE(before.is_object());
  // Blank lines at the top of both files move every finding and every statement down.
  for (const char* f : {"case/inventory.json", "case/policies/central-key-policy.json"}) {
    write_file(dir.path / f, "\n\n\n" + e2e::read_file((dir.path / f).string()));
  }
  auto after = sarif(args);
  REQUIRE(after.is_object());
  auto a = fingerprints(before), b = fingerprints(after);
  REQUIRE(a.size() == 2);
  CHECK(a == b);
  std::set<std::string> distinct;
  for (const auto& [_, fp] : a) distinct.insert(fp);
  CHECK(distinct.size() == a.size());
  const auto& moved = after["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
  CHECK(moved["region"]["startLine"] ==
        before["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>() + 3);
  CHECK(moved["artifactLocation"]["uri"] == "case/policies/central-key-policy.json");
  CHECK(moved["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(after["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] ==
        "file://" + fs::canonical(dir.path).string() + "/");
}

TEST_CASE("output: --output pairs with the --format before it") {
  TempDir dir;
  const std::string example = " fixtures/examples/01-default-key-broken";
  const std::string sarif_file = (dir.path / "out.sarif").string(), xml = (dir.path / "out.xml").string();

  auto r = e2e::threegate("check --format sarif --output " + sarif_file + " --format text --format junit --output " +
                              xml + example,
                          false);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("error TG101 aws-managed-key-cross-account") != std::string::npos);  // text to stdout
  CHECK(r.out.find("\"$schema\"") == std::string::npos);
  auto log = json::parse(e2e::read_file(sarif_file), nullptr, false);
  REQUIRE(log.is_object());
  CHECK(log["runs"][0]["results"][0]["ruleId"] == "TG101");
  CHECK(e2e::read_file(xml).find("<testcase classname=\"fixtures/examples/01-default-key-broken/inventory.json\"") !=
        std::string::npos);

  // --output alone writes the default format; "-" is stdout.
  const std::string txt = (dir.path / "out.txt").string();
  r = e2e::threegate("check --output " + txt + example, false);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(e2e::read_file(txt).find("error TG101") != std::string::npos);
  r = e2e::threegate("check --format=json --output=-" + example, false);
  CHECK(json::parse(r.out, nullptr, false).is_object());

  // Contradictions are usage errors (exit 2), and leave existing files alone.
  write_file(dir.path / "keep.sarif", "keep");
  const std::string keep = (dir.path / "keep.sarif").string();
  CHECK(e2e::threegate("check --format json --format text" + example).exit_code == 2);
  CHECK(e2e::threegate("check --output " + keep + " --format sarif" + example).exit_code == 2);
  CHECK(e2e::threegate("check --format sarif --output " + keep + " --output " + txt + example).exit_code == 2);
  CHECK(e2e::threegate("check --format sarif --output " + txt + " --format json --output " + txt + example).exit_code == 2);
  CHECK(e2e::threegate("check --format sarif --output " + keep + " no/such/path.json").exit_code == 2);
  CHECK(e2e::read_file(keep) == "keep");
  CHECK(e2e::threegate("check --format sarif --output " + (dir.path / "no/such/dir/x.sarif").string() + example)
            .exit_code == 2);
  CHECK(e2e::threegate("check --sarif-root no/such/dir --format sarif" + example).exit_code == 2);
  CHECK(e2e::threegate("check --format xml" + example).exit_code == 2);
}

TEST_CASE("output: --quiet drops the summary line; colour only on a terminal without NO_COLOR") {
  const std::string example = " fixtures/examples/01-default-key-broken";
  auto full = e2e::threegate("check" + example, false);
  auto quiet = e2e::threegate("check --quiet" + example, false);
  CHECK(quiet.exit_code == 1);
  CHECK(full.out.find("1 error, 0 warnings") != std::string::npos);
  CHECK(quiet.out.find("1 error, 0 warnings") == std::string::npos);
  CHECK(full.out.substr(0, quiet.out.size()) == quiet.out);
  CHECK(full.out.find('\x1b') == std::string::npos);  // a pipe: no colour

  if (::access("/usr/bin/script", X_OK) != 0) return;  // util-linux `script` gives the binary a terminal
  auto tty = [&](const std::string& env) {
    return shell("TERM=xterm " + env + " script -qec \"'" + std::string(THREEGATE_BIN) + "' check" +
                                example + "\" /dev/null");
  };
  auto coloured = tty("");
  CHECK(coloured.find("\x1b[1;31merror\x1b[0m TG101") != std::string::npos);
  auto plain = tty("NO_COLOR=1");
  CHECK(plain.find("error TG101") != std::string::npos);
  CHECK(plain.find('\x1b') == std::string::npos);
}

TEST_CASE("output: docs/rules.md is the binary's rules reference") {
  auto md = e2e::threegate("rules --format markdown", false);
  REQUIRE(md.exit_code == 0);
  CHECK_MESSAGE(md.out == e2e::read_file(std::string(THREEGATE_SOURCE_DIR) + "/docs/rules.md"),
                "docs/rules.md is stale: cmake --build <build-dir> --target rules_doc, and review the diff");
  auto catalog = e2e::threegate_json("rules --format json");
  for (const auto& r : catalog) {
    std::string id = r["id"], name = r["name"];
    std::string anchor = id + "-" + name;
    for (auto& ch : anchor) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CAPTURE(id);
    CHECK(md.out.find("\n## " + id + " " + name + "\n") != std::string::npos);
    CHECK(md.out.find("[" + id + "](#" + anchor + ")") != std::string::npos);
  }
}

TEST_CASE("output: invalid UTF-8 in an input never breaks a report") {
  TempDir dir;
  // Invalid UTF-8 in a file name reaches the report (paths are not checked); inside a document,
  // the reader rejects it at the byte (TG401). Either way the report stays valid.
  write_file(dir.path / "A\xFF.json",
             "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"Public\", \"Effect\": \"Allow\", \"Principal\": \"*\", "
             "\"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"*\"}]}");
  write_file(dir.path / "sid.json",
             "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"A\xFF\", \"Effect\": \"Allow\", \"Principal\": \"*\", "
             "\"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"*\"}]}");
  const std::string input = " " + dir.path.string();
  for (std::string format : {"json", "sarif"}) {
    CAPTURE(format);
    int code = -1;
    auto j = e2e::threegate_json("check --format " + format + input, &code);
    CHECK(code == 1);
    REQUIRE(j.is_object());
    CHECK(j.dump().find("A\xEF\xBF\xBD.json") != std::string::npos);  // U+FFFD in the path
    CHECK(j.dump().find("invalid UTF-8") != std::string::npos);
  }
  for (std::string format : {"text", "github", "junit"}) {
    CAPTURE(format);
    CHECK(e2e::threegate("check --format " + format + input, false).exit_code == 1);
  }
}
