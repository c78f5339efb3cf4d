// The evaluator's fast paths agree with the naive reference on random inputs, the hot path does
// not allocate, request contexts chain to a parent, and a resource whose key id is unknown
// matches in three values.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "eval/eval_internal.hpp"
#include "eval_test_util.hpp"
#include "reference/reference_eval.hpp"

using namespace threegate;
using namespace threegate::test;

// ---- allocation counting ------------------------------------------------------------------------
// The whole test binary allocates through these; only the tests below read the counter.

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size ? size : 1);
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
// Every form is replaced, so that a sanitizer's own new never meets this free (or the reverse).
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

long allocations() { return g_allocations.load(std::memory_order_relaxed); }

std::string random_string(std::mt19937& rng, std::string_view alphabet, size_t max_len) {
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string s(len(rng), ' ');
  for (char& c : s) c = alphabet[pick(rng)];
  return s;
}

constexpr const char* kUnknownKey = "arn:aws:kms:us-east-1:111111111111:key/<unknown>";
constexpr const char* kUnknownKeyDepends = "key id of arn:aws:kms:us-east-1:111111111111:key/<unknown>";

}  // namespace

// ---- fast paths against the reference -------------------------------------------------------------

TEST_CASE("glob fast paths agree with the reference on random patterns") {
  std::mt19937 rng(20240611);
  // Long literal runs exercise the word-at-a-time prefix and suffix comparisons.
  for (int i = 0; i < 40000; ++i) {
    const std::string text = random_string(rng, "abAB:", 30);
    std::string pattern = random_string(rng, "abAB:**?", 30);
    if (i % 3 == 0 && !text.empty()) {  // a pattern close to the text: the common case
      pattern = text;
      std::uniform_int_distribution<size_t> at(0, text.size() - 1);
      pattern[at(rng)] = "*?a"[(i / 3) % 3];
    }
    REQUIRE_MESSAGE(glob_match(pattern, text) == reference::glob(pattern, text, false), pattern << " | " << text);
    REQUIRE_MESSAGE(glob_match(pattern, text, true) == reference::glob(pattern, text, true), pattern << " | " << text);
  }
}

TEST_CASE("arn_matches fast paths agree with the reference on random ARNs") {
  std::mt19937 rng(7);
  const std::vector<std::string> arns = {
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-AbCdEf",
      "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s",
      "arn:aws:s3:::bucket/key",
      "arn:aws:kms:us-east-1:111122223333",
  };
  for (int i = 0; i < 20000; ++i) {
    const std::string& arn = arns[static_cast<size_t>(i) % arns.size()];
    // Mutate the ARN: replace a random stretch with a wildcard, or change one character.
    std::string pattern = arn;
    std::uniform_int_distribution<size_t> at(0, arn.size() - 1);
    const size_t a = at(rng), b = at(rng);
    const size_t from = std::min(a, b), to = std::max(a, b);
    switch (i % 4) {
      case 0: pattern.replace(from, to - from, "*"); break;
      case 1: pattern.replace(from, 1, "?"); break;
      case 2: pattern[from] = pattern[from] == 'x' ? 'y' : 'x'; break;
      default: pattern = pattern.substr(0, from) + "*"; break;
    }
    REQUIRE_MESSAGE(arn_matches(pattern, arn) == reference::arn_match(pattern, arn), pattern << " | " << arn);
  }
}

TEST_CASE("escaped globs: a substituted value matches itself only") {
  using eval_detail::kEscape;
  auto escape = [](std::string_view s) {
    std::string out;
    for (char c : s) {
      if (c == '*' || c == '?' || c == kEscape) out += kEscape;
      out += c;
    }
    return out;
  };
  CHECK(eval_detail::glob<false, true>(escape("a*b?c"), "a*b?c"));
  CHECK_FALSE(eval_detail::glob<false, true>(escape("a*b?c"), "aXXbYc"));
  CHECK(eval_detail::glob<false, true>(escape("team*") + "/*", "team*/x"));
  CHECK_FALSE(eval_detail::glob<false, true>(escape("team*") + "/*", "teamA/x"));
  CHECK(eval_detail::arn_matches_escaped("arn:aws:s3:::b/" + escape("u*") + "/*", "arn:aws:s3:::b/u*/k"));
  CHECK_FALSE(eval_detail::arn_matches_escaped("arn:aws:s3:::b/" + escape("u*") + "/*", "arn:aws:s3:::b/uX/k"));
}

