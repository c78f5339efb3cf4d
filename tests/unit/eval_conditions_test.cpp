// Condition operators, absent and unknown keys, set operators, policy variables.
#include <doctest/doctest.h>

#include "eval/eval_internal.hpp"
#include "eval_test_util.hpp"

using namespace threegate;
using namespace threegate::test;

namespace {

const char* kUser = "arn:aws:iam::111122223333:user/alice";

// An identity Allow with this Condition block: True = allow, False = implicit deny, Unknown = depends.
Tri cond(const std::string& condition, const RequestContext& ctx, std::vector<std::string>* depends = nullptr,
         const char* version = "2012-10-17") {
  const Policy& p = policy(std::string(R"({"Version":")") + version +
                           R"(","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":)" +
                           condition + "}]}");
  Request r;
  r.principal = principal(kUser);
  r.action = "s3:GetObject";
  r.resource = "arn:aws:s3:::b/k";
  r.context = ctx;
  PolicySet ps;
  ps.identity = {&p};
  const EvalResult res = evaluate(r, ps, EvalOptions{false});
  if (depends) *depends = res.depends_on;
  switch (res.decision) {
    case Decision::Allow: return Tri::True;
    case Decision::Depends: return Tri::Unknown;
    default: return Tri::False;
  }
}

RequestContext ctx1(const char* key, std::string value) {
  RequestContext c;
  c.set(key, std::move(value));
  return c;
}

RequestContext ctx_multi(const char* key, std::vector<std::string> values) {
  RequestContext c;
  c.set_multi(key, std::move(values));
  return c;
}

const RequestContext kEmpty;

}  // namespace

TEST_CASE("string operators") {
  auto c = ctx1("aws:PrincipalTag/team", "Blue");
  CHECK(cond(R"({"StringEquals":{"aws:PrincipalTag/team":"Blue"}})", c) == Tri::True);
  CHECK(cond(R"({"StringEquals":{"aws:PrincipalTag/team":"blue"}})", c) == Tri::False);
  CHECK(cond(R"({"StringEquals":{"aws:PrincipalTag/team":["red","Blue"]}})", c) == Tri::True);  // values ORed
  CHECK(cond(R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}})", c) == Tri::True);
  CHECK(cond(R"({"StringNotEquals":{"aws:PrincipalTag/team":["red","green"]}})", c) == Tri::True);
  CHECK(cond(R"({"StringNotEquals":{"aws:PrincipalTag/team":["red","Blue"]}})", c) == Tri::False);
  CHECK(cond(R"({"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"blue"}})", c) == Tri::False);
  CHECK(cond(R"({"StringLike":{"aws:PrincipalTag/team":"B*e"}})", c) == Tri::True);
  CHECK(cond(R"({"StringLike":{"aws:PrincipalTag/team":"b*"}})", c) == Tri::False);
  CHECK(cond(R"({"StringNotLike":{"aws:PrincipalTag/team":"R*"}})", c) == Tri::True);
  // Condition key names are case-insensitive (semantics 1.11).
  CHECK(cond(R"({"StringEquals":{"AWS:principaltag/TEAM":"Blue"}})", c) == Tri::True);
}

TEST_CASE("absent keys") {
  CHECK(cond(R"({"StringEquals":{"aws:SourceVpc":"vpc-1"}})", kEmpty) == Tri::False);
  CHECK(cond(R"({"StringNotEquals":{"aws:SourceVpc":"vpc-1"}})", kEmpty) == Tri::True);
  CHECK(cond(R"({"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}})", kEmpty) == Tri::True);
  CHECK(cond(R"({"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}})", ctx1("aws:SourceVpc", "vpc-2")) == Tri::False);
  CHECK(cond(R"({"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}})", ctx1("aws:SourceVpc", "vpc-1")) == Tri::True);
  CHECK(cond(R"({"ForAllValues:StringEquals":{"aws:TagKeys":"a"}})", kEmpty) == Tri::True);
  CHECK(cond(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}})", kEmpty) == Tri::False);
  CHECK(cond(R"({"NumericLessThan":{"s3:max-keys":"10"}})", kEmpty) == Tri::False);
  CHECK(cond(R"({"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}})", kEmpty) == Tri::True);
}

TEST_CASE("Null") {
  CHECK(cond(R"({"Null":{"aws:TokenIssueTime":"true"}})", kEmpty) == Tri::True);
  CHECK(cond(R"({"Null":{"aws:TokenIssueTime":"false"}})", kEmpty) == Tri::False);
  auto c = ctx1("aws:TokenIssueTime", "2024-01-01T00:00:00Z");
  CHECK(cond(R"({"Null":{"aws:TokenIssueTime":"true"}})", c) == Tri::False);
  CHECK(cond(R"({"Null":{"aws:TokenIssueTime":"false"}})", c) == Tri::True);
  RequestContext u;
  u.set_unknown("aws:TokenIssueTime");  // present, value unknown: Null is decided
  CHECK(cond(R"({"Null":{"aws:TokenIssueTime":"false"}})", u) == Tri::True);
  RequestContext a;
  a.absent_is_unknown = true;  // presence itself unknown
  CHECK(cond(R"({"Null":{"aws:TokenIssueTime":"false"}})", a) == Tri::Unknown);
}

