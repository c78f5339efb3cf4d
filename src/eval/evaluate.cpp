// The decision (semantics 1.1–1.8, 2.1–2.3) in Kleene logic. Statements are folded into a few
// groups (identity allow, boundary, session, resource allows by principal match, SCP levels,
// every deny); the decision is a small and/or expression over those groups. The fast path
// (explain = false) allocates only when some value is unknown.
#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>

#include "eval/eval_internal.hpp"

namespace threegate {

using namespace eval_detail;

namespace {

enum Group : uint8_t { gDeny, gIdentity, gBoundary, gSession, gResDirect, gResAccount, gResExact, gScp, gCount };

struct KeyEntry {
  Group group;
  std::string_view key;
};

// Actions that work across accounts on a KMS key (semantics 2.3), lowercase.
constexpr std::array<std::string_view, 22> kKmsCrossAccountActions{
    "kms:decrypt", "kms:encrypt", "kms:generatedatakey", "kms:generatedatakeypair",
    "kms:generatedatakeypairwithoutplaintext", "kms:generatedatakeywithoutplaintext", "kms:generatemac",
    "kms:reencryptfrom", "kms:reencryptto", "kms:sign", "kms:verify", "kms:verifymac",
    "kms:derivesharedsecret", "kms:describekey", "kms:creategrant", "kms:getkeyrotationstatus",
    "kms:getpublickey", "kms:listgrants", "kms:retiregrant", "kms:revokegrant", "kms:reencrypt",
    "kms:generaterandom"};

// Stands in the key lists for "the unknown id of the request's resource" (resource_id_unknown);
// told apart from condition keys by address, and written out as kResourceIdPrefix + resource.
constexpr std::string_view kResourceIdKey = "key id";
constexpr std::string_view kResourceIdPrefix = "key id of ";

// ---- the allow expression ------------------------------------------------------------------

// Trivial, so that an Expr costs nothing until nodes are added (the fast path builds none).
struct Node {
  enum Kind : uint8_t { Leaf, And, Or, False } kind;
  Group group;
  uint8_t n;
  std::array<uint8_t, 6> kids;
};

// The allow expression is written once (Evaluator::decide) over either algebra: TriAlgebra
// computes its value, Expr builds a tree that can say which leaves made it so.
struct TriAlgebra {
  const std::array<Tri, gCount>& g;
  Tri leaf(Group x) const { return g[x]; }
  Tri never() const { return Tri::False; }
  Tri all(std::initializer_list<Tri> kids) const {
    Tri r = Tri::True;
    for (Tri k : kids) r = tri_and(r, k);
    return r;
  }
  Tri any(std::initializer_list<Tri> kids) const {
    Tri r = Tri::False;
    for (Tri k : kids) r = tri_or(r, k);
    return r;
  }
};

class Expr {
 public:
  uint8_t leaf(Group g) { return add(Node{Node::Leaf, g, 0, {}}); }
  uint8_t never() { return add(Node{Node::False, gCount, 0, {}}); }
  uint8_t all(std::initializer_list<uint8_t> kids) { return combine(Node::And, kids); }
  uint8_t any(std::initializer_list<uint8_t> kids) { return combine(Node::Or, kids); }

  Tri value(uint8_t i, const std::array<Tri, gCount>& g) const {
    const Node& node = nodes_[i];
    switch (node.kind) {
      case Node::Leaf: return g[node.group];
      case Node::False: return Tri::False;
      case Node::And: {
        Tri r = Tri::True;
        for (uint8_t k = 0; k < node.n; ++k) r = tri_and(r, value(node.kids[k], g));
        return r;
      }
      case Node::Or: {
        Tri r = Tri::False;
        for (uint8_t k = 0; k < node.n; ++k) r = tri_or(r, value(node.kids[k], g));
        return r;
      }
    }
    return Tri::False;
  }

  // The leaves that make node i take the value it has (when it is not True): for an Unknown
  // node its Unknown children (no child dominates), for a False one its False children.
  template <typename F>
  void blame(uint8_t i, const std::array<Tri, gCount>& g, F&& visit) const {
    const Node& node = nodes_[i];
    const Tri v = value(i, g);
    if (v == Tri::True) return;
    if (node.kind == Node::Leaf || node.kind == Node::False) {
      visit(node, v);
      return;
    }
    for (uint8_t k = 0; k < node.n; ++k)
      if (value(node.kids[k], g) == v) blame(node.kids[k], g, visit);
  }

