// The policy rules TG201–TG205 and TG301: a firing case, a silent close variant, and the false
// alarms users of other tools complain about (landscape.md).
#include <doctest/doctest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "threegate/policy_parse.hpp"
#include "threegate/rules.hpp"

using namespace threegate;

namespace {

constexpr const char* kOwner = "111122223333";
constexpr const char* kOther = "222233334444";

class Collect : public FindingSink {
 public:
  void add(Finding finding) override { findings.push_back(std::move(finding)); }
  std::vector<Finding> findings;
};

// Policies and their uses for one test; runs rules over them.
struct Fixture {
  SourceSet sources;
  std::deque<Policy> policies;
  std::vector<PolicyUse> uses;
  Inventory inventory;
  std::vector<ShareResult> shares;

  PolicyUse& add(const std::string& json, PolicyKind kind, std::string owner = kOwner, std::string name = "p.json") {
    Diagnostics diags;
    auto p = parse_policy_text(sources, json, kind, diags, name);
    for (const auto& d : diags) FAIL_CHECK(d.rule_id << ": " << d.message << "\n" << json);
    REQUIRE(p.has_value());
    policies.push_back(std::move(*p));
    PolicyUse use;
    use.policy = &policies.back();
    use.kind = kind;
    use.owner_account = std::move(owner);
    uses.push_back(use);
    return uses.back();
  }

  std::vector<Finding> run(std::string_view rule_id) {
    const RuleInfo* rule = find_rule(rule_id);
    REQUIRE(rule != nullptr);
    REQUIRE(static_cast<bool>(rule->run));
    RuleContext ctx{inventory, shares, uses};
    Collect sink;
    rule->run(ctx, sink);
    for (const auto& f : sink.findings) CHECK(f.rule_id == rule_id);
    return sink.findings;
  }

  // Findings of all six policy rules.
  std::vector<Finding> run_all() {
    std::vector<Finding> all;
    for (const char* id : {"TG201", "TG202", "TG203", "TG204", "TG205", "TG301"})
      for (auto& f : run(id)) all.push_back(std::move(f));
    return all;
  }
};

uint32_t line_of(const Finding& f) {
  REQUIRE(f.range.known());
  return f.range.file->line_col(f.range.begin).line;
}

std::string text_of(const Finding& f) {
  REQUIRE(f.range.known());
  return f.range.file->text().substr(f.range.begin, f.range.end - f.range.begin);
}

std::string ids(const std::vector<Finding>& findings) {
  std::string s;
  for (const auto& f : findings) s += (s.empty() ? "" : " ") + f.rule_id + ":" + f.message;
  return s;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The default key policy statement plus one more statement (line 8 onwards).
std::string key_policy_with(const std::string& statement) {
  return std::string(R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "kms:*", "Resource": "*"},
    )") + statement + "\n  ]\n}";
}

}  // namespace

// ---- the traps, for every rule at once ---------------------------------------------------------

TEST_CASE("policy rules: the default key policy is never flagged") {
  Fixture fx;
  fx.add(R"({
  "Version": "2012-10-17",
  "Id": "key-default-1",
  "Statement": [
    {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "kms:*", "Resource": "*"}
  ]
})",
         PolicyKind::KeyPolicy);
  CHECK_MESSAGE(fx.run_all().empty(), ids(fx.run_all()));
  // Also with the owner unknown (a standalone key policy file).
  Fixture fx2;
  fx2.add(R"({"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]})",
          PolicyKind::KeyPolicy, "");
  CHECK_MESSAGE(fx2.run_all().empty(), ids(fx2.run_all()));
}

TEST_CASE("policy rules: '*' with kms:CallerAccount and kms:ViaService is not flagged") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "ViaSecretsManager", "Effect": "Allow", "Principal": {"AWS": "*"},
     "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
     "Resource": "*",
     "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333",
                                    "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})"),
         PolicyKind::KeyPolicy);
  CHECK_MESSAGE(fx.run_all().empty(), ids(fx.run_all()));
}

TEST_CASE("policy rules: '*' with aws:PrincipalOrgID is not flagged") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "Org", "Effect": "Allow", "Principal": "*",
     "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}})"),
         PolicyKind::KeyPolicy);
  fx.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
    "Action":"secretsmanager:GetSecretValue","Resource":"*",
    "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]})",
         PolicyKind::SecretPolicy);
  CHECK_MESSAGE(fx.run_all().empty(), ids(fx.run_all()));
}