TEST_CASE("numeric, date, bool, binary") {
  auto n = ctx1("s3:max-keys", "10");
  CHECK(cond(R"({"NumericEquals":{"s3:max-keys":"10"}})", n) == Tri::True);
  CHECK(cond(R"({"NumericEquals":{"s3:max-keys":"10.0"}})", n) == Tri::True);
  CHECK(cond(R"({"NumericNotEquals":{"s3:max-keys":"10"}})", n) == Tri::False);
  CHECK(cond(R"({"NumericLessThan":{"s3:max-keys":"11"}})", n) == Tri::True);
  CHECK(cond(R"({"NumericLessThan":{"s3:max-keys":"10"}})", n) == Tri::False);
  CHECK(cond(R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})", n) == Tri::True);
  CHECK(cond(R"({"NumericGreaterThan":{"s3:max-keys":"9"}})", n) == Tri::True);
  CHECK(cond(R"({"NumericGreaterThanEquals":{"s3:max-keys":"11"}})", n) == Tri::False);
  // Unparseable values match nothing (no crash): the bad value is skipped.
  CHECK(cond(R"({"NumericEquals":{"s3:max-keys":"ten"}})", n) == Tri::False);
  CHECK(cond(R"({"NumericEquals":{"s3:max-keys":["ten","10"]}})", n) == Tri::True);
  CHECK(cond(R"({"NumericEquals":{"s3:max-keys":"10"}})", ctx1("s3:max-keys", "x")) == Tri::False);

  auto d = ctx1("aws:CurrentTime", "2024-06-01T12:00:00Z");
  CHECK(cond(R"({"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}})", d) == Tri::True);
  CHECK(cond(R"({"DateLessThan":{"aws:CurrentTime":"2024-01-01"}})", d) == Tri::False);
  CHECK(cond(R"({"DateEquals":{"aws:CurrentTime":"2024-06-01T14:00:00+02:00"}})", d) == Tri::True);
  CHECK(cond(R"({"DateEquals":{"aws:CurrentTime":"1717243200"}})", d) == Tri::True);  // epoch seconds
  CHECK(cond(R"({"DateNotEquals":{"aws:CurrentTime":"2024-06-01T12:00:00.000Z"}})", d) == Tri::False);
  CHECK(cond(R"({"DateLessThanEquals":{"aws:CurrentTime":"2024-06-01T12:00Z"}})", d) == Tri::True);
  CHECK(cond(R"({"DateGreaterThanEquals":{"aws:CurrentTime":"not a date"}})", d) == Tri::False);

  auto b = ctx1("aws:SecureTransport", "true");
  CHECK(cond(R"({"Bool":{"aws:SecureTransport":"true"}})", b) == Tri::True);
  CHECK(cond(R"({"Bool":{"aws:SecureTransport":true}})", b) == Tri::True);  // JSON boolean
  CHECK(cond(R"({"Bool":{"aws:SecureTransport":"false"}})", b) == Tri::False);
  CHECK(cond(R"({"Bool":{"aws:SecureTransport":"false"}})", kEmpty) == Tri::False);
  CHECK(cond(R"({"BoolIfExists":{"aws:SecureTransport":"false"}})", kEmpty) == Tri::True);

  auto bin = ctx1("custom:bytes", "aGVsbG8=");
  CHECK(cond(R"({"BinaryEquals":{"custom:bytes":"aGVsbG8="}})", bin) == Tri::True);
  CHECK(cond(R"({"BinaryEquals":{"custom:bytes":"aGVsbG8"}})", bin) == Tri::True);  // padding optional
  CHECK(cond(R"({"BinaryEquals":{"custom:bytes":"d29ybGQ="}})", bin) == Tri::False);
  CHECK(cond(R"({"BinaryEquals":{"custom:bytes":"!!"}})", bin) == Tri::False);
}

TEST_CASE("ip addresses v4 and v6") {
  auto v4 = ctx1("aws:SourceIp", "203.0.113.7");
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", v4) == Tri::True);
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"203.0.113.7"}})", v4) == Tri::True);
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"203.0.112.0/24"}})", v4) == Tri::False);
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})", v4) == Tri::True);
  CHECK(cond(R"({"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.0/25"]}})", v4) == Tri::False);
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", v4) == Tri::False);
  auto v6 = ctx1("aws:SourceIp", "2001:db8:0:1::5");
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})", v6) == Tri::True);
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"2001:db9::/32"}})", v6) == Tri::False);
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})", ctx1("aws:SourceIp", "bogus")) == Tri::False);
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}})", v4) == Tri::False);
}

