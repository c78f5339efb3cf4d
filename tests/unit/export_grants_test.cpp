// KMS grants in the key gate. What a grant does is settled from AWS's KMS developer guide:
// - `key-policy-modifying-external-accounts`: "users and roles in the external account cannot use
//   the CMK until you attach IAM policies that delegate those permissions, or use grants to manage
//   access to the CMK" — a grant stands in for the grantee's IAM allow, across accounts too;
// - `grants`: "A grant can allow access to a KMS key, but not deny access"; constraints
//   EncryptionContextSubset/Equals must hold for the request's encryption context;
// - `key-policies`: no principal has a permission "unless they are explicitly allowed, and never
//   denied, in a key policy, IAM policy, or grant" — denies still win; SCPs limit every request of
//   a member account's principals (Organizations guide `orgs_manage_policies_scps`).
#include <doctest/doctest.h>

#include "threegate/gates.hpp"
#include "threegate/policy_parse.hpp"

using namespace threegate;

namespace {

constexpr const char* kSecret = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf";
constexpr const char* kKey = "arn:aws:kms:us-east-1:111111111111:key/k1";
constexpr const char* kRole = "arn:aws:iam::222222222222:role/app";

struct World {
  SourceSet sources;
  Inventory inv;
};

// A secret on a key whose policy trusts only its own account; the secret policy lets role/app of
// 222222222222 read; role/app's IAM is `role_statements`. The grant is added by each test.
std::unique_ptr<World> world(const std::string& role_statements, const std::string& extra = "") {
  auto w = std::make_unique<World>();
  std::string text = R"({"keys": [{"arn": ")" + std::string(kKey) + R"(", "policy": {"Version": "2012-10-17", "Statement": [
      {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}]}}],
    "secrets": [{"arn": ")" + std::string(kSecret) + R"(", "kms_key": ")" + kKey + R"(", "policy": {"Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Principal": {"AWS": ")" + kRole + R"("}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}}],
    "principals": [{"arn": ")" + kRole + R"(", "policies": [{"Version": "2012-10-17", "Statement": [)" + role_statements +
                     R"(]}]}])" + extra + "}";
  const SourceFile* f = w->sources.add("inv.json", text);
  auto r = parse_json(*f);
  REQUIRE(r.ok());
  Diagnostics diags;
  std::vector<std::string> refs;
  load_inventory(*r.value, *f, w->sources, w->inv, diags, refs);
  for (const auto& d : diags) MESSAGE(d.message);
  REQUIRE(diags.empty());
  return w;
}

KeyGrant grant(std::string grantee, std::vector<std::string> ops = {"Decrypt"},
               std::vector<std::pair<std::string, std::string>> subset = {},
               std::vector<std::pair<std::string, std::string>> equals = {}) {
  KeyGrant g;
  g.grant_id = "g1";
  g.grantee = std::move(grantee);
  g.operations = std::move(ops);
  g.context_subset = std::move(subset);
  g.context_equals = std::move(equals);
  return g;
}

void add_grant(World& w, KeyGrant g) {
  KeyRecord& k = w.inv.keys.front();
  k.grants.push_back(std::move(g));
  compile_key_grants(k);
}

ReadCheck read(World& w, const std::string& principal = kRole) {
  RequestPrincipal p;
  std::string error;
  REQUIRE(parse_request_principal(principal, p, error));
  const SecretRecord* s = w.inv.find_secret(kSecret);
  REQUIRE(s);
  ReadCheck rc = check_read(w.inv, p, w.inv.find_principal(p.role_arn.empty() ? p.arn : p.role_arn), *s, "us-east-1");
  // The fast path agrees.
  ReadEvaluator fast(w.inv);
  auto c = fast.add_caller(p, w.inv.find_principal(p.role_arn.empty() ? p.arn : p.role_arn));
  auto t = fast.add_target(*s, "us-east-1");
  CHECK(fast.decide(c, t) == rc.decision);
  return rc;
}

const char* kReadOnly = R"({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"})";
const char* kReadAndDecrypt = R"({"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
                                 {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})";

}  // namespace

TEST_CASE("grants: without a grant the key policy keeps the other account out") {
  auto w = world(kReadAndDecrypt);
  ReadCheck rc = read(*w);
  CHECK(rc.decision == Decision::ImplicitDeny);
  CHECK(rc.key_policy.state == GateState::Closed);
}

TEST_CASE("grants: a Decrypt grant opens the key gate across accounts, no IAM kms:Decrypt needed") {
  auto w = world(kReadOnly);
  add_grant(*w, grant(kRole, {"Decrypt", "DescribeKey"}, {{"SecretARN", kSecret}}));
  ReadCheck rc = read(*w);
  CHECK(rc.decision == Decision::Allow);
  CHECK(rc.key_policy.state == GateState::Open);
  CHECK(rc.caller_iam.state == GateState::Open);
  bool grant_decides = false;
  for (const auto& h : rc.key_policy.deciding) grant_decides = grant_decides || (h.statement->sid && h.statement->sid->value == "grant g1");
  CHECK(grant_decides);
  // A session of the role is the grantee too.
  CHECK(read(*w, "arn:aws:sts::222222222222:assumed-role/app/s1").decision == Decision::Allow);
}