TEST_CASE("policy rules: condition key names are case-insensitive (kms:callerAccount)") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "Lower", "Effect": "Allow", "Principal": {"AWS": "*"},
     "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
     "Condition": {"StringEquals": {"kms:callerAccount": "111122223333",
                                    "KMS:VIASERVICE": "secretsmanager.us-east-1.amazonaws.com"}}})"),
         PolicyKind::KeyPolicy);
  CHECK_MESSAGE(fx.run_all().empty(), ids(fx.run_all()));
}

TEST_CASE("policy rules: Deny statements never count as grants") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*",
     "Action": "kms:*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
    {"Sid": "DenyAll", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::222233334444:root"},
     "Action": "kms:*", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  fx.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
    "Action":"secretsmanager:*","Resource":"*"}]})",
         PolicyKind::SecretPolicy);
  CHECK_MESSAGE(fx.run_all().empty(), ids(fx.run_all()));
}

// ---- TG201 -------------------------------------------------------------------------------------

TEST_CASE("TG201: an external account root in a key policy") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "Partner", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:role/admin",
                           "arn:aws:iam::222233334444:root"]},
     "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG201");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::Warning);
  CHECK(line_of(f[0]) == 9);
  CHECK(text_of(f[0]) == "\"arn:aws:iam::222233334444:root\"");
  CHECK(contains(f[0].message, "statement \"Partner\""));
  CHECK(contains(f[0].message, "222233334444"));
  CHECK(f[0].fix.empty());  // no intended reader known: no clear fix
  CHECK(std::islower(static_cast<unsigned char>(f[0].message[0])));
  CHECK(f[0].message.back() != '.');
}

TEST_CASE("TG201: a bare account id in a standalone secret policy (owner unknown)") {
  Fixture fx;
  fx.add(R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Principal":{"AWS":"222233334444"},
   "Action":"secretsmanager:GetSecretValue","Resource":"*"}]})",
         PolicyKind::SecretPolicy, "");
  auto f = fx.run("TG201");
  REQUIRE(f.size() == 1);
  CHECK(line_of(f[0]) == 2);
  CHECK(text_of(f[0]) == "\"222233334444\"");
  CHECK(contains(f[0].message, "statement 1"));
}

TEST_CASE("TG201: silent for the owner, for roles and when narrowed by the principal") {
  Fixture fx;
  // The owner's own account in a secret policy.
  fx.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
    "Action":"secretsmanager:GetSecretValue","Resource":"*"}]})",
         PolicyKind::SecretPolicy);
  // A role of the other account.
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/app"},
     "Action": "kms:DescribeKey", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  // The account, narrowed by aws:PrincipalArn (lowercase key) or a principal tag.
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "222233334444"},
     "Action": "kms:DescribeKey", "Resource": "*",
     "Condition": {"ArnLike": {"aws:principalarn": "arn:aws:iam::222233334444:role/app"}}})"),
         PolicyKind::KeyPolicy);
  fx.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222233334444:root"},
    "Action":"secretsmanager:GetSecretValue","Resource":"*",
    "Condition":{"StringEquals":{"aws:PrincipalTag/team":"payments"}}}]})",
         PolicyKind::SecretPolicy);
  auto f = fx.run("TG201");
  CHECK_MESSAGE(f.empty(), ids(f));
}

TEST_CASE("TG201: the fix names the intended readers of that account") {
  Fixture fx;
  fx.inventory.intents.push_back(Intent{"arn:aws:sts::222233334444:assumed-role/app/session", "", {}});
  fx.inventory.intents.push_back(Intent{"arn:aws:iam::999999999990:role/other", "", {}});
  fx.add(key_policy_with(R"({"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "222233334444"},
     "Action": "kms:Decrypt", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG201");
  REQUIRE(f.size() == 1);
  CHECK(contains(f[0].fix, "arn:aws:iam::222233334444:role/app"));
  CHECK(!contains(f[0].fix, "999999999990"));
  CHECK(!contains(f[0].fix, ":root"));
  CHECK(contains(f[0].fix_target, "statement \"Partner\""));
}

// ---- TG202 -------------------------------------------------------------------------------------

TEST_CASE("TG202: '*' without conditions in a key policy") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "Everyone", "Effect": "Allow",
     "Principal": {"AWS": "*"},
     "Action": "kms:Decrypt", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG202");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::Error);
  CHECK(line_of(f[0]) == 8);
  CHECK(text_of(f[0]) == "\"*\"");
  CHECK(contains(f[0].message, "statement \"Everyone\""));
  CHECK(contains(f[0].message, "p.json"));
  // The fix keeps the statement to the owner account.
  CHECK(contains(f[0].fix, "kms:CallerAccount"));
  CHECK(contains(f[0].fix, kOwner));
}

