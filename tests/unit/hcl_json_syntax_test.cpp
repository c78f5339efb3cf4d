// Terraform's JSON syntax (.tf.json): block types and labels, repeated blocks as arrays, "//"
// comments, strings as templates with ranges into the JSON text, the meta-arguments that hold
// references or literal strings, the attribute / block rule, and errors with their location.
#include "hcl_test_util.hpp"
#include "terraform_test_util.hpp"

using namespace hcl_test;

namespace {

Parsed parse_json_text(std::string text) {
  Parsed p;
  p.source = std::make_unique<SourceFile>("test.tf.json", std::move(text));
  p.file = parse_json_file(*p.source);
  return p;
}

const Block& only_block(const Body& body, std::string_view type) {
  const Block* b = body.block(type);
  REQUIRE_MESSAGE(b != nullptr, "no block " << type);
  return *b;
}

const Expr& attr_of(const Body& body, std::string_view name) {
  const Attribute* a = body.attribute(name);
  REQUIRE_MESSAGE(a != nullptr, "no attribute " << name);
  REQUIRE(a->expr);
  return *a->expr;
}

std::string where(const Parsed& p, const Range& r) {
  const LineCol lc = p.source->line_col(r.begin);
  return std::to_string(lc.line) + ":" + std::to_string(lc.column);
}

}  // namespace

TEST_CASE("hcl json syntax: each top-level block type, labels as nested objects") {
  Parsed p = parse_json_text(R"J({
  "terraform": {"required_version": ">= 1.5", "required_providers": {"aws": {"source": "hashicorp/aws"}},
                "backend": {"s3": {"bucket": "${not_a_template}"}}},
  "provider": {"aws": {"region": "eu-west-1"}},
  "variable": {"account": {"type": "string", "default": "222222222222"}},
  "locals": {"name": "shared", "arn": "arn:aws:iam::${var.account}:root"},
  "data": {"aws_caller_identity": {"current": {}}},
  "resource": {"aws_kms_key": {"k": {"description": "key"}}},
  "module": {"child": {"source": "./child", "region": "${var.region}"}},
  "output": {"arn": {"value": "${local.arn}", "description": "the ${arn}"}}
})J");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  CHECK(p.file.comments.empty());
  const auto& blocks = p.body().blocks;
  REQUIRE(blocks.size() == 8);
  std::vector<std::string> types;
  for (const Block& b : blocks) types.push_back(b.type);
  CHECK(types == std::vector<std::string>{"terraform", "provider", "variable", "locals", "data", "resource", "module", "output"});
  CHECK(p.body().attributes.empty());

  const Block& res = only_block(p.body(), "resource");
  CHECK(res.labels == std::vector<std::string>{"aws_kms_key", "k"});
  REQUIRE(res.label_ranges.size() == 2);
  CHECK(txt(res.label_ranges[0]) == "\"aws_kms_key\"");
  CHECK(txt(res.label_ranges[1]) == "\"k\"");
  CHECK(txt(res.type_range) == "\"resource\"");
  CHECK(txt(res.range) == "\"k\": {\"description\": \"key\"}");
  CHECK(txt(res.body.range) == "\"description\": \"key\"");
  const Attribute* d = res.body.attribute("description");
  REQUIRE(d);
  CHECK(txt(d->name_range) == "\"description\"");
  CHECK(txt(d->range) == "\"description\": \"key\"");
  CHECK(sexpr(*d->expr) == "\"key\"");
  CHECK(txt(d->expr->range) == "\"key\"");
  CHECK(txt(d->expr->parts[0].range) == "key");

  const Block& data = only_block(p.body(), "data");
  CHECK(data.labels == std::vector<std::string>{"aws_caller_identity", "current"});
  CHECK(data.body.attributes.empty());

  const Block& var = only_block(p.body(), "variable");
  CHECK(var.labels == std::vector<std::string>{"account"});
  const Block& locals = only_block(p.body(), "locals");
  CHECK(locals.labels.empty());
  CHECK(sexpr(attr_of(locals.body, "arn")) == "\"arn:aws:iam::${var.account}:root\"");
  const Block& mod = only_block(p.body(), "module");
  CHECK(sexpr(attr_of(mod.body, "region")) == "\"${var.region}\"");
  const Block& out = only_block(p.body(), "output");
  CHECK(sexpr(attr_of(out.body, "value")) == "\"${local.arn}\"");

  // terraform: all literal, its nested blocks as blocks.
  const Block& tf = only_block(p.body(), "terraform");
  CHECK(sexpr(attr_of(tf.body, "required_version")) == "\">= 1.5\"");
  const Block& rp = only_block(tf.body, "required_providers");
  CHECK(sexpr(attr_of(rp.body, "aws")) == "{ \"source\"=\"hashicorp/aws\" }");
  const Block& backend = only_block(tf.body, "backend");
  CHECK(backend.labels == std::vector<std::string>{"s3"});
  CHECK(sexpr(attr_of(backend.body, "bucket")) == "\"${not_a_template}\"");
  REQUIRE(attr_of(backend.body, "bucket").parts.size() == 1);
  CHECK(attr_of(backend.body, "bucket").parts[0].kind == TemplatePart::Kind::Literal);
}

