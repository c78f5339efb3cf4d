// HCL native syntax: bodies, expressions and their byte ranges.
#include "hcl_test_util.hpp"

using namespace hcl_test;

TEST_CASE("hcl: empty and comment-only files") {
  for (const char* text : {"", "\n\n", "   \t\n", "# only a comment", "/* block */\n// line\n"}) {
    Parsed p = parse(text);
    CHECK_MESSAGE(p.file.ok(), p.errors());
    CHECK(p.body().attributes.empty());
    CHECK(p.body().blocks.empty());
  }
}

TEST_CASE("hcl: blocks, labels and attributes keep their ranges") {
  Parsed p = parse("resource \"aws_kms_key\" \"k\" {\n  description = \"d\"\n  enable_key_rotation = true\n}\n");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  REQUIRE(p.body().blocks.size() == 1);
  const Block& b = p.body().blocks[0];
  CHECK(b.type == "resource");
  CHECK(txt(b.type_range) == "resource");
  REQUIRE(b.labels.size() == 2);
  CHECK(b.labels[0] == "aws_kms_key");
  CHECK(b.labels[1] == "k");
  CHECK(txt(b.label_ranges[0]) == "\"aws_kms_key\"");
  CHECK(txt(b.label_ranges[1]) == "\"k\"");
  CHECK(txt(b.range) == "resource \"aws_kms_key\" \"k\" {\n  description = \"d\"\n  enable_key_rotation = true\n}");
  CHECK(txt(b.body.range) == "\n  description = \"d\"\n  enable_key_rotation = true\n");
  REQUIRE(b.body.attributes.size() == 2);
  const Attribute& a = b.body.attributes[0];
  CHECK(a.name == "description");
  CHECK(txt(a.name_range) == "description");
  CHECK(txt(a.range) == "description = \"d\"");
  CHECK(txt(a.expr->range) == "\"d\"");
  CHECK(b.body.attribute("enable_key_rotation") == &b.body.attributes[1]);
  CHECK(b.body.attribute("nope") == nullptr);
  CHECK(p.body().block("resource") == &b);
  CHECK(p.body().block("data") == nullptr);
  LineCol lc = p.source->line_col(a.range.begin);
  CHECK(lc.line == 2);
  CHECK(lc.column == 3);
}

TEST_CASE("hcl: bare labels, one-line blocks, empty and nested blocks") {
  Parsed p = parse(
      "a bare \"quoted\" { x = 1 }\n"
      "empty {}\n"
      "spaced {  }\n"
      "outer {\n  inner \"l\" {\n    deep { y = \"z\" }\n  }\n  inner \"m\" {}\n}\n");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const auto& blocks = p.body().blocks;
  REQUIRE(blocks.size() == 4);
  CHECK(blocks[0].labels == std::vector<std::string>{"bare", "quoted"});
  CHECK(txt(blocks[0].label_ranges[0]) == "bare");
  REQUIRE(blocks[0].body.attributes.size() == 1);
  CHECK(txt(blocks[0].body.attributes[0].range) == "x = 1");
  CHECK(txt(blocks[0].range) == "a bare \"quoted\" { x = 1 }");
  CHECK(blocks[1].body.attributes.empty());
  CHECK(txt(blocks[1].range) == "empty {}");
  CHECK(blocks[2].body.blocks.empty());
  const Block& outer = blocks[3];
  REQUIRE(outer.body.blocks.size() == 2);
  CHECK(outer.body.blocks[1].labels[0] == "m");
  const Block& deep = outer.body.blocks[0].body.blocks.at(0);
  CHECK(deep.type == "deep");
  CHECK(deep.body.attribute("y") != nullptr);
}