 private:
  uint8_t add(Node node) {
    nodes_[size_] = node;
    return size_++;
  }
  uint8_t combine(Node::Kind kind, std::initializer_list<uint8_t> kids) {
    Node node{kind, gCount, 0, {}};
    for (uint8_t k : kids) node.kids[node.n++] = k;
    return add(node);
  }
  std::array<Node, 24> nodes_;  // [0, size_) set
  uint8_t size_ = 0;
};

// ---- statement matching --------------------------------------------------------------------

class Evaluator {
 public:
  Evaluator(const Request& request, const PolicySet& policies, const EvalOptions& options, EvalResult& out)
      : req_(request), ps_(policies), explain_(options.explain), out_(out) {
    const std::string& a = request.action;
    if (a.size() <= action_buf_.size()) {
      copy_lower(action_buf_.data(), a.data(), a.size());
      action_ = std::string_view(action_buf_.data(), a.size());
    } else {
      action_heap_ = a;
      for (char& c : action_heap_) c = ascii_lower(c);
      action_ = action_heap_;
    }
    const RequestPrincipal& p = request.principal;
    principal_symbolic_ = has_symbol(p.arn) || has_symbol(p.account) || has_symbol(p.partition);
    resource_symbolic_ = has_symbol(request.resource);
    if (resource_symbolic_ && request.resource_id_unknown) {
      // The unknown id becomes an Unknown symbol, so that one matcher handles both.
      const size_t slash = request.resource.rfind('/');
      symbolic_resource_ = request.resource.substr(0, slash + 1);
      symbolic_resource_ += make_symbol(SymbolKind::Unknown, std::string(kResourceIdPrefix) + display_symbols(request.resource));
    }
  }

  void run();

 private:
  bool action_hit(const Statement& st) const {
    bool hit = false;
    if (st.compiled) {  // by the parser
      assert(st.action_patterns.size() == st.actions.size());
      for (const CompiledPattern& c : st.action_patterns)
        if (compiled_action_hit(c, action_)) {
          hit = true;
          break;
        }
    } else if (st.actions_lower.size() == st.actions.size()) {
      for (const std::string& p : st.actions_lower) {
        // Cheap verdicts first: most patterns name another service (their first character
        // differs), or are the action itself.
        if (!p.empty() && p[0] != '*' && p[0] != '?' && (action_.empty() || p[0] != action_[0])) continue;
        if ((p.size() == action_.size() && std::string_view(p) == action_) || glob<false, false>(p, action_)) {
          hit = true;
          break;
        }
      }
    } else {  // hand-built statements without the lowercase copy
      for (const auto& p : st.actions)
        if (action_matches(p.value, action_)) {
          hit = true;
          break;
        }
    }
    return hit != st.not_action;
  }

  // The actions of a statement holding symbols, in three values.
  Tri symbolic_action_hit(const Statement& st, KeySink* sink) const {
    Tri any = Tri::False;
    for (const Text& a : st.actions) {
      any = tri_or(any, a.value == "*" ? Tri::True : symbolic_glob(a.value, action_, true, false, sink));
      if (any == Tri::True) break;
    }
    return st.not_action ? tri_not(any) : any;
  }

  // One Resource entry (escaped: from variable substitution) against the request's resource.
  Tri resource_match(std::string_view pattern, KeySink* sink) const {
    if (resource_symbolic_ || has_symbol(pattern)) {
      if (!symbolic_resource_.empty()) return symbolic_arn(pattern, symbolic_resource_, true, sink);
      if (req_.resource_id_unknown) {  // a symbolic pattern against the unknown id: both matter
        const Tri t = arn_matches_unknown_id(pattern, req_.resource);
        if (t != Tri::False) {
          if (t == Tri::Unknown && sink) sink->push_back(kResourceIdKey);
          return t;
        }
      }
      return symbolic_arn(pattern, req_.resource, true, sink);
    }
    if (!req_.resource_id_unknown) return to_tri(arn_matches_escaped(pattern, req_.resource));
    const Tri t = arn_matches_unknown_id(pattern, req_.resource);
    if (t == Tri::Unknown && sink) sink->push_back(kResourceIdKey);
    return t;
  }

