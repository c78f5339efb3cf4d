// Terraform root modules among the inputs (load_inputs hands over the folders holding .tf and
// .tf.json files).
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "threegate/analysis.hpp"
#include "threegate/terraform_inventory.hpp"

namespace threegate {

// A Terraform configuration file: .tf (native syntax) or .tf.json (JSON syntax).
bool is_terraform_file(const std::filesystem::path& p);
// Folders never read: .terraform (downloaded modules and providers) and .git.
bool skipped_folder(const std::filesystem::path& p);
// Keeps what a Terraform mapping tells (names of symbolic resources, notes said once).
void adopt_mapping(TerraformMapping mapping, Analysis& analysis);
// The folder as one spelling (symbolic links and `..` resolved) to compare folders by.
std::string canonical_dir(const std::filesystem::path& p);
// Evaluates each root among `folders` into a scope of its own. A root in `read_with_plan`
// (canonical folders) is the source of a plan among the inputs: it is read with the plan.
void load_terraform_roots(const std::vector<std::string>& folders, const CheckOptions& options, Analysis& analysis,
                          const std::set<std::string>& read_with_plan = {});

// The folder of .tf files a plan is read with: --source, else the plan's own folder when it
// holds .tf files; "" when there is none.
std::string plan_source_dir(const std::string& plan_path, const CheckOptions& options);
// Reads a Terraform plan or state (`terraform show -json`) into a scope of its own.
void load_terraform_plan(const SourceFile& file, const JsonValue& document, const CheckOptions& options,
                         Analysis& analysis);

}  // namespace threegate
