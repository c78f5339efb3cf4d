#include "terraform_test_util.hpp"

using namespace tf_test;

TEST_CASE("terraform: a variable without a value is an unknown named var.x") {
  Tree t({{"main.tf", R"(variable "consumer_account" { type = string }
output "x" { value = var.consumer_account }
output "arn" { value = "arn:aws:iam::${var.consumer_account}:root" }
)"}});
  t.load();
  Value x = t.out("x");
  REQUIRE(x.is_unknown());
  CHECK(x.text == "var.consumer_account");
  REQUIRE(!x.unknown.empty());
  CHECK(x.unknown[0] == "var.consumer_account (no default)");
  CHECK(t.out("arn").text == "arn:aws:iam::" + sym(SymbolKind::Unknown, "var.consumer_account") + ":root");
}

TEST_CASE("terraform: locals in any order, cycles said and unknown") {
  Tree t({{"a.tf", "locals {\n  c = \"${local.b}-c\"\n}\n"},
          {"b.tf", "locals {\n  b = upper(local.a)\n  a = \"a\"\n  x = local.y\n  y = local.x\n}\n"
                   "output \"c\" { value = local.c }\noutput \"x\" { value = local.x }\n"
                   "output \"nope\" { value = var.nope }\n"}});
  t.load();
  CHECK(t.show_out("c") == "\"A-c\"");
  CHECK(t.out("x").is_unknown());
  CHECK(t.said("refers to itself"));
  CHECK(t.out("nope").is_unknown());
  CHECK(t.said("reference to an undeclared input variable \"nope\""));
  for (const auto& d : t.diags) {
    CHECK(d.rule_id == "TG405");
    CHECK(d.range.known());
  }
}

TEST_CASE("terraform: variable values, later sources win") {
  Tree t({{"main.tf", R"(variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "list" { type = list(string) }
output "all" { value = [var.a, var.b, var.c, var.d, var.e] }
output "list" { value = var.list }
)"},
          {"terraform.tfvars", "b = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\ne = \"tfvars\"\n"},
          {"x.auto.tfvars", "c = \"auto-x\"\nd = \"auto-x\"\n"},
          {"y.auto.tfvars", "d = \"auto-y\"\n"},
          {"extra.tfvars", "e = \"file\"\n"}});
  Options o;
  o.var_files.push_back(t.dir() + "/extra.tfvars");
  o.vars.emplace_back("list", "[\"p\", \"q\"]");
  t.load(o);
  CHECK(t.show_out("all") == "[\"default\",\"tfvars\",\"auto-x\",\"auto-y\",\"file\"]");
  CHECK(t.show_out("list") == "[\"p\",\"q\"]");
  o.vars.emplace_back("e", "cli");
  t.load(o);
  CHECK(t.show_out("all") == "[\"default\",\"tfvars\",\"auto-x\",\"auto-y\",\"cli\"]");
}

TEST_CASE("terraform: count and for_each instances, addresses and references") {
  Tree t({{"main.tf", R"(variable "roles" { default = ["app", "batch"] }
resource "aws_kms_key" "k" {
  count       = 2
  description = "key ${count.index}"
}
resource "aws_iam_role" "r" {
  for_each = toset(var.roles)
  name     = "role-${each.key}"
}
resource "aws_iam_role" "m" {
  for_each = { first = "one", second = "two" }
  name     = each.value
}
output "first_arn" { value = aws_kms_key.k[0].arn }
output "descs" { value = aws_kms_key.k[*].description }
output "arns" { value = aws_kms_key.k[*].arn }
output "role" { value = aws_iam_role.r["batch"].name }
output "names" { value = [for r in aws_iam_role.m : r.name] }
output "keys" { value = keys(aws_iam_role.m) }
)"}});
  t.load();
  auto a = t.addresses();
  CHECK(a == std::vector<std::string>{"aws_kms_key.k[0]", "aws_kms_key.k[1]", "aws_iam_role.r[\"app\"]",
                                      "aws_iam_role.r[\"batch\"]", "aws_iam_role.m[\"first\"]", "aws_iam_role.m[\"second\"]"});
  CHECK(t.out("first_arn").text == "arn:" + sym(SymbolKind::Unknown, "partition") + ":kms:" +
                                       sym(SymbolKind::Unknown, "provider.aws.region") + ":" + sym(SymbolKind::Account, "data.aws_caller_identity.account_id") +
                                       ":key/" + sym(SymbolKind::Fresh, "aws_kms_key.k[0].key_id"));
  CHECK(t.show_out("descs") == "[\"key 0\",\"key 1\"]");
  Value arns = t.out("arns");
  REQUIRE(arns.items.size() == 2);
  CHECK(arns.items[1].text.find(sym(SymbolKind::Fresh, "aws_kms_key.k[1].key_id")) != std::string::npos);
  CHECK(t.show_out("role") == "\"role-batch\"");
  CHECK(t.show_out("names") == "[\"one\",\"two\"]");
  CHECK(t.show_out("keys") == "[\"first\",\"second\"]");
  const Instance* r = t.instance("aws_iam_role.r[\"app\"]");
  REQUIRE(r);
  CHECK(show(r->each_key) == "\"app\"");
  CHECK(show(t.cfg->attribute(*r, "name")) == "\"role-app\"");
  CHECK(t.messages() == "");
}

TEST_CASE("terraform: unknown count or for_each keeps one instance and says so") {
  Tree t({{"main.tf", R"(variable "names" { type = set(string) }
resource "aws_iam_role" "r" {
  for_each = var.names
  name     = each.key
}
output "name" { value = aws_iam_role.r["x"].name }
)"}});
  t.load();
  REQUIRE(t.cfg->instances().size() == 1);
  const Instance& i = t.cfg->instances()[0];
  CHECK(i.address == "aws_iam_role.r[each.key]");
  CHECK(i.unknown_expansion);
  CHECK(i.each_key.is_unknown());
  CHECK(t.said("for_each of aws_iam_role.r is not known before apply"));
  CHECK(t.out("name").is_unknown());
}

TEST_CASE("terraform: dynamic blocks are expanded with their iterator") {
  Tree t({{"main.tf", R"(locals {
  rules = { a = "kms:Decrypt", b = "kms:Encrypt" }
}
data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = local.rules
    iterator = rule
    content {
      sid     = upper(rule.key)
      actions = [rule.value]
      dynamic "condition" {
        for_each = [rule.key]
        content {
          test     = "StringEquals"
          variable = "aws:PrincipalTag/team"
          values   = [condition.value, statement_marker]
        }
      }
    }
  }
  statement {
    sid = "Static"
  }
}
)"}});
  t.load();
  const Instance* p = t.instance("data.aws_iam_policy_document.p");
  REQUIRE(p);
  auto stmts = t.cfg->blocks(*p, "statement");
  REQUIRE(stmts.size() == 3);
  CHECK(show(t.cfg->attribute(stmts[0], "sid")) == "\"A\"");
  CHECK(show(t.cfg->attribute(stmts[1], "actions")) == "[\"kms:Encrypt\"]");
  CHECK(show(t.cfg->attribute(stmts[2], "sid")) == "\"Static\"");
  auto conds = t.cfg->blocks(stmts[1], "condition");
  REQUIRE(conds.size() == 1);
  CHECK(show(t.cfg->attribute(conds[0], "test")) == "\"StringEquals\"");
  // An undeclared name inside a block is said, with its place.
  CHECK(t.said("unknown name \"statement_marker\""));
}

TEST_CASE("terraform: local child modules with inputs, outputs, count and for_each") {
  Tree t({{"root/main.tf", R"(module "kms" {
  source = "./modules/kms"
  alias  = "app"
}
module "many" {
  source   = "../shared"
  for_each = toset(["x", "y"])
  suffix   = each.key
}
module "counted" {
  source = "./modules/kms"
  count  = 1
  alias  = "c"
}
resource "aws_secretsmanager_secret" "s" {
  name       = "db"
  kms_key_id = module.kms.key_arn
}
output "key_arn" { value = module.kms.key_arn }
output "alias" { value = module.kms.alias_name }
output "many" { value = module.many["y"].name }
output "counted" { value = module.counted[0].alias_name }
output "secret_key" { value = aws_secretsmanager_secret.s.kms_key_id }
)"},
          {"root/modules/kms/main.tf", R"(variable "alias" {}
data "aws_caller_identity" "current" {}
resource "aws_kms_key" "k" {}
resource "aws_kms_alias" "a" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.k.key_id
}
output "key_arn" { value = aws_kms_key.k.arn }
output "alias_name" { value = aws_kms_alias.a.name }
)"},
          {"shared/main.tf", "variable \"suffix\" {}\noutput \"name\" { value = \"name-${var.suffix}\" }\n"}});
  t.load({}, "root");
  CHECK(t.show_out("alias") == "\"alias/app\"");
  CHECK(t.show_out("many") == "\"name-y\"");
  CHECK(t.show_out("counted") == "\"alias/c\"");
  const std::string key_arn = "arn:" + sym(SymbolKind::Unknown, "partition") + ":kms:" +
                              sym(SymbolKind::Unknown, "provider.aws.region") + ":" +
                              sym(SymbolKind::Account, "data.aws_caller_identity.account_id") + ":key/" +
                              sym(SymbolKind::Fresh, "module.kms.aws_kms_key.k.key_id");
  CHECK(t.out("key_arn").text == key_arn);
  CHECK(t.out("secret_key").text == key_arn);
  const Instance* k = t.instance("module.kms.aws_kms_key.k");
  REQUIRE(k);
  CHECK(t.cfg->reference(*k, "arn").text == key_arn);
  // Every module deploys into the same account: one symbol, so grants between them match.
  CHECK(t.cfg->account(*k->module) == t.cfg->account(t.cfg->modules().front()));
  CHECK(t.instance("module.counted[0].aws_kms_alias.a"));
  CHECK(t.cfg->modules().size() == 5);
  CHECK(t.messages() == "");
}

TEST_CASE("terraform: registry and git modules are said once each, their outputs unknown") {
  Tree t({{"main.tf", R"(module "kms" {
  source  = "terraform-aws-modules/kms/aws"
  version = "~> 2.0"
}
module "git" {
  source = "git::https://example.com/mods.git//kms?ref=v1"
}
output "arn" { value = module.kms.key_arn }
output "policy" { value = "x-${module.git.id}" }
)"}});
  t.load();
  Value arn = t.out("arn");
  REQUIRE(arn.is_unknown());
  CHECK(arn.text == "module.kms.key_arn");
  CHECK(t.out("policy").text == "x-" + sym(SymbolKind::Unknown, "module.git.id"));
  CHECK(t.messages() ==
        "TG405 info 1: module \"kms\" comes from the registry (terraform-aws-modules/kms/aws): it cannot be read offline; "
        "its outputs are unknown\n"
        "TG405 info 5: module \"git\" comes from git (git::https://example.com/mods.git//kms?ref=v1): it cannot be read "
        "offline; its outputs are unknown\n");
}

TEST_CASE("terraform: module cycles are refused") {
  Tree t({{"main.tf", "module \"a\" {\n  source = \"./a\"\n}\n"},
          {"a/main.tf", "module \"again\" {\n  source = \"../\"\n}\n"}});
  t.load();
  CHECK(t.said("a module cycle"));
  CHECK(t.cfg->modules().size() == 2);
}

TEST_CASE("terraform: provider aliases and regions, inherited by child modules") {
  Tree t({{"main.tf", R"(variable "replica_region" {}
provider "aws" { region = "eu-west-1" }
provider "aws" {
  alias  = "replica"
  region = var.replica_region
}
resource "aws_kms_key" "primary" { multi_region = true }
resource "aws_kms_replica_key" "replica" {
  provider        = aws.replica
  primary_key_arn = aws_kms_key.primary.arn
}
data "aws_region" "here" {}
module "child" { source = "./child" }
module "mapped" {
  source    = "./child"
  providers = { aws = aws.replica }
}
output "region" { value = data.aws_region.here.name }
output "replica_arn" { value = aws_kms_replica_key.replica.arn }
)"},
          {"child/main.tf", "resource \"aws_iam_role\" \"r\" { name = \"x\" }\n"}});
  t.load();
  const Instance* p = t.instance("aws_kms_key.primary");
  const Instance* r = t.instance("aws_kms_replica_key.replica");
  REQUIRE(p);
  REQUIRE(r);
  CHECK(p->provider == "aws");
  CHECK(show(p->provider_region) == "\"eu-west-1\"");
  CHECK(r->provider == "aws.replica");
  CHECK(r->provider_region.text == sym(SymbolKind::Unknown, "var.replica_region"));
  CHECK(t.show_out("region") == "\"eu-west-1\"");
  // The replica has the primary's key id, in its own region.
  const std::string key_id = sym(SymbolKind::Fresh, "aws_kms_key.primary.key_id");
  CHECK(t.cfg->reference(*p, "arn").text ==
        "arn:aws:kms:eu-west-1:" + sym(SymbolKind::Account, "data.aws_caller_identity.account_id") + ":key/" + key_id);
  CHECK(t.out("replica_arn").text == "arn:" + sym(SymbolKind::Unknown, "partition") + ":kms:" +
                                         sym(SymbolKind::Unknown, "var.replica_region") + ":" +
                                         sym(SymbolKind::Account, "data.aws_caller_identity.account_id") + ":key/" + key_id);
  CHECK(show(t.instance("module.child.aws_iam_role.r")->provider_region) == "\"eu-west-1\"");
  CHECK(t.instance("module.mapped.aws_iam_role.r")->provider_region.text == sym(SymbolKind::Unknown, "var.replica_region"));
}

TEST_CASE("terraform: a provider without a region has a symbolic one") {
  Tree t({{"main.tf", "resource \"aws_iam_role\" \"r\" { name = \"x\" }\n"}});
  t.load();
  CHECK(t.cfg->instances()[0].provider_region.text == sym(SymbolKind::Unknown, "provider.aws.region"));
}

TEST_CASE("terraform: symbolic data sources") {
  Tree t({{"main.tf", R"(data "aws_caller_identity" "me" {}
data "aws_partition" "p" {}
data "aws_region" "r" {}
data "aws_vpc" "v" { default = true }
resource "aws_iam_role" "r" {
  name = "app"
  path = "/svc/"
}
output "account" { value = data.aws_caller_identity.me.account_id }
output "caller" { value = data.aws_caller_identity.me.arn }
output "partition" { value = data.aws_partition.p.partition }
output "region" { value = data.aws_region.r.name }
output "vpc" { value = data.aws_vpc.v.id }
output "vpc_default" { value = data.aws_vpc.v.default }
output "role" { value = aws_iam_role.r.arn }
output "unique" { value = aws_iam_role.r.unique_id }
output "other" { value = aws_iam_role.r.create_date }
)"}});
  t.load();
  CHECK(t.out("account").text == sym(SymbolKind::Account, "data.aws_caller_identity.account_id"));
  CHECK(t.out("caller").is_unknown());
  CHECK(t.out("caller").text == "data.aws_caller_identity.me.arn");
  CHECK(t.out("partition").text == sym(SymbolKind::Unknown, "data.aws_partition.p.partition"));
  CHECK(t.out("region").text == sym(SymbolKind::Unknown, "provider.aws.region"));
  CHECK(t.out("vpc").text == "data.aws_vpc.v.id");
  CHECK(t.show_out("vpc_default") == "true");
  // The module's ARNs are built from its own data sources.
  CHECK(t.out("role").text == "arn:" + sym(SymbolKind::Unknown, "data.aws_partition.p.partition") + ":iam::" +
                                  sym(SymbolKind::Account, "data.aws_caller_identity.account_id") + ":role/svc/app");
  CHECK(t.out("unique").text == sym(SymbolKind::Fresh, "aws_iam_role.r.unique_id"));
  CHECK(t.out("other").is_unknown());
  CHECK(t.out("other").text == "aws_iam_role.r.create_date");
}

TEST_CASE("terraform: computed attributes are tied to their resource") {
  Tree t({{"main.tf", R"(provider "aws" { region = "us-east-1" }
resource "aws_kms_key" "k" {}
resource "aws_kms_key" "other" {}
resource "aws_secretsmanager_secret" "s" {
  name       = "prod/db"
  kms_key_id = aws_kms_key.k.arn
}
resource "aws_secretsmanager_secret" "prefixed" { name_prefix = "tmp-" }
resource "aws_kms_alias" "a" {
  name          = "alias/app"
  target_key_id = aws_kms_key.k.key_id
}
resource "aws_iam_policy" "p" {
  name   = "read"
  policy = "{}"
}
output "same" { value = aws_secretsmanager_secret.s.kms_key_id == aws_kms_key.k.arn }
output "differs" { value = aws_kms_key.other.arn == aws_kms_key.k.arn }
output "key_id" { value = aws_kms_key.k.id }
)"}});
  t.load();
  const std::string acct = sym(SymbolKind::Account, "data.aws_caller_identity.account_id");
  const std::string key_id = sym(SymbolKind::Fresh, "aws_kms_key.k.key_id");
  const Instance* s = t.instance("aws_secretsmanager_secret.s");
  REQUIRE(s);
  CHECK(t.cfg->attribute(*s, "kms_key_id").text == "arn:aws:kms:us-east-1:" + acct + ":key/" + key_id);
  CHECK(t.cfg->reference(*s, "arn").text ==
        "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:prod/db-" + sym(SymbolKind::Fresh, "aws_secretsmanager_secret.s.arn_suffix"));
  CHECK(t.cfg->reference(*s, "id").text == t.cfg->reference(*s, "arn").text);
  CHECK(t.cfg->attribute(*s, "arn").is_null());  // not configured
  const Instance* pre = t.instance("aws_secretsmanager_secret.prefixed");
  CHECK(t.cfg->reference(*pre, "name").text == "tmp-" + sym(SymbolKind::Fresh, "aws_secretsmanager_secret.prefixed.name_suffix"));
  CHECK(t.show_out("same") == "true");
  CHECK(t.show_out("differs") == "false");
  CHECK(t.out("key_id").text == key_id);
  const Instance* a = t.instance("aws_kms_alias.a");
  CHECK(t.cfg->reference(*a, "arn").text == "arn:aws:kms:us-east-1:" + acct + ":alias/app");
  CHECK(t.cfg->reference(*a, "target_key_arn").text == "arn:aws:kms:us-east-1:" + acct + ":key/" + key_id);
  CHECK(t.cfg->reference(*t.instance("aws_iam_policy.p"), "arn").text == "arn:aws:iam::" + acct + ":policy/read");
  CHECK(t.cfg->account(t.cfg->modules()[0]) == acct);
  CHECK(t.cfg->partition(*s) == "aws");
}

TEST_CASE("terraform: syntax errors are passed on and the rest is read") {
  Tree t({{"a.tf", "resource \"aws_iam_role\" \"r\" {\n  name = \n}\n"},
          {"b.tf", "output \"x\" { value = \"ok\" }\n"}});
  t.load();
  bool syntax = false;
  for (const auto& d : t.diags) syntax = syntax || d.rule_id == "TG404";
  CHECK(syntax);
  CHECK(t.show_out("x") == "\"ok\"");
}

TEST_CASE("terraform: long reference chains are evaluated once each, too deep ones are bounded") {
  std::string text = "locals {\n  l0 = 0\n";
  for (int i = 1; i < 1000; ++i) text += "  l" + std::to_string(i) + " = local.l" + std::to_string(i - 1) + " + 1\n";
  text += "}\noutput \"x\" { value = local.l999 }\n";
  // Evaluated in name order: l0, l1, l10, l100, … each chain is short once memoized.
  Tree t({{"main.tf", text}});
  t.load();
  CHECK(t.show_out("x") == "999");
  CHECK(t.messages() == "");

  // The first local evaluated needs a chain of 1000: bounded, said, unknown, no crash.
  std::string deep = "locals {\n";
  for (int i = 0; i < 999; ++i) deep += "  l" + std::to_string(i) + " = local.l" + std::to_string(i + 1) + " + 1\n";
  deep += "  l999 = 0\n}\noutput \"x\" { value = local.l0 }\n";
  Tree d({{"main.tf", deep}});
  d.load();
  CHECK(d.said("nested too deeply"));
  CHECK(d.out("x").is_unknown());
}

TEST_CASE("terraform: resources used as a whole, lifecycle blocks not evaluated") {
  Tree t({{"main.tf", R"(resource "aws_kms_key" "k" {
  count       = 2
  description = "k${count.index}"
  lifecycle {
    ignore_changes = [tags]
  }
}
output "by_desc" { value = { for k in aws_kms_key.k : k.description => k.key_id } }
output "computed" { value = aws_kms_key.k[1].rotation_period_in_days }
)"}});
  t.load();
  Value v = t.out("by_desc");
  REQUIRE(v.kind == Value::Kind::Object);
  CHECK(v.find("k1")->text == sym(SymbolKind::Fresh, "aws_kms_key.k[1].key_id"));
  CHECK(t.out("computed").text == "aws_kms_key.k[1].rotation_period_in_days");
  CHECK(t.messages() == "");
}
