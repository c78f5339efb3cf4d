// The compiled forms of statement elements (policy.hpp, CompiledPattern) give exactly the answers
// of the general matchers: property tests on random patterns and inputs, and whole evaluations
// with the compiled forms switched off.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "eval_test_util.hpp"

using namespace threegate;
using namespace threegate::test;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

size_t pick(std::mt19937& rng, size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

std::string one_of(std::mt19937& rng, const std::vector<std::string>& v) { return v[pick(rng, v.size())]; }

std::string random_text(std::mt19937& rng, std::string_view alphabet, size_t max_len) {
  std::string s(pick(rng, max_len + 1), ' ');
  for (char& c : s) c = alphabet[pick(rng, alphabet.size())];
  return s;
}

// A text the pattern is likely to match: each '*' replaced by random text (which may hold ':'
// and '/'), each '?' by one character, sometimes with one character changed or the case flipped.
std::string instance_of(std::mt19937& rng, std::string_view pattern, std::string_view filler) {
  std::string out;
  for (char c : pattern) {
    if (c == '*') out += random_text(rng, filler, 4);
    else if (c == '?') out += filler[pick(rng, filler.size())];
    else out += c;
  }
  switch (pick(rng, 6)) {
    case 0:
      if (!out.empty()) out[pick(rng, out.size())] = filler[pick(rng, filler.size())];
      break;
    case 1:
      for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      break;
    case 2:
      if (!out.empty()) out.erase(pick(rng, out.size()), 1);
      break;
    default: break;
  }
  return out;
}

// Sprinkles wildcards into a literal: '*' replacing a stretch or inserted, '?' replacing a
// character, several of them, or none.
std::string wildcarded(std::mt19937& rng, std::string p) {
  const size_t n = pick(rng, 4);
  for (size_t k = 0; k < n && !p.empty(); ++k) {
    const size_t at = pick(rng, p.size());
    switch (pick(rng, 5)) {
      case 0: p.replace(at, pick(rng, p.size() - at + 1), "*"); break;
      case 1: p[at] = '?'; break;
      case 2: p.insert(at, "*"); break;
      case 3: p.insert(at, "**"); break;
      default: p = p.substr(0, at) + "*"; break;
    }
  }
  return p;
}

const std::vector<std::string> kActions = {
    "kms:Decrypt", "kms:decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
    "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "s3:GetObject", "iam:PassRole",
    "sts:AssumeRole", "organizations:LeaveOrganization", "", "kms:", ":", "a", "KMS:ReEncryptFrom"};

const std::vector<std::string> kArns = {
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:kms:us-east-1:111122223333:alias/app",
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-AbCdEf",
    "arn:aws:secretsmanager:eu-west-1:444455556666:secret:other-XyZ123",
    "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s",
    "arn:aws:s3:::bucket/key/part",
    "arn:aws:s3:::bucket",
    "arn:aws:kms:us-east-1:111122223333",
    "arn:aws-cn:kms:cn-north-1:111122223333:key/k1",
    "arn:aws:iam::111122223333:role/app",
    "*", "", "arn", "arn:", "not-an-arn:with:colons", "key/k1"};

}  // namespace

TEST_CASE("compiled action patterns match exactly as action_matches") {
  std::mt19937 rng(1729);
  const std::string alphabet = "kmsKMS:decryptDECRYPT3*?";
  for (int i = 0; i < 60000; ++i) {
    std::string pattern;
    switch (i % 4) {
      case 0: pattern = wildcarded(rng, one_of(rng, kActions)); break;
      case 1: pattern = random_text(rng, alphabet, 12); break;
      case 2: pattern = one_of(rng, {std::string("*"), std::string("**"), std::string(""), std::string("?"),
                                     std::string("kms:*"), std::string("*:*"), std::string("kms:*key*"),
                                     std::string("*Key"), std::string("s*:Get*Value")});
        break;
      default: pattern = one_of(rng, kActions); break;
    }
    const CompiledPattern c = compile_action_pattern(pattern);
    for (int k = 0; k < 4; ++k) {
      const std::string action = k == 0 ? instance_of(rng, pattern, "kmsKMS:x/")
                                 : k == 1 ? one_of(rng, kActions)
                                          : random_text(rng, alphabet.substr(0, alphabet.size() - 2), 12);
      REQUIRE_MESSAGE(compiled_action_matches(c, lower(action)) == action_matches(pattern, action),
                      "pattern '" << pattern << "' action '" << action << "' kind " << int(c.kind));
      REQUIRE(action_matches(pattern, action) == glob_match(pattern, action, true));
    }
  }
}