TEST_CASE("hcl: literals") {
  Parsed p = parse("a = 1\nb = 1.5\nc = 1e3\nd = 2.5E-2\ne = 007\nf = true\ng = false\nh = null\n");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  CHECK(p.attr("a").kind == ExprKind::Number);
  CHECK(p.attr("a").text == "1");
  CHECK(p.attr("b").text == "1.5");
  CHECK(p.attr("c").text == "1e3");
  CHECK(p.attr("d").text == "2.5E-2");
  CHECK(p.attr("e").text == "007");
  CHECK(p.attr("f").kind == ExprKind::Bool);
  CHECK(p.attr("f").boolean);
  CHECK_FALSE(p.attr("g").boolean);
  CHECK(p.attr("h").kind == ExprKind::Null);
  CHECK(txt(p.attr("d").range) == "2.5E-2");
}

TEST_CASE("hcl: tuples and objects") {
  Parsed p = parse(
      "t = [1, \"two\",\n  three,\n]\n"
      "e = []\n"
      "o = {\n  a = 1\n  \"b c\" : 2,\n  (var.k) = 3\n  d = { nested = true }, e = 5\n}\n"
      "one = { a = 1, b = 2, }\n");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Expr& t = p.attr("t");
  CHECK(t.kind == ExprKind::Tuple);
  REQUIRE(t.items.size() == 3);
  CHECK(txt(t.range) == "[1, \"two\",\n  three,\n]");
  CHECK(txt(t.items[2]->range) == "three");
  CHECK(p.attr("e").items.empty());
  const Expr& o = p.attr("o");
  REQUIRE(o.kind == ExprKind::Object);
  REQUIRE(o.object_items.size() == 5);
  CHECK(o.object_items[0].key->kind == ExprKind::Variable);
  CHECK(o.object_items[0].key->text == "a");
  CHECK(txt(o.object_items[0].range) == "a = 1");
  CHECK(o.object_items[1].key->kind == ExprKind::Template);
  CHECK(o.object_items[1].key->parts.at(0).text == "b c");
  CHECK(txt(o.object_items[1].range) == "\"b c\" : 2");
  CHECK(o.object_items[2].key->kind == ExprKind::Parens);
  CHECK(txt(o.object_items[2].key->range) == "(var.k)");
  CHECK(sexpr(*o.object_items[3].value) == "{ nested=true }");
  CHECK(o.object_items[4].key->text == "e");
  CHECK(p.attr("one").object_items.size() == 2);
}

TEST_CASE("hcl: traversals, legacy index and their ranges") {
  Parsed p = parse_expr("var.x.y[0][\"k\"].0.z");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Expr& e = p.attr("x");
  REQUIRE(e.kind == ExprKind::Traversal);
  CHECK(e.source->kind == ExprKind::Variable);
  CHECK(e.source->text == "var");
  CHECK(sexpr(e) == "var.x.y[0][\"k\"][0].z");
  REQUIRE(e.traversers.size() == 6);
  CHECK(txt(e.traversers[0].range) == ".x");
  CHECK(txt(e.traversers[2].range) == "[0]");
  CHECK(txt(e.traversers[3].range) == "[\"k\"]");
  CHECK(e.traversers[4].kind == Traverser::Kind::Index);
  CHECK(txt(e.traversers[4].range) == ".0");
  CHECK(e.traversers[4].index->kind == ExprKind::Number);
  CHECK(txt(e.traversers[4].index->range) == "0");
  CHECK(txt(e.range) == "var.x.y[0][\"k\"].0.z");

  CHECK(sexpr(parse_expr("f(a).b[c]").attr("x")) == "(call f a).b[c]");
  CHECK(sexpr(parse_expr("(a).b").attr("x")) == "(paren a).b");
  CHECK(sexpr(parse_expr("[1, 2][0]").attr("x")) == "[ 1 2 ][0]");
  CHECK(sexpr(parse_expr("a[b.c[d]]").attr("x")) == "a[b.c[d]]");
}

