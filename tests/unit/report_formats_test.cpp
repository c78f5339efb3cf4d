// The reporters on synthetic findings: UTF-16 columns, URIs, GitHub and XML escaping, SARIF for
// findings without a file or outside the catalog, fingerprints, colour and --quiet.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/location.hpp"
#include "threegate/report.hpp"
#include "threegate/rules.hpp"

using namespace threegate;
using json = nlohmann::json;

namespace {

Range span(const SourceFile* f, std::string_view needle) {
  auto b = static_cast<uint32_t>(f->text().find(needle));
  REQUIRE(b != std::string::npos);
  return Range{f, b, b + static_cast<uint32_t>(needle.size())};
}

Finding finding(std::string id, std::string message, Range range = {}, std::string path = {}) {
  Finding f;
  f.rule_id = std::move(id);
  const RuleInfo* r = find_rule(f.rule_id);
  if (r) {
    f.rule_name = std::string(r->name);
    f.severity = r->severity;
  }
  f.message = std::move(message);
  f.range = range;
  f.path = std::move(path);
  return f;
}

json sarif_of(const std::vector<Finding>& findings, const std::string& root = "") {
  std::ostringstream out;
  ReportOptions o;
  o.root = root;
  o.tool.rules_uri = "https://example.invalid/docs/rules.md";
  write_sarif(out, findings, o);
  return json::parse(out.str());
}

std::string github_of(const std::vector<Finding>& findings) {
  std::ostringstream out;
  write_github(out, findings, ReportOptions{});
  return out.str();
}

}  // namespace

TEST_CASE("report: UTF-16 columns of UTF-8 text") {
  SourceSet s;
  // a, é (2 bytes), € (3), 🔑 (4, a surrogate pair), then x; an invalid byte on line 2.
  const SourceFile* f = s.add("t.json", "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x94\x91x\n\xFFy\n");
  CHECK(utf16_column(*f, 0) == 1);
  CHECK(utf16_column(*f, 1) == 2);   // é
  CHECK(utf16_column(*f, 3) == 3);   // €
  CHECK(utf16_column(*f, 6) == 4);   // 🔑
  CHECK(utf16_column(*f, 10) == 6);  // x: 🔑 counted twice
  CHECK(f->line_col(10).column == 11);
  CHECK(utf16_column(*f, 12) == 1);  // line 2 starts
  CHECK(utf16_column(*f, 13) == 2);  // after one invalid byte
}

TEST_CASE("report: artifact URIs are relative below the root, absolute file URIs elsewhere") {
  namespace fs = std::filesystem;
  auto cwd = fs::current_path();
  ArtifactUri below = artifact_uri("a dir/x%1 é.json", "");
  CHECK(below.relative);
  CHECK(below.uri == "a%20dir/x%251%20%C3%A9.json");
  ArtifactUri dotted = artifact_uri("./sub/../y.json", cwd.string());
  CHECK(dotted.relative);
  CHECK(dotted.uri == "y.json");
  ArtifactUri outside = artifact_uri("/nonexistent-threegate/p.json", cwd.string());
  CHECK_FALSE(outside.relative);
  CHECK(outside.uri == "file:///nonexistent-threegate/p.json");
  CHECK(root_uri("/nonexistent-threegate/r") == "file:///nonexistent-threegate/r/");
  CHECK(root_relative_path("/nonexistent-threegate/r/s/t.json", "/nonexistent-threegate/r") == "s/t.json");
  CHECK(root_relative_path("/elsewhere/t.json", "/nonexistent-threegate/r") == "/elsewhere/t.json");
}

TEST_CASE("report: SARIF for findings without a file, in a modelled policy, or outside the catalog") {
  SourceSet s;
  const SourceFile* modelled = s.add("<aws-managed key policy>", "{}");
  std::vector<Finding> findings{
      finding("TG401", "cannot read x.json: Permission denied", {}, "x.json"),
      finding("TG101", "inside the modelled key policy", Range{modelled, 0, 2}),
      finding("TG403", "nowhere"),
      finding("TG998", "a rule of a newer catalog", {}, "y.json"),
  };
  json log = sarif_of(findings);
  const auto& rules = log["runs"][0]["tool"]["driver"]["rules"];
  const auto& results = log["runs"][0]["results"];
  REQUIRE(results.size() == 4);
  CHECK(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "x.json");
  CHECK_FALSE(results[0]["locations"][0]["physicalLocation"].contains("region"));
  CHECK_FALSE(results[1].contains("locations"));
  CHECK_FALSE(results[2].contains("locations"));
  for (const auto& r : results) CHECK(rules[r["ruleIndex"].get<size_t>()]["id"] == r["ruleId"]);
  CHECK(rules.size() == rule_catalog().size() + 1);
  CHECK(rules.back()["id"] == "TG998");
  CHECK(rules.back()["properties"]["security-severity"] == "8.0");
}

