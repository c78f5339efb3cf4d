#include <doctest/doctest.h>

#include "threegate/policy_parse.hpp"

using namespace threegate;

namespace {

struct Parsed {
  SourceSet sources;
  Diagnostics diags;
  std::optional<Policy> policy;
};

std::unique_ptr<Parsed> parse(const std::string& text, PolicyKind kind) {
  auto p = std::make_unique<Parsed>();
  p->policy = parse_policy_text(p->sources, text, kind, p->diags, "p.json");
  return p;
}

bool has(const Diagnostics& d, const std::string& rule, const std::string& part) {
  for (const auto& x : d) {
    if (x.rule_id == rule && x.message.find(part) != std::string::npos) return true;
  }
  return false;
}

uint32_t line_of(const Range& r) { return r.file->line_col(r.begin).line; }

}  // namespace

TEST_CASE("policy: the whole grammar reads into the model") {
  auto p = parse(R"({
  "Version": "2012-10-17",
  "Id": "key-policy",
  "Statement": [{
    "Sid": "AllowApp",
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::222222222222:role/app", "333333333333"], "Service": "logs.amazonaws.com"},
    "NotAction": "kms:ScheduleKeyDeletion",
    "Resource": "*",
    "Condition": {
      "ForAnyValue:StringLikeIfExists": {"kms:EncryptionContextKeys": ["SecretARN", "x*"]},
      "Bool": {"aws:SecureTransport": true},
      "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
      "Null": {"aws:PrincipalTag/team": "false"}
    }
  }, {
    "Effect": "Deny", "NotPrincipal": {"AWS": "*"}, "Action": ["KMS:Decrypt"], "NotResource": ["arn:aws:kms:*:*:key/x"]
  }]
})",
                 PolicyKind::KeyPolicy);
  REQUIRE(p->policy);
  CHECK(p->diags.empty());
  const Policy& pol = *p->policy;
  CHECK(pol.valid);
  CHECK(pol.variables_enabled());
  REQUIRE(pol.statements.size() == 2);
  const Statement& s = pol.statements[0];
  CHECK(s.sid->value == "AllowApp");
  CHECK(s.effect == Effect::Allow);
  CHECK(s.principals.size() == 3);
  CHECK(s.principals[2].kind == PrincipalKind::Service);
  CHECK(s.not_action);
  CHECK(s.actions_lower[0] == "kms:schedulekeydeletion");
  REQUIRE(s.conditions.size() == 4);
  CHECK(s.conditions[0].set == SetOperator::ForAnyValue);
  CHECK(s.conditions[0].if_exists);
  CHECK(s.conditions[0].op == ConditionOperator::StringLike);
  CHECK(s.conditions[0].key_lower == "kms:encryptioncontextkeys");
  CHECK(s.conditions[0].values.size() == 2);
  CHECK(s.conditions[1].values[0].value == "true");
  CHECK(s.conditions[2].values[0].value == "3600");
  CHECK(s.conditions[3].op == ConditionOperator::Null);
  CHECK(line_of(s.conditions[2].key_range) == 13);
  const Statement& d = pol.statements[1];
  CHECK(d.effect == Effect::Deny);
  CHECK(d.principal_field == PrincipalField::NotPrincipal);
  CHECK(d.not_resource);
  CHECK(d.actions_lower[0] == "kms:decrypt");
}

TEST_CASE("policy: a single statement object and string principal \"*\"") {
  auto p = parse(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}})",
                 PolicyKind::SecretPolicy);
  REQUIRE(p->policy);
  CHECK(p->diags.empty());
  REQUIRE(p->policy->statements.size() == 1);
  CHECK(p->policy->statements[0].principals[0].kind == PrincipalKind::Any);
}