TEST_CASE("hcl json syntax: repeated blocks as arrays, at the body and at each label level") {
  Parsed p = parse_json_text(R"J({
  "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us", "region": "us-east-1"}]},
  "resource": [
    {"aws_kms_key": {"a": {}}},
    {"aws_kms_key": [{"b": {}}, {"c": [{"description": "one"}, {"description": "two"}]}]}
  ],
  "locals": [{"x": 1}, {"y": 2}]
})J");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  std::vector<std::string> seen;
  for (const Block& b : p.body().blocks) {
    std::string s = b.type;
    for (const auto& l : b.labels) s += " " + l;
    seen.push_back(s);
  }
  CHECK(seen == std::vector<std::string>{"provider aws", "provider aws", "resource aws_kms_key a", "resource aws_kms_key b",
                                         "resource aws_kms_key c", "resource aws_kms_key c", "locals", "locals"});
  CHECK(sexpr(attr_of(p.body().blocks[1].body, "alias")) == "\"us\"");
  // A block from an array element starts at its object.
  CHECK(txt(p.body().blocks[4].range) == "{\"description\": \"one\"}");
  CHECK(txt(p.body().blocks[2].range) == "\"a\": {}");
  CHECK(sexpr(attr_of(p.body().blocks[7].body, "y")) == "2");
}

TEST_CASE("hcl json syntax: \"//\" properties are comments in block bodies, not in values") {
  Parsed p = parse_json_text(R"J({
  "//": "generated by a tool",
  "resource": {"aws_kms_key": {"k": {
    "//": "a comment",
    "tags": {"//": "a tag named //", "team": "x"},
    "lifecycle": {"//": "also a comment", "prevent_destroy": true}
  }}}
})J");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  CHECK(p.file.comments.empty());  // JSON syntax has no comments that could suppress findings
  REQUIRE(p.body().blocks.size() == 1);
  const Block& k = p.body().blocks[0];
  CHECK(k.body.attribute("//") == nullptr);
  CHECK(sexpr(attr_of(k.body, "tags")) == "{ \"//\"=\"a tag named //\" \"team\"=\"x\" }");
  const Block& lc = only_block(k.body, "lifecycle");
  REQUIRE(lc.body.attributes.size() == 1);
  CHECK(lc.body.attributes[0].name == "prevent_destroy");
}