TEST_CASE("report: SARIF levels, security-severity, related locations and the fix") {
  CHECK(std::string(security_severity(Severity::Error)) == "8.0");
  CHECK(std::string(security_severity(Severity::Warning)) == "5.0");
  CHECK(std::string(security_severity(Severity::Info)) == "2.0");
  CHECK(std::string(sarif_level(Severity::Info)) == "note");
  SourceSet s;
  const SourceFile* f = s.add("p.json", "{\"Statement\": [{\"Sid\": \"A\", \"Principal\": \"*\"}]}\n");
  Finding x = finding("TG202", "public", span(f, "\"Principal\": \"*\""));
  x.related.push_back({"  statement \"A\"", span(f, "{\"Sid\"")});
  x.related.push_back({"gate key_policy: open", {}});
  x.fix = "{\"Sid\": \"A\"}";
  x.fix_target = "replace statement \"A\"";
  x.severity = Severity::Warning;  // a finding's own severity wins over the rule's default
  json r = sarif_of({x})["runs"][0]["results"][0];
  CHECK(r["level"] == "warning");
  CHECK(r["message"]["text"] ==
        "public\n  statement \"A\" (p.json:1:16)\ngate key_policy: open\nfix: replace statement \"A\":\n{\"Sid\": \"A\"}");
  REQUIRE(r["relatedLocations"].size() == 1);  // the gate line has no location
  CHECK(r["relatedLocations"][0]["message"]["text"] == "statement \"A\"");
  CHECK(r["relatedLocations"][0]["physicalLocation"]["region"]["startColumn"] == 16);
  CHECK(r["properties"]["fix"]["statement"] == "{\"Sid\": \"A\"}");
  const auto& region = r["locations"][0]["physicalLocation"]["region"];
  CHECK(region["startColumn"] == 29);
  CHECK(region["endColumn"] == 45);  // just past the region
}

TEST_CASE("report: SARIF fingerprints ignore line moves and whitespace, not content") {
  SourceSet s;
  const SourceFile* a = s.add("p.json", "{\"Statement\": [{\"Principal\": \"*\"}]}");
  const SourceFile* moved = s.add("p.json", "\n\n{\"Statement\": [\n  {\"Principal\":   \"*\"}]}");
  const SourceFile* other = s.add("p.json", "{\"Statement\": [{\"Principal\": {\"AWS\": \"*\"}}]}");
  auto fp = [&](const SourceFile* f, std::string_view needle) {
    return sarif_of({finding("TG202", "m", span(f, needle))})["runs"][0]["results"][0]["partialFingerprints"]
                   ["threegate/v1"]
                       .get<std::string>();
  };
  CHECK(fp(a, "{\"Principal\": \"*\"}") == fp(moved, "{\"Principal\":   \"*\"}"));
  CHECK(fp(a, "{\"Principal\": \"*\"}") != fp(other, "{\"Principal\": {\"AWS\": \"*\"}}"));
  // The same finding twice: the occurrence keeps the two apart.
  Finding twice = finding("TG202", "m", span(a, "{\"Principal\""));
  auto results = sarif_of({twice, twice})["runs"][0]["results"];
  std::string one = results[0]["partialFingerprints"]["threegate/v1"], two = results[1]["partialFingerprints"]["threegate/v1"];
  CHECK(one.substr(0, 17) == two.substr(0, 17));
  CHECK(one.substr(17) == "1");
  CHECK(two.substr(17) == "2");
}

