// Policy validation against IAM Access Analyzer: the 125 AWS-managed policies of the shared corpus
// with the findings Access Analyzer's ValidatePolicy reported for each. Every finding is matched by
// issue code and location (the JSON path Access Analyzer gives, resolved in the document); the
// agreement table is printed (README "Policy validation against Access Analyzer"). Skips cleanly
// when the corpus is absent.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "threegate/analysis.hpp"
#include "threegate/json.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = THREEGATE_CORPUS_DIR;

// Access Analyzer's issue code for one of our findings ("" when the rule is not a validation rule).
std::string issue_code(const Finding& f) {
  const std::string& m = f.message;
  auto has = [&](const char* s) { return m.find(s) != std::string::npos; };
  const std::string& r = f.rule_id;
  if (r == "TG410") return has("service prefix") ? "INVALID_SERVICE_IN_ACTION" : "INVALID_ACTION";
  if (r == "TG411") return "threegate:ACTION_WILDCARD_MATCHES_NOTHING";
  if (r == "TG412") return "threegate:SERVICE_WILDCARD";
  if (r == "TG413") return "threegate:ACTION_NEEDS_STAR_RESOURCE";
  if (r == "TG414") return "threegate:RESOURCE_TYPE_MISMATCH";
  if (r == "TG415") return has("the service \"") ? "INVALID_SERVICE" : "threegate:MALFORMED_ARN";
  if (r == "TG416") return has("global condition key") ? "INVALID_GLOBAL_CONDITION_KEY" : "INVALID_SERVICE_CONDITION_KEY";
  if (r == "TG417") return "threegate:CONDITION_KEY_NOT_FOR_ACTION";
  if (r == "TG418") {
    if (has("is an ARN key")) return "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS";
    if (has("the value \"")) return "threegate:INVALID_CONDITION_VALUE";
    return "TYPE_MISMATCH";
  }
  if (r == "TG419") return "FORALLVALUES_WITH_SINGLE_VALUED_KEY";
  if (r == "TG420") return "MISSING_QUALIFIER";
  if (r == "TG421") return "INVALID_SERVICE_PRINCIPAL_FORMAT";
  if (r == "TG422") return "MISSING_VERSION";
  if (r == "TG423") return has("already used") ? "DUPLICATE_SID" : "INVALID_SID";
  if (r == "TG424") return "EMPTY_OBJECT_CONDITION";
  if (r == "TG425") return has("action entries") ? "REDUNDANT_ACTION" : has("resource entries") ? "REDUNDANT_RESOURCE"
                                                                                                  : "REDUNDANT_STATEMENT";
  if (r == "TG426") return "threegate:RESOURCE_IN_TRUST_POLICY";
  if (r == "TG427") return has("as any identity policy") ? "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"
                                                          : "threegate:OVER_MANAGED_POLICY_QUOTA";
  if (r == "TG428") return "EQUIVALENT_TO_NULL_FALSE";
  return "";
}

// Access Analyzer's checks that threegate's validation covers (the others are listed as out of scope).
const std::set<std::string> kInScope{
    "INVALID_ACTION", "INVALID_SERVICE_IN_ACTION", "INVALID_SERVICE", "INVALID_SERVICE_CONDITION_KEY",
    "INVALID_GLOBAL_CONDITION_KEY", "TYPE_MISMATCH", "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
    "FORALLVALUES_WITH_SINGLE_VALUED_KEY", "MISSING_QUALIFIER", "INVALID_SERVICE_PRINCIPAL_FORMAT", "MISSING_VERSION",
    "DUPLICATE_SID", "INVALID_SID", "EMPTY_OBJECT_CONDITION", "REDUNDANT_ACTION", "REDUNDANT_RESOURCE",
    "REDUNDANT_STATEMENT", "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", "EQUIVALENT_TO_NULL_FALSE"};

// The byte range of the element an Access Analyzer path names, in our parse of the file.
bool resolve(const JsonValue& document, const nlohmann::json& path, Range& out) {
  const JsonValue* v = &document;
  out = v->range;
  for (const auto& step : path) {
    if (step.contains("index")) {
      const size_t i = step["index"].get<size_t>();
      if (v->is_array()) {
        if (i >= v->items.size()) return false;
        v = &v->items[i];
      } else if (i != 0) {
        return false;  // a single value written without a list is index 0
      }
      out = v->range;
    } else {
      const std::string key = step.contains("value") ? step["value"].get<std::string>() : step["key"].get<std::string>();
      const JsonMember* m = v->find_member(key);
      if (!m) return false;
      v = &m->value;
      out = Range{m->value.range.file, m->key_range.begin, m->value.range.end};
    }
  }
  return true;
}