TEST_CASE("hcl json syntax: strings are templates, their parts at their bytes in the file") {
  Parsed p = parse_json_text(
      R"J({"locals": {
  "arn": "arn:aws:iam::${var.account}:role/${ local.name }",
  "esc": "caf\u00e9 \"q\" \\n ${var.x} $${literal} %%{no}",
  "nested": "${jsonencode({AWS = \"arn:${var.p}\", n = 1})}",
  "cond": "%{ if var.on }on%{ else }off%{ endif }",
  "lone": "${var.list}",
  "empty": "",
  "obj": {"k-${var.k}": "v", "plain": [true, null, -1.5, 2]}
}})J");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Body& b = only_block(p.body(), "locals").body;

  const Expr& arn = attr_of(b, "arn");
  REQUIRE(arn.kind == ExprKind::Template);
  REQUIRE(arn.parts.size() == 4);
  CHECK(txt(arn.range) == R"("arn:aws:iam::${var.account}:role/${ local.name }")");
  CHECK(arn.parts[0].text == "arn:aws:iam::");
  CHECK(txt(arn.parts[0].range) == "arn:aws:iam::");
  CHECK(txt(arn.parts[1].range) == "${var.account}");
  CHECK(txt(arn.parts[1].expr->range) == "var.account");
  CHECK(sexpr(*arn.parts[1].expr) == "var.account");
  CHECK(txt(arn.parts[3].expr->range) == "local.name");

  // JSON escapes are decoded first; the template sees `\n` as two characters (no HCL escapes),
  // and `$${` / `%%{` as the literal `${` / `%{`.
  const Expr& esc = attr_of(b, "esc");
  REQUIRE(esc.parts.size() == 3);
  CHECK(esc.parts[0].text == "caf\xC3\xA9 \"q\" \\n ");
  CHECK(txt(esc.parts[0].range) == R"(caf\u00e9 \"q\" \\n )");
  CHECK(txt(esc.parts[1].range) == "${var.x}");
  CHECK(esc.parts[2].text == " ${literal} %{no}");
  CHECK(where(p, esc.parts[1].range) == "3:31");  // byte columns: escapes count as written

  // A quoted string inside an interpolation: its escaped quotes are part of its range.
  const Expr& nested = attr_of(b, "nested");
  REQUIRE(nested.parts.size() == 1);
  const Expr& call = *nested.parts[0].expr;
  REQUIRE(call.kind == ExprKind::Call);
  CHECK(sexpr(call) == "(call jsonencode { AWS=\"arn:${var.p}\" n=1 })");
  const Expr& aws = *call.items[0]->object_items[0].value;
  CHECK(txt(aws.range) == R"(\"arn:${var.p}\")");
  CHECK(txt(aws.parts[1].expr->range) == "var.p");
  CHECK(txt(call.items[0]->object_items[0].key->range) == "AWS");

  const Expr& cond = attr_of(b, "cond");
  REQUIRE(cond.parts.size() == 1);
  CHECK(cond.parts[0].kind == TemplatePart::Kind::If);
  CHECK(txt(cond.parts[0].range) == "%{ if var.on }on%{ else }off%{ endif }");

  const Expr& lone = attr_of(b, "lone");
  REQUIRE(lone.parts.size() == 1);
  CHECK(lone.parts[0].kind == TemplatePart::Kind::Interpolation);  // "${x}" evaluates to x itself

  const Expr& empty = attr_of(b, "empty");
  REQUIRE(empty.parts.size() == 1);
  CHECK(empty.parts[0].text.empty());
  CHECK(txt(empty.range) == "\"\"");

  // Objects in expressions: keys are templates too, values mapped by kind.
  const Expr& obj = attr_of(b, "obj");
  CHECK(sexpr(obj) == "{ \"k-${var.k}\"=\"v\" \"plain\"=[ true null (- 1.5) 2 ] }");
  CHECK(txt(obj.object_items[0].key->parts[1].expr->range) == "var.k");
  CHECK(txt(obj.object_items[1].value->items[2]->range) == "-1.5");
}

