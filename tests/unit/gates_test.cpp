// The three gates on small inventories: which gate closes, and why.
#include <doctest/doctest.h>

#include <filesystem>

#include "threegate/analysis.hpp"
#include "threegate/policy_parse.hpp"

using namespace threegate;

namespace {

constexpr const char* kSecret = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf";
constexpr const char* kKey = "arn:aws:kms:us-east-1:111111111111:key/k1";
constexpr const char* kRole = "arn:aws:iam::222222222222:role/app";

struct World {
  SourceSet sources;
  Inventory inv;
  Diagnostics diags;
};

std::unique_ptr<World> load(const std::string& text) {
  auto w = std::make_unique<World>();
  const SourceFile* f = w->sources.add("inv.json", text);
  auto r = parse_json(*f);
  REQUIRE(r.ok());
  std::vector<std::string> refs;
  load_inventory(*r.value, *f, w->sources, w->inv, w->diags, refs);
  for (const auto& d : w->diags) MESSAGE(d.message);
  REQUIRE(w->diags.empty());
  return w;
}

// A secret shared with role/app of 222222222222; pieces vary per test.
std::string inventory(const std::string& kms_key, const std::string& key_policy_statements,
                      const std::string& role_statements, const std::string& extra = "") {
  return R"({"keys": [{"arn": ")" + std::string(kKey) + R"(", "aliases": ["alias/app"], "policy":
      {"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"})" +
         key_policy_statements + R"(]}}],
    "secrets": [{"arn": ")" + kSecret + R"(", "kms_key": )" + kms_key + R"(, "policy":
      {"Version": "2012-10-17", "Statement": [{"Sid": "AllowApp", "Effect": "Allow",
        "Principal": {"AWS": ")" + kRole + R"("}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}}],
    "principals": [{"arn": ")" + kRole + R"(", "policies": [{"Version": "2012-10-17", "Statement": [)" + role_statements +
         R"(]}]}])" + extra + "}";
}

const char* kRoleReads = R"({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})";
const char* kKeyTrustsRole = R"(, {"Sid": "AllowApp", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
  "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})";

ReadCheck read(World& w, const std::string& principal = kRole, const std::string& region = "us-east-1") {
  RequestPrincipal p;
  std::string error;
  REQUIRE(parse_request_principal(principal, p, error));
  const SecretRecord* s = w.inv.find_secret(kSecret);
  REQUIRE(s);
  return check_read(w.inv, p, w.inv.find_principal(p.role_arn.empty() ? p.arn : p.role_arn), *s, region);
}

}  // namespace

TEST_CASE("gates: a correct cross-account share opens all three gates") {
  auto w = load(inventory("\"alias/app\"", kKeyTrustsRole, kRoleReads));
  ReadCheck c = read(*w);
  CHECK(c.cross_account);
  CHECK(c.key_policy.state == GateState::Open);
  CHECK(c.secret_policy.state == GateState::Open);
  CHECK(c.caller_iam.state == GateState::Open);
  CHECK(c.decision == Decision::Allow);
  // and for a session of the role
  ReadCheck s = read(*w, "arn:aws:sts::222222222222:assumed-role/app/i-0abc");
  CHECK(s.decision == Decision::Allow);
  ReadEvaluator fast(w->inv);
  CHECK(fast.decide(fast.add_caller(s.principal, s.principal_record), fast.add_target(*s.secret, "us-east-1")) ==
        Decision::Allow);
}

TEST_CASE("gates: the AWS-managed key closes the key gate for another account only") {
  auto w = load(inventory("null", "", kRoleReads));
  ReadCheck c = read(*w);
  CHECK(c.key_issue == KeyIssue::AwsManagedCrossAccount);
  CHECK(c.key_policy.state == GateState::Closed);
  CHECK(c.decision == Decision::ImplicitDeny);
  REQUIRE(c.key);
  CHECK(c.key->modelled);
  // A principal of the owner account reads through the AWS-managed key with no IAM decrypt.
  ReadCheck same = read(*w, "arn:aws:iam::111111111111:role/local");
  CHECK(same.key_policy.state == GateState::Open);
  CHECK(same.caller_iam.state == GateState::NotInInventory);
}

TEST_CASE("gates: a ViaService for another region closes the key gate") {
  std::string wrong = R"(, {"Sid": "AllowApp", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
    "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-west-2.amazonaws.com"}}})";
  auto w = load(inventory("\"alias/app\"", wrong, kRoleReads));
  ReadCheck c = read(*w);
  CHECK(c.key_policy.state == GateState::Closed);
  CHECK_FALSE(c.key_policy.explicit_deny);
  CHECK(c.secret_policy.state == GateState::Open);
  CHECK(c.decision == Decision::ImplicitDeny);
}

TEST_CASE("gates: the caller's IAM must allow both actions across accounts") {
  auto w = load(inventory("\"alias/app\"", kKeyTrustsRole,
                          R"({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"})"));
  ReadCheck c = read(*w);
  CHECK(c.caller_iam.state == GateState::Closed);
  CHECK(c.caller_iam.lacks_decrypt);
  CHECK_FALSE(c.caller_iam.lacks_secret_access);
  CHECK(c.key_policy.state == GateState::Open);
}

TEST_CASE("gates: an account principal in the key policy delegates to the caller's IAM") {
  std::string account = R"(, {"Sid": "Consumer", "Effect": "Allow", "Principal": {"AWS": "222222222222"},
    "Action": "kms:Decrypt", "Resource": "*"})";
  auto w = load(inventory("\"alias/app\"", account, kRoleReads));
  ReadCheck c = read(*w);
  CHECK(c.key_policy.state == GateState::Open);
  CHECK(c.decision == Decision::Allow);
}