bool overlaps(const Range& a, const Range& b) {
  return a.file == b.file && a.begin < b.end && b.begin < a.end;
}

struct Tally {
  size_t both = 0, only_aa = 0, only_us = 0;
  std::string type;
};

}  // namespace

TEST_CASE("catalog validation agrees with Access Analyzer on the managed-policy corpus") {
  const fs::path policies = kCorpus / "01-iam-managed-policies" / "findings-policies";
  const fs::path expected = kCorpus / "01-iam-managed-policies" / "access-analyzer-findings";
  std::error_code ec;
  if (!fs::is_directory(policies, ec) || !fs::is_directory(expected, ec)) {
    MESSAGE("shared corpus not present: skipped");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(policies))
    if (e.path().extension() == ".json" && fs::exists(expected / e.path().filename())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 120);

  std::map<std::string, Tally> table;
  std::vector<std::string> misses, extras;
  for (const fs::path& file : files) {
    CAPTURE(file.string());
    Analysis a;
    std::string usage;
    load_inputs({file.string()}, CheckOptions{}, a, usage);
    REQUIRE(usage.empty());
    run_analysis(a);
    REQUIRE(!a.scopes.front().inventory.loose.empty());
    const Policy& policy = a.scopes.front().inventory.loose.front().policy;
    const SourceFile* source = policy.range.file;
    REQUIRE(source);
    const JsonParseResult parsed = parse_json(*source);
    REQUIRE(parsed.ok());
    const JsonValue* document = parsed.value->find("PolicyVersion")->find("Document");
    REQUIRE(document);

    std::vector<std::pair<std::string, Range>> ours;
    std::vector<std::string> messages;
    for (const Finding& f : a.findings) {
      const std::string code = issue_code(f);
      if (code.empty()) continue;
      ours.push_back({code, Range{source, f.range.begin, f.range.end}});
      messages.push_back(f.message);
    }
    std::vector<bool> used(ours.size(), false);
    std::ifstream in(expected / file.filename());
    const nlohmann::json aa = nlohmann::json::parse(in);
    for (const auto& finding : aa) {
      const std::string code = finding["issueCode"];
      Tally& t = table[code];
      t.type = finding["findingType"];
      Range where;
      bool matched = false;
      if (resolve(*document, finding["locations"][0]["path"], where)) {
        for (size_t i = 0; i < ours.size() && !matched; ++i) {
          if (used[i] || ours[i].first != code || !overlaps(ours[i].second, where)) continue;
          used[i] = matched = true;
        }
      }
      if (matched) {
        ++t.both;
      } else {
        ++t.only_aa;
        if (kInScope.count(code)) misses.push_back(file.filename().string() + ": " + code);
      }
    }
    for (size_t i = 0; i < ours.size(); ++i) {
      if (used[i]) continue;
      ++table[ours[i].first].only_us;
      extras.push_back(file.filename().string() + ": " + ours[i].first + ": " + messages[i]);
    }
  }

  std::ostringstream out;
  out << "| issue code | Access Analyzer type | both | only Access Analyzer | only threegate |\n|---|---|---|---|---|\n";
  size_t errors = 0, errors_both = 0, scoped = 0, scoped_both = 0;
  for (const auto& [code, t] : table) {
    out << "| " << code << " | " << (t.type.empty() ? "-" : t.type) << " | " << t.both << " | " << t.only_aa << " | "
        << t.only_us << " |" << (kInScope.count(code) || code.starts_with("threegate:") ? "" : " (not checked)") << "\n";
    if (t.type == "ERROR") {
      errors += t.both + t.only_aa;
      errors_both += t.both;
    } else if (kInScope.count(code)) {
      scoped += t.both + t.only_aa;
      scoped_both += t.both;
    }
  }
  std::cout << out.str();
  for (const auto& m : misses) std::cout << "missed: " << m << "\n";
  if (std::getenv("THREEGATE_SHOW_EXTRAS"))
    for (const auto& m : extras) std::cout << "only threegate: " << m << "\n";
  MESSAGE(out.str());
  CHECK(errors_both == errors);
  CHECK(scoped_both * 100 >= scoped * 95);
}
