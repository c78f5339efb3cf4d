// Matching primitives: glob, actions, ARNs, principals.
#include <doctest/doctest.h>

#include <string>

#include "eval_test_util.hpp"

using namespace threegate;
using namespace threegate::test;

TEST_CASE("glob: wildcards and case") {
  CHECK(glob_match("*", ""));
  CHECK(glob_match("a*c", "abbbc"));
  CHECK(glob_match("a?c", "abc"));
  CHECK_FALSE(glob_match("a?c", "ac"));
  CHECK(glob_match("a*", "a"));
  CHECK_FALSE(glob_match("abc", "abcd"));
  CHECK_FALSE(glob_match("ABC", "abc"));
  CHECK(glob_match("ABC", "abc", true));
  CHECK(glob_match("*b*b*", "abxbx"));
  CHECK_FALSE(glob_match("*b*b*", "abx"));
  CHECK(glob_match("**", "x"));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "x"));
}

TEST_CASE("glob: pathological pattern stays polynomial") {
  // Exponential backtracking would never finish here; correctness only, no timing.
  const std::string text(20000, 'a');
  CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*b", text));
  CHECK(glob_match("*a*a*a*a*a*a*a*a*a*a*a", text));
  CHECK_FALSE(glob_match("a*a*a*a*a*a*a*a*a*?b", text));
}

TEST_CASE("actions are case-insensitive") {
  CHECK(action_matches("kms:*", "kms:Decrypt"));
  CHECK(action_matches("KMS:decrypt", "kms:Decrypt"));
  CHECK(action_matches("kms:Get*", "kms:GetKeyPolicy"));
  CHECK(action_matches("kms:?ecrypt", "kms:Decrypt"));
  CHECK_FALSE(action_matches("kms:Get*", "kms:Decrypt"));
  CHECK_FALSE(action_matches("s3:*", "kms:Decrypt"));
  CHECK(action_matches("*", "kms:Decrypt"));
}

