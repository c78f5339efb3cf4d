// What the resources of a Terraform configuration mean to AWS, as inventory records. References
// between resources are plain string equality here: the evaluator renders a reference such as
// aws_kms_key.k.arn as the same symbolic string wherever it appears (terraform.hpp), so a
// secret's kms_key_id and a policy's Resource both resolve to key k.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "threegate/gates.hpp"
#include "threegate/policy_parse.hpp"
#include "threegate/symbol.hpp"
#include "threegate/terraform_inventory.hpp"

namespace threegate {

namespace {

using Instance = ResourceInstance;
using tf::Value;

// An identifier-like value as text: a String, or the symbol of an Unknown; "" otherwise.
std::string text_of(const Value& v) {
  switch (v.kind) {
    case Value::Kind::String:
    case Value::Kind::Number: return v.text;
    case Value::Kind::Unknown: return make_symbol(SymbolKind::Unknown, v.text.empty() ? "value known after apply" : v.text);
    default: return "";
  }
}

std::optional<bool> bool_of(const Value& v) {
  if (v.kind == Value::Kind::Bool) return v.boolean;
  if (v.kind == Value::Kind::String && (v.text == "true" || v.text == "false")) return v.text == "true";
  return std::nullopt;
}

// The strings of a list (or of one string).
std::vector<std::string> strings_of(const Value& v) {
  std::vector<std::string> out;
  if (v.kind == Value::Kind::List) {
    for (const auto& i : v.items) {
      std::string t = text_of(i);
      if (!t.empty()) out.push_back(std::move(t));
    }
  } else if (std::string t = text_of(v); !t.empty()) {
    out.push_back(std::move(t));
  }
  return out;
}

// A JSON value built in code (the default key policy, a policy whose content is not in the
// configuration), pointing at `at`.
JsonValue jstring(std::string s, Range at) {
  JsonValue v;
  v.kind = JsonKind::String;
  v.text = std::move(s);
  v.range = at;
  return v;
}
JsonValue jobject(std::vector<std::pair<std::string, JsonValue>> members, Range at) {
  JsonValue v;
  v.kind = JsonKind::Object;
  v.range = at;
  for (auto& [k, m] : members) v.members.push_back(JsonMember{k, at, std::move(m)});
  return v;
}
JsonValue jarray(std::vector<JsonValue> items, Range at) {
  JsonValue v;
  v.kind = JsonKind::Array;
  v.range = at;
  v.items = std::move(items);
  return v;
}

class Mapper {
 public:
  Mapper(const ResourceView& v, Inventory& inv, Diagnostics& d) : view_(v), inv_(inv), diags_(d) {}

  TerraformMapping run() {
    for (const Instance& i : view_.instances()) {
      if (i.unknown_expansion)
        note_once(i.address, "the number of instances of " + i.address +
                                 " is known only after apply: one instance stands for all of them");
      (i.mode == "data" ? data_ : managed_)[i.type].push_back(&i);
    }
    data_keys();
    for (const Instance* i : of("aws_kms_key")) key(*i, false);
    for (const Instance* i : of("aws_kms_replica_key")) key(*i, true);
    for (const Instance* i : of("aws_kms_key_policy")) key_policy(*i);
    for (const Instance* i : of("aws_kms_alias")) alias(*i);
    for (const Instance* i : of("aws_kms_grant")) grant(*i);
    for (auto& k : inv_.keys)
      if (!k.grants.empty()) compile_key_grants(k);
    for (const Instance* i : of("aws_secretsmanager_secret")) secret(*i);
    for (const Instance* i : of("aws_secretsmanager_secret_policy")) secret_policy(*i);
    for (const Instance* i : of("aws_iam_policy")) managed_policy(*i);
    for (const Instance* i : of("aws_iam_role")) principal(*i, "role");
    for (const Instance* i : of("aws_iam_user")) principal(*i, "user");
    for (const Instance* i : of("aws_iam_group")) group(*i);
    inline_policies();
    attachments();
    group_memberships();
    organization_policies();
    unused_policies();
    for (const auto& [type, list] : managed_) unread(type, list);
    if (uses_account_symbol()) {
      out_.notes.push_back(
          "the account the Terraform code deploys into is not known before apply: "
          "it is taken to differ from every account id the code names literally (name it with allowed_account_ids "
          "in the aws provider)");
    }
    return std::move(out_);
  }

