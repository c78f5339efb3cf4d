// The SARIF writer on findings made of arbitrary bytes (invalid UTF-8, control characters,
// ranges past the end of their file): its output must always parse back as JSON.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "threegate/finding.hpp"
#include "threegate/report.hpp"

using namespace threegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Fields are separated by '\n'; the first line is the file's text (its own lines use '\r').
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> fields;
  for (size_t start = 0;;) {
    size_t nl = in.find('\n', start);
    fields.emplace_back(in.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  auto field = [&](size_t i) { return i < fields.size() ? fields[i] : std::string(); };
  std::string text = field(0);
  for (char& c : text) {
    if (c == '\r') c = '\n';
  }
  SourceFile file(field(1).empty() ? "f.json" : field(1), text);
  const uint32_t n = static_cast<uint32_t>(text.size());
  const uint32_t a = size > 0 ? data[0] : 0, b = size > 1 ? data[1] : 0;

  std::vector<Finding> findings;
  for (size_t i = 2; i + 3 < fields.size() + 3 && findings.size() < 8; i += 4) {
    Finding f;
    f.rule_id = field(i);
    f.rule_name = field(i + 1);
    f.severity = static_cast<Severity>((a + i) % 3);
    f.message = field(i + 2);
    f.fix = field(i + 3);
    f.fix_target = field(i);
    f.principal = field(i + 1);
    f.resource = field(i + 2);
    if ((a + i) % 4 != 0) {
      const uint32_t begin = a * 3 % (n + 2);  // may lie past the end of the file: clamped when printed
      f.range = Range{&file, begin, begin + b % 7};
    } else {
      f.path = field(i + 3);
    }
    f.related.push_back(RelatedLocation{field(i + 2), Range{&file, b % (n + 1), n}});
    findings.push_back(std::move(f));
  }
  ReportOptions options;
  options.root = field(fields.size() - 1);
  std::ostringstream out;
  write_sarif(out, findings, options);
  if (!nlohmann::json::accept(out.str())) std::abort();
  return 0;
}