TEST_CASE("TG202: '*' in a secret policy, and the organization in the fix") {
  Fixture fx;
  fx.inventory.organization_id = "o-a1b2c3d4e5";
  fx.add(R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]})",
         PolicyKind::SecretPolicy);
  auto f = fx.run("TG202");
  REQUIRE(f.size() == 1);
  CHECK(line_of(f[0]) == 2);
  CHECK(contains(f[0].fix, "aws:PrincipalOrgID"));
  CHECK(contains(f[0].fix, "o-a1b2c3d4e5"));
}

TEST_CASE("TG202: network conditions do not identify the caller") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "FromOffice", "Effect": "Allow", "Principal": {"AWS": "*"},
     "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG202");
  REQUIRE(f.size() == 1);
  CHECK(contains(f[0].message, "aws:SourceIp"));
  bool related = false;
  for (const auto& r : f[0].related) related = related || contains(r.message, "aws:SourceIp");
  CHECK(related);
}

TEST_CASE("TG202: conditions that restrict are respected, evaluated not pattern-matched") {
  Fixture fx;
  // Account named by aws:PrincipalAccount, a list of known accounts.
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalAccount": ["111122223333", "222233334444"]}}})"),
         PolicyKind::KeyPolicy);
  // A role named by aws:PrincipalArn.
  fx.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
    "Action":"secretsmanager:GetSecretValue","Resource":"*",
    "Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}}]})",
         PolicyKind::SecretPolicy);
  // Unconditioned allow, but a Deny keeps everyone outside the organization out.
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
    {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}})"),
         PolicyKind::KeyPolicy);
  // Only administrative actions: they do not work across accounts (TG204's business).
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": "*", "Action": "kms:PutKeyPolicy", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG202");
  CHECK_MESSAGE(f.empty(), ids(f));
}

TEST_CASE("TG202: keys the caller's account chooses do not restrict") {
  Fixture fx;
  fx.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
    "Action":"secretsmanager:GetSecretValue","Resource":"*",
    "Condition":{"StringEquals":{"aws:PrincipalTag/team":"payments"}}}]})",
         PolicyKind::SecretPolicy);
  auto f = fx.run("TG202");
  REQUIRE(f.size() == 1);
  CHECK(contains(f[0].message, "aws:PrincipalTag/team"));
  // Combined with an account condition, the tag no longer matters.
  Fixture ok;
  ok.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
    "Action":"secretsmanager:GetSecretValue","Resource":"*",
    "Condition":{"StringEquals":{"aws:PrincipalTag/team":"payments","aws:PrincipalAccount":"111122223333"}}}]})",
         PolicyKind::SecretPolicy);
  CHECK(ok.run("TG202").empty());
}

TEST_CASE("TG202: an aws:PrincipalArn pattern whose account is a wildcard lets any account's principal in") {
  // A secret policy letting "*" read when aws:PrincipalArn is like `arn`.
  auto open_to = [](const std::string& arn) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
      "Action":"secretsmanager:GetSecretValue","Resource":"*",
      "Condition":{"ArnLike":{"aws:PrincipalArn":")" + arn + R"("}}}]})";
  };
  // Anyone can create a role or user of the name the pattern asks for in their own account.
  // A partly wildcarded account ("1111*") admits a hundred million accounts, most of them not ours.
  for (const char* arn : {"arn:aws:iam::*:role/deploy", "arn:aws:iam::*:role/ci/deploy-*", "arn:aws:iam::*:user/bob",
                          "arn:*:iam::*:role/x?z", "arn:aws:iam::1111*:role/deploy", "arn:aws:iam::0*:role/deploy",
                          "arn:aws:iam::1111????????:role/deploy", "arn:aws:iam::*:root"}) {
    CAPTURE(arn);
    Fixture fx;
    fx.add(open_to(arn), PolicyKind::SecretPolicy);
    auto f = fx.run("TG202");
    REQUIRE(f.size() == 1);
    CHECK(contains(f[0].message, "none of its conditions limits it"));
  }
  // The same names pinned to accounts, or a pattern no principal's ARN can match.
  // AWS's own role of every account, whose name nobody else can give a role, and names IAM refuses
  // (over 64 characters, an empty path segment).
  for (const std::string arn : {std::string("arn:aws:iam::111122223333:role/deploy"), std::string("arn:aws:s3:::*"),
                                std::string("arn:aws:iam::111122223333:root"),
                                std::string("arn:aws:iam::*:role/aws:ec2-infrastructure"),
                                "arn:aws:iam::*:role/" + std::string(65, 'a'), std::string("arn:aws:iam::*:role//x")}) {
    CAPTURE(arn);
    Fixture fx;
    fx.add(open_to(arn), PolicyKind::SecretPolicy);
    const auto f = fx.run("TG202");
    CHECK_MESSAGE(f.empty(), ids(f));
  }
}