  // A Resource entry holding variables: substituted (escaped), then matched.
  Tri substituted_resource(std::string_view text, KeySink* sink) {
    switch (substitute(text, req_.context, true, subst_buf_, sink)) {
      case Subst::Ok: return resource_match(subst_buf_, sink);
      case Subst::NoMatch: return Tri::False;
      default: return Tri::Unknown;
    }
  }

  Tri resource_hit(const Statement& st, bool variables, KeySink* sink) {
    if (!st.has_resource) return Tri::True;  // tolerated: a missing Resource matches
    Tri any = Tri::False;
    if (st.compiled && !req_.resource_id_unknown && !resource_symbolic_) {
      // Compiled by the parser: most entries are decided by their kind's length check and memcmp.
      assert(st.resource_patterns.size() == st.resources.size());
      const Text* text = st.resources.data();
      for (const CompiledPattern& c : st.resource_patterns) {
        const Tri t = variables && c.has_variable ? substituted_resource(text->value, sink)
                      : c.has_symbol              ? resource_match(text->value, sink)
                                                  : to_tri(compiled_resource_hit(c, req_.resource));
        ++text;
        any = tri_or(any, t);
        if (any == Tri::True) break;
      }
    } else {
      for (const Text& r : st.resources) {
        const Tri t = variables && has_variable(r.value) ? substituted_resource(r.value, sink)
                                                         : resource_match(r.value, sink);  // kEscape never occurs in policy text
        any = tri_or(any, t);
        if (any == Tri::True) break;
      }
    }
    return st.not_resource ? tri_not(any) : any;
  }

  // Whether `text` (as key_text() writes it) names `key`; condition keys are case-insensitive.
  bool same_key(std::string_view text, std::string_view key) const {
    if (!key.empty() && key[0] == kSymbolBegin) return text == symbol_name(key);
    if (key.data() != kResourceIdKey.data()) return iequals(text, key);
    return text.size() == kResourceIdPrefix.size() + req_.resource.size() && text.starts_with(kResourceIdPrefix) &&
           text.ends_with(req_.resource);
  }

  // How a key in scratch_/keys_ is reported.
  std::string key_text(std::string_view key) const {
    if (!key.empty() && key[0] == kSymbolBegin) return symbol_name(key);  // a symbol: its name
    if (key.data() != kResourceIdKey.data()) return std::string(key);
    std::string text(kResourceIdPrefix);
    text += display_symbols(req_.resource);
    return text;
  }

  // Whether the statement applies; on Unknown the keys it depends on are left in scratch_.
  // `variables`: policy.variables_enabled(), asked once per policy by the callers.
  Tri applies(const Statement& st, bool variables, bool check_principal, PrincipalMatch& pm) {
    pm = PrincipalMatch::None;
    Tri sure = Tri::True;  // below True only for symbols (symbol.hpp)
    if (st.actions_have_symbols) {
      sure = symbolic_action_hit(st, nullptr);
      if (sure == Tri::False) return sure;
    } else if (!action_hit(st)) {
      return Tri::False;
    }
    const bool symbolic_principal = check_principal && (principal_symbolic_ || st.principals_have_symbols ||
                                                        (!st.compiled && principals_have_symbols(st)));
    if (check_principal) {
      Tri pt = Tri::True;
      pm = symbolic_principal ? match_principal_symbolic(st, req_.principal, pt, nullptr)
                              : match_principal(st, req_.principal);
      sure = tri_and(sure, pt);
      // NotPrincipal with Deny always denies a principal with a permission boundary
      // (reference_policies_elements_notprincipal, semantics 1.8).
      if (pm == PrincipalMatch::None && st.effect == Effect::Deny &&
          st.principal_field == PrincipalField::NotPrincipal && ps_.boundary &&
          !req_.principal.account.empty())
        pm = PrincipalMatch::Wildcard;
      if (pm == PrincipalMatch::None) return Tri::False;
    }
    const Tri r = resource_hit(st, variables, nullptr);
    if (r == Tri::False) return r;
    const Tri c = st.conditions.empty() ? Tri::True : eval_conditions(st, req_.context, variables, nullptr);
    const Tri t = tri_and(sure, tri_and(r, c));
    if (t == Tri::Unknown) {
      scratch_.clear();
      if (sure == Tri::Unknown) {
        if (st.actions_have_symbols) symbolic_action_hit(st, &scratch_);
        if (symbolic_principal) {
          Tri ignored;
          match_principal_symbolic(st, req_.principal, ignored, &scratch_);
        }
      }
      if (r == Tri::Unknown) resource_hit(st, variables, &scratch_);
      if (c == Tri::Unknown) eval_conditions(st, req_.context, variables, &scratch_);
    }
    return t;
  }