TEST_CASE("hcl: splats, full and attribute-only") {
  {
    Parsed p = parse_expr("aws_instance.web[*].network.id");
    REQUIRE_MESSAGE(p.file.ok(), p.errors());
    const Expr& e = p.attr("x");
    REQUIRE(e.kind == ExprKind::Splat);
    CHECK(sexpr(e) == "(splat aws_instance.web .network.id)");
    CHECK(txt(e.range) == "aws_instance.web[*].network.id");
    CHECK(txt(e.source->range) == "aws_instance.web");
  }
  CHECK(sexpr(parse_expr("a[*]").attr("x")) == "(splat a )");
  CHECK(txt(parse_expr("a[*]").attr("x").range) == "a[*]");
  CHECK(txt(parse_expr("a.*").attr("x").range) == "a.*");
  // `.*` takes attributes only; a later index applies to the resulting list.
  CHECK(sexpr(parse_expr("a.*.b.c[0]").attr("x")) == "(splat a .b.c)[0]");
  // `[*]` takes every following step, further splats included.
  CHECK(sexpr(parse_expr("a[*].b[0][*].c").attr("x")) == "(splat a .b[0][*].c)");
  CHECK(sexpr(parse_expr("a.b[*].c.0").attr("x")) == "(splat a.b .c[0])");
  Parsed p = parse_expr("a[*].b.*.c");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  CHECK(txt(p.attr("x").traversers[1].range) == ".*");
}

TEST_CASE("hcl: function calls") {
  CHECK(sexpr(parse_expr("f()").attr("x")) == "(call f)");
  CHECK(sexpr(parse_expr("jsonencode({ a = 1 })").attr("x")) == "(call jsonencode { a=1 })");
  CHECK(sexpr(parse_expr("f(a, b,)").attr("x")) == "(call f a b)");
  CHECK(sexpr(parse_expr("f(\n  a,\n  b\n)").attr("x")) == "(call f a b)");
  Parsed p = parse_expr("concat(a, var.lists...)");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  CHECK(p.attr("x").expand_final);
  CHECK(txt(p.attr("x").range) == "concat(a, var.lists...)");
  Parsed q = parse_expr("provider::aws::arn_parse(var.arn).account_id");
  REQUIRE_MESSAGE(q.file.ok(), q.errors());
  CHECK(sexpr(q.attr("x")) == "(call provider::aws::arn_parse var.arn).account_id");
  CHECK(txt(q.attr("x").source->range) == "provider::aws::arn_parse(var.arn)");
}

TEST_CASE("hcl: operator precedence and associativity") {
  struct Case {
    const char* text;
    const char* shape;
  };
  const Case cases[] = {
      {"1 + 2 * 3", "(+ 1 (* 2 3))"},
      {"1 * 2 + 3", "(+ (* 1 2) 3)"},
      {"10 - 4 - 3", "(- (- 10 4) 3)"},
      {"a / b % c * d", "(* (% (/ a b) c) d)"},
      {"a || b && c", "(|| a (&& b c))"},
      {"a && b || c", "(|| (&& a b) c)"},
      {"a == b < c", "(== a (< b c))"},
      {"a != b == c", "(== (!= a b) c)"},
      {"a < b + c", "(< a (+ b c))"},
      {"a >= b && c <= d", "(&& (>= a b) (<= c d))"},
      {"-1 + 2", "(+ (- 1) 2)"},
      {"-a.b * c", "(* (- a.b) c)"},
      {"!a && !b", "(&& (! a) (! b))"},
      {"!!a", "(! (! a))"},
      {"a * -1", "(* a (- 1))"},
      {"(1 + 2) * 3", "(* (paren (+ 1 2)) 3)"},
      {"a ? b : c", "(? a b c)"},
      {"a ? b : c ? d : e", "(? a b (? c d e))"},
      {"a ? b ? c : d : e", "(? a (? b c d) e)"},
      {"a || b ? c + 1 : d", "(? (|| a b) (+ c 1) d)"},
      {"(a\n  + b)", "(paren (+ a b))"},
  };
  for (const Case& c : cases) {
    Parsed p = parse_expr(c.text);
    REQUIRE_MESSAGE(p.file.ok(), c.text << ": " << p.errors());
    CHECK_MESSAGE(sexpr(p.attr("x")) == c.shape, c.text);
  }
  Parsed p = parse_expr("a + b * c");
  const Expr& e = p.attr("x");
  CHECK(txt(e.range) == "a + b * c");
  CHECK(txt(e.operands[1]->range) == "b * c");
  CHECK(txt(parse_expr("a ? b : c").attr("x").range) == "a ? b : c");
  CHECK(txt(parse_expr("- x").attr("x").range) == "- x");
}

