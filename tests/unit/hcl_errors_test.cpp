// HCL syntax errors: messages, locations, recovery, nesting limits and hostile input.
#include <random>

#include "hcl_test_util.hpp"

using namespace hcl_test;

TEST_CASE("hcl errors: messages say what was expected and what was found, at the offending token") {
  struct Case {
    const char* text;
    const char* message;
    uint32_t line, column;
  };
  const Case cases[] = {
      {"resource \"a\" \"b\" ]\n", "expected '=' or '{' after block labels, found ']'", 1, 18},
      {"resource ]\n", "expected '=', a block label or '{' after 'resource', found ']'", 1, 10},
      {"resource \"a\"\n{\n}\n", "expected '=' or '{' after block labels, found newline", 1, 13},
      {"a = 1 b = 2\n", "expected newline after attribute 'a', found 'b'", 1, 7},
      {"a = 1, b = 2\n", "expected newline after attribute 'a', found ','", 1, 6},
      {"a = \n", "expected an expression, found newline", 1, 5},
      {"a = )\n", "expected an expression, found ')'", 1, 5},
      {"= 1\n", "expected an attribute or block name, found '='", 1, 1},
      {"b {\n  c = 1\n", "expected '}' to close block 'b' opened at line 1, found end of file", 3, 1},
      {"b { c = 1\n}\n", "expected '}' after the attribute of a one-line block, found newline", 1, 10},
      {"b { c {} }\n", "expected '=' after 'c' in a one-line block", 1, 7},
      {"a = [1 2]\n", "expected ',' or ']' in tuple, found number '2'", 1, 8},
      {"a = { k 1 }\n", "expected '=' or ':' after object key, found number '1'", 1, 9},
      {"a = { k = 1 j = 2 }\n", "expected ',', newline or '}' after object item, found 'j'", 1, 13},
      {"a = (1 + 2\n", "expected ')' to close the '(' at line 1, found end of file", 2, 1},
      {"a = f(1 2)\n", "expected ',' or ')' in the arguments of 'f', found number '2'", 1, 9},
      {"a = f(x..., y)\n", "expected ')' after '...' in the call to 'f', found ','", 1, 11},
      {"a = p::(x)\n", "expected a function name after '::', found '('", 1, 8},
      {"a = b ? c\n", "expected ':' in conditional expression, found newline", 1, 10},
      {"a = x.\n", "expected an attribute name, a number or '*' after '.', found newline", 1, 7},
      {"a = x.0.1\n", "invalid legacy index '.0.1'", 1, 7},
      {"a = x[1\n", "expected ']' after index, found end of file", 2, 1},
      {"a = x[*\n", "expected ']' after '[*', found newline", 1, 8},
      {"a = 1.2.3\n", "invalid number literal '1.2.3'", 1, 5},
      {"a = [for x in y]\n", "expected ':' after the collection of a for expression, found ']'", 1, 16},
      {"a = [for x y : z]\n", "expected 'in' after the variables of a for expression, found 'y'", 1, 12},
      {"a = [for k, v in y : k => v]\n", "unexpected '=>' in a tuple for expression", 1, 24},
      {"a = {for v in y : v}\n", "expected '=>' after the key of an object for expression, found '}'", 1, 20},
      {"a = \"abc\n", "expected '\"' to close the string, found newline", 1, 9},
      {"a = \"abc", "expected '\"' to close the string at line 1, found end of file", 1, 9},
      {"a = <<EOT\nabc\n", "expected 'EOT' to close the heredoc at line 1, found end of file", 3, 1},
      {"a = \"${b\"\n", "expected '}' to close the '${' at line 1, found a string", 1, 9},
      {"a = \"%{ iff x }\"\n", "expected a template directive (if, else, endif, for, endfor) after '%{', found 'iff'", 1, 9},
      {"a = \"%{ if x }y\"\n", "missing %{endif} for the %{if} at line 1", 1, 6},
      {"a = \"%{ for x in y }z%{ endif }\"\n", "expected %{endfor} for the %{for} at line 1, found %{endif}", 1, 22},
      {"a = \"x%{ endif }\"\n", "unexpected %{endif} without a matching %{if}", 1, 7},
      {"a = \"\\q\"\n", "invalid escape sequence '\\q'", 1, 6},
      {"a = \"\\u12\"\n", "invalid escape sequence: '\\u' must be followed by four hexadecimal digits", 1, 6},
      {"a = \"\\uD800\"\n", "invalid escape sequence '\\uD800': not a unicode character", 1, 6},
      {"r \"${x}\" {}\n", "template sequences are not allowed in block labels", 1, 4},
      {"a = 1 & 2\n", "expected newline after attribute 'a', found invalid character '&'", 1, 7},
      {"/* open\na = 1\n", "expected an attribute or block name, found an unterminated '/*' comment", 1, 1},
      {"\"a\" = 1\n", "expected an attribute or block name, found a string", 1, 1},
  };
  for (const Case& c : cases) {
    Parsed p = parse(c.text);
    REQUIRE_MESSAGE(!p.file.ok(), c.text);
    const Diagnostic& d = p.file.errors[0];
    CHECK_MESSAGE(d.message.find(c.message) != std::string::npos, c.text << " => " << d.message);
    LineCol lc = p.source->line_col(d.range.begin);
    CHECK_MESSAGE(lc.line == c.line, c.text << " => " << p.errors());
    CHECK_MESSAGE(lc.column == c.column, c.text << " => " << p.errors());
    CHECK(d.rule_id == "TG404");
    CHECK(d.severity == Severity::Error);
    CHECK(d.range.file == p.source.get());
    CHECK(d.path == "test.tf");
    CHECK(!d.message.empty());
    CHECK(std::islower(static_cast<unsigned char>(d.message[0])));
    CHECK(d.message.back() != '.');
  }
}

