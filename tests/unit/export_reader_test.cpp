// The export reader: CLI output shapes into the inventory, with ranges; gaps for what is missing
// (and undecided reads, never silent ones); one bad file never stops the others.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "threegate/export.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(THREEGATE_SOURCE_DIR) / "fixtures" / "exports";

struct Loaded {
  Analysis analysis;
  std::vector<ExportGap> gaps;
  ExportSummary summary;
  Scope* scope = nullptr;
  Inventory& inv() { return scope->inventory; }
};

std::unique_ptr<Loaded> load(const fs::path& dir) {
  auto l = std::make_unique<Loaded>();
  std::string usage;
  load_export(dir.string(), l->analysis, l->gaps, l->summary, usage);
  REQUIRE(usage.empty());
  l->scope = &l->analysis.scopes.back();
  return l;
}

// A throwaway export: relative path → content.
fs::path write_export(const std::string& name, const std::map<std::string, std::string>& files) {
  fs::path dir = fs::temp_directory_path() / ("threegate-export-test-" + name);
  fs::remove_all(dir);
  for (const auto& [rel, text] : files) {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
  }
  return dir;
}

bool has_gap(const Loaded& l, const std::string& part) {
  for (const auto& g : l.gaps) {
    if (g.message.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string text_at(const Range& r) {
  REQUIRE(r.known());
  return r.file->text().substr(r.begin, r.end - r.begin);
}

ReadCheck read(Inventory& inv, const std::string& principal, const std::string& secret) {
  RequestPrincipal p;
  std::string error;
  REQUIRE(parse_request_principal(principal, p, error));
  const SecretRecord* s = inv.find_secret(secret);
  REQUIRE(s);
  return check_read(inv, p, inv.find_principal(p.arn), *s, s->region);
}

constexpr const char* kDb = "arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/db-AbCdEf";

}  // namespace

TEST_CASE("export: percent decoding keeps where each byte came from") {
  std::string out;
  std::vector<uint32_t> map;
  REQUIRE(percent_decode("%7B%22a%22%3A1%7D", out, &map));
  CHECK(out == "{\"a\":1}");
  REQUIRE(map.size() == out.size() + 1);
  CHECK(map[1] == 3);   // '"' from %22 at 3
  CHECK(map[2] == 6);   // 'a'
  CHECK(map.back() == 17);
  CHECK_FALSE(percent_decode("%7", out));
  CHECK_FALSE(percent_decode("%zz", out));
  CHECK(percent_decode("a+b", out));
  CHECK(out == "a+b");  // RFC 3986: '+' is not a space
}

TEST_CASE("export: a URL-encoded policy document is parsed and its ranges point into the encoded string") {
  SourceSet sources;
  std::string doc = R"({"Version":"2012-10-17","Statement":[{"Sid":"ReadDb","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]})";
  std::string encoded;
  for (unsigned char c : doc) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded += buf;
    }
  }
  const SourceFile* f = sources.add("details.json", "{\"PolicyDocument\": \"" + encoded + "\"}");
  auto r = parse_json(*f);
  REQUIRE(r.ok());
  Diagnostics diags;
  auto p = parse_export_policy(*r.value->find("PolicyDocument"), PolicyKind::Identity, "p", sources, diags);
  REQUIRE(p);
  CHECK(diags.empty());
  REQUIRE(p->statements.size() == 1);
  const Statement& st = p->statements[0];
  CHECK(st.actions[0].value == "secretsmanager:GetSecretValue");
  CHECK(st.sid->range.file == f);
  CHECK(text_at(st.sid->range) == "%22ReadDb%22");
  CHECK(text_at(st.actions[0].range) == "%22secretsmanager%3AGetSecretValue%22");

  // An invalid document inside the encoding is reported there, not in a made-up file.
  const SourceFile* bad = sources.add("bad.json", "{\"PolicyDocument\": \"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A5%7D\"}");
  auto rb = parse_json(*bad);
  REQUIRE(rb.ok());
  Diagnostics bad_diags;
  parse_export_policy(*rb.value->find("PolicyDocument"), PolicyKind::Identity, "p", sources, bad_diags);
  REQUIRE_FALSE(bad_diags.empty());
  CHECK(bad_diags[0].range.file == bad);
  // Plain objects and JSON strings are read as they are.
  const SourceFile* plain = sources.add("plain.json", R"({"a": {"Version": "2012-10-17", "Statement": []}, "b": "{\"Version\": \"2012-10-17\", \"Statement\": []}"})");
  auto rp = parse_json(*plain);
  REQUIRE(rp.ok());
  Diagnostics ok_diags;
  CHECK(parse_export_policy(*rp.value->find("a"), PolicyKind::Identity, "a", sources, ok_diags));
  CHECK(parse_export_policy(*rp.value->find("b"), PolicyKind::Identity, "b", sources, ok_diags));
}

