// The JSON reader accepts only well-formed UTF-8 (RFC 3629, as RFC 8259 requires), inside
// strings and anywhere else, and no lone surrogate written as a \u escape. Each error is at the
// offending byte.
#include <doctest/doctest.h>

#include "threegate/json.hpp"

using namespace threegate;

namespace {

LineCol at(const Range& r) { return r.file->line_col(r.begin); }

}  // namespace

TEST_CASE("json utf8: valid 2, 3 and 4 byte sequences are read, at each boundary") {
  // Boundaries: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF, and é € 🔑.
  const char* valid[] = {
      "\xC2\x80",         "\xDF\xBF",         "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
      "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xC3\xA9",     "\xE2\x82\xAC", "\xF0\x9F\x94\x91",
  };
  for (const char* v : valid) {
    CAPTURE(v);
    const std::string text = std::string("{\"k") + v + "\": [\"a" + v + "b\", \"" + v + "\"]}";
    SourceFile f("ok.json", text);
    auto r = parse_json(f);
    REQUIRE(r.ok());
    REQUIRE(r.value->members.size() == 1);
    CHECK(r.value->members[0].key == std::string("k") + v);
    const JsonValue& items = r.value->members[0].value;
    REQUIRE(items.items.size() == 2);
    CHECK(items.items[0].text == std::string("a") + v + "b");
    CHECK(items.items[1].text == v);
    // Ranges stay byte offsets: the second string starts right after "a<v>b", .
    CHECK(items.items[1].range.begin == text.rfind(std::string("\"") + v));
  }
}

TEST_CASE("json utf8: each class of malformed sequence is an error at the offending byte") {
  struct Case {
    std::string text;
    const char* message;  // part of the error
    uint32_t column;      // of the offending byte (line 1)
    uint32_t length;      // bytes the error covers
  };
  const Case cases[] = {
      // the example: a lead byte without its continuation
      {"[\"ab\xC3(\"]", "invalid UTF-8 (byte 0xC3 not followed by a continuation byte)", 5, 1},
      // a continuation byte without a lead byte
      {"[\"a\x80\"]", "invalid UTF-8 (byte 0x80 is a continuation byte without a lead byte)", 4, 1},
      {"[\"\xBF\"]", "byte 0xBF is a continuation byte without a lead byte", 3, 1},
      // bytes that never occur in UTF-8
      {"[\"Bad\xFF\xFEUtf8\"]", "invalid UTF-8 (byte 0xFF never occurs in UTF-8)", 6, 1},
      {"[\"\xF8\x88\x80\x80\x80\"]", "byte 0xF8 never occurs in UTF-8", 3, 1},
      // truncated sequences: inside the string, and at the end of the input
      {"[\"\xE2\x82\"]", "byte 0xE2 starts a 3-byte sequence but only 1 continuation byte follows", 3, 2},
      {"[\"\xF0\x9F\x94x\"]", "byte 0xF0 starts a 4-byte sequence but only 2 continuation bytes follow", 3, 3},
      {"[\"\xF0\x9F\x94", "cut short by the end of the input", 3, 3},
      {"[\"\xC3", "byte 0xC3 not followed by a continuation byte, cut short by the end of the input", 3, 1},
      // overlong encodings
      {"[\"\xC0\xAF\"]", "invalid UTF-8 (overlong encoding: U+002F written in 2 bytes)", 3, 2},
      {"[\"\xC1\xBF\"]", "overlong encoding: U+007F written in 2 bytes", 3, 2},
      {"[\"\xE0\x9F\xBF\"]", "overlong encoding: U+07FF written in 3 bytes", 3, 3},
      {"[\"\xF0\x8F\xBF\xBF\"]", "overlong encoding: U+FFFF written in 4 bytes", 3, 4},
      // surrogates encoded in UTF-8 (CESU-8, WTF-8)
      {"[\"\xED\xA0\x80\"]", "invalid UTF-8 (the surrogate U+D800 is encoded", 3, 3},
      {"[\"x\xED\xBF\xBF\"]", "the surrogate U+DFFF is encoded", 4, 3},
      // above U+10FFFF
      {"[\"\xF4\x90\x80\x80\"]", "invalid UTF-8 (U+110000 is above U+10FFFF", 3, 4},
      {"[\"\xF7\xBF\xBF\xBF\"]", "U+1FFFFF is above U+10FFFF", 3, 4},
      // in a member name
      {"{\"k\xC3\": 1}", "byte 0xC3 not followed by a continuation byte", 4, 1},
      // outside strings: where a value, a separator or the end is expected, in a literal, a number
      {"[1, \xFF]", "byte 0xFF never occurs in UTF-8", 5, 1},
      {"[1\xC3]", "byte 0xC3 not followed by a continuation byte", 3, 1},
      {"{\"a\": 1} \xED\xA0\x80", "the surrogate U+D800 is encoded", 10, 3},
      {"{\xC0\xAF: 1}", "overlong encoding", 2, 2},
      {"{\"a\"\x80: 1}", "continuation byte without a lead byte", 5, 1},
      {"[tru\xFF]", "byte 0xFF never occurs in UTF-8", 5, 1},
      {"[-\xFF]", "byte 0xFF never occurs in UTF-8", 3, 1},
      {"[1.\xFF]", "byte 0xFF never occurs in UTF-8", 4, 1},
      {"\xFE", "byte 0xFE never occurs in UTF-8", 1, 1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    SourceFile f("bad.json", c.text);
    auto r = parse_json(f);
    REQUIRE_FALSE(r.ok());
    CAPTURE(r.error);
    CHECK(r.error.find(c.message) != std::string::npos);
    REQUIRE(r.error_range.known());
    CHECK(at(r.error_range).line == 1);
    CHECK(at(r.error_range).column == c.column);
    CHECK(r.error_range.end - r.error_range.begin == c.length);
  }
}

TEST_CASE("json utf8: valid non-ASCII outside a string is named as the character") {
  SourceFile f("c.json", "[\xC3\xA9]");
  auto r = parse_json(f);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error == "expected a value, found '\xC3\xA9' (U+00E9)");
}