TEST_CASE("arn_matches: segment by segment, case-sensitive") {
  const char* key = "arn:aws:kms:us-east-1:111122223333:key/1234";
  CHECK(arn_matches("*", key));
  CHECK(arn_matches(key, key));
  CHECK(arn_matches("arn:aws:kms:*:111122223333:key/*", key));
  CHECK(arn_matches("arn:aws:kms:us-east-?:*:*", key));
  CHECK_FALSE(arn_matches("arn:aws:kms:us-east-1:111122223333:key/ABCD", key));
  CHECK_FALSE(arn_matches("arn:aws:kms:us-east-1:111122223333:Key/1234", key));  // case-sensitive
  // No wildcards in the service segment (reference_policies_elements_resource).
  CHECK_FALSE(arn_matches("arn:aws:*:us-east-1:111122223333:key/1234", key));
  // '*' inside a segment does not cross ':' into the next one.
  CHECK_FALSE(arn_matches("arn:aws:kms:*:key/1234", key));
  // The resource part keeps its ':' and '*' there spans them.
  CHECK(arn_matches("arn:aws:logs:us-east-1:1:log-group:*", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"));
  CHECK(arn_matches("arn:aws:secretsmanager:*:*:secret:db-*", "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf"));
  // A '*' ending a short pattern expands past later ':' (semantics 1.10).
  CHECK(arn_matches("arn:aws:kms:*", key));
  CHECK(arn_matches("arn:aws:kms:us-*", key));
  CHECK_FALSE(arn_matches("arn:aws:kms:us-east-1", key));
  CHECK_FALSE(arn_matches("arn:aws:kms:eu-*", key));
  CHECK(arn_matches("arn:*:kms:*:*:key/*", key));
  CHECK_FALSE(arn_matches("arn:aws-cn:kms:*:*:key/*", key));
}

TEST_CASE("parse_request_principal: every form") {
  RequestPrincipal p;
  std::string err;
  REQUIRE(parse_request_principal("arn:aws:iam::111122223333:user/dev/alice", p, err));
  CHECK(p.type == PrincipalType::User);
  CHECK(p.name == "alice");
  CHECK(p.account == "111122223333");
  REQUIRE(parse_request_principal("arn:aws:iam::111122223333:role/team/app", p, err));
  CHECK(p.type == PrincipalType::Role);
  CHECK(p.role_arn == p.arn);
  CHECK_FALSE(p.service_linked_role);
  REQUIRE(parse_request_principal("arn:aws:iam::111122223333:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX", p, err));
  CHECK(p.service_linked_role);
  REQUIRE(parse_request_principal("arn:aws-cn:sts::111122223333:assumed-role/app/sess-1", p, err));
  CHECK(p.type == PrincipalType::AssumedRole);
  CHECK(p.partition == "aws-cn");
  CHECK(p.role_arn == "arn:aws-cn:iam::111122223333:role/app");
  CHECK(p.name == "sess-1");
  REQUIRE(parse_request_principal("arn:aws-us-gov:sts::111122223333:federated-user/bob", p, err));
  CHECK(p.type == PrincipalType::FederatedUser);
  REQUIRE(parse_request_principal("111122223333", p, err));
  CHECK(p.type == PrincipalType::Account);
  CHECK(p.arn == "arn:aws:iam::111122223333:root");
  REQUIRE(parse_request_principal("arn:aws:iam::111122223333:root", p, err));
  CHECK(p.type == PrincipalType::Account);
  REQUIRE(parse_request_principal("secretsmanager.amazonaws.com", p, err));
  CHECK(p.type == PrincipalType::Service);
  CHECK(p.service == "secretsmanager.amazonaws.com");
  REQUIRE(parse_request_principal("anonymous", p, err));
  CHECK(p.type == PrincipalType::Anonymous);
  CHECK_FALSE(parse_request_principal("arn:aws:iam::12345:user/x", p, err));
  CHECK(err.find("12-digit") != std::string::npos);
  CHECK_FALSE(parse_request_principal("arn:foo:iam::111122223333:user/x", p, err));
  CHECK_FALSE(parse_request_principal("arn:aws:s3:::bucket", p, err));
  CHECK_FALSE(parse_request_principal("bob", p, err));
}

namespace {

PrincipalMatch pm(const std::string& principal_json, std::string_view who, const char* field = "Principal") {
  const Policy& p = stmt(std::string(R"("Effect":"Allow",")") + field + R"(":)" + principal_json +
                             R"(,"Action":"kms:Decrypt","Resource":"*")",
                         PolicyKind::KeyPolicy);
  return match_principal(p.statements.at(0), principal(who));
}

}  // namespace

TEST_CASE("match_principal") {
  const char* session = "arn:aws:sts::111122223333:assumed-role/app/s1";
  const char* user = "arn:aws:iam::111122223333:user/path/alice";
  CHECK(pm(R"("*")", session) == PrincipalMatch::Wildcard);
  CHECK(pm(R"({"AWS":"*"})", "anonymous") == PrincipalMatch::Wildcard);
  CHECK(pm(R"("*")", "anonymous") == PrincipalMatch::Wildcard);
  CHECK(pm(R"({"AWS":"arn:aws:iam::111122223333:root"})", session) == PrincipalMatch::Account);
  CHECK(pm(R"({"AWS":"111122223333"})", user) == PrincipalMatch::Account);
  CHECK(pm(R"({"AWS":"444455556666"})", user) == PrincipalMatch::None);
  // A role ARN (with or without path) matches its sessions: sessions carry no path.
  CHECK(pm(R"({"AWS":"arn:aws:iam::111122223333:role/some/path/app"})", session) == PrincipalMatch::Role);
  CHECK(pm(R"({"AWS":"arn:aws:iam::111122223333:role/app"})", session) == PrincipalMatch::Role);
  CHECK(pm(R"({"AWS":"arn:aws:iam::111122223333:role/other"})", session) == PrincipalMatch::None);
  CHECK(pm(R"({"AWS":"arn:aws:iam::444455556666:role/app"})", session) == PrincipalMatch::None);
  CHECK(pm(R"({"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"})", session) == PrincipalMatch::Exact);
  CHECK(pm(R"({"AWS":"arn:aws:sts::111122223333:assumed-role/app/s2"})", session) == PrincipalMatch::None);
  CHECK(pm(R"({"AWS":"arn:aws:iam::111122223333:user/path/alice"})", user) == PrincipalMatch::Exact);
  CHECK(pm(R"({"AWS":"arn:aws:iam::111122223333:user/alice"})", session) == PrincipalMatch::None);
  // Unique ids name a deleted principal: they match nothing.
  CHECK(pm(R"({"AWS":"AROAEXAMPLEID12345678"})", session) == PrincipalMatch::None);
  CHECK(pm(R"({"Service":"secretsmanager.amazonaws.com"})", "secretsmanager.amazonaws.com") == PrincipalMatch::Exact);
  CHECK(pm(R"({"Service":"secretsmanager.amazonaws.com"})", session) == PrincipalMatch::None);
  // The strongest entry wins: a direct grant beats account delegation.
  CHECK(pm(R"({"AWS":["111122223333","arn:aws:iam::111122223333:role/app"]})", session) == PrincipalMatch::Role);
  CHECK(pm(R"({"AWS":"arn:aws:iam::111122223333:root"})", "anonymous") == PrincipalMatch::None);
}

TEST_CASE("match_principal: NotPrincipal needs the account and the identity") {
  // reference_policies_elements_notprincipal: AWS checks the account, then the role, then the
  // session, so only listing both excludes the caller.
  const char* session = "arn:aws:sts::111122223333:assumed-role/app/s1";
  CHECK(pm(R"({"AWS":"arn:aws:iam::111122223333:role/app"})", session, "NotPrincipal") == PrincipalMatch::Wildcard);
  CHECK(pm(R"({"AWS":["arn:aws:iam::111122223333:role/app","111122223333"]})", session, "NotPrincipal") ==
        PrincipalMatch::None);
  CHECK(pm(R"({"AWS":"111122223333"})", session, "NotPrincipal") == PrincipalMatch::Wildcard);
  CHECK(pm(R"({"AWS":"111122223333"})", "111122223333", "NotPrincipal") == PrincipalMatch::None);
  CHECK(pm(R"({"AWS":"111122223333"})", "anonymous", "NotPrincipal") == PrincipalMatch::Wildcard);
  CHECK(pm(R"({"AWS":"*"})", "anonymous", "NotPrincipal") == PrincipalMatch::None);
}

TEST_CASE("add_implicit_context") {
  Request r = request("arn:aws:sts::111122223333:assumed-role/app/s1", "kms:Decrypt",
                      "arn:aws:kms:us-east-1:444455556666:key/k", "444455556666");
  const RequestContext& c = r.context;
  REQUIRE(c.find("aws:principalarn"));
  CHECK(c.find("aws:principalarn")->values[0] == "arn:aws:iam::111122223333:role/app");
  CHECK(c.find("aws:principalaccount")->values[0] == "111122223333");
  CHECK(c.find("aws:principaltype")->values[0] == "AssumedRole");
  CHECK(c.find("kms:calleraccount")->values[0] == "111122223333");
  CHECK(c.find("aws:resourceaccount")->values[0] == "444455556666");
  CHECK(c.find("aws:principalisawsservice")->values[0] == "false");
  CHECK(c.find("aws:username") == nullptr);
  CHECK(c.find("aws:userid") == nullptr);  // a role's unique id is not known: not invented

  Request u;
  u.principal = principal("arn:aws:iam::111122223333:user/alice");
  u.action = "s3:GetObject";
  u.context.set("aws:PrincipalArn", "kept");
  add_implicit_context(u);
  CHECK(u.context.find("aws:principalarn")->values[0] == "kept");  // never overwritten
  CHECK(u.context.find("aws:username")->values[0] == "alice");
  CHECK(u.context.find("aws:principaltype")->values[0] == "User");
  CHECK(u.context.find("kms:calleraccount") == nullptr);

  Request s;
  s.principal = principal("secretsmanager.amazonaws.com");
  s.action = "kms:Decrypt";
  add_implicit_context(s);
  CHECK(s.context.find("aws:principalisawsservice")->values[0] == "true");
  CHECK(s.context.find("aws:principalarn") == nullptr);
}

TEST_CASE("request context keys are case-insensitive; absent vs unknown") {
  RequestContext c;
  c.set("kms:CallerAccount", "1");
  REQUIRE(c.find("kms:calleraccount"));
  c.set("KMS:CALLERACCOUNT", "2");
  CHECK(c.entries().size() == 1);
  CHECK(c.find("kms:calleraccount")->values[0] == "2");
  c.erase("Kms:CallerAccount");
  CHECK(c.find("kms:calleraccount") == nullptr);
  CHECK_FALSE(c.absent_key_unknown("aws:sourceip"));
  c.absent_is_unknown = true;
  c.known_prefixes = {"kms:"};
  CHECK(c.absent_key_unknown("aws:sourceip"));
  CHECK_FALSE(c.absent_key_unknown("kms:viaservice"));
}

TEST_CASE("names") {
  CHECK(std::string(decision_name(Decision::ExplicitDeny)) == "explicit_deny");
  CHECK(std::string(decision_name(Decision::Depends)) == "depends");
  CHECK(std::string(policy_role_name(PolicyRole::Rcp)) == "rcp");
}