 private:
  const std::vector<const Instance*>& of(const std::string& type) {
    static const std::vector<const Instance*> none;
    auto it = managed_.find(type);
    read_types_.insert(type);
    return it == managed_.end() ? none : it->second;
  }

  void give_name(const std::string& arn, const std::string& address) {
    if (has_symbol(arn)) out_.names.emplace_back(arn, address);
    else if (arn.rfind("arn:", 0) == 0) out_.labels.emplace_back(arn, address);
  }

  void problem(Severity sev, std::string message, Range at) {
    diags_.push_back(Diagnostic{"TG405", sev, std::move(message), at, {}});
  }
  void note_once(const std::string& key, std::string message, Range at = {}) {
    if (!said_.insert(key).second) return;
    problem(Severity::Info, std::move(message), at);
  }

  // The resource's own `region` argument (AWS provider 6) wins over its provider's region.
  std::string region_of(const Instance& i) const {
    const Value own = view_.attribute(i, "region");
    if (own.kind == Value::Kind::String || own.kind == Value::Kind::Unknown) return text_of(own);
    return text_of(view_.provider_region(i));
  }

  // A policy attribute as a Policy of `kind`. nullopt when it is absent, known only after apply
  // (said once: its gate stays undecided) or unreadable (reported).
  std::optional<Policy> policy_of(const Value& v, PolicyKind kind, const std::string& name, Range fallback) {
    if (v.kind == Value::Kind::Null) return std::nullopt;
    if (v.kind == Value::Kind::Unknown) {
      std::string why;
      for (const auto& u : v.unknown) why += (why.empty() ? "" : ", ") + u;
      // "aws_iam_role.r trust policy" reads as "the trust policy of aws_iam_role.r".
      std::string what = "the policy of " + name;
      for (const char* kind_name : {" trust policy", " inline policy"})
        if (const size_t at = name.rfind(kind_name); at != std::string::npos && at + std::strlen(kind_name) == name.size())
          what = "the" + std::string(kind_name) + " of " + name.substr(0, at);
      problem(Severity::Info,
              what + " cannot be known before apply" + (why.empty() ? "" : " (" + why + ")") +
                  ": what it allows is undecided",
              v.range.known() ? v.range : fallback);
      return std::nullopt;
    }
    // An empty string is how the AWS provider records "no policy" (a secret's computed policy).
    if (v.is_string() && !v.encoded_from && v.text.find_first_not_of(" \t\r\n") == std::string::npos)
      return std::nullopt;
    std::optional<JsonValue> json = terraform_policy_json(v, fallback, diags_);
    if (!json) return std::nullopt;
    return parse_policy(*json, kind, name, diags_);
  }

  // ---- KMS -----------------------------------------------------------------------------------

  // data "aws_kms_key" / "aws_kms_alias" name keys that exist already: a reference to their
  // computed attributes stands for the key_id / name they were looked up by.
  void data_keys() {
    for (const char* type : {"aws_kms_key", "aws_kms_alias"}) {
      auto it = data_.find(type);
      if (it == data_.end()) continue;
      const bool is_alias = std::string(type) == "aws_kms_alias";
      for (const Instance* i : it->second) {
        const std::string looked_up = text_of(view_.attribute(*i, is_alias ? "name" : "key_id"));
        if (looked_up.empty()) continue;
        for (const char* attr : {"arn", "id", "key_id", "target_key_arn", "target_key_id"}) {
          const std::string ref = text_of(view_.reference(*i, attr));
          if (!ref.empty() && ref != looked_up) key_aliases_[ref] = looked_up;
        }
      }
    }
  }