TEST_CASE("compiled resource patterns match exactly as arn_matches") {
  std::mt19937 rng(4242);
  const std::string filler = "ab:/-1";
  for (int i = 0; i < 80000; ++i) {
    std::string pattern;
    switch (i % 5) {
      case 0:
      case 1: pattern = wildcarded(rng, one_of(rng, kArns)); break;
      case 2: pattern = random_text(rng, "arn:aws*?kms/1", 20); break;
      case 3: {  // variables (taken literally when variables are off), with wildcards
        pattern = one_of(rng, kArns);
        pattern.insert(pick(rng, pattern.size() + 1), one_of(rng, {std::string("${aws:username}"), std::string("${*}"),
                                                                  std::string("${"), std::string("$")}));
        if (pick(rng, 2)) pattern = wildcarded(rng, pattern);
        break;
      }
      default: pattern = one_of(rng, kArns); break;
    }
    const CompiledPattern c = compile_resource_pattern(pattern);
    CHECK(c.has_variable == (pattern.find("${") != std::string::npos));
    for (int k = 0; k < 4; ++k) {
      const std::string arn = k == 0 ? instance_of(rng, pattern, filler)
                              : k == 1 ? one_of(rng, kArns)
                                       : wildcarded(rng, one_of(rng, kArns));  // texts holding '*', '?'
      REQUIRE_MESSAGE(compiled_resource_matches(c, arn) == arn_matches(pattern, arn),
                      "pattern '" << pattern << "' arn '" << arn << "' kind " << int(c.kind));
    }
  }
}

TEST_CASE("compiled patterns: the kinds real policies use take the fast path") {
  using K = CompiledPattern;
  CHECK(compile_action_pattern("*").kind == K::Any);
  CHECK(compile_action_pattern("KMS:Decrypt").kind == K::Exact);
  CHECK(compile_action_pattern("KMS:Decrypt").literal == "kms:decrypt");
  CHECK(compile_action_pattern("kms:*").kind == K::Prefix);
  CHECK(compile_action_pattern("kms:GenerateDataKey*").literal == "kms:generatedatakey");
  CHECK(compile_action_pattern("*Key").kind == K::Suffix);
  const CompiledPattern ps = compile_action_pattern("kms:Re*From");
  CHECK(ps.kind == K::PrefixSuffix);
  CHECK(ps.literal == "kms:refrom");
  CHECK(ps.prefix_size == 6);
  CHECK(compile_action_pattern("kms:*crypt*").kind == K::General);
  CHECK(compile_action_pattern("kms:?ecrypt").kind == K::General);

  CHECK(compile_resource_pattern("*").kind == K::Any);
  CHECK(compile_resource_pattern("arn:aws:kms:us-east-1:111122223333:key/k1").kind == K::Exact);
  CHECK(compile_resource_pattern("arn:aws:kms:us-east-1:111122223333:key/*").kind == K::Prefix);
  CHECK(compile_resource_pattern("arn:aws:kms:*").kind == K::Prefix);
  CHECK(compile_resource_pattern("arn:aws:s3:::bucket/*/x.txt").kind == K::PrefixSuffix);
  // A '*' before the service segment's end, or in a segment that is not the last: general.
  CHECK(compile_resource_pattern("arn:aws:s3*").kind == K::General);
  CHECK(compile_resource_pattern("arn:aws:kms:*:111122223333:key/*").kind == K::General);
  CHECK(compile_resource_pattern("arn:aws:kms:us-east-1:*:key/x").kind == K::General);
  CHECK(compile_resource_pattern("arn:aws:s3:::${aws:username}/*").kind == K::General);
  CHECK(compile_resource_pattern("arn:aws:s3:::${aws:username}/*").has_variable);
}

