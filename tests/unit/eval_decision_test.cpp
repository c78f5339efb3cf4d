// Decision logic: semantics 1.1–1.8 and 2.1–2.3.
#include <doctest/doctest.h>

#include "eval_test_util.hpp"

using namespace threegate;
using namespace threegate::test;

namespace {

const char* kA = "111122223333";
const char* kSessionA = "arn:aws:sts::111122223333:assumed-role/app/s1";
const char* kRoleA = "arn:aws:iam::111122223333:role/app";
const char* kUserA = "arn:aws:iam::111122223333:user/alice";
const char* kSessionB = "arn:aws:sts::444455556666:assumed-role/ext/s1";
const char* kSecret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
const char* kKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd";

const Policy& allow_all_identity() { return stmt(R"("Effect":"Allow","Action":"*","Resource":"*")"); }
const Policy& secret_policy(const std::string& principal_json, const char* effect = "Allow") {
  return stmt(std::string(R"("Effect":")") + effect + R"(","Principal":)" + principal_json +
                  R"(,"Action":"secretsmanager:GetSecretValue","Resource":"*")",
              PolicyKind::SecretPolicy);
}
const Policy& key_policy(const std::string& principal_json, const std::string& extra = "") {
  return stmt(R"("Effect":"Allow","Principal":)" + principal_json + R"(,"Action":"kms:*","Resource":"*")" + extra,
              PolicyKind::KeyPolicy);
}

Request get_secret(const char* who, const char* owner = kA) {
  return request(who, "secretsmanager:GetSecretValue", kSecret, owner);
}
Request decrypt(const char* who) { return request(who, "kms:Decrypt", kKey, kA); }

}  // namespace

TEST_CASE("default deny, identity allow, explicit deny wins") {
  PolicySet ps;
  CHECK(decide(get_secret(kSessionA), ps) == Decision::ImplicitDeny);
  ps.identity = {&allow_all_identity()};
  CHECK(decide(get_secret(kSessionA), ps) == Decision::Allow);
  const Policy& deny = stmt(R"("Effect":"Deny","Action":"secretsmanager:*","Resource":"*")");
  ps.identity.push_back(&deny);
  const EvalResult r = evaluate(get_secret(kSessionA), ps);
  CHECK(r.decision == Decision::ExplicitDeny);
  REQUIRE(r.denies.size() == 1);
  CHECK(r.denies[0].statement == &deny.statements[0]);
  CHECK(r.allows.size() == 1);
  // A deny in the resource policy wins over identity allows too.
  PolicySet ps2;
  ps2.identity = {&allow_all_identity()};
  ps2.resource = &secret_policy(R"("*")", "Deny");
  CHECK(decide(get_secret(kSessionA), ps2) == Decision::ExplicitDeny);
}

TEST_CASE("NotAction and NotResource") {
  PolicySet ps;
  const Policy& p = stmt(R"("Effect":"Allow","NotAction":"kms:*","NotResource":"arn:aws:s3:::private/*")");
  ps.identity = {&p};
  CHECK(decide(request(kUserA, "s3:GetObject", "arn:aws:s3:::public/x"), ps) == Decision::Allow);
  CHECK(decide(request(kUserA, "s3:GetObject", "arn:aws:s3:::private/x"), ps) == Decision::ImplicitDeny);
  CHECK(decide(request(kUserA, "kms:Decrypt", kKey), ps) == Decision::ImplicitDeny);
}

TEST_CASE("same account: identity or resource policy suffices") {
  PolicySet ps;
  ps.resource = &secret_policy(R"({"AWS":"arn:aws:iam::111122223333:role/app"})");
  CHECK(decide(get_secret(kSessionA), ps) == Decision::Allow);
  // An account principal delegates to IAM and grants nothing by itself (semantics 1.6).
  ps.resource = &secret_policy(R"({"AWS":"111122223333"})");
  CHECK(decide(get_secret(kSessionA), ps) == Decision::ImplicitDeny);
  ps.identity = {&allow_all_identity()};
  CHECK(decide(get_secret(kSessionA), ps) == Decision::Allow);
  // Principal "*": same-account callers need nothing else (semantics 1.7).
  PolicySet star;
  star.resource = &secret_policy(R"("*")");
  CHECK(decide(get_secret(kSessionA), star) == Decision::Allow);
  CHECK(decide(get_secret("anonymous"), star) == Decision::Allow);
}

TEST_CASE("resource grant to a session or user bypasses implicit deny of boundary; to a role does not") {
  const Policy& boundary = stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"*")", PolicyKind::Boundary);
  PolicySet ps;
  ps.boundary = &boundary;
  ps.resource = &secret_policy(R"({"AWS":"arn:aws:iam::111122223333:role/app"})");
  CHECK(decide(get_secret(kSessionA), ps) == Decision::ImplicitDeny);
  ps.resource = &secret_policy(R"({"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"})");
  CHECK(decide(get_secret(kSessionA), ps) == Decision::Allow);
  ps.resource = &secret_policy(R"({"AWS":"arn:aws:iam::111122223333:user/alice"})");
  CHECK(decide(get_secret(kUserA), ps) == Decision::Allow);
  // Session policies behave the same way.
  PolicySet ss;
  ss.session = &stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"*")", PolicyKind::Session);
  ss.resource = &secret_policy(R"({"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"})");
  CHECK(decide(get_secret(kSessionA), ss) == Decision::Allow);
  ss.resource = &secret_policy(R"({"AWS":"arn:aws:iam::111122223333:role/app"})");
  CHECK(decide(get_secret(kSessionA), ss) == Decision::ImplicitDeny);
  // But an explicit deny in the boundary still wins.
  PolicySet d;
  d.boundary = &stmt(R"("Effect":"Deny","Action":"secretsmanager:*","Resource":"*")", PolicyKind::Boundary);
  d.resource = &secret_policy(R"({"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"})");
  CHECK(decide(get_secret(kSessionA), d) == Decision::ExplicitDeny);
  // Identity allow limited by the boundary.
  PolicySet ib;
  ib.identity = {&allow_all_identity()};
  ib.boundary = &boundary;
  const EvalResult r = evaluate(get_secret(kSessionA), ib);
  CHECK(r.decision == Decision::ImplicitDeny);
  // The boundary lacked an allow; so did the resource side (a grant to the session would do).
  REQUIRE(r.missing.size() == 2);
  CHECK(r.missing[0].role == PolicyRole::Boundary);
  CHECK(r.missing[1].role == PolicyRole::Resource);
}

TEST_CASE("cross account needs both sides") {
  PolicySet ps;
  ps.identity = {&allow_all_identity()};
  CHECK(decide(get_secret(kSessionB), ps) == Decision::ImplicitDeny);
  ps.resource = &secret_policy(R"({"AWS":"444455556666"})");  // account match counts here
  const EvalResult r = evaluate(get_secret(kSessionB), ps);
  CHECK(r.cross_account);
  CHECK(r.decision == Decision::Allow);
  PolicySet only_resource;
  only_resource.resource = &secret_policy(R"({"AWS":"arn:aws:sts::444455556666:assumed-role/ext/s1"})");
  const EvalResult r2 = evaluate(get_secret(kSessionB), only_resource);
  CHECK(r2.decision == Decision::ImplicitDeny);
  REQUIRE(r2.missing.size() == 1);
  CHECK(r2.missing[0].role == PolicyRole::Identity);
  // An empty resource_account is treated as the caller's account (same-account rules).
  PolicySet star;
  star.resource = &secret_policy(R"("*")");
  CHECK(decide(get_secret(kSessionB, ""), star) == Decision::Allow);
  CHECK(decide(get_secret(kSessionB, kA), star) == Decision::ImplicitDeny);
}

TEST_CASE("KMS: the key policy must allow") {
  PolicySet ps;
  ps.kms_key = true;
  ps.identity = {&allow_all_identity()};
  // IAM alone never allows a key (semantics 2.1).
  CHECK(decide(decrypt(kSessionA), ps) == Decision::ImplicitDeny);
  ps.resource = &key_policy(R"({"AWS":"arn:aws:iam::444455556666:root"})");
  CHECK(decide(decrypt(kSessionA), ps) == Decision::ImplicitDeny);
  // Delegation to IAM (the default "Enable IAM User Permissions" statement).
  ps.resource = &key_policy(R"({"AWS":"arn:aws:iam::111122223333:root"})");
  CHECK(decide(decrypt(kSessionA), ps) == Decision::Allow);
  PolicySet no_iam = ps;
  no_iam.identity.clear();
  CHECK(decide(decrypt(kSessionA), no_iam) == Decision::ImplicitDeny);
  // A direct grant needs no IAM.
  no_iam.resource = &key_policy(R"({"AWS":"arn:aws:iam::111122223333:role/app"})");
  CHECK(decide(decrypt(kSessionA), no_iam) == Decision::Allow);
  // IAM denies still apply.
  PolicySet deny = ps;
  const Policy& d = stmt(R"("Effect":"Deny","Action":"kms:Decrypt","Resource":"*")");
  deny.identity.push_back(&d);
  CHECK(decide(decrypt(kSessionA), deny) == Decision::ExplicitDeny);
  // A key-policy grant naming the session or user ARN directly is not limited by an implicit
  // deny of the boundary or session policy (semantics 1.4, 2.2). IAM User Guide,
  // reference_policies_evaluation-logic_policy-eval-denyallow: "If a resource-based policy grants
  // permission directly to the IAM user or the session principal that is making the request, then
  // an implicit deny in an identity-based policy, a permissions boundary, or a session policy does
  // not impact the final decision"; access_policies#policies_session: "a permissions boundary does
  // not limit permissions granted by a resource-based policy that specifies the ARN of the
  // resulting session". KMS only adds that the key policy must allow explicitly, which it does.
  const Policy& s3_only_boundary = stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"*")", PolicyKind::Boundary);
  const Policy& s3_only_session = stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"*")", PolicyKind::Session);
  PolicySet b = no_iam;
  b.resource = &key_policy(R"({"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"})");
  b.boundary = &s3_only_boundary;
  CHECK(decide(decrypt(kSessionA), b) == Decision::Allow);
  PolicySet bs = b;  // the same with a session policy instead
  bs.boundary = nullptr;
  bs.session = &s3_only_session;
  CHECK(decide(decrypt(kSessionA), bs) == Decision::Allow);
  PolicySet bu = b;  // a grant to the user ARN
  bu.resource = &key_policy(R"({"AWS":"arn:aws:iam::111122223333:user/alice"})");
  CHECK(decide(decrypt(kUserA), bu) == Decision::Allow);
  // A grant to the role ARN stays limited by them, as for other resources.
  PolicySet br = b;
  br.resource = &key_policy(R"({"AWS":"arn:aws:iam::111122223333:role/app"})");
  CHECK(decide(decrypt(kSessionA), br) == Decision::ImplicitDeny);
  PolicySet brs = bs;
  brs.resource = br.resource;
  CHECK(decide(decrypt(kSessionA), brs) == Decision::ImplicitDeny);
  // An explicit deny in the boundary still wins.
  PolicySet bd = b;
  bd.boundary = &stmt(R"("Effect":"Deny","Action":"kms:*","Resource":"*")", PolicyKind::Boundary);
  CHECK(decide(decrypt(kSessionA), bd) == Decision::ExplicitDeny);
  // So do SCPs: the grant does not escape a guardrail.
  PolicySet bscp = b;
  bscp.scps = {{&stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"*")", PolicyKind::Scp)}};
  CHECK(decide(decrypt(kSessionA), bscp) == Decision::ImplicitDeny);
}

TEST_CASE("KMS cross account: key policy and IAM, only some actions") {
  PolicySet ps;
  ps.kms_key = true;
  ps.resource = &key_policy(R"({"AWS":"arn:aws:iam::444455556666:root"})");
  CHECK(decide(decrypt(kSessionB), ps) == Decision::ImplicitDeny);  // no IAM
  ps.identity = {&allow_all_identity()};
  CHECK(decide(decrypt(kSessionB), ps) == Decision::Allow);
  // Administrative actions never work across accounts (semantics 2.3).
  const EvalResult r = evaluate(request(kSessionB, "kms:PutKeyPolicy", kKey, kA), ps);
  CHECK(r.decision == Decision::ImplicitDeny);
  REQUIRE(r.missing.size() == 1);
  CHECK(r.missing[0].role == PolicyRole::Resource);
  CHECK(decide(request(kSessionB, "kms:CreateGrant", kKey, kA), ps) == Decision::Allow);
}

TEST_CASE("AWS-managed secretsmanager key: same account needs no IAM, other accounts fail") {
  const Policy& managed = policy(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:CreateGrant","kms:DescribeKey"],"Resource":"*",
     "Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"secretsmanager.us-east-1.amazonaws.com"}}},
    {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:GenerateDataKey*","Resource":"*",
     "Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"},"StringLike":{"kms:ViaService":"secretsmanager.*.amazonaws.com"}}},
    {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"}]})",
                                 PolicyKind::KeyPolicy);
  PolicySet ps;
  ps.kms_key = true;
  ps.aws_managed_key = true;
  ps.resource = &managed;
  Request r = decrypt(kSessionA);
  r.context.set("kms:ViaService", "secretsmanager.us-east-1.amazonaws.com");
  CHECK(decide(r, ps) == Decision::Allow);
  Request direct = decrypt(kSessionA);  // not via Secrets Manager
  CHECK(decide(direct, ps) == Decision::ImplicitDeny);
  Request ext = request(kSessionB, "kms:Decrypt", kKey, kA);
  ext.context.set("kms:ViaService", "secretsmanager.us-east-1.amazonaws.com");
  ps.identity = {&allow_all_identity()};
  CHECK(decide(ext, ps) == Decision::ImplicitDeny);
  // AWS-managed keys are exempt from RCPs.
  const Policy& rcp = stmt(R"("Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*")", PolicyKind::Rcp);
  ps.rcps = {{&rcp}};
  CHECK(decide(r, ps) == Decision::Allow);
  ps.aws_managed_key = false;
  CHECK(decide(r, ps) == Decision::ExplicitDeny);
}

TEST_CASE("SCP levels: every level must allow; exemptions") {
  const Policy& full = stmt(R"("Effect":"Allow","Action":"*","Resource":"*")", PolicyKind::Scp);
  const Policy& s3only = stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"*")", PolicyKind::Scp);
  const Policy& deny_sm = stmt(R"("Effect":"Deny","Action":"secretsmanager:*","Resource":"*")", PolicyKind::Scp);
  PolicySet ps;
  ps.identity = {&allow_all_identity()};
  ps.scps = {{&full}, {&full}};
  CHECK(decide(get_secret(kSessionA), ps) == Decision::Allow);
  ps.scps = {{&full}, {&s3only}};
  const EvalResult r = evaluate(get_secret(kSessionA), ps);
  CHECK(r.decision == Decision::ImplicitDeny);
  REQUIRE(r.missing.size() == 1);
  CHECK(r.missing[0].role == PolicyRole::Scp);
  CHECK(r.missing[0].level == 1);
  ps.scps = {{&full, &deny_sm}};
  CHECK(decide(get_secret(kSessionA), ps) == Decision::ExplicitDeny);
  // SCPs guard the caller only: they never grant.
  PolicySet no_identity;
  no_identity.scps = {{&full}};
  CHECK(decide(get_secret(kSessionA), no_identity) == Decision::ImplicitDeny);
  // Management account and service-linked roles are not restricted.
  ps.scps = {{&s3only}};
  ps.scp_exempt = true;
  CHECK(decide(get_secret(kSessionA), ps) == Decision::Allow);
  ps.scp_exempt = false;
  CHECK(decide(get_secret("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForRDS/x"), ps) == Decision::Allow);
}

TEST_CASE("RCP deny applies to the resource's account unless exempt") {
  const Policy& rcp = policy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
    "Action":"secretsmanager:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-123"}}}]})",
                             PolicyKind::Rcp);
  PolicySet ps;
  ps.identity = {&allow_all_identity()};
  ps.rcps = {{&rcp}};
  CHECK(decide(get_secret(kSessionA), ps) == Decision::ExplicitDeny);
  Request in_org = get_secret(kSessionA);
  in_org.context.set("aws:PrincipalOrgID", "o-123");
  CHECK(decide(in_org, ps) == Decision::Allow);
  // RCP levels only deny: no allow is needed from them (RCPFullAWSAccess is implicit).
  const Policy& harmless = stmt(R"("Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*")", PolicyKind::Rcp);
  ps.rcps = {{&harmless}};
  CHECK(decide(get_secret(kSessionA), ps) == Decision::Allow);
  ps.rcps = {{&rcp}};
  ps.rcp_exempt = true;
  CHECK(decide(get_secret(kSessionA), ps) == Decision::Allow);
}

TEST_CASE("depends vs deny") {
  const Policy& cond_allow = stmt(R"("Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}})");
  const Policy& cond_deny = stmt(R"("Effect":"Deny","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})");
  Request r = get_secret(kSessionA);
  r.context.set_unknown("aws:PrincipalTag/team");
  r.context.set_unknown("aws:SourceIp");
  PolicySet ps;
  ps.identity = {&cond_allow};
  EvalResult res = evaluate(r, ps);
  CHECK(res.decision == Decision::Depends);
  CHECK(res.depends_on == std::vector<std::string>{"aws:PrincipalTag/team"});
  REQUIRE(res.missing.size() == 1);
  CHECK(res.missing[0].allowed == Tri::Unknown);
  // An unknown deny with no allow: denied either way.
  ps.identity = {&cond_deny};
  res = evaluate(r, ps);
  CHECK(res.decision == Decision::ImplicitDeny);
  CHECK(res.depends_on.empty());
  // Unknown deny, sure allow: depends on the deny's key.
  ps.identity = {&cond_deny, &allow_all_identity()};
  res = evaluate(r, ps);
  CHECK(res.decision == Decision::Depends);
  CHECK(res.depends_on == std::vector<std::string>{"aws:SourceIp"});
  // A definite deny settles it.
  r.context.set("aws:SourceIp", "10.1.2.3");
  CHECK(decide(r, ps) == Decision::ExplicitDeny);
  // An unknown allow that does not matter (another allow is sure) is not listed.
  ps.identity = {&cond_allow, &allow_all_identity()};
  res = evaluate(r, ps);
  CHECK(res.decision == Decision::Allow);
  CHECK(res.depends_on.empty());
  // explain = false fills only decision and depends_on.
  ps.identity = {&cond_allow};
  res = evaluate(r, ps, EvalOptions{false});
  CHECK(res.decision == Decision::Depends);
  CHECK(res.allows.empty());
  CHECK(res.missing.empty());
  CHECK(res.depends_on.size() == 1);
}

TEST_CASE("NotPrincipal with Deny") {
  const Policy& p = policy(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"},
    {"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/app","111122223333"]},"Action":"*","Resource":"*"}]})",
                           PolicyKind::SecretPolicy);
  PolicySet ps;
  ps.resource = &p;
  CHECK(decide(get_secret(kSessionA), ps) == Decision::Allow);
  CHECK(decide(get_secret(kUserA), ps) == Decision::ExplicitDeny);
  // With a permission boundary, NotPrincipal + Deny always denies (semantics 1.8).
  ps.boundary = &stmt(R"("Effect":"Allow","Action":"*","Resource":"*")", PolicyKind::Boundary);
  CHECK(decide(get_secret(kSessionA), ps) == Decision::ExplicitDeny);
}

TEST_CASE("service principals are judged by the resource policy alone") {
  PolicySet ps;
  ps.resource = &secret_policy(R"({"Service":"lambda.amazonaws.com"})");
  ps.scps = {{}};  // even an empty SCP level does not apply to services
  CHECK(decide(get_secret("lambda.amazonaws.com"), ps) == Decision::Allow);
  CHECK(decide(get_secret("ec2.amazonaws.com"), ps) == Decision::ImplicitDeny);
}

TEST_CASE("explain lists hits with principal match") {
  PolicySet ps;
  ps.kms_key = true;
  ps.resource = &key_policy(R"({"AWS":"arn:aws:iam::111122223333:root"})");
  ps.identity = {&allow_all_identity()};
  const EvalResult r = evaluate(decrypt(kRoleA), ps);
  CHECK(r.decision == Decision::Allow);
  REQUIRE(r.allows.size() == 2);
  CHECK(r.allows[0].role == PolicyRole::Identity);
  CHECK(r.allows[1].role == PolicyRole::Resource);
  CHECK(r.allows[1].principal_match == PrincipalMatch::Account);
  CHECK(r.allows[1].policy == ps.resource);
}
