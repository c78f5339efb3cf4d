// Validation against the service catalog (rules TG410–TG428) over every AWS-managed policy of the
// shared corpus: mamip-policies-all.tar.gz (1,525 policies), unpacked to a temporary folder, or a
// folder of `get-policy-version` JSON files given as the argument. Reports the time to read and
// parse them and the time to validate them.
//   build/release/bench/bench_catalog [DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "threegate/catalog.hpp"
#include "threegate/policy_parse.hpp"
#include "threegate/rules.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {

class CountingSink : public FindingSink {
 public:
  void add(Finding) override { ++count; }
  size_t count = 0;
};

}  // namespace

int main(int argc, char** argv) {
  fs::path dir;
  if (argc > 1) {
    dir = argv[1];
  } else {
    const fs::path tarball = fs::path(__FILE__).parent_path() / ".." / ".." / "shared" / "corpus" / "01-iam-managed-policies" /
                             "mamip-policies-all.tar.gz";
    if (!fs::exists(tarball)) {
      std::fprintf(stderr, "no %s: give a folder of policies\n", tarball.string().c_str());
      return 2;
    }
    dir = fs::temp_directory_path() / "threegate-bench-catalog";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string cmd = "tar -xzf '" + tarball.string() + "' -C '" + dir.string() + "'";
    if (std::system(cmd.c_str()) != 0) return 2;
  }
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path().string());  // the tarball's files have no extension

  const auto t0 = std::chrono::steady_clock::now();
  SourceSet sources;
  Diagnostics diags;
  std::vector<Policy> policies;
  policies.reserve(files.size());
  for (const auto& path : files) {
    std::string error;
    const SourceFile* f = sources.load(path, error);
    if (!f) continue;
    JsonParseResult r = parse_json(*f);
    if (!r.ok()) continue;
    const JsonValue* doc = &*r.value;
    if (const JsonValue* pv = doc->find("PolicyVersion")) doc = pv->find("Document");
    if (!doc) continue;
    if (auto p = parse_policy(*doc, PolicyKind::Identity, path, diags)) policies.push_back(std::move(*p));
  }
  const auto t1 = std::chrono::steady_clock::now();

  std::vector<PolicyUse> uses;
  for (const Policy& p : policies) uses.push_back(PolicyUse{&p, PolicyKind::Identity, "", nullptr, nullptr});
  Inventory inventory;
  std::vector<ShareResult> shares;
  RuleContext ctx{inventory, shares, uses};
  CountingSink sink;
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::string slowest;
  double slowest_ms = 0;
  for (const RuleInfo* rule : rule_catalog()) {
    if (rule->id < "TG410" || rule->id > "TG429" || !rule->run) continue;
    const auto r0 = std::chrono::steady_clock::now();
    rule->run(ctx, sink);
    const double t = ms(r0, std::chrono::steady_clock::now());
    if (t > slowest_ms) {
      slowest_ms = t;
      slowest = std::string(rule->id);
    }
  }
  const auto t2 = std::chrono::steady_clock::now();

  std::printf("%s\n", catalog::version_line().c_str());
  std::printf("%zu policies: read and parsed in %.1f ms, validated in %.1f ms (%zu findings)\n", policies.size(),
              ms(t0, t1), ms(t1, t2), sink.count);
  std::printf("slowest rule: %s (%.1f ms)\n", slowest.c_str(), slowest_ms);
  return 0;
}