TEST_CASE("hcl json syntax: meta-arguments hold references, keywords, types or literal strings") {
  Parsed p = parse_json_text(R"J({
  "variable": {"ids": {"type": "list(string)", "default": ["${a}", "b"], "description": "${not}",
                        "validation": {"condition": "${length(var.ids) > 0}", "error_message": "none"}}},
  "resource": {"aws_instance": {"x": {
    "provider": "aws.west",
    "depends_on": ["aws_kms_key.k", "module.m"],
    "count": "${var.n}",
    "lifecycle": {"ignore_changes": ["tags", "description"], "create_before_destroy": true},
    "connection": {"type": "ssh", "host": "${self.ip}"},
    "provisioner": [{"local-exec": {"command": "echo ${self.id}", "when": "destroy"}}]
  }, "y": {"lifecycle": {"ignore_changes": "all"}}}},
  "module": {"m": {"source": "./m", "version": "${v}", "providers": {"aws": "aws.west"},
                   "depends_on": ["aws_instance.x"]}},
  "provider": {"aws": {"alias": "west", "region": "${var.region}"}},
  "output": {"o": {"value": "${module.m.x}", "description": "${d}"}}
})J");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Block& var = only_block(p.body(), "variable");
  CHECK(sexpr(attr_of(var.body, "type")) == "(call list string)");
  CHECK(txt(attr_of(var.body, "type").range) == "list(string)");
  CHECK(sexpr(attr_of(var.body, "default")) == "[ \"${a}\" \"b\" ]");  // literal: not templates
  CHECK(attr_of(var.body, "default").items[0]->parts[0].kind == TemplatePart::Kind::Literal);
  CHECK(attr_of(var.body, "description").parts[0].text == "${not}");
  CHECK(sexpr(attr_of(only_block(var.body, "validation").body, "condition")) == "\"${(> (call length var.ids) 0)}\"");

  const Block& x = p.body().blocks[1];
  REQUIRE(x.labels == std::vector<std::string>{"aws_instance", "x"});
  const Expr& provider = attr_of(x.body, "provider");
  CHECK(provider.kind == ExprKind::Traversal);
  CHECK(sexpr(provider) == "aws.west");
  CHECK(txt(provider.range) == "aws.west");
  const Expr& deps = attr_of(x.body, "depends_on");
  CHECK(sexpr(deps) == "[ aws_kms_key.k module.m ]");
  CHECK(txt(deps.items[1]->range) == "module.m");
  CHECK(sexpr(attr_of(x.body, "count")) == "\"${var.n}\"");
  const Block& lc = only_block(x.body, "lifecycle");
  CHECK(sexpr(attr_of(lc.body, "ignore_changes")) == "[ tags description ]");
  const Block& conn = only_block(x.body, "connection");
  CHECK(sexpr(attr_of(conn.body, "type")) == "\"ssh\"");
  CHECK(sexpr(attr_of(conn.body, "host")) == "\"${self.ip}\"");
  const Block& prov = only_block(x.body, "provisioner");
  CHECK(prov.labels == std::vector<std::string>{"local-exec"});
  CHECK(sexpr(attr_of(prov.body, "when")) == "destroy");
  CHECK(sexpr(attr_of(prov.body, "command")) == "\"echo ${self.id}\"");

  const Block& y = p.body().blocks[2];
  const Expr& all = attr_of(only_block(y.body, "lifecycle").body, "ignore_changes");
  CHECK(all.kind == ExprKind::Variable);
  CHECK(all.text == "all");

  const Block& mod = only_block(p.body(), "module");
  CHECK(attr_of(mod.body, "source").parts[0].text == "./m");
  CHECK(attr_of(mod.body, "version").parts[0].text == "${v}");
  CHECK(sexpr(attr_of(mod.body, "providers")) == "{ \"aws\"=\"aws.west\" }");
  CHECK(sexpr(attr_of(mod.body, "depends_on")) == "[ aws_instance.x ]");
  const Block& prv = only_block(p.body(), "provider");
  CHECK(attr_of(prv.body, "alias").parts[0].text == "west");
  CHECK(sexpr(attr_of(prv.body, "region")) == "\"${var.region}\"");
  const Block& out = only_block(p.body(), "output");
  CHECK(attr_of(out.body, "description").parts[0].text == "${d}");
}

