// Terraform root modules among the inputs: a folder with .tf files that no other folder of the
// inputs uses as a local module (`source = "./…"`) is a root, evaluated and analyzed on its own.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analysis/load_terraform.hpp"
#include "threegate/terraform_inventory.hpp"

namespace threegate {
namespace {

namespace fs = std::filesystem;

std::string canonical_dir(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal().string() : c.string();
}

// The local module sources a .tf file names: `source = "./x"` or `"../x"`, resolved against
// its folder. A cheap scan, not a parse: it only decides which folders are roots.
void local_sources(const fs::path& file, std::set<std::string>& out) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  for (size_t at = text.find("source"); at != std::string::npos; at = text.find("source", at + 6)) {
    size_t i = at + 6;
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_')) continue;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] != '=') continue;
    ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] != '"') continue;
    const size_t end = text.find('"', i + 1);
    if (end == std::string::npos) continue;
    const std::string src = text.substr(i + 1, end - i - 1);
    if (src.rfind("./", 0) == 0 || src.rfind("../", 0) == 0) out.insert(canonical_dir(file.parent_path() / src));
  }
}

}  // namespace

bool is_terraform_file(const std::filesystem::path& p) { return p.extension() == ".tf"; }

bool skipped_folder(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  return name == ".terraform" || name == ".git";  // downloaded modules and providers; history
}

void load_terraform_roots(const std::vector<std::string>& folders, const CheckOptions& options, Analysis& analysis) {
  std::vector<std::string> dirs;
  std::set<std::string> seen;
  for (const auto& f : folders)
    if (seen.insert(canonical_dir(f)).second) dirs.push_back(f);
  std::set<std::string> children;
  for (const auto& d : dirs) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(d, ec))
      if (entry.is_regular_file(ec) && is_terraform_file(entry.path())) local_sources(entry.path(), children);
  }
  tf::Options tf_options;
  tf_options.var_files = options.var_files;
  tf_options.vars = options.vars;
  for (const auto& d : dirs) {
    if (children.count(canonical_dir(d))) continue;  // analyzed as part of the module using it
    auto config = tf::Configuration::load(d, tf_options, analysis.sources, analysis.diagnostics);
    if (!config) continue;
    for (const auto& m : config->modules()) analysis.files_read += m.sources.size();
    Scope& scope = analysis.scopes.emplace_back();
    scope.label = d;
    scope.terraform = true;
    TerraformMapping mapping = load_terraform_inventory(*config, scope.inventory, analysis.diagnostics);
    analysis.names.insert(analysis.names.end(), mapping.names.begin(), mapping.names.end());
    for (auto& n : mapping.notes)
      if (std::find(analysis.notes.begin(), analysis.notes.end(), n) == analysis.notes.end())
        analysis.notes.push_back(std::move(n));
    analysis.terraform.push_back(std::move(config));
  }
}

}  // namespace threegate
