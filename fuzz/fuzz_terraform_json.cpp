// The Terraform evaluator on any .tf.json file (Terraform's JSON syntax): the input is written as
// main.tf.json of a fresh folder and loaded as a root module, then turned into an inventory.
// Bounded by the evaluation budget.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "threegate/terraform.hpp"
#include "threegate/inventory.hpp"
#include "threegate/terraform_inventory.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {
const fs::path& work_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("threegate-fuzz-tfjson-" + std::to_string(getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream out(work_dir() / "main.tf.json", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  SourceSet sources;
  Diagnostics diagnostics;
  auto config = tf::Configuration::load(work_dir().string(), tf::Options{}, sources, diagnostics);
  if (config) {
    for (const auto& instance : config->instances()) (void)config->reference(instance, "arn");
    Inventory inventory;
    (void)load_terraform_inventory(*configuration_view(*config), inventory, diagnostics);
  }
  return 0;
}
