// The inventory reader on any JSON document, then the whole analysis of it (shares, gates, rules).
#include <cstddef>
#include <cstdint>
#include <string>

#include "threegate/analysis.hpp"
#include "threegate/inventory.hpp"
#include "threegate/json.hpp"

using namespace threegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Analysis analysis;
  analysis.scopes.emplace_back();  // standalone policies
  const SourceFile* file = analysis.sources.add("fuzz/inventory.json", std::string(reinterpret_cast<const char*>(data), size));
  auto parsed = parse_json(*file);
  if (!parsed.ok() || !is_inventory_document(*parsed.value)) return 0;
  Scope& scope = analysis.scopes.emplace_back();
  scope.label = file->path();
  std::vector<std::string> referenced;
  // Relative policy paths resolve below fuzz/, which does not exist: read errors, never files.
  load_inventory(*parsed.value, *file, analysis.sources, scope.inventory, analysis.diagnostics, referenced);
  collect_policy_uses(scope);
  run_analysis(analysis);
  return 0;
}
