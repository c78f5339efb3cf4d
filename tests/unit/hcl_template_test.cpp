// HCL templates: quoted strings, escapes, interpolation, directives, strip markers, heredocs.
#include "hcl_test_util.hpp"

using namespace hcl_test;

namespace {
// The literal text of a template with a single literal part.
std::string literal(const Parsed& p, std::string_view name = "x") {
  const Expr& e = p.attr(name);
  REQUIRE(e.kind == ExprKind::Template);
  REQUIRE_MESSAGE(e.parts.size() == 1, "parts: " << e.parts.size());
  REQUIRE(e.parts[0].kind == TemplatePart::Kind::Literal);
  return e.parts[0].text;
}
}  // namespace

TEST_CASE("hcl templates: plain strings and escapes") {
  CHECK(literal(parse_expr("\"hello\"")) == "hello");
  CHECK(literal(parse_expr("\"\"")) == "");
  CHECK(literal(parse_expr(R"("a\nb\tc\rd\"e\\f")")) == "a\nb\tc\rd\"e\\f");
  CHECK(literal(parse_expr(R"("caf\u00e9 \U0001F600")")) == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(literal(parse_expr(R"("$${x} %%{y} $ % $$ 100%")")) == "${x} %{y} $ % $$ 100%");
  CHECK(literal(parse_expr("\"\xC3\xA9t\xC3\xA9 \xE2\x82\xAC\"")) == "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC");
  Parsed p = parse_expr("\"abc\"");
  CHECK(txt(p.attr("x").range) == "\"abc\"");
  CHECK(txt(p.attr("x").parts[0].range) == "abc");
  CHECK_FALSE(p.attr("x").heredoc);
}

TEST_CASE("hcl templates: interpolation") {
  Parsed p = parse_expr("\"arn:aws:iam::${var.account}:role/${ local.name }\"");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Expr& e = p.attr("x");
  REQUIRE(e.parts.size() == 4);
  CHECK(e.parts[0].text == "arn:aws:iam::");
  CHECK(e.parts[1].kind == TemplatePart::Kind::Interpolation);
  CHECK(txt(e.parts[1].range) == "${var.account}");
  CHECK(txt(e.parts[1].expr->range) == "var.account");
  CHECK(e.parts[2].text == ":role/");
  CHECK(txt(e.parts[3].range) == "${ local.name }");
  CHECK(sexpr(*e.parts[3].expr) == "local.name");
  // Nested templates and braces inside an interpolation.
  Parsed q = parse_expr("\"a ${f({ k = \"${b}\" })} c\"");
  REQUIRE_MESSAGE(q.file.ok(), q.errors());
  CHECK(sexpr(q.attr("x")) == "\"a ${(call f { k=\"${b}\" })} c\"");
  // A lone interpolation is still a template with one part.
  Parsed r = parse_expr("\"${var.v}\"");
  REQUIRE(r.attr("x").parts.size() == 1);
  CHECK(r.attr("x").parts[0].kind == TemplatePart::Kind::Interpolation);
}

TEST_CASE("hcl templates: if and for directives") {
  Parsed p = parse_expr("\"Hi %{ if name != \"\" }${name}%{ else }you%{ endif }!\"");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Expr& e = p.attr("x");
  REQUIRE(e.parts.size() == 3);
  const TemplatePart& d = e.parts[1];
  CHECK(d.kind == TemplatePart::Kind::If);
  CHECK(sexpr(*d.expr) == "(!= name \"\")");
  REQUIRE(d.body.size() == 1);
  CHECK(d.body[0].kind == TemplatePart::Kind::Interpolation);
  REQUIRE(d.else_body.size() == 1);
  CHECK(d.else_body[0].text == "you");
  CHECK(txt(d.range) == "%{ if name != \"\" }${name}%{ else }you%{ endif }");
  CHECK(e.parts[2].text == "!");

  Parsed q = parse_expr("\"%{ for k, v in m }${k}=%{ if v }y%{ endif };%{ endfor }\"");
  REQUIRE_MESSAGE(q.file.ok(), q.errors());
  const TemplatePart& f = q.attr("x").parts.at(0);
  CHECK(f.kind == TemplatePart::Kind::For);
  CHECK(f.key_var == "k");
  CHECK(f.value_var == "v");
  CHECK(txt(f.expr->range) == "m");
  REQUIRE(f.body.size() == 4);
  CHECK(f.body[2].kind == TemplatePart::Kind::If);
  CHECK(f.body[3].text == ";");

  Parsed r = parse_expr("\"%{for v in l}${v}%{endfor}\"");
  REQUIRE_MESSAGE(r.file.ok(), r.errors());
  CHECK(r.attr("x").parts.at(0).key_var.empty());
  CHECK(r.attr("x").parts.at(0).value_var == "v");
}

TEST_CASE("hcl templates: strip markers trim the neighbouring literal") {
  Parsed p = parse_expr("\"a  %{~ if c ~}  b  %{~ else ~}  d  %{~ endif ~}  e\"");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Expr& e = p.attr("x");
  REQUIRE(e.parts.size() == 3);
  CHECK(e.parts[0].text == "a");
  CHECK(e.parts[1].body.at(0).text == "b");
  CHECK(e.parts[1].else_body.at(0).text == "d");
  CHECK(e.parts[2].text == "e");
  Parsed q = parse_expr("\"x ${~ v ~} y\"");
  CHECK(sexpr(q.attr("x")) == "\"x${v}y\"");
  // Without markers the spaces stay.
  CHECK(sexpr(parse_expr("\"x ${ v } y\"").attr("x")) == "\"x ${v} y\"");
}

TEST_CASE("hcl templates: heredocs") {
  Parsed p = parse("x = <<EOT\n  {\n    \"a\": \"${var.b}\"\n  }\nEOT\ny = 1\n");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Expr& e = p.attr("x");
  CHECK(e.heredoc);
  CHECK(txt(e.range) == "<<EOT\n  {\n    \"a\": \"${var.b}\"\n  }\nEOT");
  CHECK(sexpr(e) == "\"  {\n    \"a\": \"${var.b}\"\n  }\n\"");
  CHECK(p.attr("y").text == "1");

  // A closing marker may be indented; backslashes are literal in heredocs.
  Parsed q = parse("x = <<EOT\nC:\\dir\\n\n    EOT\n");
  REQUIRE_MESSAGE(q.file.ok(), q.errors());
  CHECK(literal(q) == "C:\\dir\\n\n");

  Parsed empty = parse("x = <<EOT\nEOT\n");
  REQUIRE_MESSAGE(empty.file.ok(), empty.errors());
  CHECK(literal(empty) == "");
}

TEST_CASE("hcl templates: indented heredocs remove the common indentation") {
  Parsed p = parse("x = <<-EOT\n    {\n      \"a\": 1\n\n    }\n    EOT\n");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  CHECK(literal(p) == "{\n  \"a\": 1\n\n}\n");
  // Tabs count like spaces; the least indented line decides.
  Parsed t = parse("x = <<-EOT\n\t\tx\n\t  y\n\tEOT\n");
  CHECK(literal(t) == "x\n y\n");
  // A line that starts with an interpolation counts as unindented.
  Parsed i = parse("x = <<-EOT\n    a\n${b}\n    c\n  EOT\n");
  REQUIRE_MESSAGE(i.file.ok(), i.errors());
  CHECK(sexpr(i.attr("x")) == "\"    a\n${b}\n    c\n\"");
  // An interpolation's own text does not change the indentation.
  Parsed j = parse("x = <<-EOT\n    a ${b}\n      c\n    EOT\n");
  CHECK(sexpr(j.attr("x")) == "\"a ${b}\n  c\n\"");
  // Ranges of the literal parts skip the removed indentation.
  CHECK(txt(j.attr("x").parts[0].range) == "a ");
  // The usual idiom: directives on their own lines, strip markers eat their line breaks.
  Parsed k = parse("x = <<-EOT\n  %{ for p in ps ~}\n  install ${p}\n  %{ endfor ~}\n  done\n  EOT\n");
  REQUIRE_MESSAGE(k.file.ok(), k.errors());
  const Expr& e = k.attr("x");
  // As in HashiCorp's parser: the first line's indentation becomes an empty literal, and the
  // lines after a `~}` are not "line starts", so their indentation stays.
  REQUIRE(e.parts.size() == 3);
  CHECK(e.parts[0].text.empty());
  CHECK(sexpr(e) == "\"%{for}  done\n\"");
  CHECK(sexpr(*e.parts[1].expr) == "ps");
  REQUIRE(e.parts[1].body.size() == 3);
  CHECK(e.parts[1].body[0].text == "  install ");
  CHECK(e.parts[1].body[2].text == "\n");
}

TEST_CASE("hcl templates: heredocs with CRLF line endings") {
  Parsed p = parse("x = <<-EOT\r\n    a\r\n      b\r\n    EOT\r\ny = 2\r\n");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  CHECK(literal(p) == "a\r\n  b\r\n");
  CHECK(p.attr("y").text == "2");
}