TEST_CASE("hcl errors: an error in one block does not hide the next blocks") {
  Parsed p = parse(
      "resource \"a\" \"first\" {\n"
      "  x = [1 2]\n"
      "  nested {\n    y = 1\n  }\n"
      "}\n"
      "\n"
      "resource \"a\" \"second\" {\n  ok = true\n}\n"
      "locals {\n  z = ]\n}\n"
      "output \"third\" { value = 3 }\n");
  REQUIRE(p.file.errors.size() == 2);
  CHECK(p.source->line_col(p.file.errors[0].range.begin).line == 2);
  CHECK(p.source->line_col(p.file.errors[1].range.begin).line == 12);
  const auto& blocks = p.body().blocks;
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].labels.at(1) == "second");
  CHECK(blocks[0].body.attribute("ok") != nullptr);
  CHECK(blocks[1].type == "output");
}

TEST_CASE("hcl errors: recovery after an error at top level and after a block's closing brace") {
  Parsed p = parse("a = = 1\nb = 2\nc { d = 1 } junk\ne = 3\n");
  CHECK(p.file.errors.size() == 2);
  CHECK(p.body().attribute("b") != nullptr);
  CHECK(p.body().attribute("e") != nullptr);
  CHECK(p.body().blocks.empty());
  // An error inside a string or heredoc does not confuse recovery.
  Parsed q = parse("a = \"${ ] }\"\nb = <<EOT\n}\nc = 1\nEOT\nd = 4\n");
  CHECK(q.file.errors.size() == 1);
  CHECK(q.body().attribute("b") != nullptr);
  CHECK(q.body().attribute("c") == nullptr);
  CHECK(q.body().attribute("d") != nullptr);
}

TEST_CASE("hcl errors: at most a few errors are reported") {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "a" + std::to_string(i) + " = ]\n";
  text += "last = 1\n";
  Parsed p = parse(text);
  CHECK(p.file.errors.size() >= 3);
  CHECK(p.file.errors.size() <= 5);
  CHECK(p.body().attribute("last") != nullptr);
}

