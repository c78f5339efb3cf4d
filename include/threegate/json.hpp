// A JSON tree that remembers where each value came from. nlohmann-json does not record
// positions, so input documents are read with this small parser; nlohmann is used for output.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "threegate/source.hpp"

namespace threegate {

enum class JsonKind { Null, Bool, Number, String, Array, Object };

struct JsonMember;

struct JsonValue {
  JsonKind kind = JsonKind::Null;
  Range range;                      // the whole value, quotes and brackets included
  bool boolean = false;             // Bool
  std::string text;                 // String: decoded text; Number: the literal as written
  std::vector<JsonValue> items;     // Array
  std::vector<JsonMember> members;  // Object, in document order (duplicates kept)

  bool is_string() const { return kind == JsonKind::String; }
  bool is_object() const { return kind == JsonKind::Object; }
  bool is_array() const { return kind == JsonKind::Array; }
  bool is_null() const { return kind == JsonKind::Null; }
  // First member with exactly this key, or nullptr.
  const JsonValue* find(std::string_view key) const;
  const JsonMember* find_member(std::string_view key) const;
};

struct JsonMember {
  std::string key;
  Range key_range;
  JsonValue value;
};

const char* json_kind_name(JsonKind kind);

struct JsonParseResult {
  std::optional<JsonValue> value;
  std::string error;  // plain message when value is empty
  Range error_range;  // where the error is
  bool ok() const { return value.has_value(); }
};

// Parses a whole file as one JSON document.
JsonParseResult parse_json(const SourceFile& file);

// Parses the decoded contents of a JSON string value as a JSON document (a policy delivered as
// a string, as get-key-policy and Terraform plans do). Ranges map back into the enclosing file,
// escapes accounted for.
JsonParseResult parse_embedded_json(const JsonValue& string_value);

// Parses `text` as a JSON document whose byte i came from byte offsets[i] of `file` (a document
// assembled from a Terraform string): ranges point into `file`. `offsets` has one entry per byte.
JsonParseResult parse_json_mapped(const SourceFile& file, std::string_view text, std::vector<uint32_t> offsets);

}  // namespace threegate