TEST_CASE("grants: the grant's constraints must hold for Secrets Manager's encryption context") {
  SUBCASE("another secret's ARN") {
    auto w = world(kReadAndDecrypt);
    add_grant(*w, grant(kRole, {"Decrypt"}, {{"SecretARN", "arn:aws:secretsmanager:us-east-1:111111111111:secret:other-XyZxYz"}}));
    CHECK(read(*w).key_policy.state == GateState::Closed);
  }
  SUBCASE("a key Secrets Manager does not send") {
    auto w = world(kReadAndDecrypt);
    add_grant(*w, grant(kRole, {"Decrypt"}, {{"aws:ebs:id", "vol-1"}}));
    CHECK(read(*w).decision == Decision::ImplicitDeny);
  }
  SUBCASE("constraint keys compare case-insensitively, values case-sensitively") {
    auto w = world(kReadOnly);
    add_grant(*w, grant(kRole, {"Decrypt"}, {{"secretarn", kSecret}}));
    CHECK(read(*w).decision == Decision::Allow);
    auto w2 = world(kReadOnly);
    add_grant(*w2, grant(kRole, {"Decrypt"}, {{"SecretARN", "ARN:AWS:SECRETSMANAGER:US-EAST-1:111111111111:SECRET:DB-ABCDEF"}}));
    CHECK(read(*w2).decision == Decision::ImplicitDeny);
  }
  SUBCASE("the version read is not known statically") {
    auto w = world(kReadOnly);
    add_grant(*w, grant(kRole, {"Decrypt"}, {{"SecretVersionId", "v-1"}}));
    ReadCheck rc = read(*w);
    CHECK(rc.decision == Decision::Depends);
  }
  SUBCASE("EncryptionContextEquals without SecretVersionId never matches: Secrets Manager sends both keys") {
    auto w = world(kReadOnly);
    add_grant(*w, grant(kRole, {"Decrypt"}, {}, {{"SecretARN", kSecret}}));
    CHECK(read(*w).decision == Decision::ImplicitDeny);
  }
  SUBCASE("EncryptionContextEquals with both keys depends on the version") {
    auto w = world(kReadOnly);
    add_grant(*w, grant(kRole, {"Decrypt"}, {}, {{"SecretARN", kSecret}, {"SecretVersionId", "v-1"}}));
    CHECK(read(*w).decision == Decision::Depends);
  }
}

TEST_CASE("grants: only a grant covering Decrypt opens the gate, and only for its grantee") {
  auto w = world(kReadAndDecrypt);
  add_grant(*w, grant(kRole, {"Encrypt", "GenerateDataKey"}));
  CHECK(read(*w).key_policy.state == GateState::Closed);
  auto w2 = world(kReadAndDecrypt);
  add_grant(*w2, grant("arn:aws:iam::222222222222:role/other"));
  CHECK(read(*w2).key_policy.state == GateState::Closed);
  auto w3 = world(kReadAndDecrypt);
  add_grant(*w3, grant("secretsmanager.us-east-1.amazonaws.com"));
  CHECK(read(*w3).key_policy.state == GateState::Closed);
}

TEST_CASE("grants: a grant to an account delegates to that account's IAM") {
  auto without = world(kReadOnly);
  add_grant(*without, grant("arn:aws:iam::222222222222:root"));
  ReadCheck rc = read(*without);
  CHECK(rc.decision == Decision::ImplicitDeny);
  CHECK(rc.key_policy.state == GateState::Open);
  CHECK(rc.caller_iam.state == GateState::Closed);
  CHECK(rc.caller_iam.lacks_decrypt);
  auto with = world(kReadAndDecrypt);
  add_grant(*with, grant("222222222222"));
  CHECK(read(*with).decision == Decision::Allow);
}

TEST_CASE("grants: denies and SCPs still apply to the grantee") {
  SUBCASE("an IAM deny") {
    auto w = world(std::string(kReadOnly) + R"(, {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})");
    add_grant(*w, grant(kRole));
    CHECK(read(*w).decision == Decision::ExplicitDeny);
  }
  SUBCASE("an SCP deny of the grantee's account") {
    auto w = world(kReadOnly, R"(, "scps": {"222222222222": [[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]}]]})");
    add_grant(*w, grant(kRole));
    CHECK(read(*w).decision == Decision::ExplicitDeny);
  }
  SUBCASE("an SCP level without an allow") {
    auto w = world(kReadOnly, R"(, "scps": {"222222222222": [[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}]}]]})");
    add_grant(*w, grant(kRole));
    CHECK(read(*w).decision == Decision::ImplicitDeny);
  }
}

TEST_CASE("grants: the fast path binds a grant's identity policy for its pair only") {
  auto w = world(kReadOnly, R"(, "intents": [])");
  // A second secret on another key without grants, and a second caller.
  w->inv.keys.push_back(w->inv.keys.front());
  KeyRecord& plain = w->inv.keys.back();
  plain.arn = "arn:aws:kms:us-east-1:111111111111:key/k2";
  plain.key_id = "k2";
  plain.grants.clear();
  plain.policy_with_grants.reset();
  SecretRecord other = w->inv.secrets.front();
  other.arn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:other-QwErTy";
  other.kms_key = plain.arn;
  w->inv.secrets.push_back(other);
  add_grant(*w, grant(kRole));
  RequestPrincipal p;
  std::string error;
  REQUIRE(parse_request_principal(kRole, p, error));
  ReadEvaluator fast(w->inv);
  auto c = fast.add_caller(p, w->inv.find_principal(kRole));
  auto granted = fast.add_target(w->inv.secrets.front(), "us-east-1");
  auto ungranted = fast.add_target(w->inv.secrets.back(), "us-east-1");
  for (int i = 0; i < 3; ++i) {
    CHECK(fast.decide(c, granted) == Decision::Allow);
    CHECK(fast.decide(c, ungranted) == Decision::ImplicitDeny);
  }
}