  std::string key_ref(const Value& v) {
    std::string t = text_of(v);
    auto it = key_aliases_.find(t);
    return it == key_aliases_.end() ? t : it->second;
  }

  KeyRecord* find_key(const std::string& ref) {
    for (auto& k : inv_.keys)
      if (k.arn == ref || k.key_id == ref) return &k;
    return nullptr;
  }

  // The policy AWS gives a key created without one: the account may use it through IAM.
  Policy default_key_policy(const KeyRecord& k, const Instance& i) {
    const Range at = i.header;
    return allow_everything("Enable IAM User Permissions", "kms:*",
                            jstring("arn:" + k.partition + ":iam::" + k.account + ":root", at), PolicyKind::KeyPolicy,
                            i.address + " (default key policy)", at);
  }

  // A policy AWS attaches by itself: one statement allowing `action` on everything (to
  // `principal`, unless it is null).
  static Policy allow_everything(const char* sid, const char* action, std::optional<JsonValue> principal,
                                 PolicyKind kind, const std::string& name, Range at) {
    std::vector<std::pair<std::string, JsonValue>> members{{"Sid", jstring(sid, at)}, {"Effect", jstring("Allow", at)}};
    if (principal) members.emplace_back("Principal", jobject({{"AWS", std::move(*principal)}}, at));
    members.emplace_back("Action", jstring(action, at));
    members.emplace_back("Resource", jstring("*", at));
    JsonValue doc = jobject({{"Version", jstring("2012-10-17", at)},
                             {"Statement", jarray({jobject(std::move(members), at)}, at)}},
                            at);
    Diagnostics ignored;  // well formed by construction
    return std::move(*parse_policy(doc, kind, name, ignored));
  }

  void key(const Instance& i, bool replica) {
    KeyRecord k;
    k.arn = text_of(view_.reference(i, "arn"));
    k.key_id = text_of(view_.reference(i, "key_id"));
    k.account = view_.account(i);
    k.region = region_of(i);
    k.partition = view_.partition(i);
    k.range = i.range;
    if (replica) {
      k.multi_region = true;
      k.primary_arn = key_ref(view_.attribute(i, "primary_key_arn"));
    } else {
      k.multi_region = bool_of(view_.attribute(i, "multi_region")).value_or(false);
      k.rotation = bool_of(view_.attribute(i, "enable_key_rotation"));
    }
    const Value enabled = view_.attribute(i, replica ? "enabled" : "is_enabled");
    if (bool_of(enabled) == false) k.state = "Disabled";
    const Value usage = view_.attribute(i, "key_usage");
    const Value spec = view_.attribute(i, "customer_master_key_spec");
    if ((usage.is_string() && usage.text != "ENCRYPT_DECRYPT") || (spec.is_string() && spec.text != "SYMMETRIC_DEFAULT")) {
      // Secrets Manager encrypts with symmetric encryption keys only.
      k.state = "not a symmetric encryption key (" + (usage.is_string() ? usage.text : spec.text) + ")";
    }
    give_name(k.arn, i.address);
    const Value pol = view_.attribute(i, "policy");
    if (pol.is_null()) k.policy = default_key_policy(k, i);
    else k.policy = policy_of(pol, PolicyKind::KeyPolicy, i.address, view_.attribute_range(i, "policy"));
    inv_.keys.push_back(std::move(k));
  }

