// Terraform root modules among the inputs: a folder with .tf (or .tf.json) files that no other
// folder of the inputs uses as a local module (`source = "./…"`) is a root, evaluated and analyzed
// on its own.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "analysis/load_terraform.hpp"
#include "threegate/hcl.hpp"
#include "threegate/terraform_inventory.hpp"

namespace threegate {
namespace {

namespace fs = std::filesystem;

// The local module sources a .tf or .tf.json file names (`module "x" { source = "./x" }`,
// "../x"), resolved against its folder. Parsed, so that a commented-out module call uses nothing.
void local_sources(const fs::path& file, std::set<std::string>& out) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const SourceFile source(file.string(), buffer.str());
  const hcl::File parsed = hcl::parse_terraform_file(source);
  for (const hcl::Block& b : parsed.body.blocks) {
    if (b.type != "module") continue;
    const hcl::Attribute* a = b.body.attribute("source");
    if (!a || !a->expr || a->expr->kind != hcl::ExprKind::Template || a->expr->parts.size() != 1 ||
        a->expr->parts[0].kind != hcl::TemplatePart::Kind::Literal)
      continue;
    const std::string& src = a->expr->parts[0].text;
    if (src.rfind("./", 0) == 0 || src.rfind("../", 0) == 0) out.insert(canonical_dir(file.parent_path() / src));
  }
}

}  // namespace

void adopt_mapping(TerraformMapping mapping, Analysis& analysis) {
  analysis.names.insert(analysis.names.end(), mapping.names.begin(), mapping.names.end());
  analysis.labels.insert(analysis.labels.end(), mapping.labels.begin(), mapping.labels.end());
  for (auto& n : mapping.notes)
    if (std::find(analysis.notes.begin(), analysis.notes.end(), n) == analysis.notes.end())
      analysis.notes.push_back(std::move(n));
}

std::string canonical_dir(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal().string() : c.string();
}

bool is_terraform_file(const std::filesystem::path& p) {
  return p.extension() == ".tf" || hcl::is_json_syntax_path(p.filename().string());
}

bool skipped_folder(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  return name == ".terraform" || name == ".git";  // downloaded modules and providers; history
}

void load_terraform_roots(const std::vector<std::string>& folders, const CheckOptions& options, Analysis& analysis,
                          const std::set<std::string>& read_with_plan) {
  std::vector<std::string> dirs;
  std::set<std::string> seen;
  for (const auto& f : folders)
    if (seen.insert(canonical_dir(f)).second) dirs.push_back(f);
  std::set<std::string> children;
  std::map<std::string, std::set<std::string>> uses;  // folder → the local modules it calls
  for (const auto& d : dirs) {
    std::error_code ec;
    std::set<std::string>& used = uses[canonical_dir(d)];
    for (const auto& entry : fs::directory_iterator(d, ec))
      if (entry.is_regular_file(ec) && is_terraform_file(entry.path())) local_sources(entry.path(), used);
    children.insert(used.begin(), used.end());
  }
  // Folders that only call each other in a cycle have no root above them: each is analyzed as a
  // root (the loader reports the cycle), so that none is skipped in silence.
  std::set<std::string> reached;
  std::vector<std::string> todo;
  for (const auto& d : dirs)
    if (!children.count(canonical_dir(d))) todo.push_back(canonical_dir(d));
  while (!todo.empty()) {
    const std::string d = todo.back();
    todo.pop_back();
    if (!reached.insert(d).second) continue;
    for (const auto& c : uses[d]) todo.push_back(c);
  }
  for (const auto& d : dirs)
    if (!reached.count(canonical_dir(d))) children.erase(canonical_dir(d));
  tf::Options tf_options;
  tf_options.var_files = options.var_files;
  tf_options.vars = options.vars;
  for (const auto& d : dirs) {
    if (children.count(canonical_dir(d))) continue;  // analyzed as part of the module using it
    if (read_with_plan.count(canonical_dir(d))) continue;
    auto config = tf::Configuration::load(d, tf_options, analysis.sources, analysis.diagnostics);
    if (!config) continue;
    for (const auto& m : config->modules()) analysis.files_read += m.sources.size();
    Scope& scope = analysis.scopes.emplace_back();
    scope.label = d;
    scope.terraform = true;
    adopt_mapping(load_terraform_inventory(*configuration_view(*config), scope.inventory, analysis.diagnostics),
                  analysis);
    analysis.terraform.push_back(std::move(config));
  }
}

}  // namespace threegate
