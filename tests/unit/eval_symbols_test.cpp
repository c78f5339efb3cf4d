// Symbols (symbol.hpp): values known only after apply, matched in three values.
#include <doctest/doctest.h>

#include <algorithm>

#include "eval/eval_internal.hpp"
#include "eval_test_util.hpp"
#include "threegate/symbol.hpp"

using namespace threegate;
using namespace threegate::test;
using threegate::eval_detail::KeySink;

namespace {

// Test text writes a symbol as «kind:name»; this turns it into the encoding.
std::string sym(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("«", i);
    if (open == std::string_view::npos) break;
    const size_t close = text.find("»", open);
    out.append(text.substr(i, open - i));
    const std::string_view inner = text.substr(open + 2, close - open - 2);  // « is two bytes
    out += make_symbol(static_cast<SymbolKind>(inner[0]), inner.substr(2));
    i = close + 2;
  }
  out.append(text.substr(i));
  return out;
}

void replace_all(std::string& s) { s = sym(s); }

// A policy whose strings hold symbols, as the Terraform adapter builds them.
const Policy& sym_stmt(const std::string& statement, PolicyKind kind = PolicyKind::Identity) {
  static std::deque<Policy> keep;
  Policy p = stmt(statement, kind);
  for (Statement& st : p.statements) {
    for (Text& t : st.actions) replace_all(t.value);
    for (Text& t : st.resources) replace_all(t.value);
    for (PrincipalRef& r : st.principals) replace_all(r.value);
    for (Condition& c : st.conditions)
      for (Text& t : c.values) replace_all(t.value);
    compile_statement(st);
  }
  keep.push_back(std::move(p));
  return keep.back();
}

bool names(const EvalResult& r, const std::string& key) {
  return std::find(r.depends_on.begin(), r.depends_on.end(), key) != r.depends_on.end();
}

const char* kSecret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
const char* kRoleA = "arn:aws:iam::111122223333:role/app";
const char* kRoleB = "arn:aws:iam::444455556666:role/reader";

}  // namespace

TEST_CASE("symbol encoding: names round-trip, matching characters never leak") {
  const std::string s = make_symbol(SymbolKind::Unknown, "aws_iam_role.r[\"a:b/c*?${x}\"].arn");
  CHECK(s.find(':') == std::string::npos);
  CHECK(s.find('/') == std::string::npos);
  CHECK(s.find('*') == std::string::npos);
  CHECK(s.find("${") == std::string::npos);
  CHECK(symbol_name(s) == "aws_iam_role.r[\"a:b/c*?${x}\"].arn");
  CHECK(display_symbols("arn:" + s + ":x") == "arn:${aws_iam_role.r[\"a:b/c*?${x}\"].arn}:x");
  const auto refs = symbols_in("a" + s + "b" + make_symbol(SymbolKind::Fresh, "k"));
  REQUIRE(refs.size() == 2);
  CHECK(refs[0].kind == SymbolKind::Unknown);
  CHECK(refs[1].name == "k");
  CHECK(has_unknown_symbol(s));
  CHECK_FALSE(has_unknown_symbol(make_symbol(SymbolKind::Account, "a")));
}

TEST_CASE("symbolic primitives: a symbol equals itself; an Unknown one may equal what fits") {
  using namespace eval_detail;
  KeySink sink;
  const std::string u = sym("«u:var.x»"), f = sym("«f:k.id»"), a = sym("«a:acct»");
  CHECK(symbolic_equal(u, u, false, &sink) == Tri::True);
  CHECK(symbolic_equal(f, f, false, &sink) == Tri::True);
  CHECK(symbolic_equal(f, "1234", false, &sink) == Tri::False);              // a new id is no old id
  CHECK(symbolic_equal(a, "111122223333", false, &sink) == Tri::False);      // the stated assumption
  CHECK(sink.empty());
  CHECK(symbolic_equal(u, "111122223333", false, &sink) == Tri::Unknown);
  REQUIRE(sink.size() == 1);
  CHECK(symbol_name(sink[0]) == "var.x");
  CHECK(symbolic_equal(u, a, false, nullptr) == Tri::Unknown);
  CHECK(symbolic_equal("ab" + u, "xyz", false, nullptr) == Tri::False);       // the known part differs
  CHECK(symbolic_equal("ab" + u, "abz", false, nullptr) == Tri::Unknown);
  CHECK(symbolic_glob("secretsmanager.*.amazonaws.com", "secretsmanager." + u + ".amazonaws.com", false, false,
                      nullptr) == Tri::True);  // the wildcard takes any value
  CHECK(symbolic_glob("secretsmanager.us-east-1.amazonaws.com", "secretsmanager." + u + ".amazonaws.com", false,
                      false, nullptr) == Tri::Unknown);
  CHECK(symbolic_glob("s3.*.amazonaws.com", "secretsmanager." + u + ".amazonaws.com", false, false, nullptr) ==
        Tri::False);
  CHECK(symbolic_glob("a*c", u, false, false, nullptr) == Tri::Unknown);
  CHECK(symbolic_arn("arn:aws:kms:*:*:key/*", "arn:aws:kms:us-east-1:" + a + ":key/" + f, true, nullptr) ==
        Tri::True);
  CHECK(symbolic_arn("arn:aws:secretsmanager:*:*:secret:*", "arn:" + u + ":kms:us-east-1:1:key/" + f, true,
                     nullptr) == Tri::False);  // another service, whatever the partition
  CHECK(symbolic_arn("arn:aws:kms:us-east-1:1:key/abc", "arn:" + u + ":kms:us-east-1:1:key/abc", true, nullptr) ==
        Tri::Unknown);
}