TEST_CASE("arn operators: ArnEquals and ArnLike both glob per segment") {
  auto c = ctx1("aws:PrincipalArn", "arn:aws:iam::111122223333:role/app");
  CHECK(cond(R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}})", c) == Tri::True);
  CHECK(cond(R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}})", c) == Tri::True);
  CHECK(cond(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/a*"}})", c) == Tri::True);
  CHECK(cond(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:*"}})", c) == Tri::False);
  CHECK(cond(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:*"}})", c) == Tri::True);
  CHECK(cond(R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}})", c) == Tri::False);
}

TEST_CASE("set operators") {
  auto tags = ctx_multi("aws:TagKeys", {"env", "team"});
  CHECK(cond(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env","team","cost"]}})", tags) == Tri::True);
  CHECK(cond(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}})", tags) == Tri::False);
  CHECK(cond(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["env"]}})", tags) == Tri::True);
  CHECK(cond(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["x"]}})", tags) == Tri::False);
  CHECK(cond(R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env"]}})", tags) == Tri::True);
  CHECK(cond(R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["env"]}})", tags) == Tri::False);
  CHECK(cond(R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":["x"]}})", tags) == Tri::True);
  CHECK(cond(R"({"ForAnyValue:StringLike":{"aws:TagKeys":["te*"]}})", tags) == Tri::True);
  // kms:EncryptionContextKeys on an empty context: ForAnyValue fails, ForAllValues passes (semantics 2.6).
  auto empty = ctx_multi("kms:EncryptionContextKeys", {});
  CHECK(cond(R"({"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"SecretARN"}})", empty) == Tri::False);
  CHECK(cond(R"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":"SecretARN"}})", empty) == Tri::True);
  // A multi-valued key without a set operator: AWS only says one is required
  // (reference_policies_condition-single-vs-multi-valued-context-keys). Decision: matches
  // when any request value matches; the negated form when none does.
  CHECK(cond(R"({"StringEquals":{"aws:TagKeys":"env"}})", tags) == Tri::True);
  CHECK(cond(R"({"StringEquals":{"aws:TagKeys":"x"}})", tags) == Tri::False);
  CHECK(cond(R"({"StringNotEquals":{"aws:TagKeys":"env"}})", tags) == Tri::False);
  CHECK(cond(R"({"StringNotEquals":{"aws:TagKeys":"x"}})", tags) == Tri::True);
}

TEST_CASE("keys and operators are ANDed") {
  RequestContext c;
  c.set("kms:ViaService", "secretsmanager.us-east-1.amazonaws.com");
  c.set("kms:CallerAccount", "111122223333");
  CHECK(cond(R"({"StringEquals":{"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com","kms:CallerAccount":"111122223333"}})", c) == Tri::True);
  CHECK(cond(R"({"StringEquals":{"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com","kms:CallerAccount":"444455556666"}})", c) == Tri::False);
  CHECK(cond(R"({"StringEquals":{"kms:CallerAccount":"111122223333"},"StringLike":{"kms:ViaService":"s3.*"}})", c) == Tri::False);
}

TEST_CASE("unknown keys make the answer depend on them") {
  RequestContext c;
  c.set_unknown("aws:SourceIp");
  std::vector<std::string> dep;
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})", c, &dep) == Tri::Unknown);
  CHECK(dep == std::vector<std::string>{"aws:SourceIp"});
  // Even IfExists and negated operators: the key is present, its value unknown.
  CHECK(cond(R"({"NotIpAddressIfExists":{"AWS:SourceIP":"10.0.0.0/8"}})", c, &dep) == Tri::Unknown);
  CHECK(dep == std::vector<std::string>{"AWS:SourceIP"});  // as written in the policy
  // A False condition settles it: the unknown one does not matter.
  c.set("aws:SecureTransport", "false");
  CHECK(cond(R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"Bool":{"aws:SecureTransport":"true"}})", c, &dep) ==
        Tri::False);
  CHECK(dep.empty());
  // absent_is_unknown: a key nobody set is unknown, unless its prefix is fully known.
  RequestContext s;
  s.absent_is_unknown = true;
  s.known_prefixes = {"kms:"};
  CHECK(cond(R"({"StringEquals":{"aws:PrincipalOrgID":"o-1"}})", s, &dep) == Tri::Unknown);
  CHECK(cond(R"({"StringEquals":{"kms:ViaService":"x"}})", s, &dep) == Tri::False);
  CHECK(cond(R"({"StringNotEquals":{"kms:ViaService":"x"}})", s, &dep) == Tri::True);
  CHECK(cond(R"({"ForAllValues:StringEquals":{"aws:TagKeys":"x"}})", s, &dep) == Tri::Unknown);
}