TEST_CASE("export: IAM principals with inline, managed (default version) and URL-encoded policies") {
  auto l = load(kFixtures / "url-encoded");
  for (const auto& d : l->analysis.diagnostics) MESSAGE(d.message);
  CHECK(l->analysis.diagnostics.empty());
  CHECK(l->gaps.empty());
  Inventory& inv = l->inv();
  CHECK(inv.principals.size() == 3);
  const PrincipalRecord* reporting = inv.find_principal("arn:aws:iam::111111111111:role/reporting");
  REQUIRE(reporting);
  REQUIRE(reporting->policies.size() == 1);
  // The default version (v2), not v1 which allows everything.
  REQUIRE(reporting->policies[0].statements.size() == 1);
  CHECK(reporting->policies[0].statements[0].sid->value == "ReadDbManaged");
  CHECK(text_at(reporting->policies[0].statements[0].sid->range) == "%22ReadDbManaged%22");
  CHECK(read(inv, "arn:aws:iam::111111111111:role/reporting", kDb).decision == Decision::Allow);
  CHECK(read(inv, "arn:aws:iam::111111111111:role/ops", kDb).decision == Decision::ImplicitDeny);
}

TEST_CASE("export: keys, aliases, secrets and the organization's SCP levels") {
  auto l = load(kFixtures / "scp-blocks");
  CHECK(l->analysis.diagnostics.empty());
  CHECK(l->gaps.empty());
  Inventory& inv = l->inv();
  CHECK(l->summary.accounts == std::vector<std::string>{"111111111111", "222222222222"});
  REQUIRE(inv.keys.size() == 2);
  const KeyRecord* aws = inv.resolve_key("", "111111111111", "us-east-1");
  REQUIRE(aws);
  CHECK(aws->manager == KeyManager::Aws);
  CHECK_FALSE(aws->modelled);  // the exported key, with its exported policy
  REQUIRE(aws->policy);
  const KeyRecord* cmk = inv.resolve_key("alias/app", "111111111111", "us-east-1");
  REQUIRE(cmk);
  CHECK(cmk->manager == KeyManager::Customer);
  CHECK(cmk->rotation == true);
  CHECK(cmk->range.known());
  REQUIRE(inv.secrets.size() == 1);
  CHECK(inv.secrets[0].arn == kDb);
  CHECK(inv.secrets[0].name == "prod/db-AbCdEf");
  CHECK(inv.organization_id == "o-a1b2c3d4e5");
  CHECK(inv.management_account == "999999999999");
  CHECK(inv.org_accounts.size() == 3);
  // Root, OU, account; the deny sits on the consumer account only.
  REQUIRE(inv.scps.count("222222222222"));
  const auto& levels = inv.scps.at("222222222222");
  REQUIRE(levels.size() == 3);
  CHECK(levels[0].size() == 1);
  CHECK(levels[1].size() == 1);
  CHECK(levels[2].size() == 2);
  CHECK(inv.scps.at("111111111111")[2].size() == 1);
  CHECK(inv.rcps.empty());  // RCPs are not enabled in this organization
  ReadCheck rc = read(inv, "arn:aws:iam::222222222222:role/consumer", kDb);
  CHECK(rc.decision == Decision::ExplicitDeny);
  CHECK(read(inv, "arn:aws:iam::111111111111:role/app", kDb).decision == Decision::Allow);
}