TEST_CASE("a Resource tied to a new key matches that key only") {
  const std::string key_k = sym("arn:aws:kms:us-east-1:111122223333:key/«f:aws_kms_key.k.key_id»");
  PolicySet ps;
  ps.identity = {&sym_stmt(R"("Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/«f:aws_kms_key.k.key_id»")")};
  CHECK(decide(request(kRoleA, "kms:Decrypt", key_k, ""), ps) == Decision::Allow);
  CHECK(decide(request(kRoleA, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234", ""), ps) ==
        Decision::ImplicitDeny);
  const std::string key_j = sym("arn:aws:kms:us-east-1:111122223333:key/«f:aws_kms_key.j.key_id»");
  CHECK(decide(request(kRoleA, "kms:Decrypt", key_j, ""), ps) == Decision::ImplicitDeny);
}

TEST_CASE("a Resource built from a variable without a value depends on that variable") {
  PolicySet ps;
  ps.identity = {&sym_stmt(
      R"("Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:«u:var.account»:secret:db-*")")};
  const EvalResult r = evaluate(request(kRoleA, "secretsmanager:GetSecretValue", kSecret, ""), ps);
  CHECK(r.decision == Decision::Depends);
  CHECK(names(r, "var.account"));
  // A secret of another service never matches, whatever the variable holds.
  CHECK(decide(request(kRoleA, "secretsmanager:GetSecretValue", "arn:aws:s3:::bucket", ""), ps) ==
        Decision::ImplicitDeny);
}

TEST_CASE("principals: the module's account matches its own roles; an Unknown account depends") {
  const std::string acct = sym("«a:account»");
  const std::string role = "arn:aws:iam::" + acct + ":role/app";
  const std::string key = "arn:aws:kms:us-east-1:" + acct + ":key/" + sym("«f:k»");
  PolicySet ps;
  ps.kms_key = true;
  ps.resource = &sym_stmt(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::«a:account»:root"},"Action":"kms:*","Resource":"*")",
                          PolicyKind::KeyPolicy);
  ps.identity = {&stmt(R"("Effect":"Allow","Action":"kms:Decrypt","Resource":"*")")};
  CHECK(decide(request(role, "kms:Decrypt", key, acct), ps) == Decision::Allow);
  // An account written literally is another account (the stated assumption): no key-policy grant.
  CHECK(decide(request(kRoleB, "kms:Decrypt", key, acct), ps) == Decision::ImplicitDeny);

  PolicySet sp;
  sp.resource = &sym_stmt(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::«u:var.consumer»:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*")",
                          PolicyKind::SecretPolicy);
  sp.identity = {&stmt(R"("Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*")")};
  const EvalResult r = evaluate(request(kRoleB, "secretsmanager:GetSecretValue", kSecret, "111122223333"), sp);
  CHECK(r.decision == Decision::Depends);
  CHECK(names(r, "var.consumer"));
  // A role named by an Unknown name: depends too; a user never matches a role entry.
  sp.resource = &sym_stmt(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/«u:var.role»"},"Action":"secretsmanager:GetSecretValue","Resource":"*")",
                          PolicyKind::SecretPolicy);
  CHECK(decide(request(kRoleB, "secretsmanager:GetSecretValue", kSecret, "111122223333"), sp) == Decision::Depends);
  CHECK(decide(request("arn:aws:iam::444455556666:user/bob", "secretsmanager:GetSecretValue", kSecret, "111122223333"),
               sp) == Decision::ImplicitDeny);
}

TEST_CASE("conditions with symbols on either side") {
  const Policy& via = sym_stmt(
      R"("Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.«u:data.aws_region.current.name».amazonaws.com"}})");
  PolicySet ps;
  ps.identity = {&via};
  Request r = request(kRoleA, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1", "111122223333");
  r.context.set("kms:ViaService", "secretsmanager.us-east-1.amazonaws.com");
  EvalResult e = evaluate(r, ps);
  CHECK(e.decision == Decision::Depends);
  CHECK(names(e, "data.aws_region.current.name"));
  r.context.set("kms:ViaService", "s3.us-east-1.amazonaws.com");
  CHECK(decide(r, ps) == Decision::ImplicitDeny);
  // The same symbol on both sides: equal.
  r.context.set("kms:ViaService", sym("secretsmanager.«u:data.aws_region.current.name».amazonaws.com"));
  CHECK(decide(r, ps) == Decision::Allow);

  // Negated operators stay Unknown.
  const Policy& deny = sym_stmt(
      R"("Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"«u:var.org_account»"}})");
  PolicySet pd;
  pd.identity = {&stmt(R"("Effect":"Allow","Action":"*","Resource":"*")"), &deny};
  e = evaluate(request(kRoleA, "s3:GetObject", "arn:aws:s3:::b/k", ""), pd);
  CHECK(e.decision == Decision::Depends);
  CHECK(names(e, "var.org_account"));

  // Numbers and dates not known yet may be anything.
  const Policy& num = sym_stmt(
      R"("Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"«u:var.max_age»"}})");
  PolicySet pn;
  pn.identity = {&num};
  Request rn = request(kRoleA, "s3:GetObject", "arn:aws:s3:::b/k", "");
  rn.context.set("aws:MultiFactorAuthAge", "100");
  CHECK(decide(rn, pn) == Decision::Depends);
}

