// Writes reports of synthetic findings that the fixtures cannot produce, for the schema test:
// a file name with a space, '%' and non-ASCII letters, characters outside the BMP before a range,
// a finding with only a path (an unreadable file), one in a modelled policy, one with neither, a
// rule id outside the catalog, a file outside the root, control characters and invalid UTF-8.
//
//   threegate_sarif_samples OUT_DIR    (run from the directory that is the SARIF root)
//
// Writes OUT_DIR/samples.sarif, OUT_DIR/samples.xml (JUnit) and OUT_DIR/samples.github, and
// OUT_DIR/samples-suppressed.sarif: the same findings suppressed, inline and by the configuration
// (SARIF `suppressions` with justification, location and properties, and with none of them).
#include <fstream>
#include <iostream>

#include "report/sarif.hpp"
#include "threegate/report.hpp"
#include "threegate/rules.hpp"

using namespace threegate;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: threegate_sarif_samples OUT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  SourceSet sources;
  const std::string text =
      "{\"Statement\": [\n"
      "  {\"Sid\": \"\xF0\x9F\x94\x91 \xC3\xA9t\xC3\xA9\", \"Effect\": \"Allow\", \"Principal\": \"*\"}\n"
      "]}\n";
  const SourceFile* odd = sources.add("policies/key policy 100% \xC3\xA9t\xC3\xA9.json", text);
  const SourceFile* modelled = sources.add("<aws-managed key policy aws/secretsmanager>", "{}");
  const SourceFile* outside = sources.add("/nonexistent-root/elsewhere/policy.json", "{\n  \"Version\": 1\n}\n");
  auto at = [](const SourceFile* f, std::string_view needle) {
    auto b = static_cast<uint32_t>(f->text().find(needle));
    return Range{f, b, b + static_cast<uint32_t>(needle.size())};
  };

  std::vector<Finding> findings;
  Finding a;
  a.rule_id = "TG202";
  a.rule_name = "public-principal";
  a.severity = Severity::Warning;
  a.message = "statement \"\xF0\x9F\x94\x91\" allows `*` [no condition](1) \\ 100% of callers, a\x01" "b, bad \xFF byte";
  a.range = at(odd, "\"Principal\": \"*\"");
  a.related.push_back({"statement \"\xF0\x9F\x94\x91 \xC3\xA9t\xC3\xA9\"", at(odd, "{\"Sid\"")});
  a.related.push_back({"gate key_policy: open (modelled)", Range{}});
  a.fix = "{\n  \"Sid\": \"x\",\n  \"Condition\": {\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}}\n}";
  a.fix_target = "replace statement \"x\" in key policy of arn:aws:kms:us-east-1:111111111111:key/k, with care";
  a.principal = "*";
  a.resource = "arn:aws:kms:us-east-1:111111111111:key/k";
  findings.push_back(a);

  Finding unreadable;
  unreadable.rule_id = "TG401";
  unreadable.rule_name = "invalid-json";
  unreadable.message = "cannot read exports/unreadable.json: Permission denied";
  unreadable.path = "exports/unreadable.json";
  findings.push_back(unreadable);

  Finding in_model;
  in_model.rule_id = "TG101";
  in_model.rule_name = "aws-managed-key-cross-account";
  in_model.message = "a finding inside a modelled policy";
  in_model.range = Range{modelled, 0, 2};
  findings.push_back(in_model);

  Finding nowhere;
  nowhere.rule_id = "TG403";
  nowhere.rule_name = "invalid-inventory";
  nowhere.severity = Severity::Info;
  nowhere.message = "a finding with no file at all";
  findings.push_back(nowhere);

  Finding unknown;
  unknown.rule_id = "TG999";
  unknown.message = "a rule outside the catalog";
  unknown.range = at(outside, "\"Version\": 1");
  findings.push_back(unknown);

  findings.push_back(a);  // the same finding twice: fingerprints still differ (occurrence count)

  ReportOptions options;
  options.tool.version = "0.0.0-sample";
  options.tool.information_uri = "https://example.invalid/threegate";
  options.tool.rules_uri = "https://example.invalid/threegate/docs/rules.md";
  ReportSummary summary{3, 0, 0};
  std::ofstream sarif(dir + "/samples.sarif");
  write_sarif(sarif, findings, options);
  std::ofstream xml(dir + "/samples.xml");
  write_junit(xml, findings, summary, options);
  std::ofstream gh(dir + "/samples.github");
  write_github(gh, findings, options);

  const SourceFile* config = sources.add(".threegate.yaml", "suppress:\n  - {rule: TG202, reason: \"\xC3\xA9t\xC3\xA9 \xF0\x9F\x94\x91\"}\n");
  std::vector<SuppressedFinding> suppressed;
  suppressed.push_back({findings[0], true, "the comment's reason, \"quoted\"", "", at(odd, "\"Sid\"")});
  suppressed.push_back({findings[0], false, "\xC3\xA9t\xC3\xA9 \xF0\x9F\x94\x91", "2999-12-31", at(config, "{rule")});
  suppressed.push_back({unreadable, false, "", "", Range{}});
  suppressed.push_back({nowhere, true, "", "", Range{}});
  std::ofstream with_suppressed(dir + "/samples-suppressed.sarif");
  write_sarif(with_suppressed, {findings[1]}, suppressed, options);
  return 0;
}
