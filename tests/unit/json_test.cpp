#include <doctest/doctest.h>

#include "threegate/json.hpp"

using namespace threegate;

namespace {
LineCol at(const Range& r) { return r.file->line_col(r.begin); }
}  // namespace

TEST_CASE("json: values keep their ranges") {
  SourceFile f("t.json", "{\n  \"a\": [1, true, null],\n  \"b\": \"x\\\"y\"\n}\n");
  auto r = parse_json(f);
  REQUIRE(r.ok());
  const JsonValue& v = *r.value;
  CHECK(v.is_object());
  const JsonValue* a = v.find("a");
  REQUIRE(a);
  CHECK(at(a->range).line == 2);
  CHECK(at(a->range).column == 8);
  CHECK(a->items.size() == 3);
  CHECK(a->items[0].text == "1");
  CHECK(a->items[1].boolean);
  CHECK(a->items[2].is_null());
  const JsonMember* b = v.find_member("b");
  REQUIRE(b);
  CHECK(b->value.text == "x\"y");
  CHECK(at(b->key_range).line == 3);
  CHECK(at(b->key_range).column == 3);
}

TEST_CASE("json: errors say what and where") {
  struct Case {
    const char* text;
    const char* message_part;
    uint32_t line, column;
  };
  const Case cases[] = {
      {"{\"a\": 1,}", "trailing comma", 1, 8},
      {"{\"a\": 1\n \"b\": 2}", "expected ',' or '}'", 2, 2},
      {"[1, 2", "unterminated array", 1, 1},
      {"{\"a\": tru}", "expected a value", 1, 7},
      {"{\"a\": \"x\ny\"}", "control character", 1, 9},
      {"{\"a\": 1} x", "unexpected content", 1, 10},
      {"", "unexpected end of input", 1, 1},
      {"{'a': 1}", "double quotes", 1, 2},
      {"{\"a\": \"\\q\"}", "invalid escape", 1, 8},
      {"{\"a\": 01}", "expected ',' or '}'", 1, 8},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    SourceFile f("bad.json", c.text);
    auto r = parse_json(f);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error.find(c.message_part) != std::string::npos);
    REQUIRE(r.error_range.known());
    CHECK(at(r.error_range).line == c.line);
    CHECK(at(r.error_range).column == c.column);
  }
}

TEST_CASE("json: unicode escapes, surrogate pairs and a byte order mark") {
  SourceFile f("u.json", "\xEF\xBB\xBF[\"\\u00e9\\ud83d\\ude00\", \"\\uDBFF\\uDFFFx\"]");
  auto r = parse_json(f);
  REQUIRE(r.ok());
  CHECK(r.value->items[0].text == "\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(r.value->items[1].text == "\xF4\x8F\xBF\xBFx");  // U+10FFFF
  // A lone surrogate is an error (tests/unit/json_utf8_test.cpp has every case).
  SourceFile lone("l.json", "[\"\\ud800x\"]");
  CHECK(parse_json(lone).error.find("lone surrogate") != std::string::npos);
}

TEST_CASE("json: escaped control bytes the model uses internally cannot be forged") {
  SourceFile f("c.json", "[\"a\\u0002ux\\u0003b\", \"\\u0001*\", \"tab\\u0009\"]");
  auto r = parse_json(f);
  REQUIRE(r.ok());
  CHECK(r.value->items[0].text == "a\xEF\xBF\xBDux\xEF\xBF\xBD" "b");
  CHECK(r.value->items[1].text == "\xEF\xBF\xBD*");
  CHECK(r.value->items[2].text == "tab\t");
}

TEST_CASE("json: nesting deeper than the limit is an error, not a crash") {
  std::string deep(100000, '[');
  SourceFile f("deep.json", deep);
  auto r = parse_json(f);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.find("nested deeper") != std::string::npos);
}

TEST_CASE("json: a document inside a string maps back to the enclosing file") {
  // As get-key-policy prints it: the policy is a JSON string with escaped quotes and newlines.
  std::string text = "{\"Policy\": \"{\\n  \\\"Version\\\": \\\"2012-10-17\\\",\\n  \\\"Statement\\\": []\\n}\"}";
  SourceFile f("kp.json", text);
  auto outer = parse_json(f);
  REQUIRE(outer.ok());
  const JsonValue* s = outer.value->find("Policy");
  REQUIRE(s);
  auto inner = parse_embedded_json(*s);
  REQUIRE(inner.ok());
  const JsonMember* version = inner.value->find_member("Version");
  REQUIRE(version);
  CHECK(version->value.text == "2012-10-17");
  // The key "Version" starts at the escaped quote \" inside the string literal.
  size_t expected = text.find("\\\"Version");
  CHECK(version->key_range.begin == expected);
  CHECK(text.substr(version->value.range.begin, 3) == "\\\"2");
}

TEST_CASE("json: errors inside an embedded document point into the string") {
  std::string text = "{\"Policy\": \"{\\\"Statement\\\": [1,]}\"}";
  SourceFile f("kp.json", text);
  auto outer = parse_json(f);
  REQUIRE(outer.ok());
  auto inner = parse_embedded_json(*outer.value->find("Policy"));
  REQUIRE_FALSE(inner.ok());
  CHECK(inner.error.find("trailing comma") != std::string::npos);
  CHECK(inner.error_range.begin == text.find(",]"));
}
