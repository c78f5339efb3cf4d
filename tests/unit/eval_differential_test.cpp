// Differential tests against the naive reference evaluator (exhaustive small universe and
// seeded random cases), plus property tests.
#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <sstream>

#include "reference/reference_eval.hpp"
#include "threegate/eval.hpp"

using namespace threegate;

namespace {

const std::string kA = "111122223333", kB = "444455556666";
const std::string kSecret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
const std::string kKey = "arn:aws:kms:us-east-1:111122223333:key/k1";

const std::vector<std::string> kPrincipals = {
    "arn:aws:sts::111122223333:assumed-role/app/s1", "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::444455556666:assumed-role/ext/s1", "anonymous"};
const std::vector<std::string> kActions = {"secretsmanager:GetSecretValue", "kms:Decrypt", "kms:PutKeyPolicy",
                                           "s3:GetObject"};
const std::vector<std::string> kActionPatterns = {"*", "kms:*", "KMS:Decrypt", "secretsmanager:Get*", "s3:*"};
const std::vector<std::string> kResourcePatterns = {"*", "arn:aws:secretsmanager:*:111122223333:secret:*", kKey,
                                                    "arn:aws:kms:*"};
const std::vector<std::string> kPrincipalEntries = {
    "*", "arn:aws:iam::111122223333:root", "444455556666", "arn:aws:iam::111122223333:role/app",
    "arn:aws:sts::111122223333:assumed-role/app/s1", "arn:aws:iam::111122223333:user/alice",
    "arn:aws:sts::444455556666:assumed-role/ext/s1"};

Condition make_condition(ConditionOperator op, SetOperator set, bool if_exists, std::string key,
                         std::vector<std::string> values) {
  Condition c;
  c.op = op;
  c.set = set;
  c.if_exists = if_exists;
  c.key = key;
  c.key_lower = key;
  for (auto& ch : c.key_lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (auto& v : values) c.values.push_back(Text{std::move(v), {}});
  return c;
}

// The condition vocabulary: k1 single-valued, k2 maybe absent, k3 multi-valued.
std::vector<Condition> condition_option(int i) {
  using O = ConditionOperator;
  using S = SetOperator;
  switch (i) {
    case 0: return {};
    case 1: return {make_condition(O::StringEquals, S::None, false, "ctx:K1", {"v1"})};
    case 2: return {make_condition(O::StringNotEquals, S::None, false, "ctx:k1", {"v1"})};
    case 3: return {make_condition(O::StringEquals, S::None, true, "Ctx:K2", {"v1"})};
    case 4: return {make_condition(O::StringEquals, S::ForAnyValue, false, "ctx:k3", {"v1"})};
    case 5: return {make_condition(O::StringEquals, S::ForAllValues, false, "ctx:k3", {"v1"})};
    case 6: return {make_condition(O::Null, S::None, false, "ctx:k2", {"true"})};
    case 7: return {make_condition(O::StringLike, S::None, false, "ctx:k1", {"v*"}),
                    make_condition(O::StringNotEquals, S::ForAllValues, false, "ctx:k3", {"v2"})};
  }
  return {};
}
constexpr int kConditionOptions = 8;

Statement make_statement(Effect effect, std::vector<std::string> actions, std::vector<std::string> resources,
                         std::vector<Condition> conditions, PrincipalField field = PrincipalField::None,
                         std::vector<std::string> principals = {}, bool not_action = false, bool not_resource = false) {
  Statement s;
  s.effect = effect;
  s.not_action = not_action;
  for (auto& a : actions) {
    std::string l = a;
    for (auto& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    s.actions.push_back(Text{a, {}});
    s.actions_lower.push_back(l);
  }
  s.has_resource = !resources.empty();
  s.not_resource = not_resource;
  for (auto& r : resources) s.resources.push_back(Text{r, {}});
  s.conditions = std::move(conditions);
  s.principal_field = field;
  for (auto& p : principals)
    s.principals.push_back(PrincipalRef{p == "*" ? PrincipalKind::Any : PrincipalKind::Aws, p, {}});
  return s;
}

Policy make_policy(PolicyKind kind, std::vector<Statement> statements) {
  Policy p;
  p.kind = kind;
  p.version = Text{"2012-10-17", {}};
  p.statements = std::move(statements);
  return p;
}

// Context option per key: k1 {absent, v1, v2, unknown}, k2 {absent, v1, unknown},
// k3 {absent, [], [v1], [v1,v2], unknown}.
void set_context(RequestContext& c, int k1, int k2, int k3) {
  if (k1 == 1) c.set("ctx:k1", "v1");
  if (k1 == 2) c.set("ctx:k1", "v2");
  if (k1 == 3) c.set_unknown("ctx:k1");
  if (k2 == 1) c.set("ctx:k2", "v1");
  if (k2 == 2) c.set_unknown("ctx:k2");
  if (k3 == 1) c.set_multi("ctx:k3", {});
  if (k3 == 2) c.set_multi("ctx:k3", {"v1"});
  if (k3 == 3) c.set_multi("ctx:k3", {"v1", "v2"});
  if (k3 == 4) c.set_unknown("ctx:k3");
}

Request make_request(const std::string& who, const std::string& action, bool kms, int k1, int k2, int k3) {
  Request r;
  std::string err;
  REQUIRE(parse_request_principal(who, r.principal, err));
  r.action = action;
  r.resource = kms ? kKey : kSecret;
  r.resource_account = kA;
  set_context(r.context, k1, k2, k3);
  add_implicit_context(r);
  return r;
}

std::string describe(const Request& r, const PolicySet& ps) {
  std::ostringstream o;
  o << r.principal.arn << " " << r.action << " " << r.resource << " kms=" << ps.kms_key << "\n";
  for (const auto& [k, v] : r.context.entries()) {
    o << "  ctx " << k << (v.unknown ? " unknown" : "") << (v.multi ? " multi" : "") << ":";
    for (auto& x : v.values) o << " " << x;
    o << "\n";
  }
  auto dump = [&](const char* what, const Policy* p) {
    if (!p) return;
    for (const auto& s : p->statements) {
      o << "  " << what << (s.effect == Effect::Allow ? " Allow" : " Deny");
      if (s.principal_field != PrincipalField::None)
        for (auto& pr : s.principals) o << (s.principal_field == PrincipalField::NotPrincipal ? " !P=" : " P=") << pr.value;
      for (auto& a : s.actions) o << (s.not_action ? " !A=" : " A=") << a.value;
      for (auto& x : s.resources) o << (s.not_resource ? " !R=" : " R=") << x.value;
      for (auto& c : s.conditions) o << " C=" << condition_operator_name(c.op) << "/" << int(c.set) << c.if_exists << " " << c.key;
      o << "\n";
    }
  };
  for (auto* p : ps.identity) dump("identity", p);
  dump("resource", ps.resource);
  dump("boundary", ps.boundary);
  for (auto& level : ps.scps)
    for (auto* p : level) dump("scp", p);
  for (auto& level : ps.rcps)
    for (auto* p : level) dump("rcp", p);
  return o.str();
}

// Compares with the reference, and checks soundness against every concrete world (each unknown
// key replaced by each concrete option): a definite answer must hold in all of them.
void check_case(const Request& r, const PolicySet& ps, bool worlds) {
  const EvalResult fast = evaluate(r, ps, EvalOptions{false});
  const EvalResult full = evaluate(r, ps);
  const Decision ref = reference::evaluate(r, ps);
  INFO(describe(r, ps));
  REQUIRE(fast.decision == ref);
  REQUIRE(full.decision == ref);
  REQUIRE(fast.depends_on == full.depends_on);
  REQUIRE((fast.decision == Decision::Depends) == !fast.depends_on.empty());
  if (!worlds || fast.decision == Decision::Depends) return;
  const ContextValue* k1 = r.context.find("ctx:k1");
  const ContextValue* k2 = r.context.find("ctx:k2");
  const ContextValue* k3 = r.context.find("ctx:k3");
  const bool u1 = k1 && k1->unknown, u2 = k2 && k2->unknown, u3 = k3 && k3->unknown;
  if (!u1 && !u2 && !u3) return;
  // An unknown key is present with a value nobody knows: the worlds are its present values.
  for (int a = 1; a <= (u1 ? 2 : 1); ++a)
    for (int b = 1; b <= 1; ++b)
      for (int c = 2; c <= (u3 ? 3 : 2); ++c) {
        Request w = r;
        if (u1) w.context.erase("ctx:k1");
        if (u2) w.context.erase("ctx:k2");
        if (u3) w.context.erase("ctx:k3");
        set_context(w.context, u1 ? a : 0, u2 ? b : 0, u3 ? c : 0);  // 0 = leave as is
        const Decision d = evaluate(w, ps, EvalOptions{false}).decision;
        if (fast.decision == Decision::ImplicitDeny) CHECK(d != Decision::Allow);
        else CHECK(d == fast.decision);
      }
}

}  // namespace

TEST_CASE("reference glob and arn agree with the real ones") {
  const std::vector<std::string> pats = {"*", "a*", "*b", "a?c", "a*b*c", "?*", "", "abc", "A*"};
  const std::vector<std::string> texts = {"", "a", "abc", "aXbYc", "b", "ab", "ABC", "acb"};
  for (auto& p : pats)
    for (auto& t : texts) {
      CHECK_MESSAGE(glob_match(p, t) == reference::glob(p, t, false), p << " " << t);
      CHECK_MESSAGE(glob_match(p, t, true) == reference::glob(p, t, true), p << " " << t);
    }
  const std::vector<std::string> arns = {kKey, kSecret, "arn:aws:logs:us-east-1:1:log-group:g:x", "arn:aws:s3:::b/k"};
  for (auto& p : kResourcePatterns)
    for (auto& a : arns) CHECK(arn_matches(p, a) == reference::arn_match(p, a));
  for (auto& a : arns)
    for (auto& b : arns) CHECK(arn_matches(a, b) == reference::arn_match(a, b));
}

TEST_CASE("differential: exhaustive single-statement resource policies") {
  const Policy allow_all = make_policy(PolicyKind::Identity, {make_statement(Effect::Allow, {"*"}, {"*"}, {})});
  const Policy boundary = make_policy(PolicyKind::Boundary, {make_statement(Effect::Allow, {"s3:*"}, {"*"}, {})});
  long cases = 0;
  for (int effect = 0; effect < 2; ++effect)
    for (const auto& act : kActionPatterns)
      for (const auto& res : kResourcePatterns)
        for (int cond = 0; cond < kConditionOptions; ++cond)
          for (const auto& pr : kPrincipalEntries) {
            const Policy resource = make_policy(
                PolicyKind::SecretPolicy,
                {make_statement(effect ? Effect::Deny : Effect::Allow, {act}, {res}, condition_option(cond),
                                PrincipalField::Principal, {pr})});
            for (int kms = 0; kms < 2; ++kms)
              for (int side = 0; side < 3; ++side) {
                PolicySet ps;
                ps.resource = &resource;
                ps.kms_key = kms;
                if (side >= 1) ps.identity = {&allow_all};
                if (side == 2) ps.boundary = &boundary;
                for (const auto& who : kPrincipals)
                  for (const auto& action : kActions) {
                    const int ctx = static_cast<int>(cases % 4);
                    check_case(make_request(who, action, kms, ctx, (ctx + 1) % 3, ctx), ps, false);
                    ++cases;
                  }
              }
          }
  MESSAGE(cases << " exhaustive cases");
}

namespace {

struct Pools {
  std::mt19937 rng;
  explicit Pools(unsigned seed) : rng(seed) {}
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  template <typename V>
  const auto& any(const V& v) { return v[static_cast<size_t>(pick(static_cast<int>(v.size())))]; }

  Statement statement(bool with_principal, int deny_percent) {
    std::vector<std::string> acts = {any(kActionPatterns)};
    if (pick(4) == 0) acts.push_back(any(kActionPatterns));
    std::vector<std::string> res = {any(kResourcePatterns)};
    if (pick(5) == 0) res.clear();  // no Resource element: tolerated as matching
    const bool deny = pick(100) < deny_percent;
    PrincipalField field = PrincipalField::None;
    std::vector<std::string> prs;
    if (with_principal) {
      field = pick(10) == 0 ? PrincipalField::NotPrincipal : PrincipalField::Principal;
      prs = {any(kPrincipalEntries)};
      if (pick(3) == 0) prs.push_back(any(kPrincipalEntries));
    }
    return make_statement(deny ? Effect::Deny : Effect::Allow, acts, res, condition_option(pick(kConditionOptions)),
                          field, prs, pick(12) == 0, !res.empty() && pick(12) == 0);
  }
  Policy policy(PolicyKind kind, int max, bool with_principal, int deny_percent) {
    std::vector<Statement> ss;
    const int n = pick(max + 1);
    for (int i = 0; i < n; ++i) ss.push_back(statement(with_principal, deny_percent));
    return make_policy(kind, std::move(ss));
  }
};

struct RandomCase {
  std::deque<Policy> store;
  PolicySet ps;
  Request request;
};

RandomCase random_case(Pools& g) {
  RandomCase c;
  auto keep = [&](Policy p) { return &c.store.emplace_back(std::move(p)); };
  for (int i = g.pick(3); i > 0; --i) c.ps.identity.push_back(keep(g.policy(PolicyKind::Identity, 3, false, 25)));
  if (g.pick(3)) c.ps.resource = keep(g.policy(PolicyKind::SecretPolicy, 3, true, 25));
  if (g.pick(4) == 0) c.ps.boundary = keep(g.policy(PolicyKind::Boundary, 2, false, 20));
  if (g.pick(5) == 0) c.ps.session = keep(g.policy(PolicyKind::Session, 2, false, 20));
  for (int l = g.pick(3); l > 0; --l) c.ps.scps.push_back({keep(g.policy(PolicyKind::Scp, 2, false, 20))});
  if (g.pick(4) == 0) c.ps.rcps.push_back({keep(g.policy(PolicyKind::Rcp, 2, g.pick(2), 80))});
  c.ps.kms_key = g.pick(2);
  c.ps.aws_managed_key = c.ps.kms_key && g.pick(5) == 0;
  c.ps.scp_exempt = g.pick(10) == 0;
  c.request = make_request(g.any(kPrincipals), g.any(kActions), c.ps.kms_key, g.pick(4), g.pick(3), g.pick(5));
  return c;
}

}  // namespace

TEST_CASE("differential: seeded random cases with unknown keys") {
  for (unsigned seed : {1u, 2u, 3u}) {
    Pools g(seed);
    for (int i = 0; i < 1500; ++i) {
      const RandomCase c = random_case(g);
      check_case(c.request, c.ps, true);
    }
  }
}

TEST_CASE("properties: deny never helps, order and splitting do not matter") {
  Pools g(42);
  auto rank = [](Decision d) { return d == Decision::Allow ? 2 : d == Decision::Depends ? 1 : 0; };
  for (int i = 0; i < 1500; ++i) {
    RandomCase c = random_case(g);
    const Decision base = evaluate(c.request, c.ps, EvalOptions{false}).decision;
    INFO(describe(c.request, c.ps));

    // Adding a Deny anywhere never turns a non-allow into an allow (nor raises depends to allow).
    Policy extra = make_policy(PolicyKind::Identity, {g.statement(false, 100)});
    PolicySet more = c.ps;
    more.identity.push_back(&extra);
    CHECK(rank(evaluate(c.request, more, EvalOptions{false}).decision) <= rank(base));

    // Statement order is irrelevant.
    std::deque<Policy> shuffled;
    PolicySet reordered = c.ps;
    auto shuffle = [&](const Policy* p) {
      Policy q = *p;
      std::shuffle(q.statements.begin(), q.statements.end(), g.rng);
      return &shuffled.emplace_back(std::move(q));
    };
    for (auto& p : reordered.identity) p = shuffle(p);
    if (reordered.resource) reordered.resource = shuffle(reordered.resource);
    for (auto& level : reordered.scps)
      for (auto& p : level) p = shuffle(p);
    const EvalResult a = evaluate(c.request, c.ps, EvalOptions{false});
    const EvalResult b = evaluate(c.request, reordered, EvalOptions{false});
    CHECK(a.decision == b.decision);
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    CHECK(sorted(a.depends_on) == sorted(b.depends_on));

    // Splitting a statement's actions into two statements changes nothing.
    std::deque<Policy> split_store;
    PolicySet split = c.ps;
    auto split_policy = [&](const Policy* p) {
      Policy q = make_policy(p->kind, {});
      for (const auto& s : p->statements) {
        if (s.actions.size() < 2 || s.not_action) {
          q.statements.push_back(s);
          continue;
        }
        for (size_t k = 0; k < s.actions.size(); ++k) {
          Statement part = s;
          part.actions = {s.actions[k]};
          part.actions_lower = {s.actions_lower[k]};
          q.statements.push_back(part);
        }
      }
      return &split_store.emplace_back(std::move(q));
    };
    for (auto& p : split.identity) p = split_policy(p);
    if (split.resource) split.resource = split_policy(split.resource);
    CHECK(evaluate(c.request, split, EvalOptions{false}).decision == base);
  }
}