  void note(Group g, Tri t) {
    if (t == Tri::Unknown)
      for (auto k : scratch_) keys_.push_back({g, k});
  }

  void hit(std::vector<StatementHit>& list, PolicyRole role, int level, const Policy& policy,
           const Statement& st, Tri t, PrincipalMatch pm) {
    if (explain_) record_hit(list, role, level, policy, st, t, pm);
  }

  void record_hit(std::vector<StatementHit>& list, PolicyRole role, int level, const Policy& policy,
                  const Statement& st, Tri t, PrincipalMatch pm) {
    StatementHit h;
    h.role = role;
    h.level = level;
    h.policy = &policy;
    h.statement = &st;
    h.match = t;
    h.principal_match = pm;
    if (t == Tri::Unknown)
      for (auto k : scratch_) h.unknown_keys.push_back(key_text(k));
    list.push_back(std::move(h));
  }

  // An identity-side policy (identity, boundary, session): allows fold into `allow_group`.
  void side_policy(const Policy& policy, PolicyRole role, Group allow_group) {
    const bool variables = policy.variables_enabled();
    for (const Statement& st : policy.statements) {
      PrincipalMatch pm;
      const Tri t = applies(st, variables, false, pm);
      if (t == Tri::False) continue;
      if (st.effect == Effect::Deny) {
        g_[gDeny] = tri_or(g_[gDeny], t);
        note(gDeny, t);
        hit(out_.denies, role, -1, policy, st, t, pm);
      } else {
        g_[allow_group] = tri_or(g_[allow_group], t);
        note(allow_group, t);
        hit(out_.allows, role, -1, policy, st, t, pm);
      }
    }
  }

  void scps();
  void rcps();
  void resource_policy(const Policy& policy);
  void decide();

  static bool principals_have_symbols(const Statement& st) {
    for (const PrincipalRef& p : st.principals)
      if (has_symbol(p.value)) return true;
    return false;
  }