TEST_CASE("hcl errors: nesting deeper than the limit is an error, not a crash") {
  auto deep = [](const std::string& open, const std::string& middle, const std::string& close, int n) {
    std::string s = "x = ";
    for (int i = 0; i < n; ++i) s += open;
    s += middle;
    for (int i = 0; i < n; ++i) s += close;
    return s + "\ny = 1\n";
  };
  const int too_deep = 100000;
  const std::string inputs[] = {
      deep("(", "1", ")", too_deep),
      deep("[", "1", "]", too_deep),
      deep("{a = ", "1", "}", too_deep),
      deep("\"${", "1", "}\"", too_deep),
      deep("!", "true", "", too_deep),
      deep("-", "1", "", too_deep),
      deep("a ? b : ", "c", "", too_deep),
      deep("f(", "1", ")", too_deep),
      deep("[for v in ", "l", " : v]", too_deep),
      deep("(", "1", "", too_deep),  // unbalanced as well
  };
  for (const std::string& text : inputs) {
    Parsed p = parse(text);
    REQUIRE(!p.file.ok());
    CHECK_MESSAGE(p.file.errors[0].message.find("nesting too deep") != std::string::npos,
                  text.substr(0, 30) << " => " << p.file.errors[0].message);
  }
  std::string directives = "x = \"";
  for (int i = 0; i < 5000; ++i) directives += "%{if a}";
  for (int i = 0; i < 5000; ++i) directives += "%{endif}";
  Parsed d = parse(directives + "\"\n");
  REQUIRE(!d.file.ok());
  CHECK(d.file.errors[0].message.find("nesting too deep") != std::string::npos);
  // Long operator chains nest the tree as deeply as brackets do.
  std::string chain = "x = 1";
  for (int i = 0; i < too_deep; ++i) chain += " + 1";
  Parsed c = parse(chain + "\n");
  REQUIRE(!c.file.ok());
  CHECK(c.file.errors[0].message.find("too long") != std::string::npos);
  // Nested blocks.
  std::string blocks;
  for (int i = 0; i < 5000; ++i) blocks += "b {\n";
  for (int i = 0; i < 5000; ++i) blocks += "}\n";
  Parsed b = parse(blocks);
  REQUIRE(!b.file.ok());
  CHECK(b.file.errors[0].message.find("nesting too deep") != std::string::npos);
}

TEST_CASE("hcl errors: moderate nesting parses") {
  std::string s = "x = ";
  for (int i = 0; i < 60; ++i) s += "[(\"${";
  s += "1";
  for (int i = 0; i < 60; ++i) s += "}\")]";
  Parsed p = parse(s + "\n");
  CHECK_MESSAGE(p.file.ok(), p.errors());
  std::string chain = "x = 1";
  for (int i = 0; i < 100; ++i) chain += " * 2";
  CHECK(parse(chain + "\n").file.ok());
}

TEST_CASE("hcl errors: invalid utf-8 is reported, the rest still parsed") {
  Parsed p = parse("a = \"ok \xFF\xFE bad\"\nb = \"fine\"\nc = <<EOT\n\xC3\x28\nEOT\n");
  REQUIRE(p.file.errors.size() == 3);
  CHECK(p.file.errors[0].message == "invalid utf-8 in string");
  CHECK(p.source->line_col(p.file.errors[0].range.begin).column == 9);
  CHECK(p.body().attribute("b") != nullptr);
  CHECK(p.body().attribute("a") != nullptr);
  CHECK(p.body().attribute("c") != nullptr);
  Parsed q = parse("\xFF = 1\nb = 2\n");
  REQUIRE(!q.file.ok());
  CHECK(q.file.errors[0].message.find("invalid utf-8") != std::string::npos);
  CHECK(q.body().attribute("b") != nullptr);
}

TEST_CASE("hcl errors: mangled input never crashes") {
  const std::string base =
      "resource \"aws_kms_key\" \"k\" {\n"
      "  policy = jsonencode({ Statement = [for s in var.s : { Sid = \"${s.id}\", A = s.a[*].b }] })\n"
      "  tags = { a = 1, \"b\" : 2 }\n"
      "  text = <<-EOT\n    %{ for x in y ~}\n    ${x}\n    %{ endfor ~}\n  EOT\n"
      "  c = a ? b : !c || d && -e.0 >= f(g...)\n"
      "}\n# comment\n/* block */\n";
  const char alphabet[] = "{}[]()\"$%~<-EOT\n\\.,:?=!*#/ ax1";
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    std::string text = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1 + rng() % 3); break;
        case 1: text.insert(at, 1, alphabet[rng() % (sizeof(alphabet) - 1)]); break;
        default: text[at] = static_cast<char>(rng() % 256); break;
      }
      if (text.empty()) text = "x";
    }
    Parsed p = parse(text);
    CHECK(p.file.errors.size() <= 5);
    for (const Diagnostic& d : p.file.errors) {
      CHECK(d.range.begin <= d.range.end);
      CHECK(d.range.end <= text.size());
    }
  }
}