// ---- no allocation on the hot path ----------------------------------------------------------------

TEST_CASE("evaluate with explain=false and a reused context chain does not allocate") {
  const Policy& key = policy(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
    {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:Decrypt","Resource":"*",
     "Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com"}}}]})",
                             PolicyKind::KeyPolicy);
  const Policy& identity = policy(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/*",
     "Condition":{"StringLike":{"kms:ViaService":"secretsmanager.*.amazonaws.com"}}},
    {"Effect":"Deny","Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-1"}}}]})");
  PolicySet ps;
  ps.kms_key = true;
  ps.resource = &key;
  ps.identity = {&identity};

  RequestContext shared;  // the resource's keys, set once
  shared.assign("kms:ViaService", "secretsmanager.us-east-1.amazonaws.com");
  shared.assign("aws:PrincipalOrgID", "o-1");
  Request r;
  r.action = "kms:Decrypt";
  r.resource = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  r.resource_account = "111122223333";
  r.context.parent = &shared;
  const std::vector<std::string> callers = {"arn:aws:sts::111122223333:assumed-role/app/session-with-a-long-name",
                                            "arn:aws:sts::444455556666:assumed-role/reader/another-long-session"};
  std::vector<RequestPrincipal> principals;
  for (const auto& c : callers) principals.push_back(principal(c));

  long before = 0;
  int allowed = 0;
  for (int round = 0; round < 4; ++round) {
    if (round == 2) before = allocations();  // after warm-up
    for (const RequestPrincipal& p : principals) {
      r.principal.type = p.type;
      r.principal.arn.assign(p.arn);
      r.principal.account.assign(p.account);
      r.principal.role_arn.assign(p.role_arn);
      r.context.clear_values();
      r.context.assign("kms:EncryptionContext:SecretARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-AbCdEf");
      r.context.assign_multi("kms:EncryptionContextKeys", {"SecretARN", "SecretVersionId"});
      add_implicit_context(r);
      const EvalResult res = evaluate(r, ps, EvalOptions{false});
      allowed += res.decision == Decision::Allow;
    }
  }
  CHECK(allocations() - before == 0);
  CHECK(allowed == 8);  // both callers, every round
}

// ---- context chaining -------------------------------------------------------------------------------

TEST_CASE("context chain: own entries shadow the parent's; absent keys follow the outer flags") {
  RequestContext parent;
  parent.set("aws:PrincipalTag/team", "red");
  parent.set("aws:SourceVpc", "vpc-parent");
  parent.absent_is_unknown = true;  // ignored: only the outer context's flags count
  RequestContext child;
  child.parent = &parent;
  child.set("aws:SourceVpc", "vpc-child");

  REQUIRE(child.find("aws:sourcevpc"));
  CHECK(child.find("aws:sourcevpc")->values[0] == "vpc-child");
  REQUIRE(child.find("aws:principaltag/team"));
  CHECK(child.find("aws:principaltag/team")->values[0] == "red");
  CHECK(child.find("aws:nothing") == nullptr);
  CHECK(child.entries().size() == 1);  // own entries only

  child.erase("aws:SourceVpc");  // the parent's value shows again
  CHECK(child.find("aws:sourcevpc")->values[0] == "vpc-parent");

  const Policy& p = stmt(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"*",
                            "Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}})");
  PolicySet ps;
  ps.identity = {&p};
  Request r = request("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::b/k", "111122223333");
  r.context.parent = &parent;
  // Absent in both: absent, since the outer context does not say absent keys are unknown.
  CHECK(decide(r, ps) == Decision::ImplicitDeny);
  r.context.absent_is_unknown = true;
  EvalResult res = evaluate(r, ps, EvalOptions{false});
  CHECK(res.decision == Decision::Depends);
  CHECK(res.depends_on == std::vector<std::string>{"aws:RequestedRegion"});
  // Known prefixes are the outer context's too.
  parent.known_prefixes = {"aws:requested"};
  CHECK(decide(r, ps) == Decision::Depends);
  r.context.known_prefixes = {"aws:requested"};
  CHECK(decide(r, ps) == Decision::ImplicitDeny);
  // A parent's value decides when the outer context has none.
  parent.set("aws:RequestedRegion", "us-east-1");
  CHECK(decide(r, ps) == Decision::Allow);
  r.context.set("aws:RequestedRegion", "eu-west-1");
  CHECK(decide(r, ps) == Decision::ImplicitDeny);
}

TEST_CASE("context chain: policy variables resolve through the parent") {
  const Policy& p = stmt(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*")");
  PolicySet ps;
  ps.identity = {&p};
  RequestContext parent;
  parent.set("aws:username", "alice");
  Request r;
  r.principal = principal("arn:aws:iam::111122223333:role/app");
  r.action = "s3:GetObject";
  r.resource = "arn:aws:s3:::home/alice/notes";
  r.resource_account = "111122223333";
  r.context.parent = &parent;
  add_implicit_context(r);
  CHECK(decide(r, ps) == Decision::Allow);
  r.resource = "arn:aws:s3:::home/bob/notes";
  CHECK(decide(r, ps) == Decision::ImplicitDeny);
  // Unknown in the parent: the answer depends on it.
  parent.set_unknown("aws:username");
  r.resource = "arn:aws:s3:::home/alice/notes";
  const EvalResult res = evaluate(r, ps, EvalOptions{false});
  CHECK(res.decision == Decision::Depends);
  CHECK(res.depends_on == std::vector<std::string>{"aws:username"});
}

TEST_CASE("add_implicit_context adds only keys missing from the whole chain") {
  RequestContext parent;
  parent.set("aws:PrincipalAccount", "999999999999");  // deliberately not the caller's
  parent.set_unknown("kms:CallerAccount");
  Request r;
  r.principal = principal("arn:aws:sts::111122223333:assumed-role/app/s1");
  r.action = "kms:Decrypt";
  r.resource = "arn:aws:kms:us-east-1:111122223333:key/k";
  r.resource_account = "111122223333";
  r.context.parent = &parent;
  add_implicit_context(r);
  CHECK(r.context.find("aws:principalaccount")->values[0] == "999999999999");
  CHECK(r.context.find("kms:calleraccount")->unknown);
  for (const auto& [k, v] : r.context.entries()) {
    CHECK(k != "aws:principalaccount");
    CHECK(k != "kms:calleraccount");
  }
  REQUIRE(r.context.find("aws:principalarn"));
  CHECK(r.context.find("aws:principalarn")->values[0] == "arn:aws:iam::111122223333:role/app");
}

TEST_CASE("context: set on an existing key reuses its entry; clear_values keeps storage") {
  RequestContext c;
  c.set("kms:EncryptionContext:SecretARN", "a");
  c.set_unknown("aws:SourceIp");
  c.set("KMS:encryptioncontext:secretarn", "b");  // same key, any case
  REQUIRE(c.entries().size() == 2);
  CHECK(c.entries()[0].first == "kms:encryptioncontext:secretarn");
  CHECK(c.entries()[0].second.values == std::vector<std::string>{"b"});
  c.set("aws:SourceIp", "10.0.0.1");  // a known value replaces unknown
  CHECK_FALSE(c.find("aws:sourceip")->unknown);
  c.set_multi("aws:SourceIp", {"10.0.0.1", "10.0.0.2"});
  CHECK(c.find("aws:sourceip")->multi);
  c.assign("aws:SourceIp", "10.0.0.3");
  CHECK_FALSE(c.find("aws:sourceip")->multi);
  CHECK(c.find("aws:sourceip")->values == std::vector<std::string>{"10.0.0.3"});

  c.clear_values();
  CHECK(c.entries().empty());
  CHECK(c.find("aws:sourceip") == nullptr);
  // Warm: refilling the same keys in the same order, with values no longer than before,
  // allocates nothing.
  c.assign("aws:SourceIp", "10.0.0.3");
  c.assign("kms:EncryptionContext:SecretARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:x");
  c.clear_values();
  const long before = allocations();
  for (int i = 0; i < 10; ++i) {
    c.assign("aws:SourceIp", "10.0.0.4");
    c.assign("kms:EncryptionContext:SecretARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:y");
    c.set_unknown("aws:SourceIp");
    c.clear_values();
  }
  CHECK(allocations() - before == 0);
}

// ---- a key whose id is unknown ----------------------------------------------------------------------

TEST_CASE("resource with an unknown key id: three-valued matching") {
  using eval_detail::arn_matches_unknown_id;
  const std::string_view key = kUnknownKey;
  // True: matches whatever the id is.
  CHECK(arn_matches_unknown_id("*", key) == Tri::True);
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:key/*", key) == Tri::True);
  CHECK(arn_matches_unknown_id("arn:aws:kms:*:111111111111:*", key) == Tri::True);
  CHECK(arn_matches_unknown_id("arn:aws:kms:*:*:key/*", key) == Tri::True);
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:*", key) == Tri::True);  // a short pattern ending in '*'
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:*/*", key) == Tri::True);
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:k*", key) == Tri::True);
  // Unknown: might be this key.
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", key) ==
        Tri::Unknown);
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:key/1234*", key) == Tri::Unknown);
  CHECK(arn_matches_unknown_id("arn:aws:kms:*:111111111111:key/mrk-*", key) == Tri::Unknown);
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:*-1234", key) == Tri::Unknown);
  // False: no id can match.
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:alias/x", key) == Tri::False);
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:alias/*", key) == Tri::False);
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-west-2:111111111111:key/*", key) == Tri::False);
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:222222222222:key/*", key) == Tri::False);
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:key/", key) == Tri::False);  // an empty id
  CHECK(arn_matches_unknown_id("arn:aws:kms:us-east-1:111111111111:key/a/b", key) == Tri::False);  // ids have no '/'
  CHECK(arn_matches_unknown_id("arn:aws:secretsmanager:us-east-1:111111111111:secret:*", key) == Tri::False);
  CHECK(arn_matches_unknown_id("arn:aws:*:us-east-1:111111111111:key/*", key) == Tri::False);  // no wildcard service
}

TEST_CASE("resource with an unknown key id: True and False are sound for every id") {
  // Each answer is checked against concrete ids: True must match all, False none.
  std::mt19937 rng(99);
  const std::string known = "arn:aws:kms:us-east-1:111111111111:key/";
  std::vector<std::string> ids = {"1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-1234abcd", "a", "ab", "b-a", "ba", "-"};
  for (int i = 0; i < 200; ++i) {
    std::string id = random_string(rng, "ab-", 6);
    if (!id.empty()) ids.push_back(id);
  }
  for (int i = 0; i < 5000; ++i) {
    std::string tail = random_string(rng, "keyab/-*?", 9);
    const std::string pattern = (i % 2 ? known.substr(0, known.size() - 4) : std::string("arn:aws:kms:*:111111111111:")) + tail;
    const Tri t = eval_detail::arn_matches_unknown_id(pattern, known + std::string(kUnknownResourceId));
    int matched = 0;
    for (const auto& id : ids) matched += arn_matches(pattern, known + id);
    if (t == Tri::True) CHECK_MESSAGE(matched == static_cast<int>(ids.size()), pattern);
    if (t == Tri::False) CHECK_MESSAGE(matched == 0, pattern);
  }
}

namespace {

struct UnknownKeyCase {
  const Policy& key_policy = policy(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]})",
                                    PolicyKind::KeyPolicy);
  Request r;
  UnknownKeyCase() {
    r.principal = principal("arn:aws:sts::111111111111:assumed-role/app/s1");
    r.action = "kms:Decrypt";
    r.resource = kUnknownKey;
    r.resource_id_unknown = true;
    r.resource_account = "111111111111";
    add_implicit_context(r);
  }
  EvalResult run(const Policy& identity) const {
    PolicySet ps;
    ps.kms_key = true;
    ps.resource = &key_policy;
    ps.identity = {&identity};
    return evaluate(r, ps, EvalOptions{false});
  }
};

}  // namespace

TEST_CASE("resource with an unknown key id: decisions") {
  UnknownKeyCase c;
  const char* any_key = R"({"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111111111111:key/*"})";
  const char* one_key =
      R"({"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"})";
  auto doc = [](std::initializer_list<const char*> statements) -> const Policy& {
    std::string s = R"({"Version":"2012-10-17","Statement":[)";
    bool first = true;
    for (const char* st : statements) {
      if (!first) s += ",";
      s += st;
      first = false;
    }
    return policy(s + "]}");
  };

  SUBCASE("an allow on key/* allows") { CHECK(c.run(doc({any_key})).decision == Decision::Allow); }
  SUBCASE("an allow on a specific key id depends on the key id") {
    const EvalResult res = c.run(doc({one_key}));
    CHECK(res.decision == Decision::Depends);
    CHECK(res.depends_on == std::vector<std::string>{kUnknownKeyDepends});
  }
  SUBCASE("a deny on a specific key id, with an allow: depends, not explicit_deny") {
    const EvalResult res = c.run(doc({any_key, R"({"Effect":"Deny","Action":"kms:Decrypt",
        "Resource":"arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"})"}));
    CHECK(res.decision == Decision::Depends);
    CHECK(res.depends_on == std::vector<std::string>{kUnknownKeyDepends});
  }
  SUBCASE("a deny on a specific key id, without an allow: implicit_deny") {
    CHECK(c.run(doc({R"({"Effect":"Deny","Action":"kms:Decrypt",
        "Resource":"arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"})"}))
              .decision == Decision::ImplicitDeny);
  }
  SUBCASE("a deny on key/* denies") {
    CHECK(c.run(doc({any_key, R"({"Effect":"Deny","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:111111111111:key/*"})"}))
              .decision == Decision::ExplicitDeny);
  }
  SUBCASE("an allow on an alias matches nothing") {
    CHECK(c.run(doc({R"({"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111111111111:alias/x"})"}))
              .decision == Decision::ImplicitDeny);
  }
  SUBCASE("NotResource inverts True and False and keeps Unknown") {
    CHECK(c.run(doc({R"({"Effect":"Allow","Action":"kms:Decrypt","NotResource":"arn:aws:kms:us-east-1:111111111111:alias/*"})"}))
              .decision == Decision::Allow);
    CHECK(c.run(doc({R"({"Effect":"Allow","Action":"kms:Decrypt","NotResource":"arn:aws:kms:*:111111111111:key/*"})"}))
              .decision == Decision::ImplicitDeny);
    const EvalResult res = c.run(doc({R"({"Effect":"Allow","Action":"kms:Decrypt",
        "NotResource":"arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"})"}));
    CHECK(res.decision == Decision::Depends);
    CHECK(res.depends_on == std::vector<std::string>{kUnknownKeyDepends});
  }
  SUBCASE("explain names the key id on the statement") {
    PolicySet ps;
    ps.kms_key = true;
    ps.resource = &c.key_policy;
    const Policy& identity = doc({one_key});
    ps.identity = {&identity};
    const EvalResult res = evaluate(c.r, ps);
    CHECK(res.decision == Decision::Depends);
    REQUIRE(res.allows.size() == 2);  // the key policy's root delegation, and the identity statement
    bool named = false;
    for (const StatementHit& h : res.allows)
      named = named || (h.match == Tri::Unknown && h.unknown_keys == std::vector<std::string>{kUnknownKeyDepends});
    CHECK(named);
    CHECK(res.depends_on == std::vector<std::string>{kUnknownKeyDepends});
  }
  SUBCASE("a known id is matched as before") {
    c.r.resource_id_unknown = false;
    c.r.resource = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    CHECK(c.run(doc({one_key})).decision == Decision::Allow);
  }
}
