// The export reader on a small export tree built from the input: the input is split at lines
// "@@" into the files below (in that order), written into a fresh folder, read with load_export
// and audited (run_analysis, the access matrix).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "threegate/analysis.hpp"
#include "threegate/export.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {
constexpr const char* kFiles[] = {
    "accounts/111111111111/iam/get-account-authorization-details.json",
    "accounts/111111111111/us-east-1/kms/list-keys.json",
    "accounts/111111111111/us-east-1/kms/list-aliases.json",
    "accounts/111111111111/us-east-1/kms/keys/k1/describe-key.json",
    "accounts/111111111111/us-east-1/kms/keys/k1/get-key-policy.json",
    "accounts/111111111111/us-east-1/kms/keys/k1/list-grants.json",
    "accounts/111111111111/us-east-1/secretsmanager/list-secrets.json",
    "accounts/111111111111/us-east-1/secretsmanager/secrets/db/describe-secret.json",
    "accounts/111111111111/us-east-1/secretsmanager/secrets/db/get-resource-policy.json",
    "accounts/222222222222/iam/get-account-authorization-details.json",
    "organization/describe-organization.json",
    "organization/list-roots.json",
    "organization/children/r-root/list-accounts-for-parent.json",
    "organization/policies/p-1/describe-policy.json",
    "organization/policies/p-1/list-targets-for-policy.json",
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fs::path dir = fs::temp_directory_path() / ("threegate-fuzz-export-" + std::to_string(getpid()));
  std::error_code ec;
  fs::remove_all(dir, ec);
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  for (const char* name : kFiles) {
    if (start > in.size()) break;
    size_t sep = in.find("\n@@\n", start);
    std::string_view part = in.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start);
    fs::path path = dir / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary).write(part.data(), static_cast<std::streamsize>(part.size()));
    if (sep == std::string_view::npos) break;
    start = sep + 4;
  }
  fs::create_directories(dir / "accounts");
  Analysis analysis;
  std::vector<ExportGap> gaps;
  ExportSummary summary;
  std::string usage_error;
  load_export(dir.string(), analysis, gaps, summary, usage_error);
  if (!usage_error.empty()) return 0;
  run_analysis(analysis);
  if (!analysis.scopes.empty()) (void)build_access_matrix(analysis.scopes.back());
  return 0;
}