TEST_CASE("TG202: a Resource naming another secret does not apply to this one") {
  Fixture fx;
  fx.inventory.secrets.push_back(SecretRecord{});
  SecretRecord& secret = fx.inventory.secrets.back();
  secret.arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
  secret.account = kOwner;
  secret.region = "us-east-1";
  PolicyUse& use = fx.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:111122223333:secret:other-*"}]})",
                          PolicyKind::SecretPolicy);
  use.secret = &secret;
  CHECK(fx.run("TG202").empty());
  PolicyUse& use2 = fx.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:111122223333:secret:db-*"}]})",
                           PolicyKind::SecretPolicy);
  use2.secret = &secret;
  auto f = fx.run("TG202");
  REQUIRE(f.size() == 1);
  CHECK(contains(f[0].message, "secret policy of arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"));
}

TEST_CASE("TG202: a negated account condition still lets outsiders in") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringNotEquals": {"kms:CallerAccount": "444455556666"}}})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG202");
  CHECK(f.size() == 1);
}

TEST_CASE("TG202: NotPrincipal is left to TG205") {
  Fixture fx;
  fx.add(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/x"},
    "Action":"secretsmanager:GetSecretValue","Resource":"*"}]})",
         PolicyKind::SecretPolicy);
  CHECK(fx.run("TG202").empty());
  CHECK(fx.run("TG205").size() == 1);
}

TEST_CASE("TG202: no finding on the AWS-managed key policies of the corpus") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(THREEGATE_CORPUS_DIR) / "03-kms-secret-policies" / "aws-managed-key-policies";
  if (!fs::is_directory(dir)) {
    MESSAGE("corpus folder absent, skipped: " << dir.string());
    return;
  }
  Fixture fx;
  int read = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    Diagnostics diags;
    auto p = parse_policy_text(fx.sources, ss.str(), PolicyKind::KeyPolicy, diags, entry.path().filename().string());
    if (!p) continue;
    fx.policies.push_back(std::move(*p));
    PolicyUse use;
    use.policy = &fx.policies.back();
    use.kind = PolicyKind::KeyPolicy;
    fx.uses.push_back(use);  // standalone: owner unknown
    ++read;
  }
  CHECK(read > 0);
  auto f = fx.run_all();
  CHECK_MESSAGE(f.empty(), ids(f));
}

// ---- TG203 -------------------------------------------------------------------------------------

TEST_CASE("TG203: an external role may decrypt directly") {
  Fixture fx;
  fx.inventory.keys.push_back(KeyRecord{});
  KeyRecord& key = fx.inventory.keys.back();
  key.arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  key.account = kOwner;
  key.region = "eu-west-1";
  PolicyUse& use = fx.add(key_policy_with(R"({"Sid": "PartnerApp", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::222233334444:role/app"},
     "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"})"),
                          PolicyKind::KeyPolicy);
  use.key = &key;
  auto f = fx.run("TG203");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::Warning);
  CHECK(line_of(f[0]) == 8);
  CHECK(text_of(f[0]) == "\"arn:aws:iam::222233334444:role/app\"");
  CHECK(contains(f[0].message, "kms:Decrypt"));
  CHECK(contains(f[0].message, "key policy of arn:aws:kms:eu-west-1"));
  CHECK(contains(f[0].fix, "secretsmanager.eu-west-1.amazonaws.com"));
  CHECK(contains(f[0].fix, "kms:ViaService"));
}