TEST_CASE("policy: invalid policies give TG402 at the element") {
  SUBCASE("effect is case-sensitive") {
    auto p = parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\n\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}",
                   PolicyKind::Identity);
    CHECK(has(p->diags, "TG402", "Effect must be"));
    CHECK(line_of(p->diags[0].range) == 2);
    REQUIRE(p->policy);
    CHECK_FALSE(p->policy->valid);
    CHECK(p->policy->statements.empty());  // a statement without a valid Effect is not evaluated
  }
  SUBCASE("unknown element with a case hint") {
    auto p = parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","action":"s3:*","Resource":"*"}]})",
                   PolicyKind::Identity);
    CHECK(has(p->diags, "TG402", "element names are case-sensitive: \"Action\""));
    CHECK(has(p->diags, "TG402", "no Action or NotAction"));
  }
  SUBCASE("version") {
    auto p = parse(R"({"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
                   PolicyKind::Identity);
    CHECK(has(p->diags, "TG402", "Version must be"));
  }
  SUBCASE("identity policies take no Principal; resource policies need one") {
    auto id = parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})",
                    PolicyKind::Identity);
    CHECK(has(id->diags, "TG402", "identity policies do not take a Principal"));
    auto key = parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})",
                     PolicyKind::KeyPolicy);
    CHECK(has(key->diags, "TG402", "needs a Principal"));
  }
  SUBCASE("conditions") {
    auto p = parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
      "Condition":{"StringEqual":{"a:b":"c"},"NullIfExists":{"a:b":"true"},"StringEquals":{"a:b":{"x":1}},
                   "Bool":{"a:c":[]}}}]})",
                   PolicyKind::Identity);
    CHECK(has(p->diags, "TG402", "unknown condition operator \"StringEqual\""));
    CHECK(has(p->diags, "TG402", "Null operator has no IfExists"));
    CHECK(has(p->diags, "TG402", "must be a string, number or boolean"));
    CHECK(has(p->diags, "TG402", "empty list of values"));
  }
  SUBCASE("both Action and NotAction, bad principal type, duplicate element") {
    auto p = parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Principal":{"IAM":"x"},
      "Action":"kms:Decrypt","NotAction":"kms:Encrypt","Resource":"*"}]})",
                   PolicyKind::KeyPolicy);
    CHECK(has(p->diags, "TG402", "both Action and NotAction"));
    CHECK(has(p->diags, "TG402", "unknown principal type \"IAM\""));
    CHECK(has(p->diags, "TG402", "duplicate element \"Effect\""));
  }
  SUBCASE("not an object") {
    auto p = parse("[1]", PolicyKind::Identity);
    CHECK_FALSE(p->policy);
    CHECK(has(p->diags, "TG402", "must be a JSON object"));
  }
}

TEST_CASE("policy: malformed JSON is TG401") {
  auto p = parse("{\"Version\": \"2012-10-17\",}", PolicyKind::Identity);
  CHECK_FALSE(p->policy);
  REQUIRE(p->diags.size() == 1);
  CHECK(p->diags[0].rule_id == "TG401");
}

TEST_CASE("policy: a policy in a JSON string reports problems inside the string") {
  SourceSet sources;
  Diagnostics diags;
  std::string text = "{\"Policy\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":\\\"kms:Decrypt\\\",\\\"Resourse\\\":\\\"*\\\"}]}\"}";
  const SourceFile* f = sources.add("kp.json", text);
  auto outer = parse_json(*f);
  REQUIRE(outer.ok());
  auto pol = parse_policy(*outer.value->find("Policy"), PolicyKind::KeyPolicy, "kp", diags);
  REQUIRE(pol);
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message.find("\"Resourse\"") != std::string::npos);
  CHECK(diags[0].range.begin == text.find("\\\"Resourse"));
}

TEST_CASE("policy: kind detection") {
  auto detect = [](const char* text) {
    SourceFile f("d.json", text);
    auto r = parse_json(f);
    REQUIRE(r.ok());
    return detect_policy_kind(*r.value);
  };
  CHECK(detect(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"1"},"Action":"kms:Decrypt","Resource":"*"}]})") ==
        PolicyKind::KeyPolicy);
  CHECK(detect(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"1"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]})") ==
        PolicyKind::SecretPolicy);
  CHECK(detect(R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})") == PolicyKind::Identity);
  CHECK(detect(R"({"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})") ==
        PolicyKind::Unknown);
  // A perimeter: only Deny statements for every principal.
  CHECK(detect(R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":["kms:*","s3:*"],"Resource":"*",
    "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-1"}}}]})") == PolicyKind::Rcp);
}
