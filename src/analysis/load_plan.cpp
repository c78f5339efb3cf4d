// Terraform plans and states among the inputs: each is a scope of its own, read through the
// same mapping as .tf files, with its .tf source when there is one.
#include "analysis/load_terraform.hpp"
#include "threegate/terraform_plan.hpp"

namespace threegate {

namespace fs = std::filesystem;

namespace {

void forget_ranges(tf::Value& v) {
  v.range = {};
  v.key_ranges.assign(v.key_ranges.size(), Range{});
  for (auto& i : v.items) forget_ranges(i);
  for (auto& [k, m] : v.members) forget_ranges(m);
}

}  // namespace

std::string plan_source_dir(const std::string& plan_path, const CheckOptions& options) {
  if (!options.plan_source.empty()) return options.plan_source;
  const fs::path dir = fs::path(plan_path).parent_path().empty() ? fs::path(".") : fs::path(plan_path).parent_path();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file(ec) && is_terraform_file(entry.path())) return dir.string();
  return "";
}

void load_terraform_plan(const SourceFile& file, const JsonValue& document, const CheckOptions& options,
                         Analysis& analysis) {
  std::unique_ptr<tf::Configuration> source;
  if (const std::string dir = plan_source_dir(file.path(), options); !dir.empty()) {
    // The source is evaluated as the plan was made: with its variables and its account.
    PlanFacts facts = plan_facts(document);
    tf::Options tf_options;
    // A variable's value points where the code uses it, not into the plan's variables block.
    for (auto& [name, value] : facts.variables) forget_ranges(value);
    tf_options.values = std::move(facts.variables);
    tf_options.account = facts.account;
    source = tf::Configuration::load(dir, tf_options, analysis.sources, analysis.diagnostics);
    if (source)
      for (const auto& m : source->modules()) analysis.files_read += m.sources.size();
  }
  Scope& scope = analysis.scopes.emplace_back();
  scope.label = file.path();
  scope.terraform = true;
  const auto view = plan_view(document, source.get(), analysis.diagnostics);
  if (view->instances().empty())
    analysis.notes.push_back(file.path() + ": a Terraform " +
                             (terraform_json_kind(document) == TerraformJsonKind::State ? "state" : "plan") +
                             " with no resource in force");
  adopt_mapping(load_terraform_inventory(*view, scope.inventory, analysis.diagnostics), analysis);
  if (source) analysis.terraform.push_back(std::move(source));
}

}  // namespace threegate
