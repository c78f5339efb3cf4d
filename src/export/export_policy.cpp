// Policy documents as the AWS CLI prints them in an export: objects, JSON strings, or strings
// URL-encoded as IAM's API returns them. A URL-encoded document is decoded and parsed, and every
// range is mapped back into the encoded string of the file, so findings point at the export.
#include <algorithm>

#include "threegate/export.hpp"
#include "threegate/policy_parse.hpp"

namespace threegate {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Applies `f` to every range of a policy.
template <class F>
void for_each_range(Policy& p, F&& f) {
  f(p.range);
  if (p.version) f(p.version->range);
  if (p.id) f(p.id->range);
  for (Statement& st : p.statements) {
    if (st.sid) f(st.sid->range);
    for (Range* r : {&st.effect_range, &st.range, &st.principal_range, &st.action_range, &st.resource_range,
                     &st.condition_range}) {
      f(*r);
    }
    for (auto& pr : st.principals) f(pr.range);
    for (auto& a : st.actions) f(a.range);
    for (auto& r : st.resources) f(r.range);
    for (auto& c : st.conditions) {
      f(c.operator_range);
      f(c.key_range);
      f(c.range);
      for (auto& v : c.values) f(v.range);
    }
  }
}

}  // namespace

bool percent_decode(std::string_view encoded, std::string& out, std::vector<uint32_t>* map) {
  out.clear();
  if (map) map->clear();
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (map) map->push_back(static_cast<uint32_t>(i));
    if (encoded[i] != '%') {
      out.push_back(encoded[i]);
      continue;
    }
    if (i + 2 >= encoded.size()) return false;
    int hi = hex_value(encoded[i + 1]), lo = hex_value(encoded[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  if (map) map->push_back(static_cast<uint32_t>(encoded.size()));
  return true;
}

std::optional<Policy> parse_export_policy(const JsonValue& value, PolicyKind kind, std::string name, SourceSet& sources,
                                          Diagnostics& diagnostics) {
  if (value.is_object()) return parse_policy(value, kind, std::move(name), diagnostics);
  if (!value.is_string()) {
    diagnostics.push_back(Diagnostic{"TG402", Severity::Error,
                                     std::string("a policy document must be an object or a string, found ") +
                                         json_kind_name(value.kind),
                                     value.range, {}});
    return std::nullopt;
  }
  size_t first = value.text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || value.text[first] != '%') return parse_policy(value, kind, std::move(name), diagnostics);

  std::string decoded;
  std::vector<uint32_t> map;
  if (!percent_decode(value.text, decoded, &map)) {
    diagnostics.push_back(Diagnostic{"TG401", Severity::Error, "malformed URL-encoded policy document (a bad %XX escape)",
                                     value.range, {}});
    return std::nullopt;
  }
  // Decoded offsets map exactly into the file when the JSON string holds no escapes of its own
  // (the CLI writes encoded documents so); otherwise everything points at the whole string.
  const SourceFile* outer = value.range.file;
  bool exact = outer && value.range.end >= value.range.begin + 2 &&
               std::string_view(outer->text()).substr(value.range.begin + 1, value.range.end - value.range.begin - 2) ==
                   value.text;
  const SourceFile* inner = sources.add("<URL-decoded document in " + (outer ? outer->path() : std::string("?")) + ">", decoded);
  auto remap = [&](Range& r) {
    if (r.file != inner) return;
    if (!exact) {
      r = value.range;
      return;
    }
    auto at = [&](uint32_t d) { return value.range.begin + 1 + map[std::min<size_t>(d, map.size() - 1)]; };
    r = Range{outer, at(r.begin), at(r.end)};
  };

  JsonParseResult parsed = parse_json(*inner);
  if (!parsed.ok()) {
    Range r = parsed.error_range;
    remap(r);
    diagnostics.push_back(Diagnostic{"TG401", Severity::Error, "URL-encoded policy document: " + parsed.error, r, {}});
    return std::nullopt;
  }
  size_t before = diagnostics.size();
  std::optional<Policy> policy = parse_policy(*parsed.value, kind, std::move(name), diagnostics);
  for (size_t i = before; i < diagnostics.size(); ++i) remap(diagnostics[i].range);
  if (policy) for_each_range(*policy, remap);
  return policy;
}

}  // namespace threegate