TEST_CASE("hcl: for expressions") {
  struct Case {
    const char* text;
    const char* shape;
  };
  const Case cases[] = {
      {"[for s in var.list : upper(s)]", "[for s in var.list: (call upper s)]"},
      {"[for i, v in l : v if i > 0]", "[for i,v in l: v if (> i 0)]"},
      {"{for k, v in m : k => v}", "{for k,v in m: k => v}"},
      {"{for u in users : u.team => u.name...}", "{for u in users: u.team => u.name...}"},
      {"{for u in users : u.team => u.name... if u.active}", "{for u in users: u.team => u.name... if u.active}"},
      {"[\n  for r in rs :\n  r.arn\n  if r.ok\n]", "[for r in rs: r.arn if r.ok]"},
      {"[for x in [for y in z : y] : x]", "[for x in [for y in z: y]: x]"},
  };
  for (const Case& c : cases) {
    Parsed p = parse_expr(c.text);
    REQUIRE_MESSAGE(p.file.ok(), c.text << ": " << p.errors());
    CHECK_MESSAGE(sexpr(p.attr("x")) == c.shape, c.text);
    CHECK(txt(p.attr("x").range) == c.text);
  }
  Parsed p = parse_expr("{for k, v in m : k => v}");
  const Expr& e = p.attr("x");
  CHECK(e.kind == ExprKind::ForObject);
  CHECK(e.key_var == "k");
  CHECK(e.value_var == "v");
  CHECK(txt(e.collection->range) == "m");
  Parsed q = parse_expr("[for v in m : v]");
  CHECK(q.attr("x").kind == ExprKind::ForTuple);
  CHECK(q.attr("x").key_var.empty());
  CHECK(q.attr("x").value_var == "v");
}

TEST_CASE("hcl: comments are recorded with their ranges") {
  Parsed p = parse(
      "# threegate:ignore TG201 reason\n"
      "a = 1 // trailing\n"
      "/* block\n   comment */ b = \"# not a comment\"\n"
      "c = [ # in a tuple\n  1, /* inline */ 2,\n]\n");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const auto& cs = p.file.comments;
  REQUIRE(cs.size() == 5);
  CHECK(cs[0].text == "# threegate:ignore TG201 reason");
  CHECK(txt(cs[0].range) == cs[0].text);
  CHECK(cs[1].text == "// trailing");
  CHECK(p.source->line_col(cs[1].range.begin).line == 2);
  CHECK(p.source->line_col(cs[1].range.begin).column == 7);
  CHECK(cs[2].text == "/* block\n   comment */");
  CHECK(cs[3].text == "# in a tuple");
  CHECK(cs[4].text == "/* inline */");
  CHECK(p.attr("b").parts.at(0).text == "# not a comment");
  CHECK(p.attr("c").items.size() == 2);
}

TEST_CASE("hcl: CRLF line endings and a byte order mark") {
  Parsed p = parse("\xEF\xBB\xBFresource \"r\" \"n\" { # c\r\n  a = \"x\"\r\n  b = [\r\n    1,\r\n  ]\r\n}\r\n");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Block& b = p.body().blocks.at(0);
  CHECK(b.range.begin == 3);
  CHECK(txt(b.type_range) == "resource");
  CHECK(p.file.comments.at(0).text == "# c");
  CHECK(txt(b.body.attributes.at(0).range) == "a = \"x\"");
  CHECK(b.body.attribute("b")->expr->items.size() == 1);
}

TEST_CASE("hcl: newlines end attributes; brackets and parentheses span lines") {
  Parsed p = parse("a = f(1,\n 2)\nb = [\n1]\nc = (1 +\n 2)\nd = {\n  k = 1\n}\n");
  CHECK_MESSAGE(p.file.ok(), p.errors());
  CHECK(p.body().attributes.size() == 4);
}
