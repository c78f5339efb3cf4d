// Every rule fixture, end to end: a bad case reports its rule, a good case does not, and the
// text output matches the case's reviewed snapshot (expected.txt). THREEGATE_UPDATE_SNAPSHOTS=1
// rewrites the snapshots, to be reviewed in the diff.
#include <doctest/doctest.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "e2e/run.hpp"

namespace fs = std::filesystem;

namespace {

struct Case {
  std::string rule, name, dir;  // dir relative to the source folder
};

std::vector<Case> cases() {
  std::vector<Case> out;
  fs::path root = fs::path(THREEGATE_SOURCE_DIR) / "fixtures" / "rules";
  for (const auto& rule : fs::directory_iterator(root)) {
    if (!rule.is_directory()) continue;
    for (const auto& c : fs::directory_iterator(rule.path())) {
      if (!c.is_directory()) continue;
      out.push_back(Case{rule.path().filename().string(), c.path().filename().string(),
                         "fixtures/rules/" + rule.path().filename().string() + "/" + c.path().filename().string()});
    }
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.dir < b.dir; });
  return out;
}

// A case may carry its configuration: `check` runs from the source folder, where walking up would
// not find it.
std::string config_flag(const Case& c) {
  const std::string file = c.dir + "/.threegate.yaml";
  return fs::exists(fs::path(THREEGATE_SOURCE_DIR) / file) ? "--config " + file + " " : "";
}

}  // namespace

TEST_CASE("rule fixtures: bad cases fire their rule, good cases do not") {
  auto all = cases();
  REQUIRE(all.size() >= 30);
  std::set<std::string> rules_with_bad_case;
  for (const auto& c : all) {
    CAPTURE(c.dir);
    auto report = e2e::threegate_json("check --format json " + config_flag(c) + c.dir);
    REQUIRE(report.is_object());
    size_t of_rule = 0, errors = 0;
    for (const auto& f : report["findings"]) {
      if (f["rule_id"] == c.rule) ++of_rule;
      if (f["severity"] == "error") ++errors;
    }
    if (c.name.rfind("bad", 0) == 0) {
      CHECK(of_rule >= 1);
      rules_with_bad_case.insert(c.rule);
    } else {
      CHECK(of_rule == 0);
      CHECK(errors == 0);
    }
  }
  // Every rule of the catalog that can fire has a bad case.
  auto catalog = e2e::threegate_json("rules --format json");
  REQUIRE(catalog.is_array());
  for (const auto& r : catalog) {
    if (r["id"] == "TG109" || r["id"] == "TG403") continue;  // covered by unit tests
    CHECK_MESSAGE(rules_with_bad_case.count(r["id"].get<std::string>()), "no bad fixture for ", r["id"]);
  }
}

TEST_CASE("rule fixtures: text output matches the reviewed snapshots") {
  bool update = std::getenv("THREEGATE_UPDATE_SNAPSHOTS") != nullptr;
  for (const auto& c : cases()) {
    CAPTURE(c.dir);
    auto run = e2e::threegate("check " + config_flag(c) + c.dir, false);
    fs::path snapshot = fs::path(THREEGATE_SOURCE_DIR) / c.dir / "expected.txt";
    if (update) {
      std::ofstream(snapshot, std::ios::binary) << run.out;
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(snapshot), "missing snapshot; run with THREEGATE_UPDATE_SNAPSHOTS=1 and review");
    CHECK(run.out == e2e::read_file(snapshot.string()));
  }
}