TEST_CASE("export: a partial export names its gaps and leaves the reads they touch undecided") {
  auto l = load(kFixtures / "partial-export");
  Inventory& inv = l->inv();
  CHECK(has_gap(*l, "no get-key-policy.json for key arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab: "
                    "its policy is unknown, reads through it are undecided"));
  CHECK(has_gap(*l, "no list-grants.json for key"));
  CHECK(has_gap(*l, "no get-resource-policy.json for secret arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/api-ZxCvBn"));
  const KeyRecord* cmk = inv.resolve_key("alias/app", "111111111111", "us-east-1");
  REQUIRE(cmk);
  CHECK_FALSE(cmk->policy);
  ReadCheck rc = read(inv, "arn:aws:iam::222222222222:role/consumer", kDb);
  CHECK(rc.decision == Decision::Depends);
  CHECK(rc.key_policy.state == GateState::Depends);
  // The secret without its resource policy: same-account IAM allows, the unknown policy might deny.
  ReadCheck api = read(inv, "arn:aws:iam::111111111111:role/app", "arn:aws:secretsmanager:us-east-1:111111111111:secret:prod/api-ZxCvBn");
  CHECK(api.decision == Decision::Depends);
  // Unknown policies are not judged by the policy rules.
  for (const auto& use : l->scope->policies) CHECK(use.policy->name.find("not in the export") == std::string::npos);
}

TEST_CASE("export: a malformed file is reported where it is, and the others are still read") {
  fs::path dir = write_export("malformed", {
      {"accounts/111111111111/us-east-1/kms/list-keys.json", "{\"Keys\": [\n  {\"KeyId\": \"k1\",,}\n]}"},
      {"accounts/111111111111/us-east-1/kms/list-aliases.json", R"({"Aliases": "not a list"})"},
      {"accounts/111111111111/us-east-1/secretsmanager/list-secrets.json",
       R"({"SecretList": [{"ARN": "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf", "Name": "app"}]})"},
      {"accounts/111111111111/us-east-1/secretsmanager/secrets/app/get-resource-policy.json",
       R"({"ARN": "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf", "Name": "app"})"},
      {"accounts/111111111111/iam/get-account-authorization-details.json", "[1, 2]"},
  });
  auto l = load(dir);
  bool tg401 = false, tg403 = false;
  for (const auto& d : l->analysis.diagnostics) {
    if (d.rule_id == "TG401" && d.range.known() && d.range.file->path().find("list-keys.json") != std::string::npos) {
      tg401 = true;
      CHECK(d.range.file->line_col(d.range.begin).line == 2);
    }
    if (d.rule_id == "TG403" && d.range.known()) tg403 = true;
  }
  CHECK(tg401);
  CHECK(tg403);
  REQUIRE(l->inv().secrets.size() == 1);
  CHECK_FALSE(l->inv().secrets[0].policy);  // read: no ResourcePolicy means none
  CHECK(has_gap(*l, "no describe-secret.json for secret arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf"));
  CHECK(has_gap(*l, "get-account-authorization-details.json of account 111111111111 could not be read"));
  CHECK(has_gap(*l, "no organization/ in the export"));
  fs::remove_all(dir);
}