TEST_CASE("policy variables") {
  RequestContext c;
  c.set("aws:username", "alice");
  c.set("aws:PrincipalTag/team", "blue");
  c.set("s3:prefix", "home/alice/docs");
  c.set("custom:star", "*");
  CHECK(cond(R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})", c) == Tri::True);
  CHECK(cond(R"({"StringLike":{"s3:prefix":"home/${aws:PrincipalTag/team}/*"}})", c) == Tri::False);
  // Variables only under Version 2012-10-17; otherwise literal text.
  CHECK(cond(R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})", c, nullptr, "2008-10-17") == Tri::False);
  // Default value for a missing key.
  CHECK(cond(R"({"StringLike":{"s3:prefix":"home/${aws:userid, 'alice'}/*"}})", c) == Tri::True);
  CHECK(cond(R"({"StringLike":{"s3:prefix":"home/${aws:userid,'bob'}/*"}})", c) == Tri::False);
  // A missing key without default: that value matches nothing (others still can).
  CHECK(cond(R"({"StringLike":{"s3:prefix":"home/${aws:userid}/*"}})", c) == Tri::False);
  CHECK(cond(R"({"StringLike":{"s3:prefix":["home/${aws:userid}/*","home/*"]}})", c) == Tri::True);
  // Escapes: ${*} is a literal '*', not a wildcard.
  CHECK(cond(R"({"StringEquals":{"custom:star":"${*}"}})", c) == Tri::True);
  CHECK(cond(R"({"StringLike":{"s3:prefix":"home${*}"}})", c) == Tri::False);
  CHECK(cond(R"({"StringLike":{"custom:star":"${*}"}})", c) == Tri::True);
  c.set("custom:dollar", "$?");
  CHECK(cond(R"({"StringEquals":{"custom:dollar":"${$}${?}"}})", c) == Tri::True);
  // Substituted values are literal too.
  c.set("aws:PrincipalTag/pat", "*");
  CHECK(cond(R"({"StringLike":{"s3:prefix":"${aws:PrincipalTag/pat}"}})", c) == Tri::False);
  // Unknown variable key: depends, on the variable's key.
  c.set_unknown("aws:PrincipalTag/dept");
  std::vector<std::string> dep;
  CHECK(cond(R"({"StringLike":{"s3:prefix":"home/${aws:PrincipalTag/dept}/*"}})", c, &dep) == Tri::Unknown);
  CHECK(dep == std::vector<std::string>{"aws:PrincipalTag/dept"});
  // Numeric operators take no variables.
  c.set("custom:n", "5");
  CHECK(cond(R"({"NumericEquals":{"custom:n":"${custom:n}"}})", c) == Tri::False);
}

TEST_CASE("policy variables in Resource") {
  const Policy& p = stmt(R"("Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*")");
  PolicySet ps;
  ps.identity = {&p};
  CHECK(decide(request("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::home/alice/x"), ps) ==
        Decision::Allow);
  CHECK(decide(request("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::home/bob/x"), ps) ==
        Decision::ImplicitDeny);
  // Roles have no aws:username: the resource matches nothing.
  CHECK(decide(request("arn:aws:sts::111122223333:assumed-role/r/s", "s3:GetObject", "arn:aws:s3:::home/alice/x"),
               ps) == Decision::ImplicitDeny);
  Request r = request("arn:aws:sts::111122223333:assumed-role/r/s", "s3:GetObject", "arn:aws:s3:::home/alice/x");
  r.context.set_unknown("aws:username");
  const EvalResult res = evaluate(r, ps);
  CHECK(res.decision == Decision::Depends);
  CHECK(res.depends_on == std::vector<std::string>{"aws:username"});
  REQUIRE(res.allows.size() == 1);
  CHECK(res.allows[0].match == Tri::Unknown);
  CHECK(res.allows[0].unknown_keys == std::vector<std::string>{"aws:username"});
}

TEST_CASE("value parsers") {
  using namespace threegate::eval_detail;
  double d = 0;
  CHECK(parse_date("1970-01-01T00:00:00Z", d));
  CHECK(d == 0);
  CHECK(parse_date("1970-01-02", d));
  CHECK(d == 86400);
  CHECK(parse_date("2000-03-01T00:00:00-01:00", d));
  CHECK(d == 951868800 + 3600);
  CHECK_FALSE(parse_date("2000-13-01", d));
  CHECK_FALSE(parse_date("2000-01-01T10", d));
  CHECK_FALSE(parse_date("", d));
  IpValue a, b;
  CHECK(parse_ip("::1", a));
  CHECK(parse_ip("::/0", b));
  CHECK(ip_in(a, b));
  CHECK_FALSE(parse_ip("1.2.3.4/", a));
}