TEST_CASE("TG203: silent with kms:ViaService, for the owner's principals and for non-crypto actions") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/app"},
     "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
     "Condition": {"StringEquals": {"kms:viaService": "secretsmanager.us-east-1.amazonaws.com"}}})"),
         PolicyKind::KeyPolicy);
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
     "Action": "kms:Decrypt", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/app"},
     "Action": "kms:DescribeKey", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG203");
  CHECK_MESSAGE(f.empty(), ids(f));
}

TEST_CASE("TG203: '*' narrowed to another account by kms:CallerAccount counts as that account") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "*"},
     "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringEquals": {"kms:CallerAccount": ["111122223333",
                                                          "222233334444"]}}})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG203");
  REQUIRE(f.size() == 1);
  CHECK(line_of(f[0]) == 10);
  CHECK(text_of(f[0]) == "\"222233334444\"");
  CHECK(fx.run("TG202").empty());
}

// ---- TG204 -------------------------------------------------------------------------------------

TEST_CASE("TG204: an external account may administer the key") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "Partner", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::222233334444:root"},
     "Action": ["kms:Decrypt",
                "kms:*"], "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG204");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::Error);
  CHECK(line_of(f[0]) == 10);
  CHECK(text_of(f[0]) == "\"kms:*\"");
  CHECK(contains(f[0].message, "kms:PutKeyPolicy"));
  CHECK(contains(f[0].message, "account 222233334444"));
  CHECK(contains(f[0].fix, "kms:Decrypt"));
  CHECK(!contains(f[0].fix, "kms:*"));
}

TEST_CASE("TG204: CreateGrant needs kms:GrantIsForAWSResource") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/app"},
     "Action": ["kms:CreateGrant", "kms:ListGrants"], "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG204");
  REQUIRE(f.size() == 1);
  CHECK(contains(f[0].message, "kms:CreateGrant"));
  CHECK(contains(f[0].message, "GrantIsForAWSResource"));
  CHECK(line_of(f[0]) == 8);

  Fixture ok;
  ok.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/app"},
     "Action": ["kms:CreateGrant", "kms:ListGrants"], "Resource": "*",
     "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}})"),
         PolicyKind::KeyPolicy);
  CHECK(ok.run("TG204").empty());
}

TEST_CASE("TG204: '*' administrators are decided by evaluating the conditions") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": "*", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG204");
  REQUIRE(f.size() == 1);
  CHECK(contains(f[0].message, "any principal"));
  CHECK(f[0].fix.empty());
  CHECK(contains(f[0].fix_target, "remove"));

  Fixture ok;
  ok.add(key_policy_with(R"({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*",
     "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}}})"),
         PolicyKind::KeyPolicy);
  // Key administrators of the owner account.
  ok.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"},
     "Action": ["kms:Create*", "kms:Put*", "kms:ScheduleKeyDeletion", "kms:Disable*"], "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto g = ok.run("TG204");
  CHECK_MESSAGE(g.empty(), ids(g));
}

// ---- TG205 -------------------------------------------------------------------------------------

TEST_CASE("TG205: Allow with NotPrincipal, in any policy") {
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "AllButOne", "Effect": "Allow",
     "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/intern"},
     "Action": "kms:Decrypt", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG205");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::Error);
  CHECK(line_of(f[0]) == 8);
  CHECK(contains(text_of(f[0]), "role/intern"));
  CHECK(contains(f[0].message, "anonymous"));

  Fixture ok;
  ok.add(key_policy_with(R"({"Effect": "Deny",
     "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/admin"]},
     "Action": "kms:PutKeyPolicy", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  CHECK(ok.run("TG205").empty());
}

// ---- TG301 -------------------------------------------------------------------------------------

TEST_CASE("TG301: nobody may change the key policy") {
  Fixture fx;
  fx.add(R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AppOnly", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
     "Action": "kms:Decrypt", "Resource": "*"}
  ]
})",
         PolicyKind::KeyPolicy, "");
  auto f = fx.run("TG301");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::Warning);
  CHECK(line_of(f[0]) == 1);
  CHECK(contains(f[0].message, "no statement allows kms:PutKeyPolicy"));
  CHECK(contains(f[0].fix, "arn:aws:iam::111122223333:root"));
  CHECK(contains(f[0].fix, "kms:*"));
}