TEST_CASE("export: replicas, and the copy a replica region lists, are one secret") {
  const char* arn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf";
  const char* replica_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:app-AbCdEf";
  fs::path dir = write_export("replica", {
      {"accounts/111111111111/us-east-1/secretsmanager/list-secrets.json",
       std::string(R"({"SecretList": [{"ARN": ")") + arn + R"(", "Name": "app", "PrimaryRegion": "us-east-1"}]})"},
      {"accounts/111111111111/us-east-1/secretsmanager/secrets/app/describe-secret.json",
       std::string(R"({"ARN": ")") + arn + R"(", "Name": "app", "KmsKeyId": "alias/app", "PrimaryRegion": "us-east-1",
          "ReplicationStatus": [{"Region": "eu-west-1", "KmsKeyId": "alias/app-eu", "Status": "InSync"},
                                {"Region": "ap-south-1", "Status": "Failed", "StatusMessage": "key not found"}]})"},
      {"accounts/111111111111/us-east-1/secretsmanager/secrets/app/get-resource-policy.json",
       std::string(R"({"ARN": ")") + arn + R"(", "Name": "app"})"},
      {"accounts/111111111111/eu-west-1/secretsmanager/list-secrets.json",
       std::string(R"({"SecretList": [{"ARN": ")") + replica_arn + R"(", "Name": "app", "PrimaryRegion": "us-east-1"}]})"},
      {"organization/describe-organization.json", R"({"Organization": {"Id": "o-a1b2c3d4e5", "MasterAccountId": "999999999999"}})"},
  });
  auto l = load(dir);
  REQUIRE(l->inv().secrets.size() == 1);
  const SecretRecord& s = l->inv().secrets[0];
  CHECK(s.kms_key == "alias/app");
  REQUIRE(s.replicas.size() == 1);  // the failed replication made no copy
  CHECK(s.replicas[0].region == "eu-west-1");
  CHECK(s.replicas[0].kms_key == "alias/app-eu");
  CHECK(l->inv().find_secret(replica_arn) == &s);
  CHECK(has_gap(*l, "no kms/ for account 111111111111 in us-east-1"));
  CHECK(has_gap(*l, "no list-roots.json"));
  fs::remove_all(dir);
}

TEST_CASE("export: organization policies that are missing are unknown, never absent") {
  fs::path src = kFixtures / "cmk-cross-account";
  fs::path dir = fs::temp_directory_path() / "threegate-export-test-org-gaps";
  fs::remove_all(dir);
  fs::copy(src, dir, fs::copy_options::recursive);
  fs::remove(dir / "organization/policies/p-FullAWSAccess/describe-policy.json");
  auto l = load(dir);
  CHECK(has_gap(*l, "no describe-policy.json for policy p-FullAWSAccess"));
  // Without its only SCP the consumer's read may be allowed or blocked: undecided, not denied.
  ReadCheck rc = read(l->inv(), "arn:aws:iam::222222222222:role/consumer", kDb);
  CHECK(rc.decision == Decision::Depends);
  // The management account is not limited by SCPs: the key and secret decide alone.
  CHECK(l->inv().management_account == "999999999999");
  fs::remove_all(dir);
}

TEST_CASE("export: not an export folder is a usage error") {
  Analysis a;
  std::vector<ExportGap> gaps;
  ExportSummary summary;
  std::string usage;
  load_export((kFixtures / "nope").string(), a, gaps, summary, usage);
  CHECK(usage.find("no such folder") != std::string::npos);
  usage.clear();
  load_export(THREEGATE_SOURCE_DIR "/fixtures/cases", a, gaps, summary, usage);
  CHECK(usage.find("not an export folder") != std::string::npos);
}

TEST_CASE("export: the access matrix of the bundled exports") {
  struct Case {
    const char* scenario;
    std::vector<std::string> readers, broken_gates, external;
  };
  const Case cases[] = {
      {"default-key-broken", {"arn:aws:iam::111111111111:role/app"}, {"arn:aws:iam::222222222222:role/consumer=key_policy"}, {}},
      {"cmk-cross-account", {"arn:aws:iam::111111111111:role/app", "arn:aws:iam::222222222222:role/consumer"}, {}, {}},
      {"scp-blocks", {"arn:aws:iam::111111111111:role/app"}, {"arn:aws:iam::222222222222:role/consumer=guardrail"}, {}},
      {"grant-opens-key",
       {"arn:aws:iam::111111111111:role/app", "arn:aws:iam::222222222222:role/consumer"},
       {"arn:aws:iam::333333333333:role/other=key_policy"},
       {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.scenario);
    auto l = load(kFixtures / c.scenario);
    run_analysis(l->analysis);
    AccessMatrix m = build_access_matrix(*l->scope);
    REQUIRE(m.cells.size() == 1);
    std::vector<std::string> readers, broken, external;
    for (const auto& e : m.cells[0].readers) readers.push_back(e.principal);
    for (const auto& b : m.cells[0].broken) broken.push_back(b.principal + "=" + b.gate);
    for (const auto& e : m.cells[0].external) external.push_back(e.principal);
    CHECK(readers == c.readers);
    CHECK(broken == c.broken_gates);
    CHECK(external == c.external);
    CHECK(m.cells[0].undecided.empty());
  }
}

TEST_CASE("export: users get their groups' policies; boundaries and missing managed policies") {
  const char* secret = "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf";
  const char* read_all = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})";
  fs::path dir = write_export("iam", {
      {"accounts/111111111111/us-east-1/secretsmanager/secrets/app/describe-secret.json",
       std::string(R"({"ARN": ")") + secret + R"(", "Name": "app"})"},
      {"accounts/111111111111/us-east-1/secretsmanager/secrets/app/get-resource-policy.json",
       std::string(R"({"ARN": ")") + secret + R"(", "Name": "app"})"},
      {"accounts/111111111111/iam/get-account-authorization-details.json", std::string(R"({
        "GroupDetailList": [{"GroupName": "readers", "Arn": "arn:aws:iam::111111111111:group/readers",
                             "GroupPolicyList": [{"PolicyName": "read", "PolicyDocument": )") + read_all + R"(}],
                             "AttachedManagedPolicies": []}],
        "UserDetailList": [
          {"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice", "GroupList": ["readers"], "UserPolicyList": [], "AttachedManagedPolicies": []},
          {"UserName": "bob", "Arn": "arn:aws:iam::111111111111:user/bob", "GroupList": ["readers"], "UserPolicyList": [], "AttachedManagedPolicies": [],
           "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111111111111:policy/kms-only"}},
          {"UserName": "carol", "Arn": "arn:aws:iam::111111111111:user/carol", "GroupList": ["gone"], "UserPolicyList": [], "AttachedManagedPolicies": []}],
        "RoleDetailList": [
          {"RoleName": "admin", "Arn": "arn:aws:iam::111111111111:role/admin", "RolePolicyList": [],
           "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}],
        "Policies": [{"PolicyName": "kms-only", "Arn": "arn:aws:iam::111111111111:policy/kms-only", "DefaultVersionId": "v1",
                      "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
                        "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}}]}],
        "IsTruncated": true, "Marker": "abc"})"},
  });
  auto l = load(dir);
  Inventory& inv = l->inv();
  CHECK(read(inv, "arn:aws:iam::111111111111:user/alice", secret).decision == Decision::Allow);
  CHECK(read(inv, "arn:aws:iam::111111111111:user/bob", secret).decision == Decision::ImplicitDeny);  // the boundary
  CHECK(read(inv, "arn:aws:iam::111111111111:user/carol", secret).decision == Decision::Depends);    // group not exported
  ReadCheck admin = read(inv, "arn:aws:iam::111111111111:role/admin", secret);
  CHECK(admin.decision == Decision::Depends);
  CHECK(has_gap(*l, "managed policy arn:aws:iam::aws:policy/AdministratorAccess (attached to arn:aws:iam::111111111111:role/admin"));
  CHECK(has_gap(*l, "group gone of arn:aws:iam::111111111111:user/carol is not in GroupDetailList"));
  CHECK(has_gap(*l, "is truncated (IsTruncated)"));
  fs::remove_all(dir);
}
