#include "terraform_test_util.hpp"

using namespace tf_test;

namespace {

// Evaluates `output "x" { value = <expr> }` next to some declarations.
std::string eval(const std::string& expr, const std::string& decls = "", std::string* messages = nullptr) {
  Tree t({{"main.tf", decls + "\noutput \"x\" {\n  value = " + expr + "\n}\n"}});
  t.load();
  if (messages) *messages = t.messages();
  return t.show_out("x");
}

}  // namespace

TEST_CASE("terraform: literals, operators, conditionals") {
  CHECK(eval("1 + 2 * 3") == "7");
  CHECK(eval("7 / 2") == "3.5");
  CHECK(eval("7 % 3") == "1");
  CHECK(eval("-(2)") == "-2");
  CHECK(eval("!true") == "false");
  CHECK(eval("1 < 2 && 2 <= 2") == "true");
  CHECK(eval("\"a\" == \"a\"") == "true");
  CHECK(eval("[1, \"a\"] != [1, \"a\"]") == "false");
  CHECK(eval("true ? \"y\" : \"n\"") == "\"y\"");
  CHECK(eval("null") == "null");
  CHECK(eval("{ a = 1, \"b\" = [true] }") == "{a=1,b=[true]}");
  CHECK(eval("[1, 2, 3][1]") == "2");
  CHECK(eval("{ a = { b = \"c\" } }.a.b") == "\"c\"");
  CHECK(eval("[{ n = 1 }, { n = 2 }][*].n") == "[1,2]");
  // The legacy splat applies attributes only; the index then applies to the result.
  CHECK(eval("[{ n = [1] }, { n = [2] }].*.n[0]") == "[1]");
  CHECK(eval("[{ n = [1] }, { n = [2] }][*].n[0]") == "[1,2]");
}

TEST_CASE("terraform: for expressions") {
  CHECK(eval("[for s in [\"a\", \"b\"] : upper(s)]") == "[\"A\",\"B\"]");
  CHECK(eval("[for i, s in [\"a\", \"b\"] : \"${i}-${s}\" if s != \"a\"]") == "[\"1-b\"]");
  CHECK(eval("{for k, v in { b = 2, a = 1 } : v => k}") == "{1=\"a\",2=\"b\"}");
  CHECK(eval("{for s in [\"x\", \"y\", \"x\"] : s => s...}") == "{x=[\"x\",\"x\"],y=[\"y\"]}");
}

TEST_CASE("terraform: templates with directives and unknown parts") {
  const std::string decls = "variable \"acct\" {}\nvariable \"names\" { default = [\"a\", \"b\"] }\n";
  CHECK(eval("\"arn:aws:iam::${var.acct}:root\"", decls) == "\"arn:aws:iam::${u:var.acct}:root\"");
  CHECK(eval("\"%{ for n in var.names }${n};%{ endfor }\"", decls) == "\"a;b;\"");
  CHECK(eval("\"%{ if length(var.names) > 1 }many%{ else }one%{ endif }\"", decls) == "\"many\"");
  // The shape of the text depends on the unknown: the whole string is unknown.
  std::string m;
  CHECK(eval("\"%{ if var.acct == \"1\" }a%{ endif }\"", decls).rfind("<unknown ", 0) == 0);
  // "${x}" alone is x itself.
  CHECK(eval("\"${var.names}\"", decls) == "[\"a\",\"b\"]");
  CHECK(eval("var.acct", decls) == "<unknown var.acct>");
}

TEST_CASE("terraform: conditionals with unknown predicates") {
  const std::string decls = "variable \"flag\" { type = bool }\n";
  CHECK(eval("var.flag ? \"same\" : \"same\"", decls) == "\"same\"");
  CHECK(eval("var.flag ? \"a\" : \"b\"", decls).rfind("<unknown ", 0) == 0);
  CHECK(eval("false && var.flag", decls) == "false");
  CHECK(eval("true || var.flag", decls) == "true");
}

TEST_CASE("terraform: string functions") {
  CHECK(eval("lower(\"AbC\")") == "\"abc\"");
  CHECK(eval("upper(\"abc\")") == "\"ABC\"");
  CHECK(eval("join(\",\", [\"a\", \"b\"], [\"c\"])") == "\"a,b,c\"");
  CHECK(eval("split(\":\", \"a:b::c\")") == "[\"a\",\"b\",\"\",\"c\"]");
  CHECK(eval("replace(\"a-b-c\", \"-\", \"_\")") == "\"a_b_c\"");
  CHECK(eval("replace(\"role/app-1\", \"/app-([0-9])/\", \"svc$1\")") == "\"role/svc1\"");
  CHECK(eval("replace(\"abc\", \"/(?P<x>b)/\", \"[$${x}]\")") == "\"a[b]c\"");
  CHECK(eval("format(\"%s-%d-%q-%v-%%\", \"a\", 4.0, \"b\", true)") == "\"a-4-\"b\"-true-%\"");
  CHECK(eval("format(\"%03d\", 7)") == "\"007\"");
  CHECK(eval("trimspace(\"  x \\n\")") == "\"x\"");
  CHECK(eval("trimprefix(\"alias/app\", \"alias/\")") == "\"app\"");
  CHECK(eval("trimsuffix(\"app.json\", \".json\")") == "\"app\"");
  CHECK(eval("substr(\"hello\", 1, 3)") == "\"ell\"");
  CHECK(eval("substr(\"hello\", -3, -1)") == "\"llo\"");
  CHECK(eval("startswith(\"arn:aws:kms\", \"arn:\")") == "true");
  CHECK(eval("endswith(\"arn:aws:kms\", \"kms\")") == "true");
  CHECK(eval("tostring(5)") == "\"5\"");
  CHECK(eval("tonumber(\"5\")") == "5");
}