  const Request& req_;
  const PolicySet& ps_;
  bool explain_;
  bool principal_symbolic_ = false;
  bool resource_symbolic_ = false;
  std::string symbolic_resource_;  // resource_id_unknown with symbols: the id as an Unknown symbol
  EvalResult& out_;
  std::array<char, 128> action_buf_;  // not zeroed: action_ covers what is written
  std::string action_heap_;
  std::string_view action_;
  std::string subst_buf_;
  KeySink scratch_;
  std::vector<KeyEntry> keys_;
  std::array<Tri, gCount> g_{};
  std::vector<Tri> scp_levels_;  // explain only
  bool scp_applies_ = false;
};

void Evaluator::scps() {
  for (size_t level = 0; level < ps_.scps.size(); ++level) {
    Tri lv = Tri::False;
    const size_t start = keys_.size();
    for (const Policy* policy : ps_.scps[level]) {
      if (!policy) continue;
      const bool variables = policy->variables_enabled();
      for (const Statement& st : policy->statements) {
        PrincipalMatch pm;
        const Tri t = applies(st, variables, false, pm);
        if (t == Tri::False) continue;
        const int lvl = static_cast<int>(level);
        if (st.effect == Effect::Deny) {
          g_[gDeny] = tri_or(g_[gDeny], t);
          note(gDeny, t);
          hit(out_.denies, PolicyRole::Scp, lvl, *policy, st, t, pm);
        } else {
          lv = tri_or(lv, t);
          note(gScp, t);
          hit(out_.allows, PolicyRole::Scp, lvl, *policy, st, t, pm);
        }
      }
    }
    // Only an Unknown level leaves keys that matter.
    if (lv != Tri::Unknown) {
      size_t w = start;
      for (size_t r = start; r < keys_.size(); ++r)
        if (keys_[r].group != gScp) keys_[w++] = keys_[r];
      keys_.resize(w);
    }
    g_[gScp] = tri_and(g_[gScp], lv);
    if (explain_) scp_levels_.push_back(lv);
  }
}

// RCPFullAWSAccess is implicitly attached at every level, so RCPs can only deny.
void Evaluator::rcps() {
  for (size_t level = 0; level < ps_.rcps.size(); ++level) {
    for (const Policy* policy : ps_.rcps[level]) {
      if (!policy) continue;
      const bool variables = policy->variables_enabled();
      for (const Statement& st : policy->statements) {
        if (st.effect != Effect::Deny) continue;
        PrincipalMatch pm;
        const Tri t = applies(st, variables, st.principal_field != PrincipalField::None, pm);
        if (t == Tri::False) continue;
        g_[gDeny] = tri_or(g_[gDeny], t);
        note(gDeny, t);
        hit(out_.denies, PolicyRole::Rcp, static_cast<int>(level), *policy, st, t, pm);
      }
    }
  }
}

void Evaluator::resource_policy(const Policy& policy) {
  const PrincipalType type = req_.principal.type;
  const bool session_or_user =
      type == PrincipalType::User || type == PrincipalType::AssumedRole || type == PrincipalType::FederatedUser;
  const bool variables = policy.variables_enabled();
  for (const Statement& st : policy.statements) {
    PrincipalMatch pm;
    const Tri t = applies(st, variables, true, pm);
    if (t == Tri::False) continue;
    if (st.effect == Effect::Deny) {
      g_[gDeny] = tri_or(g_[gDeny], t);
      note(gDeny, t);
      hit(out_.denies, PolicyRole::Resource, -1, policy, st, t, pm);
      continue;
    }
    // An account match delegates to IAM; the others grant directly.
    const Group g = pm == PrincipalMatch::Account ? gResAccount : gResDirect;
    g_[g] = tri_or(g_[g], t);
    note(g, t);
    if (pm == PrincipalMatch::Exact && session_or_user) {
      g_[gResExact] = tri_or(g_[gResExact], t);
      note(gResExact, t);
    }
    hit(out_.allows, PolicyRole::Resource, -1, policy, st, t, pm);
  }
}

void Evaluator::run() {
  g_.fill(Tri::False);
  g_[gBoundary] = ps_.boundary ? Tri::False : Tri::True;
  g_[gSession] = ps_.session ? Tri::False : Tri::True;
  g_[gScp] = Tri::True;
  const RequestPrincipal& p = req_.principal;

  for (const Policy* policy : ps_.identity)
    if (policy) side_policy(*policy, PolicyRole::Identity, gIdentity);
  if (ps_.boundary) side_policy(*ps_.boundary, PolicyRole::Boundary, gBoundary);
  if (ps_.session) side_policy(*ps_.session, PolicyRole::Session, gSession);
  // SCPs do not restrict the management account, service-linked roles, services or anonymous
  // callers (who belong to no account).
  scp_applies_ = !ps_.scp_exempt && !p.service_linked_role && p.type != PrincipalType::Service && !p.account.empty();
  if (scp_applies_) scps();
  if (!ps_.rcp_exempt && !ps_.aws_managed_key) rcps();
  if (ps_.resource) resource_policy(*ps_.resource);
  decide();
}

void Evaluator::decide() {
  const RequestPrincipal& p = req_.principal;
  // An unknown resource account is taken as the caller's (same account).
  const bool accountless = p.account.empty();
  bool cross = !accountless && !req_.resource_account.empty() &&
               !(p.account.size() == req_.resource_account.size() &&
                 same_bytes(p.account.data(), req_.resource_account.data(), p.account.size()));
  // Accounts not known before apply (symbol.hpp) may or may not be the same: when the two
  // readings disagree, the answer depends on them.
  KeySink account_keys;
  const bool cross_unknown = cross && (principal_symbolic_ || has_symbol(req_.resource_account)) &&
                             symbolic_equal(p.account, req_.resource_account, false, &account_keys) == Tri::Unknown;
  out_.cross_account = cross;

  bool kms_cross_ok = false;
  if (ps_.kms_key && cross)
    for (auto a : kKmsCrossAccountActions)
      if (a.size() == action_.size() && same_bytes(a.data(), action_.data(), a.size())) {
        kms_cross_ok = true;
        break;
      }
  auto formula = [&](auto& e, bool across) {
    const auto I = e.leaf(gIdentity), B = e.leaf(gBoundary), S = e.leaf(gSession), Rd = e.leaf(gResDirect),
               Ra = e.leaf(gResAccount), Rx = e.leaf(gResExact), SCP = e.leaf(gScp);
    if (accountless) return Rd;  // services and anonymous callers have no identity side
    if (ps_.kms_key) {
      if (across) return kms_cross_ok ? e.all({e.any({Rd, Ra}), I, B, S, SCP}) : e.never();
      // A key-policy grant naming the caller's user or session ARN is not limited by an implicit
      // deny of the boundary or session policy, as for any resource policy (semantics 1.4, 2.2;
      // IAM guide reference_policies_evaluation-logic_policy-eval-denyallow: "If a resource-based
      // policy grants permission directly to the IAM user or the session principal ... an implicit
      // deny in ... a permissions boundary, or a session policy does not impact the final
      // decision"). KMS only requires that the key policy allow explicitly, which Rx is.
      return e.all({e.any({e.all({Rd, B, S}), e.all({Ra, I, B, S}), Rx}), SCP});
    }
    if (across) return e.all({I, B, S, SCP, e.any({Rd, Ra})});
    return e.all({e.any({e.all({e.any({I, Rd}), B, S}), Rx}), SCP});
  };
  // The value directly; the tree only to find what to blame.
  TriAlgebra direct{g_};
  Tri allow = formula(direct, cross);
  bool account_decides = false;
  if (cross_unknown) {
    const Tri same = formula(direct, false);
    account_decides = same != allow;
    if (account_decides) allow = Tri::Unknown;
  }
  Expr e;
  uint8_t root = 0;
  const bool blame = (explain_ && allow != Tri::True) || allow == Tri::Unknown || g_[gDeny] == Tri::Unknown;
  if (blame) root = formula(e, cross);

  const Tri deny = g_[gDeny];
  if (deny == Tri::True) out_.decision = Decision::ExplicitDeny;
  else if (allow == Tri::False) out_.decision = Decision::ImplicitDeny;
  else if (deny == Tri::Unknown || allow == Tri::Unknown) out_.decision = Decision::Depends;
  else out_.decision = Decision::Allow;

  if (out_.decision == Decision::Depends) {
    if (account_decides)
      for (auto k : account_keys) {
        std::string name = key_text(k);
        if (std::find(out_.depends_on.begin(), out_.depends_on.end(), name) == out_.depends_on.end())
          out_.depends_on.push_back(std::move(name));
      }
    uint32_t groups = 0;
    if (deny == Tri::Unknown) groups |= 1u << gDeny;
    if (allow == Tri::Unknown)
      e.blame(root, g_, [&](const Node& n, Tri) {
        if (n.kind == Node::Leaf) groups |= 1u << n.group;
      });
    for (const KeyEntry& k : keys_) {
      if (!(groups & (1u << k.group))) continue;
      bool seen = false;
      for (const auto& d : out_.depends_on) seen = seen || same_key(d, k.key);
      if (!seen) out_.depends_on.push_back(key_text(k.key));
    }
  }

  if (explain_ && allow != Tri::True && out_.decision != Decision::ExplicitDeny) {
    auto add_missing = [&](PolicyRole role, int level, Tri t) {
      for (const auto& m : out_.missing)
        if (m.role == role && m.level == level) return;
      out_.missing.push_back(MissingAllow{role, level, t});
    };
    e.blame(root, g_, [&](const Node& n, Tri v) {
      if (n.kind == Node::False) return add_missing(PolicyRole::Resource, -1, Tri::False);
      switch (n.group) {
        case gIdentity: return add_missing(PolicyRole::Identity, -1, v);
        case gBoundary: return add_missing(PolicyRole::Boundary, -1, v);
        case gSession: return add_missing(PolicyRole::Session, -1, v);
        case gResDirect:
        case gResAccount:
        case gResExact: return add_missing(PolicyRole::Resource, -1, v);
        case gScp:
          for (size_t l = 0; l < scp_levels_.size(); ++l)
            if (scp_levels_[l] == v) add_missing(PolicyRole::Scp, static_cast<int>(l), v);
          return;
        default: return;
      }
    });
  }
}

}  // namespace

EvalResult evaluate(const Request& request, const PolicySet& policies, const EvalOptions& options) {
  EvalResult result;
  Evaluator(request, policies, options, result).run();
  return result;
}

}  // namespace threegate
