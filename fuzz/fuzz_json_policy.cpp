// The located JSON parser, the policy reader and policies delivered as JSON strings: any input
// is a diagnostic or a policy, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "threegate/json.hpp"
#include "threegate/policy_parse.hpp"

using namespace threegate;

namespace {
void read_policies(const JsonValue& value, Diagnostics& diagnostics, int depth) {
  if (depth > 4) return;
  if (value.is_string()) {
    auto embedded = parse_embedded_json(value);
    if (embedded.ok()) read_policies(*embedded.value, diagnostics, depth + 1);
  }
  parse_policy(value, detect_policy_kind(value), "fuzz", diagnostics);
  for (const auto& m : value.members) {
    if (m.value.is_string() || m.value.is_object()) read_policies(m.value, diagnostics, depth + 1);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SourceFile file("fuzz.json", std::string(reinterpret_cast<const char*>(data), size));
  auto parsed = parse_json(file);
  if (!parsed.ok()) return 0;
  Diagnostics diagnostics;
  read_policies(*parsed.value, diagnostics, 0);
  for (const auto& d : diagnostics) {
    if (d.range.known()) (void)d.range.file->line_col(d.range.end);
  }
  return 0;
}
