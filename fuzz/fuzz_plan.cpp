// The Terraform plan reader on any JSON: a plan or state (`terraform show -json`) is turned into
// an inventory through the plan view and the Terraform mapping, then analyzed with the rules.
#include <cstddef>
#include <cstdint>
#include <string>

#include "threegate/inventory.hpp"
#include "threegate/json.hpp"
#include "threegate/terraform_inventory.hpp"
#include "threegate/terraform_plan.hpp"

using namespace threegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SourceSet sources;
  const SourceFile* file = sources.add("tfplan.json", std::string(reinterpret_cast<const char*>(data), size));
  JsonParseResult parsed = parse_json(*file);
  if (!parsed.ok() || terraform_json_kind(*parsed.value) == TerraformJsonKind::None) return 0;
  Diagnostics diagnostics;
  (void)plan_facts(*parsed.value);
  const auto view = plan_view(*parsed.value, nullptr, diagnostics);
  for (const auto& instance : view->instances()) {
    (void)view->reference(instance, "arn");
    for (const auto& block : view->blocks(instance, "replica")) (void)view->attribute(block, "kms_key_id");
  }
  Inventory inventory;
  (void)load_terraform_inventory(*view, inventory, diagnostics);
  return 0;
}
