// The evaluator's whole-run budget (fixtures/hostile/tf-budget-*): per-construct limits multiply
// across modules, locals and for expressions; the budget stops each of these early with one
// TG405 at the construct, and what was not evaluated is Unknown, never made up.
#include <doctest/doctest.h>

#include <string>

#include "terraform/internal.hpp"
#include "terraform_test_util.hpp"

namespace {

using namespace threegate;
using namespace threegate::tf;

struct Loaded {
  SourceSet sources;
  Diagnostics diags;
  std::unique_ptr<Configuration> cfg;
  explicit Loaded(const std::string& name) {
    cfg = Configuration::load(std::string(THREEGATE_SOURCE_DIR) + "/fixtures/hostile/" + name, Options{}, sources, diags);
    REQUIRE(cfg);
  }
  const Diagnostic* budget() const {
    for (const auto& d : diags)
      if (d.message.rfind("evaluation stopped:", 0) == 0) return &d;
    return nullptr;
  }
  const Instance* instance(const std::string& address) const {
    for (const auto& i : cfg->instances())
      if (i.address == address) return &i;
    return nullptr;
  }
};

}  // namespace

TEST_CASE("terraform budget: three levels of modules with count = 200 stop at the instance budget") {
  Loaded t("tf-budget-modules");
  const Diagnostic* d = t.budget();
  REQUIRE(d);
  CHECK(d->rule_id == "TG405");
  CHECK(d->severity == Severity::Error);
  CHECK(d->message.find("more than " + std::to_string(detail::kMaxInstances) + " resource, data and module instances") !=
        std::string::npos);
  REQUIRE(d->range.known());
  CHECK(tf_test::at(d->range).rfind("module \"", 0) == 0);
  // The root, the instances within the budget, and the one stand-in of the expansion that hit it.
  CHECK(t.cfg->modules().size() <= detail::kMaxInstances + 2);
  CHECK(t.cfg->instances().size() <= detail::kMaxInstances);
}

TEST_CASE("terraform budget: locals concatenating the previous one 8 times stop at the value budget") {
  Loaded t("tf-budget-locals");
  const Diagnostic* d = t.budget();
  REQUIRE(d);
  CHECK(d->rule_id == "TG405");
  CHECK(d->message.find("builds more than " + std::to_string(detail::kMaxEvaluationValues) + " values") != std::string::npos);
  REQUIRE(d->range.known());
  CHECK(d->range.file->line_col(d->range.begin).line >= 4);
  const Instance* p = t.instance("aws_iam_policy.p");
  REQUIRE(p);
  CHECK(t.cfg->attribute(*p, "policy").is_unknown());  // never a truncated list
}

TEST_CASE("terraform budget: three nested for expressions over 1000 elements stop at the value budget") {
  Loaded t("tf-budget-for");
  const Diagnostic* d = t.budget();
  REQUIRE(d);
  CHECK(d->rule_id == "TG405");
  REQUIRE(d->range.known());
  CHECK(d->range.file->line_col(d->range.begin).line == 3);
  const Instance* p = t.instance("aws_iam_policy.p");
  REQUIRE(p);
  CHECK(t.cfg->attribute(*p, "policy").is_unknown());
  // Said once, however many values were cut off.
  size_t said = 0;
  for (const auto& x : t.diags) said += x.message.rfind("evaluation stopped:", 0) == 0;
  CHECK(said == 1);
}

TEST_CASE("terraform budget: an ordinary configuration is far below it") {
  tf_test::Tree t({{"main.tf", R"(locals {
  roles = { for i in range(100) : "r${i}" => "arn:aws:iam::111111111111:role/r${i}" }
}
resource "aws_iam_role" "r" {
  for_each = local.roles
  name = each.key
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = each.value }, Action = "sts:AssumeRole" }] })
}
)"}});
  t.load();
  CHECK(t.addresses().size() == 100);
  CHECK_FALSE(t.said("evaluation stopped"));
}

// Found by fuzz_terraform (a timeout of the sanitizer build on a loaded machine): fragments of
// the fixtures spliced around the nested for expressions. Syntax errors and the budget both
// reported, in bounded time.
TEST_CASE("terraform budget: the fuzzer's spliced input stops at the value budget") {
  Loaded t("tf-budget-fuzz");
  const Diagnostic* d = t.budget();
  REQUIRE(d);
  CHECK(d->rule_id == "TG405");
  size_t syntax = 0;
  for (const auto& x : t.diags) syntax += x.rule_id == "TG404";
  CHECK(syntax >= 1);
}