  void key_policy(const Instance& i) {
    const std::string ref = key_ref(view_.attribute(i, "key_id"));
    KeyRecord* k = find_key(ref);
    if (!k) {
      problem(Severity::Info,
              i.address + " sets the policy of a key this configuration does not create (" + display_symbols(ref) +
                  "): checked for grammar only",
              view_.attribute_range(i, "key_id"));
      if (auto p = policy_of(view_.attribute(i, "policy"), PolicyKind::KeyPolicy, i.address,
                             view_.attribute_range(i, "policy")))
        inv_.loose.push_back(LoosePolicy{std::move(*p)});
      return;
    }
    // aws_kms_key_policy replaces the key's policy (the provider documents not to set both).
    k->policy = policy_of(view_.attribute(i, "policy"), PolicyKind::KeyPolicy, i.address,
                          view_.attribute_range(i, "policy"));
  }

  void alias(const Instance& i) {
    std::string name = text_of(view_.attribute(i, "name"));
    if (name.empty()) name = text_of(view_.reference(i, "name"));
    KeyRecord* k = find_key(key_ref(view_.attribute(i, "target_key_id")));
    if (!k || name.empty()) return;  // an alias of a key defined elsewhere: nothing to tie
    k->aliases.push_back(name);
  }

  // A grant is an allow channel of its own for its grantee (gates.hpp, compile_key_grants).
  void grant(const Instance& i) {
    KeyRecord* k = find_key(key_ref(view_.attribute(i, "key_id")));
    if (!k) {
      note_once(i.address, i.address + " grants on a key this configuration does not create: not simulated",
                view_.attribute_range(i, "key_id"));
      return;
    }
    KeyGrant g;
    g.grant_id = i.address;
    g.grantee = text_of(view_.attribute(i, "grantee_principal"));
    g.operations = strings_of(view_.attribute(i, "operations"));
    g.range = i.range;
    for (const NestedBlock& c : view_.blocks(i, "constraints")) {
      for (const auto& [attr, out] : {std::pair{"encryption_context_equals", &g.context_equals},
                                      std::pair{"encryption_context_subset", &g.context_subset}}) {
        const Value m = view_.attribute(c, attr);
        for (const auto& [key, value] : m.members) out->emplace_back(key, text_of(value));
      }
    }
    k->grants.push_back(std::move(g));
  }

  // ---- Secrets Manager -------------------------------------------------------------------------

  void secret(const Instance& i) {
    SecretRecord s;
    s.arn = text_of(view_.reference(i, "arn"));
    s.name = text_of(view_.reference(i, "name"));
    s.account = view_.account(i);
    s.region = region_of(i);
    s.partition = view_.partition(i);
    s.range = i.range;
    const Value kk = view_.attribute(i, "kms_key_id");
    s.kms_key = key_ref(kk);
    s.kms_key_range = view_.attribute_range(i, "kms_key_id");
    s.policy = policy_of(view_.attribute(i, "policy"), PolicyKind::SecretPolicy, i.address,
                         view_.attribute_range(i, "policy"));
    for (const NestedBlock& b : view_.blocks(i, "replica")) {
      SecretReplica r;
      r.region = text_of(view_.attribute(b, "region"));
      r.kms_key = key_ref(view_.attribute(b, "kms_key_id"));
      r.range = view_.attribute_range(b, "kms_key_id");
      if (r.region.empty()) {
        problem(Severity::Warning, "a replica of " + i.address + " has no region: left out", b.range);
        continue;
      }
      s.replicas.push_back(std::move(r));
    }
    secret_address_[s.arn] = i.address;
    give_name(s.arn, i.address);
    for (const auto& r : s.replicas) give_name(s.arn_in_region(r.region), i.address + " (replica in " + r.region + ")");
    inv_.secrets.push_back(std::move(s));
  }

