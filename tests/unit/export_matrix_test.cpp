// The access matrix at scale: the identity index, the indexed matrix against the exhaustive one
// on generated exports, and the CSV and Graphviz outputs.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "export_generator/generator.hpp"
#include "threegate/export.hpp"
#include "threegate/policy_parse.hpp"

namespace {

namespace fs = std::filesystem;
using namespace threegate;

struct Loaded {
  Analysis analysis;
  std::vector<ExportGap> gaps;
  ExportSummary summary;
  Scope* scope = nullptr;
};

std::unique_ptr<Loaded> load(const fs::path& dir) {
  auto l = std::make_unique<Loaded>();
  std::string error;
  load_export(dir.string(), l->analysis, l->gaps, l->summary, error);
  REQUIRE(error.empty());
  run_analysis(l->analysis);
  l->scope = &l->analysis.scopes.back();
  return l;
}

std::string cell_text(const MatrixCell& c) {
  std::ostringstream s;
  s << c.secret_arn << " key " << c.key << "\n";
  for (const auto* list : {&c.readers, &c.external, &c.undecided}) {
    s << " [";
    for (const auto& e : *list) {
      s << e.principal << "/" << e.label << "/" << decision_name(e.decision) << "/";
      for (const auto& d : e.depends_on) s << d << ";";
      s << " ";
    }
    s << "]";
  }
  for (const auto& b : c.broken) s << " broken " << b.principal << " " << b.gate << " " << b.reason;
  return s.str();
}

fs::path scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("threegate-unit-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}

}  // namespace

TEST_CASE("identity index: the principals whose identity policies could allow the action on the ARN") {
  SourceSet sources;
  Diagnostics diags;
  Inventory inv;
  auto principal = [&](const std::string& arn, const std::string& account, const std::string& policy) {
    PrincipalRecord p;
    p.arn = arn;
    p.account = account;
    p.policies.push_back(*parse_policy_text(sources, policy, PolicyKind::Identity, diags, arn));
    inv.principals.push_back(std::move(p));
  };
  const std::string a = "111111111111", b = "222222222222";
  principal("arn:aws:iam::111111111111:role/app", a,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:111111111111:secret:app/*"}]})");
  principal("arn:aws:iam::111111111111:role/admin", a, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
  principal("arn:aws:iam::111111111111:role/s3", a, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})");
  principal("arn:aws:iam::111111111111:role/power", a,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]})");
  principal("arn:aws:iam::111111111111:role/denied", a,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"secretsmanager:*","Resource":"*"}]})");
  principal("arn:aws:iam::222222222222:role/consumer", b,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:Get*","Resource":"arn:aws:secretsmanager:*:*:secret:app/*"}]})");
  principal("arn:aws:iam::222222222222:role/own", b,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:222222222222:secret:${aws:PrincipalTag/team}/*"}]})");
  REQUIRE(diags.empty());
  IdentityIndex index(inv, "secretsmanager:getsecretvalue");
  auto names = [&](std::string_view arn, std::string_view account) {
    std::vector<const PrincipalRecord*> out;
    index.candidates(arn, account, out);
    std::vector<std::string> n;
    for (const auto* p : out) n.push_back(p->arn.substr(p->arn.rfind('/') + 1));
    std::sort(n.begin(), n.end());
    return n;
  };
  const std::string app = "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/db-AbCdEf";
  CHECK(names(app, a) == std::vector<std::string>{"admin", "app", "power"});
  CHECK(names(app, b) == std::vector<std::string>{"consumer"});
  CHECK(names(app, "") == std::vector<std::string>{"admin", "app", "consumer", "power"});
  CHECK(names("arn:aws:secretsmanager:us-east-1:111111111111:secret:other-AbCdEf", a) == std::vector<std::string>{"admin", "power"});
  // A policy variable is matched only once substituted: the index keeps the principal.
  CHECK(names("arn:aws:secretsmanager:us-east-1:222222222222:secret:x/y-AbCdEf", b) == std::vector<std::string>{"own"});
  CHECK(names("arn:aws:secretsmanager:eu-west-1:222222222222:secret:x/y-AbCdEf", b).empty());
}

TEST_CASE("access matrix: the indexed matrix equals the exhaustive one on generated exports") {
  for (uint64_t seed : {1, 2, 3, 4}) {
    CAPTURE(seed);
    fs::path dir = scratch("matrix-" + std::to_string(seed));
    testgen::ExportShape shape;
    shape.accounts = 3 + seed % 3;
    shape.roles_per_account = 14;
    shape.secrets_per_account = 18;
    shape.keys_per_account = 5;
    shape.seed = seed;
    testgen::generate_export(shape, dir);
    auto indexed = load(dir);
    auto exhaustive = load(dir);
    CHECK(indexed->gaps.empty());
    AccessMatrix m1 = build_access_matrix(*indexed->scope);
    MatrixOptions all;
    all.exhaustive = true;
    AccessMatrix m2 = build_access_matrix(*exhaustive->scope, all);
    REQUIRE(m1.cells.size() == m2.cells.size());
    size_t readers = 0, broken = 0;
    for (size_t i = 0; i < m1.cells.size(); ++i) {
      CHECK(cell_text(m1.cells[i]) == cell_text(m2.cells[i]));
      readers += m1.cells[i].readers.size();
      broken += m1.cells[i].broken.size();
    }
    CHECK(readers > 0);  // the shapes exercise reads, broken shares …
    CHECK(broken > 0);
    CHECK(m1.pairs_decided < m2.pairs_decided);  // … and the index rules pairs out
    fs::remove_all(dir);
  }
}

TEST_CASE("csv: RFC 4180 quoting") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");
}

TEST_CASE("csv and dot: one row per verdict, a well-formed graph") {
  auto l = load(fs::path(THREEGATE_SOURCE_DIR) / "fixtures" / "exports" / "default-key-broken");
  AccessMatrix m = build_access_matrix(*l->scope);
  std::ostringstream csv;
  write_matrix_csv(csv, m);
  std::string text = csv.str();
  CHECK(text.rfind("secret,region,replica,key,principal,account,verdict,gate,reason\r\n", 0) == 0);
  CHECK(text.find(",arn:aws:iam::111111111111:role/app,111111111111,reader,,\r\n") != std::string::npos);
  CHECK(text.find(",arn:aws:iam::222222222222:role/consumer,222222222222,broken,key_policy,") != std::string::npos);

  std::ostringstream dot;
  write_matrix_dot(dot, m);
  std::string g = dot.str();
  CHECK(g.rfind("digraph threegate_access {", 0) == 0);
  CHECK(std::count(g.begin(), g.end(), '{') == std::count(g.begin(), g.end(), '}'));
  CHECK(std::count(g.begin(), g.end(), '"') % 2 == 0);
  CHECK(g.find("\"arn:aws:iam::222222222222:role/consumer\" -> \"arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/db-AbCdEf\" [color=red, style=dashed") !=
        std::string::npos);
  CHECK(g.find("\"arn:aws:iam::111111111111:role/app\" -> \"arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/db-AbCdEf\" [color=darkgreen]") !=
        std::string::npos);
  if (std::system("command -v dot >/dev/null 2>&1") == 0) {
    fs::path p = scratch("graph.dot");
    std::ofstream(p) << g;
    CHECK(std::system(("dot -Tsvg -o /dev/null " + p.string()).c_str()) == 0);
    fs::remove(p);
  } else {
    MESSAGE("Graphviz dot is not installed: the graph is checked for balance only");
  }
}