TEST_CASE("gates: the secret version is unknown statically, so a condition on it gives depends") {
  std::string version = R"(, {"Sid": "AllowApp", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
    "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:EncryptionContext:SecretVersionId": "v1"}}})";
  auto w = load(inventory("\"alias/app\"", version, kRoleReads));
  ReadCheck c = read(*w);
  CHECK(c.key_policy.state == GateState::Depends);
  CHECK(c.decision == Decision::Depends);
  REQUIRE_FALSE(c.depends_on.empty());
  CHECK(c.depends_on.front() == "kms:EncryptionContext:SecretVersionId");
}

TEST_CASE("gates: a disabled key closes the key gate whatever the policy says") {
  std::string text = inventory("\"alias/app\"", kKeyTrustsRole, kRoleReads);
  text.replace(text.find("\"aliases\""), 0, "\"state\": \"Disabled\", ");
  auto w = load(text);
  ReadCheck c = read(*w);
  CHECK(c.key_issue == KeyIssue::Unusable);
  CHECK(c.key_policy.state == GateState::Closed);
  CHECK(c.decision == Decision::ImplicitDeny);
}

TEST_CASE("gates: an SCP level without an allow is a guardrail block") {
  std::string scp = R"(, "scps": {"222222222222": [[{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}],
      [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]]})";
  auto w = load(inventory("\"alias/app\"", kKeyTrustsRole, kRoleReads, scp));
  ReadCheck c = read(*w);
  CHECK(c.decision == Decision::ImplicitDeny);
  REQUIRE_FALSE(c.guardrail_missing.empty());
  CHECK(c.guardrail_missing.front().role == PolicyRole::Scp);
  CHECK(c.guardrail_missing.front().level == 1);
}

TEST_CASE("gates: replicas are checked against their own region's key") {
  std::string text = inventory("\"alias/app\"", kKeyTrustsRole, kRoleReads);
  text.replace(text.find("\"policy\":\n      {\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"AllowApp\""), 0,
               "\"replicas\": [{\"region\": \"eu-west-1\", \"kms_key\": null}], ");
  auto w = load(text);
  ReadCheck primary = read(*w);
  CHECK(primary.decision == Decision::Allow);
  ReadCheck replica = read(*w, kRole, "eu-west-1");
  CHECK(replica.replica);
  CHECK(replica.secret_arn == "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf");
  CHECK(replica.key_issue == KeyIssue::AwsManagedCrossAccount);
  CHECK(replica.decision == Decision::ImplicitDeny);
}

TEST_CASE("shares: derived from the secret policy, the key policy and declared intents") {
  std::string extra = R"(, "intents": [{"principal": "arn:aws:iam::333333333333:role/ops", "secret": ")" + std::string(kSecret) +
                      R"("}])";
  auto w = load(inventory("\"alias/app\"", kKeyTrustsRole, kRoleReads, extra));
  auto shares = derive_shares(w->inv);
  REQUIRE(shares.size() == 2);  // role/app (secret policy and key policy: once), role/ops (declared)
  CHECK(shares[0].principal == kRole);
  CHECK(shares[0].origin == ShareOrigin::SecretPolicy);
  CHECK(shares[1].principal == "arn:aws:iam::333333333333:role/ops");
  auto results = analyze_shares(w->inv);
  REQUIRE(results.size() == 2);
  // role/ops is not in the inventory: its caller_iam gate is not a failure.
  CHECK(results[1].checks.front().caller_iam.state == GateState::NotInInventory);
  CHECK(results[1].checks.front().secret_policy.state == GateState::Closed);
}