  void secret_policy(const Instance& i) {
    const std::string arn = text_of(view_.attribute(i, "secret_arn"));
    auto policy = policy_of(view_.attribute(i, "policy"), PolicyKind::SecretPolicy, i.address,
                            view_.attribute_range(i, "policy"));
    for (auto& s : inv_.secrets) {
      if (s.arn != arn) continue;
      if (s.policy)
        problem(Severity::Warning, i.address + " and the secret's own policy argument both set the policy of " +
                                       secret_address_[arn] + ": the last one applied wins; " + i.address + " is used",
                view_.attribute_range(i, "policy"));
      s.policy = std::move(policy);
      return;
    }
    problem(Severity::Info,
            i.address + " sets the policy of a secret this configuration does not create (" + display_symbols(arn) +
                "): checked for grammar only",
            view_.attribute_range(i, "secret_arn"));
    if (policy) inv_.loose.push_back(LoosePolicy{std::move(*policy)});
  }

  // ---- IAM -----------------------------------------------------------------------------------

  struct ManagedPolicy {
    const Instance* instance;
    std::optional<Policy> identity;    // as an identity policy (parsed once)
    std::optional<Policy> boundary;    // as a permission boundary
  };

  void managed_policy(const Instance& i) {
    ManagedPolicy m{&i, std::nullopt, std::nullopt};
    managed_policies_[text_of(view_.reference(i, "arn"))] = std::move(m);
  }

  // A managed policy by ARN as a policy of `kind`, parsed once per kind; nullopt when the
  // configuration does not define it (the caller models it as unknown).
  const Policy* managed(const std::string& arn, PolicyKind kind) {
    auto it = managed_policies_.find(arn);
    if (it == managed_policies_.end()) return nullptr;
    ManagedPolicy& m = it->second;
    auto& slot = kind == PolicyKind::Boundary ? m.boundary : m.identity;
    if (!slot) {
      // Parsed at the first use only: its problems are reported once.
      slot = policy_of(view_.attribute(*m.instance, "policy"), kind, m.instance->address,
                       view_.attribute_range(*m.instance, "policy"));
      if (!slot) slot = unknown_policy(arn, false, view_.attribute_range(*m.instance, "policy"));
    }
    return &*slot;
  }

  // A policy whose content is not in the configuration (an AWS-managed policy, one made
  // elsewhere): whether it allows or denies is unknown, so it is a statement that may apply to
  // anything. AWS-managed policies only allow.
  Policy unknown_policy(const std::string& arn, bool allow_only, Range at) {
    Policy p;
    p.kind = PolicyKind::Identity;
    p.name = display_symbols(arn);
    p.version = Text{"2012-10-17", at};
    p.range = at;
    for (Effect e : {Effect::Allow, Effect::Deny}) {
      if (e == Effect::Deny && allow_only) break;
      Statement st;
      st.effect = e;
      st.range = at;
      st.actions.push_back(Text{make_symbol(SymbolKind::Unknown, "content of " + display_symbols(arn)), at});
      st.actions_lower.push_back(st.actions.back().value);
      st.has_resource = true;
      st.resources.push_back(Text{"*", at});
      compile_statement(st);
      p.statements.push_back(std::move(st));
    }
    return p;
  }

  void attach(PrincipalRecord& pr, const std::string& arn, Range at, bool boundary) {
    const PolicyKind kind = boundary ? PolicyKind::Boundary : PolicyKind::Identity;
    const Policy* p = managed(arn, kind);
    Policy copy;
    if (p) {
      copy = *p;
    } else {
      const bool aws_managed = arn.find(":iam::aws:policy/") != std::string::npos;
      note_once("policy " + arn,
                "policy " + display_symbols(arn) + " is not defined in this configuration: what it allows is undecided" +
                    (aws_managed ? " (an AWS-managed policy: taken to allow only)" : ""),
                at);
      copy = unknown_policy(arn, aws_managed, at);
      copy.kind = kind;
    }
    if (boundary) pr.boundary = std::move(copy);
    else pr.policies.push_back(std::move(copy));
  }