TEST_CASE("json utf8: the first error in the document is the one reported") {
  SourceFile f("two.json", "[1,, \"\xFF\"]");
  auto r = parse_json(f);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.find("expected a value") != std::string::npos);
  CHECK(at(r.error_range).column == 4);
}

TEST_CASE("json utf8: a byte order mark at the start is accepted, U+FEFF elsewhere only in strings") {
  SourceFile bom("bom.json", "\xEF\xBB\xBF{\"a\": \"\xEF\xBB\xBFx\"}");
  auto r = parse_json(bom);
  REQUIRE(r.ok());
  CHECK(r.value->find("a")->text == "\xEF\xBB\xBFx");
  SourceFile twice("bom2.json", "\xEF\xBB\xBF\xEF\xBB\xBF{}");
  auto t = parse_json(twice);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error == "expected a value, found '\xEF\xBB\xBF' (U+FEFF)");
  CHECK(at(t.error_range).column == 4);
}

TEST_CASE("json utf8: a lone surrogate written as a \\u escape is an error at the escape") {
  struct Case {
    const char* text;
    const char* message;
    uint32_t column;
  };
  const Case cases[] = {
      {"[\"\\ud800\"]", "invalid \\u escape: lone surrogate \\ud800 (a high surrogate must be followed", 3},
      {"[\"ab\\uD800x\"]", "lone surrogate \\uD800", 5},
      {"[\"\\ud800\\u0041\"]", "lone surrogate \\ud800", 3},
      {"[\"\\ud800\\ud800\"]", "lone surrogate \\ud800", 3},
      {"[\"\\udbff\\n\"]", "lone surrogate \\udbff", 3},
      {"[\"\\udc00\"]", "lone surrogate \\udc00 (a low surrogate must follow", 3},
      {"[\"\\ud83d\\ude00\\udfff\"]", "lone surrogate \\udfff", 15},
      {"{\"\\ud800\": 1}", "lone surrogate", 3},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    SourceFile f("esc.json", c.text);
    auto r = parse_json(f);
    REQUIRE_FALSE(r.ok());
    CAPTURE(r.error);
    CHECK(r.error.find(c.message) != std::string::npos);
    REQUIRE(r.error_range.known());
    CHECK(at(r.error_range).column == c.column);
    CHECK(r.error_range.end - r.error_range.begin == 6);
  }
  // A pair is one character; escapes of U+0001..U+0008 still become U+FFFD (json_test.cpp).
  SourceFile pair("pair.json", "[\"\\ud83d\\udd11\"]");
  auto r = parse_json(pair);
  REQUIRE(r.ok());
  CHECK(r.value->items[0].text == "\xF0\x9F\x94\x91");
}

