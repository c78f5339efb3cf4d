// The HCL2 parser on any bytes: a syntax tree or TG404 diagnostics, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "threegate/hcl.hpp"

using namespace threegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SourceFile file("fuzz.tf", std::string(reinterpret_cast<const char*>(data), size));
  auto parsed = hcl::parse_file(file);
  for (const auto& d : parsed.errors) (void)file.line_col(d.range.begin);
  return 0;
}
