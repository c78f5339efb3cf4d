// Terraform values holding policies, as located JSON: the structure behind a jsonencode() or an
// aws_iam_policy_document keeps the ranges of the expressions that wrote each element; JSON text
// (a heredoc, a quoted string, a file()) is parsed where it was written verbatim.
#include <algorithm>

#include "threegate/symbol.hpp"
#include "threegate/terraform_inventory.hpp"

namespace threegate {

namespace {

constexpr int kMaxDepth = 256;

JsonValue to_json(const tf::Value& v, const Range& fallback, int depth) {
  JsonValue j;
  j.range = v.range.known() ? v.range : fallback;
  if (depth > kMaxDepth) return j;  // deeper than any policy: the parser reports what is missing
  switch (v.kind) {
    case tf::Value::Kind::Null: j.kind = JsonKind::Null; break;
    case tf::Value::Kind::Bool:
      j.kind = JsonKind::Bool;
      j.boolean = v.boolean;
      break;
    case tf::Value::Kind::Number:
      j.kind = JsonKind::Number;
      j.text = v.text;
      break;
    case tf::Value::Kind::String:
      j.kind = JsonKind::String;
      j.text = v.text;
      break;
    case tf::Value::Kind::Unknown:
      // Known only after apply: a string standing for it, matched in three values.
      j.kind = JsonKind::String;
      j.text = make_symbol(SymbolKind::Unknown, v.text.empty() ? "value known after apply" : v.text);
      break;
    case tf::Value::Kind::List:
      j.kind = JsonKind::Array;
      for (const auto& item : v.items) j.items.push_back(to_json(item, j.range, depth + 1));
      break;
    case tf::Value::Kind::Object:
      j.kind = JsonKind::Object;
      for (size_t i = 0; i < v.members.size(); ++i) {
        JsonMember m;
        m.key = v.members[i].first;
        m.value = to_json(v.members[i].second, j.range, depth + 1);
        m.key_range = i < v.key_ranges.size() && v.key_ranges[i].known() ? v.key_ranges[i] : m.value.range;
        j.members.push_back(std::move(m));
      }
      break;
  }
  return j;
}

// Maps each line of `text` to where it stands in `src` (an indented heredoc loses its common
// indentation; an interpolated line maps to the start of the next source line): every element
// then points at its own line.
void map_lines(std::string_view src, uint32_t base, std::string_view text, std::vector<uint32_t>& offsets) {
  size_t cursor = 0, at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(at, end - at);
    const size_t found = line.empty() ? std::string_view::npos : src.find(line, cursor);
    const size_t next_line = src.find('\n', cursor);
    const size_t line_start = next_line == std::string_view::npos ? cursor : next_line + 1;
    for (size_t i = at; i <= end && i < text.size(); ++i)
      offsets[i] = static_cast<uint32_t>(base + (found != std::string_view::npos ? found + (i - at) : cursor));
    if (found != std::string_view::npos) cursor = found + line.size();
    else cursor = std::min(line_start, src.size());
    at = end + 1;
  }
}

// JSON text: where it stands verbatim inside the expression's range (a heredoc or a string
// without escapes or interpolation), each byte maps to its place; otherwise line by line.
std::optional<JsonValue> parse_text(const tf::Value& v, const Range& fallback, Diagnostics& diagnostics) {
  const Range where = v.range.known() ? v.range : fallback;
  std::vector<uint32_t> offsets;
  if (where.known()) {
    const std::string_view src(where.file->text().data() + where.begin, where.end - where.begin);
    const size_t at = v.text.empty() ? std::string_view::npos : src.find(v.text);
    offsets.resize(v.text.size(), where.begin);
    if (at != std::string_view::npos)
      for (size_t i = 0; i < offsets.size(); ++i) offsets[i] = static_cast<uint32_t>(where.begin + at + i);
    else
      map_lines(src, where.begin, v.text, offsets);
  }
  if (!where.known()) {
    diagnostics.push_back(Diagnostic{"TG405", Severity::Warning,
                                     "a policy computed from values without a location could not be read", where, {}});
    return std::nullopt;
  }
  JsonParseResult r = parse_json_mapped(*where.file, v.text, std::move(offsets));
  if (!r.ok()) {
    diagnostics.push_back(Diagnostic{"TG401", Severity::Error, "the policy is not valid JSON: " + r.error,
                                     r.error_range.known() ? r.error_range : where, {}});
    return std::nullopt;
  }
  return std::move(r.value);
}

}  // namespace

std::optional<JsonValue> terraform_policy_json(const tf::Value& value, const Range& fallback, Diagnostics& diagnostics) {
  switch (value.kind) {
    case tf::Value::Kind::Unknown:
    case tf::Value::Kind::Null: return std::nullopt;
    case tf::Value::Kind::String:
      if (value.encoded_from) return to_json(*value.encoded_from, value.range.known() ? value.range : fallback, 0);
      return parse_text(value, fallback, diagnostics);
    case tf::Value::Kind::Object: return to_json(value, fallback, 0);
    default:
      diagnostics.push_back(Diagnostic{"TG405", Severity::Error,
                                       "a policy must be a JSON string (jsonencode, a heredoc or a policy document)",
                                       value.range.known() ? value.range : fallback, {}});
      return std::nullopt;
  }
}

}  // namespace threegate