  void principal(const Instance& i, const std::string& kind) {
    PrincipalRecord pr;
    pr.arn = text_of(view_.reference(i, "arn"));
    // The trust policy decides who may assume the role, not what the role may do: checked for
    // grammar (its kind is told from its statements).
    if (kind == "role")
      if (auto trust = policy_of(view_.attribute(i, "assume_role_policy"), PolicyKind::Unknown,
                                 i.address + " trust policy", view_.attribute_range(i, "assume_role_policy")))
        inv_.loose.push_back(LoosePolicy{std::move(*trust), view_.account(i)});
    pr.account = view_.account(i);
    pr.range = i.range;
    give_name(pr.arn, i.address);
    const std::string name = text_of(view_.reference(i, "name"));
    size_t index = inv_.principals.size();
    for (const NestedBlock& b : view_.blocks(i, "inline_policy")) {
      if (auto p = policy_of(view_.attribute(b, "policy"), PolicyKind::Identity, i.address + " inline policy",
                             b.range))
        pr.policies.push_back(std::move(*p));
    }
    for (const std::string& arn : strings_of(view_.attribute(i, "managed_policy_arns")))
      attach(pr, arn, view_.attribute_range(i, "managed_policy_arns"), false);
    const Value boundary = view_.attribute(i, "permissions_boundary");
    if (!boundary.is_null()) attach(pr, text_of(boundary), view_.attribute_range(i, "permissions_boundary"), true);
    inv_.principals.push_back(std::move(pr));
    principal_index_[kind + ":" + name] = index;
  }

  void group(const Instance& i) {
    const std::string name = text_of(view_.reference(i, "name"));
    groups_[name];
  }

  // The principal named by a role/user argument (a name, or the id Terraform gives it, which is
  // the name too), or nullptr.
  PrincipalRecord* named(const std::string& kind, const std::string& name) {
    auto it = principal_index_.find(kind + ":" + name);
    if (it == principal_index_.end()) {
      // A role given by ARN (some arguments accept both).
      for (auto& [k, idx] : principal_index_)
        if (k.rfind(kind + ":", 0) == 0 && inv_.principals[idx].arn == name) return &inv_.principals[idx];
      return nullptr;
    }
    return &inv_.principals[it->second];
  }

  void not_here(const Instance& i, const std::string& kind, const std::string& name, const char* attr) {
    problem(Severity::Info,
            i.address + " gives a policy to " + kind + " " + display_symbols(name) +
                ", which this configuration does not create: checked for grammar only",
            view_.attribute_range(i, attr));
  }

  void inline_policies() {
    for (const auto& [type, kind, attr] : {std::tuple{"aws_iam_role_policy", "role", "role"},
                                           std::tuple{"aws_iam_user_policy", "user", "user"},
                                           std::tuple{"aws_iam_group_policy", "group", "group"}}) {
      for (const Instance* i : of(type)) {
        const std::string who = text_of(view_.attribute(*i, attr));
        auto p = policy_of(view_.attribute(*i, "policy"), PolicyKind::Identity, i->address,
                           view_.attribute_range(*i, "policy"));
        if (!p) continue;
        if (std::string(kind) == "group") {
          auto g = groups_.find(who);
          if (g != groups_.end()) {
            g->second.policies.push_back(std::move(*p));
            continue;
          }
        } else if (PrincipalRecord* pr = named(kind, who)) {
          pr->policies.push_back(std::move(*p));
          continue;
        }
        not_here(*i, kind, who, attr);
        inv_.loose.push_back(LoosePolicy{std::move(*p)});
      }
    }
  }

  void attachments() {
    for (const auto& [type, kind, attr] : {std::tuple{"aws_iam_role_policy_attachment", "role", "role"},
                                           std::tuple{"aws_iam_user_policy_attachment", "user", "user"},
                                           std::tuple{"aws_iam_group_policy_attachment", "group", "group"}}) {
      for (const Instance* i : of(type)) {
        const std::string who = text_of(view_.attribute(*i, attr));
        const std::string arn = text_of(view_.attribute(*i, "policy_arn"));
        attach_to(*i, kind, who, arn, attr);
      }
    }
    for (const Instance* i : of("aws_iam_policy_attachment")) {
      const std::string arn = text_of(view_.attribute(*i, "policy_arn"));
      for (const auto& [kind, attr] : {std::pair{"role", "roles"}, std::pair{"user", "users"}, std::pair{"group", "groups"}})
        for (const std::string& who : strings_of(view_.attribute(*i, attr))) attach_to(*i, kind, who, arn, attr);
    }
  }