TEST_CASE("hcl json syntax: known nested block types are blocks, every other property an attribute") {
  Parsed p = parse_json_text(R"J({
  "data": {"aws_iam_policy_document": {"doc": {
    "statement": [
      {"sid": "A", "actions": ["kms:*"], "principals": {"type": "AWS", "identifiers": ["*"]},
       "condition": [{"test": "StringEquals", "variable": "kms:CallerAccount", "values": ["1"]},
                     {"test": "StringEquals", "variable": "kms:ViaService", "values": ["s"]}]},
      {"sid": "B", "not_principals": {"type": "AWS", "identifiers": ["x"]}}
    ],
    "dynamic": {"statement": {"for_each": "${var.ids}", "iterator": "id",
                              "content": {"sid": "${id.value}", "principals": {"type": "AWS", "identifiers": []}}}}
  }}},
  "resource": {
    "aws_iam_role": {"r": {"name": "r", "inline_policy": [{"name": "a", "policy": "{}"}], "timeouts": {"create": "5m"}}},
    "aws_secretsmanager_secret": {"s": {"replica": {"region": "us-east-1"}, "condition": {"x": 1}}},
    "aws_kms_grant": {"g": {"constraints": {"encryption_context_equals": {"k": "v"}}}},
    "aws_s3_bucket": {"b": {"versioning": {"enabled": true}, "statement": {"x": 1}}}
  }
})J");
  REQUIRE_MESSAGE(p.file.ok(), p.errors());
  const Block& doc = p.body().blocks[0];
  REQUIRE(doc.body.blocks.size() == 3);
  const Block& a = doc.body.blocks[0];
  CHECK(a.type == "statement");
  CHECK(only_block(a.body, "principals").body.attribute("identifiers") != nullptr);
  size_t conditions = 0;
  for (const Block& c : a.body.blocks) conditions += c.type == "condition";
  CHECK(conditions == 2);
  CHECK(only_block(doc.body.blocks[1].body, "not_principals").body.attributes.size() == 2);
  const Block& dyn = doc.body.blocks[2];
  CHECK(dyn.type == "dynamic");
  CHECK(dyn.labels == std::vector<std::string>{"statement"});
  CHECK(sexpr(attr_of(dyn.body, "iterator")) == "id");
  const Block& content = only_block(dyn.body, "content");
  CHECK(only_block(content.body, "principals").type == "principals");

  const auto& res = p.body().blocks;
  const Block& role = res[1];
  CHECK(only_block(role.body, "inline_policy").body.attribute("policy") != nullptr);
  CHECK(only_block(role.body, "timeouts").body.attribute("create") != nullptr);
  const Block& secret = res[2];
  CHECK(only_block(secret.body, "replica").body.attribute("region") != nullptr);
  CHECK(secret.body.attribute("condition") != nullptr);  // a block only in a policy document
  const Block& grant = res[3];
  CHECK(only_block(grant.body, "constraints").body.attribute("encryption_context_equals") != nullptr);
  const Block& bucket = res[4];
  CHECK(bucket.body.blocks.empty());
  CHECK(attr_of(bucket.body, "versioning").kind == ExprKind::Object);
  CHECK(attr_of(bucket.body, "statement").kind == ExprKind::Object);
}

