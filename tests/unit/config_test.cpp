// .threegate.yaml: reading, validation with positions, globs, the dump, and finding the file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "threegate/config.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {

struct Parsed {
  SourceSet sources;
  Config config;
};

void parse(Parsed& p, std::string text) {
  const SourceFile* file = p.sources.add(".threegate.yaml", std::move(text));
  p.config = parse_config(*file);
}

// "line:col message" of each problem.
std::vector<std::string> problems(const Config& c) {
  std::vector<std::string> out;
  for (const auto& d : c.diagnostics) {
    CHECK(d.rule_id == "TG407");
    const LineCol lc = d.range.file->line_col(d.range.begin);
    out.push_back(std::to_string(lc.line) + ":" + std::to_string(lc.column) + " " + d.message);
  }
  return out;
}

bool mentions(const std::vector<std::string>& items, const std::string& prefix, const std::string& text) {
  for (const auto& i : items)
    if (i.starts_with(prefix) && i.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("config: a valid file is read whole") {
  Parsed p;
  parse(p, R"(organization: o-a1b2c3d4e5
accounts:
  - id: "111111111111"
    name: prod
  - {id: 222222222222, name: analytics, trust: partner}
select: [gate, TG2, TG301, key-policy-lockout-risk]
ignore: TG428
severity:
  TG201: error
  public-principal: info
exclude: [legacy/**, "*.tfvars.json"]
fail-on: error
intents:
  - principal: arn:aws:iam::222222222222:role/app
    secret: arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf
suppress:
  - rule: TG201
    path: policies/partner/*.json
    sid: AllowPartner
    reason: contract SEC-1
    expires: 2999-12-31
)");
  const Config& c = p.config;
  CHECK(problems(c).empty());
  CHECK(c.organization_id == "o-a1b2c3d4e5");
  REQUIRE(c.accounts.size() == 2);
  CHECK(c.accounts[0].trust == AccountTrust::Organization);
  CHECK(c.accounts[1].id == "222222222222");
  CHECK(c.accounts[1].trust == AccountTrust::Partner);
  CHECK(c.find_account("222222222222")->name == "analytics");
  CHECK(c.select.size() == 4);
  CHECK(c.ignore == std::vector<std::string>{"TG428"});
  CHECK(c.severity.at("TG201") == Severity::Error);
  CHECK(c.severity.at("TG202") == Severity::Info);  // by name
  CHECK(c.exclude.size() == 2);
  CHECK(c.fail_on == "error");
  REQUIRE(c.intents.size() == 1);
  CHECK(c.intents[0].range.known());
  REQUIRE(c.suppressions.size() == 1);
  CHECK(c.suppressions[0].sid == "AllowPartner");
  CHECK(c.suppressions[0].expires == "2999-12-31");
}

TEST_CASE("config: unknown keys and bad values are TG407 at their line and column, the rest applies") {
  Parsed p;
  parse(p, R"(accounts:
  - id: 11111111111
  - id: "222222222222"
    trust: partners
  - id: "333333333333"
    owner: me
fail_on: error
fail-on: sometimes
severity:
  TG999: error
  TG201: critical
select: [gates]
organization: org-1
suppress:
  - rule: TG201
    expires: 31/12/2030
    reason: r
  - rule: TG202
intents:
  - principal: arn:aws:iam::222222222222:role/app
)");
  const auto ps = problems(p.config);
  CHECK(mentions(ps, "2:9 ", "not 12 digits"));
  CHECK(mentions(ps, "4:12 ", "trust 'partners'"));
  CHECK(mentions(ps, "6:5 ", "unknown key 'owner'"));
  CHECK(mentions(ps, "7:1 ", "unknown key 'fail_on'"));
  CHECK(mentions(ps, "8:10 ", "fail-on 'sometimes'"));
  CHECK(mentions(ps, "10:3 ", "'TG999' is not a threegate rule"));
  CHECK(mentions(ps, "11:10 ", "severity 'critical'"));
  CHECK(mentions(ps, "12:10 ", "'gates' in select"));
  CHECK(mentions(ps, "13:15 ", "organization 'org-1'"));
  CHECK(mentions(ps, "16:14 ", "not a date"));
  CHECK(mentions(ps, "18:5 ", "gives no reason"));
  CHECK(mentions(ps, "20:5 ", "needs a principal and a secret"));
  // What is valid still applies: the third account, the suppression without a reason.
  REQUIRE(p.config.accounts.size() == 1);
  CHECK(p.config.accounts[0].id == "333333333333");
  CHECK(p.config.fail_on == "warning");
  REQUIRE(p.config.suppressions.size() == 1);
  CHECK(p.config.suppressions[0].rule == "TG202");
}

TEST_CASE("config: a YAML syntax error is one TG407 error, and the defaults apply") {
  Parsed p;
  parse(p, "fail-on: error\naccounts: [\n  {id: \"1\"\n");
  const auto ps = problems(p.config);
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].find("not valid YAML") != std::string::npos);
  CHECK(p.config.diagnostics[0].severity == Severity::Error);
  CHECK(p.config.fail_on == "warning");
  Parsed top;
  parse(top, "- a\n- b\n");
  CHECK(mentions(problems(top.config), "1:1 ", "must be a mapping"));
  Parsed empty;
  parse(empty, "");
  CHECK(problems(empty.config).empty());
}

TEST_CASE("config: the dump writes every default and reads back to the same configuration") {
  Config defaults;
  const std::string d = dump_config(defaults);
  for (const char* key : {"organization:", "accounts:", "select:", "ignore:", "severity:", "exclude:",
                          "fail-on: warning", "intents:", "suppress:"})
    CHECK_MESSAGE(d.find(key) != std::string::npos, key);
  Parsed p;
  parse(p, "organization: o-a1b2c3d4e5\naccounts: [{id: \"011111111111\", name: prod}]\nseverity: {TG201: info}\n"
           "exclude: [legacy]\nsuppress: [{rule: TG202, resource: \"arn:aws:kms:*\", reason: why, expires: 2999-01-01}]\n");
  REQUIRE(problems(p.config).empty());
  Parsed again;
  parse(again, dump_config(p.config));
  CHECK(problems(again.config).empty());
  CHECK(dump_config(again.config).substr(dump_config(again.config).find('\n')) ==
        dump_config(p.config).substr(dump_config(p.config).find('\n')));
  CHECK(again.config.accounts.at(0).id == "011111111111");  // quoted: the leading zero stays
}

TEST_CASE("config: path globs") {
  CHECK(path_glob_match("*.json", "policies/key.json"));
  CHECK(path_glob_match("legacy", "legacy/a/key.json"));
  CHECK(path_glob_match("legacy/", "legacy/key.json"));
  CHECK(path_glob_match("legacy/**", "legacy/a/b.json"));
  CHECK(path_glob_match("policies/*.json", "policies/key.json"));
  CHECK_FALSE(path_glob_match("policies/*.json", "policies/partner/key.json"));
  CHECK(path_glob_match("policies/**/*.json", "policies/key.json"));
  CHECK(path_glob_match("policies/**/*.json", "policies/a/b/key.json"));
  CHECK(path_glob_match("./policies/key.json", "policies/key.json"));
  CHECK(path_glob_match("p?licies", "policies/key.json"));
  CHECK_FALSE(path_glob_match("key.json", "policies/key.json.bak"));
  CHECK_FALSE(path_glob_match("other/**", "policies/key.json"));
  CHECK(text_glob_match("arn:aws:kms:*:111111111111:key/*", "arn:aws:kms:us-east-1:111111111111:key/k1"));
  CHECK_FALSE(text_glob_match("arn:aws:kms:*:111111111111:key/*", "arn:aws:kms:us-east-1:222222222222:key/k1"));
}

TEST_CASE("config: the file is found by walking up from a folder") {
  const fs::path root = fs::temp_directory_path() / "threegate-config-walk";
  fs::remove_all(root);
  fs::create_directories(root / "a" / "b");
  const std::string above = find_config_file(root / "a" / "b");  // a file above the temporary folder, if any
  CHECK_FALSE(above.starts_with(root.string()));
  std::ofstream(root / ".threegate.yaml") << "fail-on: error\n";
  CHECK(find_config_file(root / "a" / "b") == (root / ".threegate.yaml").string());
  std::ofstream(root / "a" / ".threegate.yaml") << "fail-on: info\n";
  CHECK(find_config_file(root / "a" / "b") == (root / "a" / ".threegate.yaml").string());
  fs::remove_all(root);
}

namespace {

// The reference: the plain backtracking matcher (exponential on some globs, fine on short ones).
bool naive_glob(std::string_view g, std::string_view s, bool path) {
  if (g.empty()) return s.empty();
  if (g.front() == '*') {
    if (path && g.size() >= 2 && g[1] == '*') {
      const std::string_view rest = g.substr(2);
      if (rest.starts_with("/") && naive_glob(rest.substr(1), s, path)) return true;
      for (size_t k = 0; k <= s.size(); ++k)
        if (naive_glob(rest, s.substr(k), path)) return true;
      return false;
    }
    for (size_t k = 0; k <= s.size(); ++k) {
      if (naive_glob(g.substr(1), s.substr(k), path)) return true;
      if (k < s.size() && path && s[k] == '/') break;
    }
    return false;
  }
  if (s.empty()) return false;
  if (g.front() == '?' ? path && s.front() == '/' : g.front() != s.front()) return false;
  return naive_glob(g.substr(1), s.substr(1), path);
}

}  // namespace

TEST_CASE("config: globs agree with the backtracking reference on random input") {
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&](uint64_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state % bound;
  };
  const char glob_chars[] = {'a', 'b', '/', '*', '?', '*'};
  const char text_chars[] = {'a', 'b', '/'};
  size_t matched = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string g, s;
    for (uint64_t k = next(9); k > 0; --k) g += glob_chars[next(sizeof glob_chars)];
    for (uint64_t k = next(11); k > 0; --k) s += text_chars[next(sizeof text_chars)];
    for (bool path : {false, true}) {
      CAPTURE(g);
      CAPTURE(s);
      CAPTURE(path);
      const bool want = naive_glob(g, s, path);
      CHECK(config_glob_match(g, s, path) == want);
      matched += want;
    }
  }
  CHECK(matched > 1000);  // the sample holds matches as well as misses
}

TEST_CASE("config: a glob with many stars against a long text is not exponential") {
  // Backtracking would take longer than the universe's age here; correctness only, no timing.
  std::string g;
  for (int i = 0; i < 40; ++i) g += "*a";
  const std::string miss = g + "*b", hit = g + "*";
  const std::string text(10000, 'a');
  CHECK_FALSE(text_glob_match(miss, text));
  CHECK(text_glob_match(hit, text));
  CHECK_FALSE(path_glob_match(miss, "dir/" + text));
  CHECK(path_glob_match("**/" + hit, "x/y/" + text));
  // A long run of stars does not deepen the stack.
  CHECK_FALSE(config_glob_match(std::string(100000, '*') + "b", "aaaaaaaaaaaaaaaa", true));
  CHECK(config_glob_match(std::string(100000, '*'), "aaaaaaaaaaaaaaaa", false));
}