TEST_CASE("json utf8: an embedded document keeps UTF-8 and its ranges") {
  // {"Policy": "{\"Sid\": \"é€\", \"Effect\": 1}"} with the é written raw and € as an escape
  const std::string text = "{\"Policy\": \"{\\\"Sid\\\": \\\"\xC3\xA9\\u20ac\\\", \\\"Effect\\\": 1}\"}";
  SourceFile f("kp.json", text);
  auto outer = parse_json(f);
  REQUIRE(outer.ok());
  auto inner = parse_embedded_json(*outer.value->find("Policy"));
  REQUIRE(inner.ok());
  CHECK(inner.value->find("Sid")->text == "\xC3\xA9\xE2\x82\xAC");
  CHECK(inner.value->find_member("Effect")->key_range.begin == text.find("\\\"Effect"));
  // A lone surrogate escape inside the embedded document is an error pointing at it.
  const std::string lone = "{\"Policy\": \"{\\\"Sid\\\": \\\"\\\\ud800\\\"}\"}";
  SourceFile g("kp2.json", lone);
  auto outer2 = parse_json(g);
  REQUIRE(outer2.ok());
  auto inner2 = parse_embedded_json(*outer2.value->find("Policy"));
  REQUIRE_FALSE(inner2.ok());
  CHECK(inner2.error.find("lone surrogate \\ud800") != std::string::npos);
  CHECK(inner2.error_range.begin == lone.find("\\\\ud800"));
}

TEST_CASE("json utf8: a mapped document keeps its symbol bytes and checks UTF-8 too") {
  // As terraform_inventory assembles it: symbol bytes \x02..\x08 travel raw inside strings.
  SourceFile file("main.tf", std::string(64, ' '));
  const std::string text = std::string("{\"Resource\": \"arn:\x02u") + "var.x\x04y\x03/\xC3\xA9\"}";
  std::vector<uint32_t> offsets(text.size());
  for (size_t i = 0; i < offsets.size(); ++i) offsets[i] = static_cast<uint32_t>(10 + i);
  auto r = parse_json_mapped(file, text, offsets);
  REQUIRE(r.ok());
  CHECK(r.value->find("Resource")->text == std::string("arn:\x02u") + "var.x\x04y\x03/\xC3\xA9");

  const std::string bad = std::string("{\"Resource\": \"\x02u") + "x\x03\xE2\x82\"}";
  std::vector<uint32_t> bad_offsets(bad.size());
  for (size_t i = 0; i < bad_offsets.size(); ++i) bad_offsets[i] = static_cast<uint32_t>(10 + i);
  auto b = parse_json_mapped(file, bad, bad_offsets);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error.find("byte 0xE2 starts a 3-byte sequence") != std::string::npos);
  CHECK(b.error_range.begin == 10 + bad.find('\xE2'));
  CHECK(b.error_range.end == 10 + bad.find('\xE2') + 2);

  // Outside a mapped document's strings, symbol bytes stay an error as before.
  const std::string stray = "[\x02]";
  auto s = parse_json_mapped(file, stray, std::vector<uint32_t>(stray.size(), 10));
  REQUIRE_FALSE(s.ok());
  CHECK(s.error.find("expected a value, found byte 0x02") != std::string::npos);
}

TEST_CASE("json utf8: a long string of mixed ASCII and UTF-8 decodes unchanged") {
  std::string content;
  for (int i = 0; i < 2000; ++i) content += (i % 7 == 0) ? "\xE2\x82\xAC" : (i % 11 == 0 ? "\xF0\x9F\x94\x91" : "abc");
  SourceFile f("long.json", "[\"" + content + "\"]");
  auto r = parse_json(f);
  REQUIRE(r.ok());
  CHECK(r.value->items[0].text == content);
}