TEST_CASE("terraform: string functions keep symbols") {
  const std::string decls = "variable \"acct\" {}\n";
  CHECK(eval("format(\"arn:aws:iam::%s:root\", var.acct)", decls) == "\"arn:aws:iam::${u:var.acct}:root\"");
  CHECK(eval("join(\":\", [\"arn\", var.acct])", decls) == "\"arn:${u:var.acct}\"");
  CHECK(eval("split(\":\", \"a:${var.acct}:b\")", decls) == "[\"a\",\"${u:var.acct}\",\"b\"]");
  CHECK(eval("replace(\"x-${var.acct}-x\", \"x\", \"y\")", decls) == "\"y-${u:var.acct}-y\"");
  CHECK(eval("startswith(\"arn:${var.acct}\", \"arn:\")", decls) == "true");
  CHECK(eval("startswith(\"${var.acct}\", \"arn:\")", decls).rfind("<unknown ", 0) == 0);
  CHECK(eval("startswith(\"x${var.acct}\", \"arn:\")", decls) == "false");
  CHECK(eval("upper(var.acct)", decls).rfind("<unknown ", 0) == 0);
}

TEST_CASE("terraform: collection functions") {
  CHECK(eval("merge({ a = 1, b = 2 }, null, { b = 3 })") == "{a=1,b=3}");
  CHECK(eval("concat([1], [], [2, 3])") == "[1,2,3]");
  CHECK(eval("flatten([[1, [2]], [], 3])") == "[1,2,3]");
  CHECK(eval("tolist([\"a\"])") == "[\"a\"]");
  CHECK(eval("toset([\"b\", \"a\", \"b\"])") == "[\"a\",\"b\"]");
  CHECK(eval("tomap({ a = 1 })") == "{a=1}");
  CHECK(eval("distinct([1, 2, 1])") == "[1,2]");
  CHECK(eval("coalesce(null, \"\", \"x\")") == "\"x\"");
  CHECK(eval("coalescelist([], [1])") == "[1]");
  CHECK(eval("lookup({ a = 1 }, \"b\", 2)") == "2");
  CHECK(eval("lookup({ a = 1 }, \"a\", 2)") == "1");
  CHECK(eval("element([\"a\", \"b\"], 3)") == "\"b\"");
  CHECK(eval("length([1, 2])") == "2");
  CHECK(eval("length({ a = 1 })") == "1");
  CHECK(eval("length(\"héllo\")") == "5");
  CHECK(eval("keys({ b = 1, a = 2 })") == "[\"a\",\"b\"]");
  CHECK(eval("values({ b = 1, a = 2 })") == "[2,1]");
  CHECK(eval("contains([\"a\"], \"a\")") == "true");
  CHECK(eval("contains([\"a\"], \"b\")") == "false");
  CHECK(eval("compact([\"a\", \"\", null, \"b\"])") == "[\"a\",\"b\"]");
  CHECK(eval("zipmap([\"a\", \"b\"], [1, 2])") == "{a=1,b=2}");
  CHECK(eval("range(3)") == "[0,1,2]");
  CHECK(eval("range(1, 7, 3)") == "[1,4]");
  CHECK(eval("min(3, 1, 2)") == "1");
  CHECK(eval("max([3, 1, 2]...)") == "3");
  CHECK(eval("sort([\"b\", \"a\"])") == "[\"a\",\"b\"]");
  CHECK(eval("abs(-2)") == "2");
  CHECK(eval("one([])") == "null");
  CHECK(eval("one([\"x\"])") == "\"x\"");
  CHECK(eval("alltrue([true, true])") == "true");
  CHECK(eval("anytrue([false])") == "false");
}

TEST_CASE("terraform: functions with unknown arguments") {
  const std::string decls = "variable \"u\" {}\n";
  CHECK(eval("length([var.u, 1])", decls) == "2");
  CHECK(eval("length(var.u)", decls).rfind("<unknown ", 0) == 0);
  CHECK(eval("merge({ a = var.u }, { b = 1 })", decls) == "{a=<unknown var.u>,b=1}");
  CHECK(eval("merge(var.u, { b = 1 })", decls).rfind("<unknown ", 0) == 0);
  CHECK(eval("keys({ a = var.u })", decls) == "[\"a\"]");
  CHECK(eval("contains([var.u], \"x\")", decls).rfind("<unknown ", 0) == 0);
  CHECK(eval("coalesce(\"x\", var.u)", decls) == "\"x\"");
  CHECK(eval("alltrue([false, var.u])", decls) == "false");
}

