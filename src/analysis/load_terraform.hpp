// Terraform root modules among the inputs (load_inputs hands over the folders holding .tf files).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "threegate/analysis.hpp"

namespace threegate {

bool is_terraform_file(const std::filesystem::path& p);
// Folders never read: .terraform (downloaded modules and providers) and .git.
bool skipped_folder(const std::filesystem::path& p);
// Evaluates each root among `folders` into a scope of its own.
void load_terraform_roots(const std::vector<std::string>& folders, const CheckOptions& options, Analysis& analysis);

}  // namespace threegate