  void attach_to(const Instance& i, const std::string& kind, const std::string& who, const std::string& arn,
                 const char* attr) {
    const Range at = view_.attribute_range(i, "policy_arn");
    if (arn.empty()) return problem(Severity::Info, i.address + " names no policy ARN: nothing is attached", at);
    if (kind == "group") {
      auto g = groups_.find(who);
      if (g == groups_.end()) return not_here(i, kind, who, attr);
      PrincipalRecord holder;
      attach(holder, arn, at, false);
      for (auto& p : holder.policies) g->second.policies.push_back(std::move(p));
      return;
    }
    PrincipalRecord* pr = named(kind, who);
    if (!pr) return not_here(i, kind, who, attr);
    attach(*pr, arn, at, false);
  }

  void group_memberships() {
    std::map<std::string, std::set<std::string>> user_groups;
    for (const Instance* i : of("aws_iam_user_group_membership")) {
      const std::string user = text_of(view_.attribute(*i, "user"));
      for (const std::string& g : strings_of(view_.attribute(*i, "groups"))) user_groups[user].insert(g);
    }
    for (const Instance* i : of("aws_iam_group_membership")) {
      const std::string g = text_of(view_.attribute(*i, "group"));
      for (const std::string& user : strings_of(view_.attribute(*i, "users"))) user_groups[user].insert(g);
    }
    for (const auto& [user, gs] : user_groups) {
      PrincipalRecord* pr = named("user", user);
      if (!pr) continue;
      for (const std::string& g : gs) {
        auto it = groups_.find(g);
        if (it == groups_.end()) continue;
        it->second.has_members = true;
        for (const Policy& p : it->second.policies) pr->policies.push_back(p);
      }
    }
  }

  // ---- organizations -----------------------------------------------------------------------------

  // SCPs and RCPs attached to an account the code names: that account's level holds them, with
  // FullAWSAccess, which AWS attaches to every account by default (an SCP only denies unless
  // something allows; RCPFullAWSAccess is implicit in the evaluator). Attachments to a root or
  // an organizational unit reach accounts the code does not list: said, not simulated.
  void organization_policies() {
    std::map<std::string, std::pair<const Instance*, std::optional<Policy>>> by_ref;
    for (const Instance* i : of("aws_organizations_policy")) {
      const std::string type = text_of(view_.attribute(*i, "type"));
      if (!type.empty() && type != "SERVICE_CONTROL_POLICY" && type != "RESOURCE_CONTROL_POLICY") continue;
      const PolicyKind kind = type == "RESOURCE_CONTROL_POLICY" ? PolicyKind::Rcp : PolicyKind::Scp;
      auto p = policy_of(view_.attribute(*i, "content"), kind, i->address, view_.attribute_range(*i, "content"));
      for (const char* attr : {"id", "arn"}) by_ref[text_of(view_.reference(*i, attr))] = {i, p};
      if (p) org_policies_.push_back(&by_ref[text_of(view_.reference(*i, "id"))]);
    }
    std::set<const Instance*> attached;
    for (const Instance* a : of("aws_organizations_policy_attachment")) {
      auto it = by_ref.find(text_of(view_.attribute(*a, "policy_id")));
      if (it == by_ref.end() || !it->second.second) continue;
      const std::string target = text_of(view_.attribute(*a, "target_id"));
      if (!is_account_id(target)) {
        note_once("org target " + target,
                  a->address + " attaches " + it->second.first->address + " to " + display_symbols(target) +
                      " (a root or an organizational unit): the accounts under it are not in the code, so its "
                      "effect on reads is not simulated",
                  view_.attribute_range(*a, "target_id"));
        continue;
      }
      const Policy& policy = *it->second.second;
      auto& levels = (policy.kind == PolicyKind::Rcp ? inv_.rcps : inv_.scps)[target];
      if (levels.empty()) {
        levels.emplace_back();
        if (policy.kind == PolicyKind::Scp) levels.back().push_back(full_aws_access(a->header));
      }
      levels.back().push_back(policy);
      attached.insert(it->second.first);
    }
    // Policies attached nowhere the code shows are still checked for grammar.
    for (auto* entry : org_policies_)
      if (!attached.count(entry->first)) inv_.loose.push_back(LoosePolicy{*entry->second});
  }