TEST_CASE("TG301: allows that cannot be used, and a Deny that overrides them") {
  Fixture fx;
  // Only a deleted role (unique id) and another account may change it.
  fx.add(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":["AROAEXAMPLEDELETED000","arn:aws:iam::222233334444:root"]},"Action":"kms:*","Resource":"*"},
    {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt","Resource":"*"}]})",
         PolicyKind::KeyPolicy);
  // The default statement overridden by an unconditioned Deny.
  fx.add(key_policy_with(R"({"Sid": "NoChanges", "Effect": "Deny", "Principal": "*",
     "Action": "kms:PutKeyPolicy", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG301");
  REQUIRE(f.size() == 2);
  CHECK(contains(f[0].message, "cannot use it"));
  CHECK(f[0].related.size() == 1);
  CHECK(contains(f[1].message, "statement \"NoChanges\" denies kms:PutKeyPolicy"));
}

TEST_CASE("TG301: silent for key administrators, conditioned denies and AWS-managed keys") {
  Fixture fx;
  fx.add(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/KeyAdmin"},"Action":["kms:Put*","kms:Describe*"],"Resource":"*"}]})",
         PolicyKind::KeyPolicy);
  fx.add(key_policy_with(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:PutKeyPolicy", "Resource": "*",
     "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/KeyAdmin"}}})"),
         PolicyKind::KeyPolicy);
  fx.inventory.keys.push_back(KeyRecord{});
  KeyRecord& managed = fx.inventory.keys.back();
  managed.arn = "arn:aws:kms:us-east-1:111122223333:key/aws-managed";
  managed.account = kOwner;
  managed.manager = KeyManager::Aws;
  PolicyUse& use = fx.add(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kms:Describe*","kms:Get*","kms:List*"],"Resource":"*"}]})",
                          PolicyKind::KeyPolicy);
  use.key = &managed;
  auto f = fx.run("TG301");
  CHECK_MESSAGE(f.empty(), ids(f));
}

// ---- bugs found in review ----------------------------------------------------------------------

TEST_CASE("TG201: an intended reader given as a session is related to the finding") {
  // Before: the fix named the session's role, but no related location pointed at the intent.
  Fixture fx;
  fx.inventory.intents.push_back(Intent{"arn:aws:sts::222233334444:assumed-role/app/session", "", {}});
  fx.inventory.intents.push_back(Intent{"arn:aws:iam::222233334444:role/app", "", {}});
  fx.inventory.intents.push_back(Intent{"arn:aws:iam::222233334444:user/ops", "", {}});
  fx.add(key_policy_with(R"({"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "222233334444"},
     "Action": "kms:Decrypt", "Resource": "*"},
    {"Sid": "B", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:root"},
     "Action": "kms:DescribeKey", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG201");
  REQUIRE(f.size() == 2);
  for (const Finding& finding : f) {  // the second finding reuses the readers found for the first
    REQUIRE(finding.related.size() == 4);
    CHECK(finding.related[1].message == "intended reader arn:aws:iam::222233334444:role/app");
    CHECK(finding.related[2].message == "intended reader arn:aws:iam::222233334444:role/app");
    CHECK(finding.related[3].message == "intended reader arn:aws:iam::222233334444:user/ops");
    CHECK(contains(finding.fix, "\"arn:aws:iam::222233334444:role/app\",\n      \"arn:aws:iam::222233334444:user/ops\""));
  }
}

TEST_CASE("TG203: kms:ViaService conditions that a direct call satisfies do not count") {
  // Before: any non-negated kms:ViaService condition silenced the rule, but a direct call has no
  // kms:ViaService, so ...IfExists, ForAllValues: and Null "true" all let it through.
  Fixture fx;
  for (const char* cond : {R"({"StringEqualsIfExists": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}})",
                           R"({"ForAllValues:StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}})",
                           R"({"Null": {"kms:ViaService": "true"}})"})
    fx.add(key_policy_with(std::string(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/app"},
     "Action": "kms:Decrypt", "Resource": "*", "Condition": )") + cond + "}"),
           PolicyKind::KeyPolicy);
  CHECK(fx.run("TG203").size() == 3);

  // The key must be present: only calls through a service.
  Fixture ok;
  ok.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/app"},
     "Action": "kms:Decrypt", "Resource": "*", "Condition": {"Null": {"kms:ViaService": "false"}}})"),
         PolicyKind::KeyPolicy);
  auto g = ok.run("TG203");
  CHECK_MESSAGE(g.empty(), ids(g));
}