TEST_CASE("terraform: try and can") {
  CHECK(eval("try({ a = 1 }.b, \"fallback\")") == "\"fallback\"");
  CHECK(eval("try({ a = 1 }.a, \"fallback\")") == "1");
  CHECK(eval("can([1][5])") == "false");
  CHECK(eval("can([1][0])") == "true");
  // A local that fails is evaluated once, and still fails for try() when read again.
  const std::string both = eval("[local.bad, try(local.bad, \"d\")]", "locals { bad = [1][5] }\n");
  CHECK(both.rfind("[<unknown ", 0) == 0);
  CHECK(both.find(",\"d\"]") != std::string::npos);
  std::string m;
  eval("try([1][5], 2)", "", &m);
  CHECK(m.find("out of range") == std::string::npos);  // errors inside try are not said
}

TEST_CASE("terraform: unknown functions are said once and give unknown values") {
  std::string m;
  CHECK(eval("[md5(\"a\"), md5(\"b\")]", "", &m).find("<unknown md5(\"a\")>") != std::string::npos);
  CHECK(m.find("function md5() is not evaluated offline") != std::string::npos);
  CHECK(m.find("md5()") == m.rfind("md5()"));
}

TEST_CASE("terraform: jsonencode sorts keys and keeps the encoded value with its ranges") {
  Tree t({{"main.tf", R"(variable "acct" {}
locals {
  policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "kms:Decrypt"
      Principal = { AWS = "arn:aws:iam::${var.acct}:root" }
      Resource  = "*"
    }]
  }
}
output "x" { value = jsonencode(local.policy) }
output "html" { value = jsonencode({ b = "<&>", a = 1.5 }) }
)"}});
  t.load();
  Value v = t.out("x");
  REQUIRE(v.is_string());
  CHECK(v.text == "{\"Statement\":[{\"Action\":\"kms:Decrypt\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::\\u0002uvar.acct\\u0003:root\"},\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}");
  REQUIRE(v.encoded_from);
  const Value* stmts = v.encoded_from->find("Statement");
  REQUIRE(stmts);
  REQUIRE(stmts->items.size() == 1);
  const Value& st = stmts->items[0];
  CHECK(line_of(st.range) == 5);
  CHECK(at(st.find("Action")->range) == "\"kms:Decrypt\"");
  CHECK(line_of(st.find("Action")->range) == 7);
  CHECK(st.find("Principal")->find("AWS")->text == "arn:aws:iam::" + sym(SymbolKind::Unknown, "var.acct") + ":root");
  CHECK(t.out("html").text == "{\"a\":1.5,\"b\":\"\\u003c\\u0026\\u003e\"}");
}

TEST_CASE("terraform: jsondecode points into the string it decodes") {
  Tree t({{"main.tf", R"(locals {
  doc = <<EOF
{"Statement": [{"Effect": "Deny", "Action": ["s3:*"]}]}
EOF
}
output "x" { value = jsondecode(local.doc) }
output "round" { value = jsondecode(jsonencode({ a = "b" })).a }
output "file" { value = jsondecode(file("${path.module}/p.json")).Statement[0].Sid }
)"},
          {"p.json", "{\n  \"Statement\": [{\"Sid\": \"FromFile\"}]\n}\n"}});
  t.load();
  Value v = t.out("x");
  REQUIRE(v.kind == Value::Kind::Object);
  const Value& effect = *v.find("Statement")->items[0].find("Effect");
  CHECK(effect.text == "Deny");
  CHECK(at(effect.range) == "\"Deny\"");
  CHECK(line_of(effect.range) == 3);
  CHECK(at(t.out("round").range) == "\"b\"");
  Value sid = t.out("file");
  CHECK(sid.text == "FromFile");
  REQUIRE(sid.range.known());
  CHECK(sid.range.file->path().find("p.json") != std::string::npos);
  CHECK(line_of(sid.range) == 2);
  CHECK(t.messages() == "");
}

TEST_CASE("terraform: file() and templatefile() stay inside the module tree") {
  Tree t({{"root/main.tf", R"(output "t" { value = templatefile("${path.module}/t.tpl", { name = "app", ids = ["1", "2"] }) }
output "outside" { value = file("${path.module}/../secret.txt") }
output "missing" { value = can(file("${path.module}/nope.txt")) }
)"},
          {"root/t.tpl", "role/${name}%{ for i in ids }:${i}%{ endfor }"},
          {"secret.txt", "x"}});
  t.load({}, "root");
  CHECK(t.show_out("t") == "\"role/app:1:2\"");
  CHECK(t.out("outside").is_unknown());
  CHECK(t.said("is outside the module tree"));
  CHECK(t.show_out("missing") == "false");
}