TEST_CASE("the parser compiles every statement") {
  const Policy& p = policy(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"],"Service":"x.amazonaws.com"},
     "Action":["kms:Decrypt","kms:Get*"],"Resource":["*","arn:aws:kms:us-east-1:111122223333:key/*"],
     "Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com","aws:Username":"${aws:username}"}}}]})",
                           PolicyKind::KeyPolicy);
  const Statement& st = p.statements.at(0);
  CHECK(st.compiled);
  REQUIRE(st.action_patterns.size() == 2);
  REQUIRE(st.resource_patterns.size() == 2);
  REQUIRE(st.principal_patterns.size() == 3);
  CHECK(st.principal_patterns[0].kind == CompiledPrincipal::IamRoot);
  CHECK(st.principal_patterns[1].kind == CompiledPrincipal::AccountId);
  CHECK(st.principal_patterns[2].kind == CompiledPrincipal::ByValue);
  REQUIRE(st.conditions.size() == 2);
  for (const Condition& c : st.conditions) {
    CHECK(c.compiled);
    CHECK(c.key_hash == context_key_hash(c.key_lower));
    CHECK(c.key_hash == context_key_hash(c.key));  // ASCII case does not change the hash
    CHECK(c.values_have_variables == (c.key_lower == "aws:username"));
  }
}

TEST_CASE("compiled principals match exactly as the entries' text") {
  std::mt19937 rng(99);
  const std::vector<std::string> entries = {
      "*", "111122223333", "444455556666", "11112222333", "arn:aws:iam::111122223333:root",
      "arn:aws:iam::444455556666:root", "arn:aws-cn:iam::111122223333:root", "arn:aws:iam:us-east-1:111122223333:root",
      "arn:aws:iam::111122223333:role/app", "arn:aws:iam::111122223333:role/path/to/app", "arn:aws:iam::111122223333:role/",
      "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/team/alice", "arn:aws:iam::111122223333:group/g",
      "arn:aws:sts::111122223333:assumed-role/app/s1", "arn:aws:sts::111122223333:assumed-role/app/s2",
      "arn:aws:sts::111122223333:federated-user/bob", "arn:aws:s3:::bucket", "AROAEXAMPLEID", "arn:aws:iam::111122223333",
      "arn:aws:iam::111122223333:root:extra", "ARN:aws:iam::111122223333:root", "arn:aws:iam::111122223333:Root"};
  const std::vector<std::string> callers = {
      "arn:aws:sts::111122223333:assumed-role/app/s1", "arn:aws:iam::111122223333:user/alice",
      "arn:aws:iam::111122223333:role/app", "arn:aws:sts::111122223333:federated-user/bob",
      "arn:aws:sts::444455556666:assumed-role/app/s1", "arn:aws-cn:sts::111122223333:assumed-role/app/s1",
      "111122223333", "arn:aws:iam::111122223333:root", "x.amazonaws.com", "anonymous"};
  std::vector<RequestPrincipal> principals;
  for (const auto& c : callers) principals.push_back(principal(c));
  for (int i = 0; i < 20000; ++i) {
    Statement st;
    st.principal_field = pick(rng, 4) == 0 ? PrincipalField::NotPrincipal : PrincipalField::Principal;
    const size_t n = 1 + pick(rng, 3);
    for (size_t k = 0; k < n; ++k) {
      const PrincipalKind kind = pick(rng, 6) == 0 ? PrincipalKind::Service : PrincipalKind::Aws;
      st.principals.push_back(PrincipalRef{kind, kind == PrincipalKind::Service ? "x.amazonaws.com" : one_of(rng, entries), {}});
    }
    Statement compiled = st;
    compile_statement(compiled);
    for (const RequestPrincipal& p : principals)
      REQUIRE_MESSAGE(match_principal(compiled, p) == match_principal(st, p),
                      "caller " << p.arn << " first entry " << st.principals[0].value);
  }
}

