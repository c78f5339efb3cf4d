// Every policy document of the shared corpus goes through the whole `check` pipeline: it
// parses or yields TG401/TG402, and never crashes. Skips cleanly when the corpus is absent.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "threegate/analysis.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> json_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".json") out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Outcome {
  size_t policies = 0, input_findings = 0;
};

Outcome check_file(const std::string& path) {
  Analysis a;
  std::string usage;
  load_inputs({path}, CheckOptions{}, a, usage);
  REQUIRE(usage.empty());
  run_analysis(a);
  Outcome o;
  o.policies = a.scopes.front().inventory.loose.size();
  for (const auto& f : a.findings) {
    if (f.rule_id == "TG401" || f.rule_id == "TG402") ++o.input_findings;
    // Every finding can be placed: a location in a file, or at least a path.
    CHECK((f.range.known() || !f.path.empty()));
  }
  return o;
}

const fs::path kCorpus = THREEGATE_CORPUS_DIR;

}  // namespace

TEST_CASE("corpus: IAM managed policies parse or are reported") {
  auto files = json_files(kCorpus / "01-iam-managed-policies" / "raw-sample");
  auto more = json_files(kCorpus / "01-iam-managed-policies" / "findings-policies");
  files.insert(files.end(), more.begin(), more.end());
  if (files.empty()) {
    MESSAGE("shared corpus not present: skipped");
    return;
  }
  size_t parsed = 0;
  for (const auto& f : files) {
    CAPTURE(f);
    Outcome o = check_file(f);
    CHECK((o.policies > 0 || o.input_findings > 0));
    parsed += o.policies;
  }
  // AWS's own managed policies are valid: nearly all must read as policies.
  CHECK(parsed * 10 >= files.size() * 9);
}

TEST_CASE("corpus: KMS and Secrets Manager policies parse or are reported") {
  auto files = json_files(kCorpus / "03-kms-secret-policies");
  if (files.empty()) {
    MESSAGE("shared corpus not present: skipped");
    return;
  }
  for (const auto& f : files) {
    CAPTURE(f);
    Outcome o = check_file(f);
    if (f.find("/malformed/") != std::string::npos) {
      // Documentation examples that are not whole valid policies must say so.
      CHECK(o.input_findings > 0);
    } else {
      CHECK((o.policies > 0 || o.input_findings > 0));
    }
  }
}