TEST_CASE("TG203: a NotAction list is named with separators") {
  // Before: "every action but kms:Sign kms:Verify".
  Fixture fx;
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222233334444:role/app"},
     "NotAction": ["kms:Sign", "kms:Verify"], "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG203");
  REQUIRE(f.size() == 1);
  CHECK(contains(f[0].message, "(every action but kms:Sign, kms:Verify)"));
}

TEST_CASE("TG204 evaluates '*' for the outsider exactly as TG202 does") {
  // Before: TG204 had its own copy of the evaluation, which left aws:SourceOwner and
  // aws:SourceOrgPaths unknown, so it called this statement "possibly any principal".
  Fixture fx;
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:SourceOwner": "111122223333"}}})"),
         PolicyKind::KeyPolicy);
  fx.add(key_policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*",
     "Condition": {"ForAnyValue:StringLike": {"aws:SourceOrgPaths": "o-owner/*"}}})"),
         PolicyKind::KeyPolicy);
  auto tg202 = fx.run("TG202");
  CHECK_MESSAGE(tg202.empty(), ids(tg202));
  auto tg204 = fx.run("TG204");
  CHECK_MESSAGE(tg204.empty(), ids(tg204));
}

TEST_CASE("TG301: with a blocking Deny, usable allows are not called unusable") {
  // Before: every allow of kms:PutKeyPolicy was listed as "to principals that cannot use it",
  // the owner's root included, when the Deny was the reason.
  Fixture fx;
  fx.add(key_policy_with(R"({"Sid": "Dead", "Effect": "Allow", "Principal": {"AWS": "AROAEXAMPLEDELETED000"},
     "Action": "kms:PutKeyPolicy", "Resource": "*"},
    {"Sid": "NoChanges", "Effect": "Deny", "Principal": "*", "Action": "kms:PutKeyPolicy", "Resource": "*"})"),
         PolicyKind::KeyPolicy);
  auto f = fx.run("TG301");
  REQUIRE(f.size() == 1);
  CHECK(contains(f[0].message, "statement \"NoChanges\" denies kms:PutKeyPolicy"));
  REQUIRE(f[0].related.size() == 2);
  CHECK(f[0].related[0].message == "statement \"NoChanges\" denies kms:PutKeyPolicy");
  CHECK(f[0].related[1].message == "statement \"Dead\" allows kms:PutKeyPolicy to principals that cannot use it");
}

TEST_CASE("policy rules: a large policy reports every statement with its number") {
  // Speed is measured by benchmarks, not here; this pins that nothing is lost or misnumbered.
  constexpr int kStatements = 500;
  std::string statements;
  for (int i = 0; i < kStatements; ++i) {
    statements += std::string(i ? ",\n" : "") +
                  R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValue","Resource":"*",)" +
                  R"("Condition":{"IpAddress":{"aws:SourceIp":"10.)" + std::to_string(i / 256) + "." +
                  std::to_string(i % 256) + R"(.0/24"}}},)" + "\n" +
                  R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" + std::to_string(200000000000LL + i) +
                  R"(:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"})";
  }
  Fixture fx;
  fx.add(R"({"Version":"2012-10-17","Statement":[)" + statements + "]}", PolicyKind::SecretPolicy, "");
  auto tg202 = fx.run("TG202");
  auto tg201 = fx.run("TG201");
  CHECK(tg202.size() == kStatements);
  CHECK(tg201.size() == kStatements);
  CHECK(contains(tg202.back().message, "statement " + std::to_string(2 * kStatements - 1) + " "));
  CHECK(contains(tg201.back().message, "statement " + std::to_string(2 * kStatements) + " "));
}

TEST_CASE("policy rules: every rule has its documentation") {
  for (const char* id : {"TG201", "TG202", "TG203", "TG204", "TG205", "TG301"}) {
    const RuleInfo* r = find_rule(id);
    REQUIRE(r != nullptr);
    CHECK(!r->name.empty());
    CHECK(!r->summary.empty());
    CHECK(!r->doc.what.empty());
    CHECK(!r->doc.why.empty());
    CHECK(!r->doc.example.empty());
    CHECK(!r->doc.use_instead.empty());
    CHECK(!r->doc.fix.empty());
    CHECK((r->category == "policy" || r->category == "key"));
  }
}