TEST_CASE("evaluation with and without the compiled forms agrees") {
  // Real-shaped policies; every statement evaluated once compiled and once as if hand-built.
  const std::vector<const Policy*> policies = {
      &policy(R"({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["secretsmanager:GetSecretValue","secretsmanager:Describe*"],
         "Resource":"arn:aws:secretsmanager:us-east-1:111122223333:secret:app/*"},
        {"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/*",
         "Condition":{"StringLike":{"kms:ViaService":"secretsmanager.*.amazonaws.com"}}},
        {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"},
        {"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",
         "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]})"),
      &policy(R"({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
        {"Effect":"Allow","Principal":{"AWS":["arn:aws:sts::111122223333:assumed-role/app/s1","444455556666"]},
         "Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*",
         "Condition":{"StringEquals":{"KMS:ViaService":"secretsmanager.us-east-1.amazonaws.com"}}},
        {"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","NotResource":"arn:aws:secretsmanager:*:*:secret:private-*",
         "Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]})",
              PolicyKind::KeyPolicy),
  };
  auto uncompiled = [](const Policy& p) {
    Policy q = p;
    for (Statement& st : q.statements) {
      st.compiled = false;
      for (Condition& c : st.conditions) c.compiled = false;
    }
    return q;
  };
  const Policy identity_plain = uncompiled(*policies[0]);
  const Policy resource_plain = uncompiled(*policies[1]);
  const std::vector<std::string> callers = {"arn:aws:sts::111122223333:assumed-role/app/s1",
                                            "arn:aws:iam::111122223333:user/alice",
                                            "arn:aws:sts::444455556666:assumed-role/ext/s1"};
  const std::vector<std::string> actions = {"kms:Decrypt", "KMS:describekey", "secretsmanager:GetSecretValue",
                                            "secretsmanager:DescribeSecret", "s3:GetObject", "iam:PassRole"};
  const std::vector<std::string> resources = {
      "arn:aws:kms:us-east-1:111122223333:key/k1", "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-AbCdEf",
      "arn:aws:secretsmanager:us-east-1:111122223333:secret:private-x", "arn:aws:s3:::home/alice/f",
      "arn:aws:s3:::home/bob/f"};
  int compared = 0;
  for (const auto& who : callers)
    for (const auto& action : actions)
      for (const auto& resource : resources)
        for (int variant = 0; variant < 4; ++variant) {
          Request r = request(who, action, resource, "111122223333");
          if (variant & 1) r.context.set("kms:viaservice", "secretsmanager.us-east-1.amazonaws.com");
          if (variant & 2) r.context.set("AWS:RequestedRegion", "ap-south-1");
          else r.context.set_unknown("aws:requestedregion");
          for (bool kms : {false, true}) {
            PolicySet a, b;
            a.kms_key = b.kms_key = kms;
            a.identity = {policies[0]};
            b.identity = {&identity_plain};
            a.resource = policies[1];
            b.resource = &resource_plain;
            const EvalResult x = evaluate(r, a), y = evaluate(r, b);
            REQUIRE_MESSAGE(x.decision == y.decision, who << " " << action << " " << resource << " " << variant);
            CHECK(x.depends_on == y.depends_on);
            CHECK(x.allows.size() == y.allows.size());
            CHECK(x.denies.size() == y.denies.size());
            CHECK(evaluate(r, a, EvalOptions{false}).decision == x.decision);
            ++compared;
          }
        }
  CHECK(compared == 720);
}

TEST_CASE("request context: keys found by hash whatever their case") {
  RequestContext parent;
  parent.set("AWS:PrincipalOrgID", "o-1");
  parent.set("kms:EncryptionContext:SecretARN", "arn");
  RequestContext ctx;
  ctx.parent = &parent;
  ctx.set("aws:principalorgid", "o-2");  // shadows the parent's
  ctx.set("Kms:ViaService", "x");
  ctx.set("kms:viaservicE", "y");  // the same key: replaces
  CHECK(ctx.entries().size() == 2);
  REQUIRE(ctx.find("kms:viaservice"));
  CHECK(ctx.find("kms:viaservice")->values[0] == "y");
  CHECK(ctx.find("aws:principalorgid", context_key_hash("aws:principalorgid"))->values[0] == "o-2");
  CHECK(ctx.find("kms:encryptioncontext:secretarn", context_key_hash("KMS:EncryptionContext:SecretARN"))->values[0] ==
        "arn");
  ctx.erase("AWS:PrincipalOrgId");
  CHECK(ctx.find("aws:principalorgid")->values[0] == "o-1");
  CHECK(ctx.find("kms:viaservice")->values[0] == "y");  // the hashes follow the erased entry
  ctx.clear_values();
  CHECK(ctx.find("kms:viaservice") == nullptr);
  ctx.assign("kms:ViaService", "z");
  CHECK(ctx.find("kms:viaservice")->values[0] == "z");
  // Lengths around the word size, and bytes that are not letters, hash consistently.
  for (std::string key : {"", "a", "abcdefg", "abcdefgh", "abcdefghi", "ABCDEFGHIJKLMNOP@[`{", "k\xc3\x89y"}) {
    std::string low = key;
    for (char& c : low)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    CHECK(context_key_hash(key) == context_key_hash(low));
    RequestContext c;
    c.set(key, "v");
    CHECK(c.find(low) != nullptr);
    CHECK(c.find(low, context_key_hash(low)) != nullptr);
  }
  CHECK(context_key_hash("a@") != context_key_hash("a`"));  // '@' and '`' are not letters
}