TEST_CASE("report: GitHub workflow commands escape data and properties") {
  SourceSet s;
  const SourceFile* f = s.add("dir,a:b/p%.json", "{\n  \"x\": 1\n}\n");
  Finding x = finding("TG202", "50% of\r\ncallers: a, b", span(f, "\"x\": 1"));
  std::string out = github_of({x});
  CHECK(out ==
        "::error file=dir%2Ca%3Ab/p%25.json,line=2,col=3,endLine=2,endColumn=9,title=TG202 public-principal::"
        "50%25 of%0D%0Acallers: a, b\n");
  Finding info = finding("TG109", "undecided", {}, "inv.json");
  CHECK(github_of({info}) == "::notice file=inv.json,title=TG109 share-undecided::undecided\n");
  CHECK(github_of({finding("TG403", "no file")}) == "::error title=TG403 invalid-inventory::no file\n");
}

TEST_CASE("report: JUnit escapes XML and skips findings below --fail-on") {
  SourceSet s;
  const SourceFile* f = s.add("a&b.json", "{\"x\": 1}");
  Finding bad = finding("TG202", "<\"quoted\" & 'single'>\x01\xFF\nsecond line", span(f, "\"x\""));
  Finding low = finding("TG201", "a warning", span(f, "1"));
  std::ostringstream out;
  ReportOptions o;
  o.fail_on = Severity::Error;
  write_junit(out, {bad, low}, ReportSummary{1, 0, 0}, o);
  std::string xml = out.str();
  CHECK(xml.find("<testsuite name=\"a&amp;b.json\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\">") !=
        std::string::npos);
  CHECK(xml.find("message=\"&lt;&quot;quoted&quot; &amp; &apos;single&apos;&gt;\xEF\xBF\xBD\xEF\xBF\xBD&#10;second line\"") !=
        std::string::npos);
  CHECK(xml.find("&lt;\"quoted\" &amp; 'single'&gt;\xEF\xBF\xBD\xEF\xBF\xBD\nsecond line") != std::string::npos);
  CHECK(xml.find("<skipped message=\"warning finding below --fail-on error\"/>") != std::string::npos);
  CHECK(xml.find('\x01') == std::string::npos);

  std::ostringstream empty;
  write_junit(empty, {}, ReportSummary{2, 1, 1}, ReportOptions{});
  CHECK(empty.str().find("<testcase classname=\"threegate\" name=\"check\">") != std::string::npos);
  CHECK(empty.str().find("tests=\"1\" failures=\"0\"") != std::string::npos);
}

TEST_CASE("report: text colour and the summary line are options") {
  SourceSet s;
  const SourceFile* f = s.add("p.json", "{}");
  std::vector<Finding> findings{finding("TG202", "public", Range{f, 0, 2})};
  std::ostringstream plain, coloured, quiet;
  write_text(plain, findings, ReportSummary{1, 0, 0});
  ReportOptions c;
  c.color = true;
  write_text(coloured, findings, ReportSummary{1, 0, 0}, c);
  ReportOptions q;
  q.summary = false;
  write_text(quiet, findings, ReportSummary{1, 0, 0}, q);
  CHECK(plain.str() == "p.json:1:1: error TG202 public-principal: public\n"
                       "1 error, 0 warnings, 0 infos in 1 file; 0 reads checked for 0 intended shares\n");
  CHECK(quiet.str() == "p.json:1:1: error TG202 public-principal: public\n");
  CHECK(coloured.str().find("\x1b[1mp.json:1:1\x1b[0m: \x1b[1;31merror\x1b[0m TG202") == 0);
}

TEST_CASE("report: format names and rule anchors") {
  CHECK(parse_report_format("sarif") == ReportFormat::Sarif);
  CHECK(parse_report_format("junit") == ReportFormat::Junit);
  CHECK_FALSE(parse_report_format("xml"));
  CHECK(report_format_names().size() == 5);
  for (const RuleInfo* r : rule_catalog()) {
    CAPTURE(r->id);
    std::string md = rule_markdown(*r);
    std::string heading = "## " + std::string(r->id) + " " + std::string(r->name) + "\n";
    CHECK(md.rfind(heading, 0) == 0);  // the anchor is the slug of this heading
    std::string anchor = rule_anchor(*r);
    CHECK(anchor.find(' ') == std::string::npos);
    std::string id(r->id);
    for (auto& ch : id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(anchor.rfind(id + "-", 0) == 0);
    ToolInfo t;
    t.rules_uri = "https://example.invalid/rules.md";
    CHECK(rule_help_uri(*r, t) == "https://example.invalid/rules.md#" + anchor);
  }
  const RuleInfo* tg102 = find_rule("TG102");
  REQUIRE(tg102);
  CHECK(rule_anchor(*tg102) == "tg102-key-policy-blocks-consumer");
}