TEST_CASE("actions from an Unknown value depend on it") {
  PolicySet ps;
  ps.identity = {&sym_stmt(R"("Effect":"Allow","Action":"«u:var.actions»","Resource":"*")")};
  const EvalResult r = evaluate(request(kRoleA, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1", ""), ps);
  CHECK(r.decision == Decision::Depends);
  CHECK(names(r, "var.actions"));
  ps.identity = {&sym_stmt(R"("Effect":"Allow","Action":"s3:«u:var.action»","Resource":"*")")};
  CHECK(decide(request(kRoleA, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1", ""), ps) ==
        Decision::ImplicitDeny);
}

TEST_CASE("an account not known yet: same or cross account may decide") {
  const std::string caller = sym("arn:aws:iam::«u:var.account»:role/app");
  PolicySet ps;
  ps.identity = {&stmt(R"("Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*")")};
  // Same account, the identity policy suffices; across accounts the secret policy must allow too.
  const EvalResult r = evaluate(request(caller, "secretsmanager:GetSecretValue", kSecret, "111122223333"), ps);
  CHECK(r.decision == Decision::Depends);
  CHECK(names(r, "var.account"));
  // When both readings agree, the account does not matter.
  ps.resource = &stmt(R"("Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*")",
                      PolicyKind::SecretPolicy);
  CHECK(decide(request(caller, "secretsmanager:GetSecretValue", kSecret, "111122223333"), ps) == Decision::Allow);
}

TEST_CASE("the AWS-managed key's unknown id with symbols around it") {
  const std::string acct = sym("«a:account»");
  Request r = request("arn:aws:iam::" + acct + ":role/app", "kms:Decrypt",
                      "arn:aws:kms:us-east-1:" + acct + ":key/" + std::string(kUnknownResourceId), acct);
  r.resource_id_unknown = true;
  PolicySet ps;
  ps.identity = {&stmt(R"("Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:*:key/*")")};
  ps.resource = &sym_stmt(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::«a:account»:root"},"Action":"kms:*","Resource":"*")",
                          PolicyKind::KeyPolicy);
  ps.kms_key = true;
  CHECK(decide(r, ps) == Decision::Allow);
  ps.identity = {&stmt(R"("Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:*:key/1234")")};
  const EvalResult e = evaluate(r, ps);
  CHECK(e.decision == Decision::Depends);
  REQUIRE(e.depends_on.size() == 1);
  CHECK(e.depends_on[0].starts_with("key id of arn:aws:kms:us-east-1:${account}:key/"));
}

TEST_CASE("a new secret's six-character suffix: matched by wildcards only") {
  using namespace eval_detail;
  const std::string arn = sym("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-«f:aws_secretsmanager_secret.db.arn_suffix»");
  CHECK(symbolic_arn("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-??????", arn, true, nullptr) == Tri::True);
  CHECK(symbolic_arn("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-*", arn, true, nullptr) == Tri::True);
  CHECK(symbolic_arn("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-???", arn, true, nullptr) == Tri::False);
  CHECK(symbolic_arn("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf", arn, true, nullptr) == Tri::False);
  CHECK(symbolic_glob("arn:aws:secretsmanager:*:*:secret:prod/db-??????", arn, false, false, nullptr) == Tri::True);
  CHECK(symbolic_equal(arn, "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf", false, nullptr) ==
        Tri::False);
  // An unknown account around it still makes the answer depend on the account.
  const std::string arn_u = sym("arn:aws:secretsmanager:us-east-1:«u:var.account»:secret:prod/db-«f:aws_secretsmanager_secret.db.arn_suffix»");
  CHECK(symbolic_arn("arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-??????", arn_u, true, nullptr) ==
        Tri::Unknown);
}