TEST_CASE("hcl json syntax: errors are TG404 at their byte; a top-level block with an error is left out") {
  // JSON syntax errors, from the located JSON reader.
  Parsed bad = parse_json_text("{\n  \"resource\": {\"aws_kms_key\": {\"k\": {},}}\n}\n");
  REQUIRE(bad.file.errors.size() == 1);
  CHECK(bad.file.errors[0].rule_id == "TG404");
  CHECK(bad.file.errors[0].path == "test.tf.json");
  CHECK(bad.errors() == "2:39: trailing comma before '}'\n");
  CHECK(bad.body().blocks.empty());

  CHECK(parse_json_text("[1]").errors() == "1:1: expected a JSON object at the root of a Terraform JSON file, found an array\n");
  CHECK(parse_json_text("").file.errors.size() == 1);

  // Structure: unknown top-level block types, blocks that are no objects, references that are
  // no strings; template syntax errors at their place in the file. Each leaves its block out.
  Parsed p = parse_json_text(R"J({
  "resources": {},
  "resource": {
    "aws_kms_key": {"a": "nope", "b": {"policy": "${jsonencode(}"}, "ok": {}},
    "aws_iam_role": [1],
    "aws_instance": {"c": {"provider": 1}, "d": {"lifecycle": {"ignore_changes": [1]}}}
  },
  "variable": {"v": {"type": "list("}}
})J");
  CHECK(p.errors() ==
        "2:3: unsupported block type \"resources\" at the top level of a Terraform JSON file (expected resource, data, "
        "variable, output, locals, module, provider, terraform, moved, import, removed or check)\n"
        "4:26: expected a JSON object for the body of \"resource\" blocks, found a string\n"
        "4:64: expected an expression, found '}'\n"
        "5:22: expected a JSON object in the array of \"resource\" blocks, found a number\n"
        "6:40: expected a JSON string holding a provider reference (\"aws.west\") for \"provider\", found a number\n");
  CHECK(p.file.errors.size() == 5);  // at most five per file, as in native syntax
  REQUIRE(p.body().blocks.size() == 1);
  CHECK(p.body().blocks[0].labels == std::vector<std::string>{"aws_kms_key", "ok"});
  for (const Diagnostic& d : p.file.errors) CHECK(d.rule_id == "TG404");

  Parsed q = parse_json_text(R"J({"variable": {"v": {"type": "list("}}, "locals": {"x": "a${var.}b", "y": "\t${1 +}"}})J");
  // The end of a string is its closing quote; an escape before the error shifts it (\t is 2 bytes).
  CHECK(q.errors() ==
        "1:35: expected an expression, found end of file\n"
        "1:64: expected an attribute name, a number or '*' after '.', found '}'\n"
        "1:82: expected an expression, found '}'\n");
  CHECK(q.body().blocks.empty());
}

TEST_CASE("hcl json syntax: parse_terraform_file picks the syntax by the file name") {
  CHECK(is_json_syntax_path("a/main.tf.json"));
  CHECK_FALSE(is_json_syntax_path("main.tf"));
  CHECK_FALSE(is_json_syntax_path("terraform.tfvars.json"));
  SourceFile json("x.tf.json", R"J({"locals": {"a": 1}})J");
  SourceFile native("x.tf", "locals {\n  a = 1\n}\n");
  const File j = parse_terraform_file(json), n = parse_terraform_file(native);
  REQUIRE(j.ok());
  REQUIRE(n.ok());
  CHECK(sexpr(*j.body.blocks[0].body.attribute("a")->expr) == sexpr(*n.body.blocks[0].body.attribute("a")->expr));
}

TEST_CASE("terraform: .tf and .tf.json files of one module refer to each other") {
  using namespace tf_test;
  Tree t({{"main.tf", R"(variable "account" { default = "222222222222" }
locals { name = "shared" }
output "from_json" { value = local.arn }
output "key" { value = aws_kms_key.k.description }
)"},
          {"extra.tf.json", R"J({
  "//": "generated",
  "locals": {"arn": "arn:aws:iam::${var.account}:role/${local.name}"},
  "resource": {"aws_kms_key": {"k": {"description": "key of ${local.name}"}}},
  "module": {"child": {"source": "./child", "prefix": "${local.name}"}},
  "output": {"child": {"value": "${module.child.out}"}, "list": {"value": "${[for s in [\"a\", \"b\"] : upper(s)]}"}}
})J"},
          {"child/main.tf.json", R"J({"variable": {"prefix": {"type": "string"}}, "output": {"out": {"value": "${var.prefix}-child"}}})J"}});
  t.load();
  INFO(t.messages());
  CHECK(t.show_out("from_json") == "\"arn:aws:iam::222222222222:role/shared\"");
  CHECK(t.show_out("key") == "\"key of shared\"");
  CHECK(t.show_out("child") == "\"shared-child\"");
  CHECK(t.show_out("list") == "[\"A\",\"B\"]");
  CHECK(t.instance("aws_kms_key.k") != nullptr);
  const Value from_json = t.out("from_json");
  CHECK(at(from_json.range).find("${var.account}") != std::string::npos);

  // A syntax error in the .tf.json file is a TG404 finding at its place; the .tf file is still read.
  t.write("broken.tf.json", "{\"locals\": {\"x\": \"${\"}}");
  t.load();
  CHECK(t.said("TG404 error 1: "));
  CHECK(t.show_out("from_json") == "\"arn:aws:iam::222222222222:role/shared\"");
}