TEST_CASE("gates: the fast path agrees with the explained check on every fixture") {
  // Every principal (and the accounts named anywhere) against every secret and region of every
  // bundled inventory: ReadEvaluator::decide must equal check_read(...).decision.
  namespace fs = std::filesystem;
  size_t compared = 0;
  for (const char* root : {"fixtures/examples", "fixtures/rules"}) {
    fs::path dir = fs::path(THREEGATE_SOURCE_DIR) / root;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
      if (it->path().filename() != "inventory.json") continue;
      Analysis a;
      std::string usage;
      load_inputs({it->path().string()}, CheckOptions{}, a, usage);
      const Inventory& inv = a.scopes.back().inventory;
      ReadEvaluator fast(inv);
      std::vector<std::pair<RequestPrincipal, const PrincipalRecord*>> callers;
      for (const auto& p : inv.principals) {
        RequestPrincipal rp;
        std::string error;
        REQUIRE(parse_request_principal(p.arn, rp, error));
        callers.emplace_back(rp, &p);
      }
      for (const char* acct : {"111111111111", "222222222222", "333333333333"}) {
        RequestPrincipal rp;
        std::string error;
        REQUIRE(parse_request_principal(acct, rp, error));
        callers.emplace_back(rp, nullptr);
      }
      for (const auto& [rp, rec] : callers) {
        ReadEvaluator::CallerId c = fast.add_caller(rp, rec);
        for (const auto& s : inv.secrets) {
          std::vector<std::string> regions{s.region};
          for (const auto& r : s.replicas) regions.push_back(r.region);
          for (const auto& region : regions) {
            CAPTURE(it->path().string());
            CAPTURE(rp.arn);
            CAPTURE(region);
            CHECK(fast.decide(c, fast.add_target(s, region)) == check_read(inv, rp, rec, s, region).decision);
            ++compared;
          }
        }
      }
    }
  }
  CHECK(compared > 50);
}

TEST_CASE("gates: an AWS-managed key exported without its policy is modelled with the policy AWS fixes") {
  auto w = load(R"({"keys": [{"arn": "arn:aws:kms:us-east-1:111111111111:key/k9", "manager": "AWS",
      "aliases": ["alias/aws/secretsmanager"], "policy": null}],
    "secrets": [{"arn": ")" + std::string(kSecret) + R"(", "kms_key": "arn:aws:kms:us-east-1:111111111111:key/k9"}],
    "principals": [{"arn": "arn:aws:iam::111111111111:role/local", "policies": [{"Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}]}]})");
  // Same account: no IAM decrypt needed; another account: the key closes.
  ReadCheck same = read(*w, "arn:aws:iam::111111111111:role/local");
  CHECK(same.decision == Decision::Allow);
  CHECK(same.caller_iam.state == GateState::Open);
  ReadCheck other = read(*w);
  CHECK(other.key_issue == KeyIssue::AwsManagedCrossAccount);
  CHECK(other.key_policy.state == GateState::Closed);
}

TEST_CASE("gates: a same-account caller with an unknown key policy depends, it is not denied") {
  auto w = load(R"({"keys": [{"arn": "arn:aws:kms:us-east-1:111111111111:key/k1", "policy": null}],
    "secrets": [{"arn": ")" + std::string(kSecret) + R"(", "kms_key": "arn:aws:kms:us-east-1:111111111111:key/k1"}],
    "principals": [{"arn": "arn:aws:iam::111111111111:role/local", "policies": [{"Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}]}]})");
  ReadCheck c = read(*w, "arn:aws:iam::111111111111:role/local");
  CHECK(c.decision == Decision::Depends);
  CHECK(c.caller_iam.state == GateState::Depends);
  CHECK(c.key_policy.state == GateState::Depends);
}

TEST_CASE("gates: kms:ViaService ends in amazonaws.com in every partition") {
  auto w = load(R"({"secrets": [{"arn": "arn:aws-cn:secretsmanager:cn-north-1:111111111111:secret:db-AbCdEf", "kms_key": null}],
    "principals": [{"arn": "arn:aws-cn:iam::111111111111:role/local", "policies": [{"Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}]}]})");
  RequestPrincipal p;
  std::string error;
  REQUIRE(parse_request_principal("arn:aws-cn:iam::111111111111:role/local", p, error));
  const SecretRecord& s = w->inv.secrets.front();
  ReadCheck c = check_read(w->inv, p, w->inv.find_principal(p.arn), s, "cn-north-1");
  const ContextValue* via = c.decrypt_request.context.find("kms:viaservice");
  REQUIRE(via);
  CHECK(via->values.front() == "secretsmanager.cn-north-1.amazonaws.com");
  CHECK(c.decision == Decision::Allow);  // the AWS-managed key of its own account
}

TEST_CASE("inventory: a malformed entry is left out and said so, never kept with a default") {
  SourceSet sources;
  Inventory inv;
  Diagnostics diags;
  const SourceFile* f = sources.add("inv.json", R"({"secrets": [
    {"arn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:a-AbCdEf", "kms_key": 12},
    {"arn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:b-AbCdEf", "policy": "missing.json"},
    {"arn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:c-AbCdEf",
     "replicas": [{"region": "us-east-1"}, {"region": "not a region"}, {"region": "eu-west-1"}]}]})");
  auto r = parse_json(*f);
  REQUIRE(r.ok());
  std::vector<std::string> refs;
  load_inventory(*r.value, *f, sources, inv, diags, refs);
  REQUIRE(inv.secrets.size() == 1);
  CHECK(inv.secrets.front().name == "c-AbCdEf");
  REQUIRE(inv.secrets.front().replicas.size() == 1);
  CHECK(inv.secrets.front().replicas.front().region == "eu-west-1");
  CHECK(diags.size() >= 5);
  for (const auto& d : diags) CHECK(d.range.known());
}