  // Policies that reach no principal the code creates — a managed policy attached nowhere, the
  // policies of a group without members — are still checked for grammar, never skipped.
  void unused_policies() {
    for (auto& [arn, m] : managed_policies_)
      if (!m.identity && !m.boundary)
        if (auto p = policy_of(view_.attribute(*m.instance, "policy"), PolicyKind::Identity, m.instance->address,
                               view_.attribute_range(*m.instance, "policy")))
          inv_.loose.push_back(LoosePolicy{std::move(*p)});
    for (auto& [name, g] : groups_)
      if (!g.has_members)
        for (auto& p : g.policies) inv_.loose.push_back(LoosePolicy{std::move(p)});
  }

  Policy full_aws_access(Range at) {
    return allow_everything("FullAWSAccess", "*", std::nullopt, PolicyKind::Scp,
                            "FullAWSAccess (attached by AWS by default)", at);
  }

  // Resource types that hold policies threegate does not read yet are said once, never skipped
  // in silence; others (buckets, functions…) are outside what threegate checks.
  void unread(const std::string& type, const std::vector<const Instance*>& list) {
    if (read_types_.count(type) || list.empty()) return;
    static const std::set<std::string> policy_holders = {"aws_kms_external_key",
                                                         "aws_kms_replica_external_key", "aws_iam_user_login_profile",
                                                         "aws_iam_role_policies_exclusive",
                                                         "aws_iam_role_policy_attachments_exclusive"};
    if (policy_holders.count(type))
      note_once(type, type + " (" + list.front()->address + ") is not read yet: what it allows is not simulated",
                list.front()->range);
  }

  bool uses_account_symbol() const {
    auto has = [](const std::string& s) {
      for (const auto& sym : symbols_in(s))
        if (sym.kind == SymbolKind::Account) return true;
      return false;
    };
    for (const auto& k : inv_.keys)
      if (has(k.account)) return true;
    for (const auto& s : inv_.secrets)
      if (has(s.account)) return true;
    return false;
  }

  struct Group {
    std::vector<Policy> policies;
    bool has_members = false;
  };

  const ResourceView& view_;
  Inventory& inv_;
  Diagnostics& diags_;
  TerraformMapping out_;
  std::map<std::string, std::vector<const Instance*>> managed_, data_;
  std::set<std::string> read_types_;
  std::set<std::string> said_;
  std::map<std::string, std::string> key_aliases_;  // data source attribute → the key id/alias it looked up
  std::map<std::string, std::string> secret_address_;
  std::map<std::string, ManagedPolicy> managed_policies_;  // by ARN
  std::map<std::string, size_t> principal_index_;          // "role:name" / "user:name" → inventory index
  std::map<std::string, Group> groups_;
  std::vector<std::pair<const Instance*, std::optional<Policy>>*> org_policies_;
};

}  // namespace

TerraformMapping load_terraform_inventory(const ResourceView& view, Inventory& inventory, Diagnostics& diagnostics) {
  return Mapper(view, inventory, diagnostics).run();
}

}  // namespace threegate
