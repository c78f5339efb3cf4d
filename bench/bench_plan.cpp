// Benchmarks `threegate check` on a Terraform plan in JSON (`terraform show -json tfplan`, format
// 1.2). Generates one plan of N managed resource instances (counted in planned_values) spread
// over a root module and up to 50 child modules (module.svc_07, ...) of two kinds: "service"
// modules (for_each over secret names: aws_kms_key.k["db"], an alias, a secret and a secret
// policy per name) and "worker" modules (one aws_kms_key.k, count secrets whose kms_key_id is
// aws_kms_key.k.arn); each also has count reader roles (aws_iam_role.reader[3]) with a trust
// policy, an inline aws_iam_role_policy and an aws_iam_policy attachment, an S3 bucket and SQS
// queues. Key policies grant kms:Decrypt to a consumer account's role through Secrets Manager
// (kms:ViaService); policies are jsonencode strings (compact, sorted keys). Most modules are
// already applied (no-op, some updates; attributes the provider reads back, such as a role's
// inline_policy and managed_policy_arns and a secret's policy, are in their values); a few are
// new (create: ARNs, kms_key_id and the policies built from them unknown), a few grow (a new
// secret) or shrink (deleted instances: in resource_changes and prior_state, not in
// planned_values). The plan has variables, planned_values, resource_changes, output_changes,
// prior_state (with data.aws_caller_identity), configuration (provider_config, module_calls,
// expressions) and relevant_attributes. Then times reading and analysing the file as
// `threegate check FILE` does, in one thread, and prints peak RSS.
// Usage: bench_plan [N] [--dir DIR]   (defaults 5000 resources, at least 9; writes DIR/tfplan.json,
// DIR /tmp/threegate-bench-plan, which should hold no .tf files: threegate would read them as the
// plan's source)
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "threegate/analysis.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {

constexpr const char* kAccount = "111122223333";
constexpr const char* kRegion = "us-east-1";
constexpr const char* kProvider = "registry.terraform.io/hashicorp/aws";
constexpr const char* kOrg = "o-a1b2c3d4e5";

uint64_t mix(uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  uint64_t x = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL) * 0xBF58476D1CE4E5B9ULL ^ c * 0x94D049BB133111EBULL;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string alnum(uint64_t seed, int n, bool upper_only = false) {
  static constexpr char all[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < n; ++i) {
    seed = mix(seed, static_cast<uint64_t>(i));
    s += upper_only ? all[seed % 26] : all[seed % 62];
  }
  return s;
}

// A JSON string literal.
void put_str(std::string& o, std::string_view s) {
  o += '"';
  for (char ch : s) {
    switch (ch) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      default: o += ch;
    }
  }
  o += '"';
}
std::string jstr(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 8);
  put_str(o, s);
  return o;
}
std::string jlist(const std::vector<std::string>& v) {
  std::string o = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) o += ',';
    put_str(o, v[i]);
  }
  return o + "]";
}

// An object with keys sorted as Terraform (Go's encoding/json) writes them. Values are raw JSON.
struct Obj {
  std::vector<std::pair<std::string, std::string>> f;
  Obj& raw(std::string k, std::string v) {
    f.emplace_back(std::move(k), std::move(v));
    return *this;
  }
  Obj& s(std::string k, std::string_view v) { return raw(std::move(k), jstr(v)); }
  Obj& t(std::string k) { return raw(std::move(k), "true"); }  // after_unknown: known after apply
  Obj& n(std::string k) { return raw(std::move(k), "null"); }
  Obj& b(std::string k, bool v) { return raw(std::move(k), v ? "true" : "false"); }
  Obj& i(std::string k, long v) { return raw(std::move(k), std::to_string(v)); }
  std::string str() {
    std::sort(f.begin(), f.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string o = "{";
    for (size_t i = 0; i < f.size(); ++i) {
      if (i) o += ',';
      put_str(o, f[i].first);
      o += ':';
      o += f[i].second;
    }
    return o + "}";
  }
};

// ---- policies --------------------------------------------------------------------------------

struct Cond {
  std::string op, key;
  std::vector<std::string> values;
};
struct Stmt {
  std::string sid, effect = "Allow";
  std::string ptype;  // "AWS", "Service"; "*": Principal "*"; empty: no Principal
  std::vector<std::string> principals, actions, resources;
  std::vector<Cond> conds;  // sorted by op, then key
};

void put_one_or_list(std::string& o, const std::vector<std::string>& v) {
  if (v.size() == 1) put_str(o, v[0]);
  else o += jlist(v);
}

// jsonencode(): compact, keys sorted.
std::string jsonencode(const std::vector<Stmt>& st) {
  std::string o = "{\"Statement\":[";
  for (size_t i = 0; i < st.size(); ++i) {
    const Stmt& s = st[i];
    if (i) o += ',';
    o += "{\"Action\":";
    put_one_or_list(o, s.actions);
    if (!s.conds.empty()) {
      o += ",\"Condition\":{";
      for (size_t c = 0; c < s.conds.size(); ++c) {
        const bool first_of_op = c == 0 || s.conds[c - 1].op != s.conds[c].op;
        if (first_of_op) {
          if (c) o += "},";
          put_str(o, s.conds[c].op);
          o += ":{";
        } else {
          o += ',';
        }
        put_str(o, s.conds[c].key);
        o += ':';
        put_one_or_list(o, s.conds[c].values);
      }
      o += "}}";
    }
    o += ",\"Effect\":";
    put_str(o, s.effect);
    if (s.ptype == "*") {
      o += ",\"Principal\":\"*\"";
    } else if (!s.ptype.empty()) {
      o += ",\"Principal\":{";
      put_str(o, s.ptype);
      o += ':';
      put_one_or_list(o, s.principals);
      o += '}';
    }
    if (!s.resources.empty()) {
      o += ",\"Resource\":";
      put_one_or_list(o, s.resources);
    }
    if (!s.sid.empty()) {
      o += ",\"Sid\":";
      put_str(o, s.sid);
    }
    o += '}';
  }
  return o + "],\"Version\":\"2012-10-17\"}";
}

// ---- the modules -----------------------------------------------------------------------------

enum class State { Applied, New, Growing, Shrinking };

struct Inst {
  std::string type, name, index;  // index: raw JSON (3 or "db"), empty without count/for_each
  std::string addr;               // within the module: aws_kms_key.k["db"]
  const char* action;             // create, update, no-op, delete
  const char* reason = nullptr;   // action_reason
  std::string before, after, after_unknown, before_sensitive, after_sensitive;  // raw JSON
};

struct Unit {
  int id = 0;
  std::string call;  // module call name (svc_07); empty: the root module
  std::string name;  // names resources: svc-07, platform
  bool keyed = false;  // "service": for_each over secret names; "worker": count secrets, one key
  State state = State::Applied;
  std::string consumer;  // the consumer account
  int secrets = 1, roles = 1, queues = 0;
  std::vector<std::string> keys;  // keyed: the for_each keys, sorted
  std::vector<Inst> insts;        // sorted by address
  std::vector<Inst> data;         // data sources read during plan (prior_state only)

  std::string prefix() const { return call.empty() ? "" : "module." + call + "."; }
  std::string label(int k) const { return keyed ? keys[k] : fmt::format("secret-{}", k); }
  std::string index(int k) const { return keyed ? jstr(keys[k]) : std::to_string(k); }
  bool secret_exists(int k) const {
    return state != State::New && !(state == State::Growing && k == secrets - 1);
  }
  int nkeys() const { return keyed ? secrets : 1; }
  bool key_exists(int k) const { return keyed ? secret_exists(k) : state != State::New; }
  bool base_exists() const { return state != State::New; }  // roles, policy, bucket, queues

  std::string key_id(int k) const {
    const uint64_t a = mix(id, 1, k), b = mix(id, 2, k);
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, a & 0xffff, (a >> 16) & 0xfff,
                       0x8000 | (b >> 48 & 0x3fff), b & 0xffffffffffffULL);
  }
  std::string key_arn(int k) const { return fmt::format("arn:aws:kms:{}:{}:key/{}", kRegion, kAccount, key_id(k)); }
  std::string alias(int k) const { return keyed ? "alias/" + name + "/" + keys[k] : "alias/" + name; }
  std::string secret_name(int k) const { return name + "/" + label(k); }
  std::string secret_arn(int k) const {
    return fmt::format("arn:aws:secretsmanager:{}:{}:secret:{}-{}", kRegion, kAccount, secret_name(k),
                       alnum(mix(id, 3, k), 6));
  }
  std::string role_name(int i) const { return fmt::format("{}-reader-{}", name, i); }
  std::string role_arn(int i) const { return fmt::format("arn:aws:iam::{}:role/{}", kAccount, role_name(i)); }
  std::string policy_arn() const { return fmt::format("arn:aws:iam::{}:policy/{}-read", kAccount, name); }
  std::string consumer_role() const { return fmt::format("arn:aws:iam::{}:role/{}-consumer", consumer, name); }
  std::string tags_json(bool rev) const {
    Obj t;
    t.s("Environment", "prod").s("ManagedBy", "terraform").s("Service", name);
    if (rev) t.s("CostCenter", fmt::format("cc-{}", 1000 + id));
    return t.str();
  }
  bool updated(int salt, int i) const { return mix(id, 100 + salt, i) % 100 < 6; }
  std::string date(int salt, int i) const {
    const uint64_t h = mix(id, 200 + salt, i);
    return fmt::format("2024-{:02}-{:02}T{:02}:{:02}:{:02}Z", 1 + h % 12, 1 + (h >> 8) % 28, (h >> 16) % 24,
                       (h >> 24) % 60, (h >> 32) % 60);
  }
};

// The parts of a resource's values that depend on whether it exists and on the change.
struct Vals {
  Obj values, unknown;  // unknown: after_unknown when created
  std::string sensitive = "{}";
};

// Builds an instance from its values before (applied, current) and after (planned) the change.
template <class Gen>
Inst make(const char* type, const char* name, std::string index, bool exists, bool update,
          bool policy_known, Gen gen) {
  Inst in;
  in.type = type;
  in.name = name;
  in.addr = std::string(type) + "." + name;
  if (!index.empty()) in.addr += "[" + index + "]";
  in.index = std::move(index);
  if (!exists) {
    Vals v = gen(false, false, policy_known);
    if (!policy_known) v.unknown.t("policy");
    in.action = "create";
    in.before = "null";
    in.before_sensitive = "false";
    in.after = v.values.str();
    in.after_unknown = v.unknown.str();
    in.after_sensitive = v.sensitive;
    return in;
  }
  Vals b = gen(true, false, true);
  in.before = b.values.str();
  in.before_sensitive = b.sensitive;
  if (!update) {
    in.action = "no-op";
    in.after = in.before;
    in.after_sensitive = in.before_sensitive;
    in.after_unknown = "{}";
    return in;
  }
  Vals a = gen(true, true, policy_known);
  in.action = "update";
  in.after = a.values.str();
  in.after_sensitive = a.sensitive;
  in.after_unknown = policy_known ? "{}" : "{\"policy\":true}";
  return in;
}

Inst deleted(Inst in, const char* reason) {
  in.action = "delete";
  in.reason = reason;
  in.after = "null";
  in.after_unknown = "{}";
  in.after_sensitive = "false";
  return in;
}

std::vector<Stmt> key_policy(const Unit& u, int k) {
  std::vector<Stmt> st;
  Stmt root;
  root.sid = "EnableRootPermissions";
  root.ptype = "AWS";
  root.principals = {fmt::format("arn:aws:iam::{}:root", kAccount)};
  root.actions = {"kms:*"};
  root.resources = {"*"};
  st.push_back(root);
  if (u.keyed) {
    Stmt use;
    use.sid = "AllowServiceUse";
    use.ptype = "AWS";
    use.principals = {u.role_arn(0)};
    use.actions = {"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"};
    use.resources = {"*"};
    st.push_back(use);
  }
  Stmt consumer;
  consumer.sid = "AllowConsumerDecrypt";
  consumer.ptype = "AWS";
  const uint64_t h = mix(u.id, 7, k);
  consumer.principals = {h % 17 == 3 ? fmt::format("arn:aws:iam::{}:root", u.consumer) : u.consumer_role()};
  consumer.actions = {"kms:Decrypt", "kms:DescribeKey"};
  consumer.resources = {"*"};
  if (h % 11 != 5)  // now and then a key shared without the Secrets Manager condition
    consumer.conds = {{"StringEquals", "kms:CallerAccount", {u.consumer}},
                      {"StringEquals", "kms:ViaService", {fmt::format("secretsmanager.{}.amazonaws.com", kRegion)}}};
  st.push_back(consumer);
  return st;
}

std::vector<Stmt> secret_policy(const Unit& u, int k) {
  std::vector<Stmt> st;
  Stmt read;
  read.sid = "AllowConsumerRead";
  read.ptype = "AWS";
  read.principals = {u.consumer_role()};
  read.actions = {"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"};
  read.resources = {"*"};
  st.push_back(read);
  if (mix(u.id, 8, k) % 9 == 2) {
    Stmt deny;
    deny.sid = "DenyOutsideOrganization";
    deny.effect = "Deny";
    deny.ptype = "*";
    deny.actions = {"secretsmanager:*"};
    deny.resources = {"*"};
    deny.conds = {{"StringNotEquals", "aws:PrincipalOrgID", {kOrg}}};
    st.push_back(deny);
  }
  return st;
}

std::vector<Stmt> trust_policy(const Unit& u, int i) {
  Stmt s;
  s.actions = {"sts:AssumeRole"};
  if (i % 3 == 0) {
    s.ptype = "Service";
    s.principals = {"ecs-tasks.amazonaws.com"};
  } else {
    s.ptype = "AWS";
    s.principals = {fmt::format("arn:aws:iam::{}:root", u.consumer)};
    s.conds = {{"StringEquals", "sts:ExternalId", {u.name}}};
  }
  return {s};
}

// Odd roles name every secret of the module (unknown while one is created), even roles a prefix.
bool names_secrets(int i) { return i % 2 == 1; }

std::vector<Stmt> role_policy(const Unit& u, int i, bool rev) {
  Stmt read;
  read.sid = "ReadSecrets";
  read.actions = {"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"};
  if (rev) read.actions.push_back("secretsmanager:ListSecretVersionIds");
  if (names_secrets(i)) {
    for (int k = 0; k < u.secrets; ++k) read.resources.push_back(u.secret_arn(k));
  } else {
    read.resources = {fmt::format("arn:aws:secretsmanager:{}:{}:secret:{}/*", kRegion, kAccount, u.name)};
  }
  Stmt decrypt;
  decrypt.sid = "DecryptViaSecretsManager";
  decrypt.actions = {"kms:Decrypt"};
  decrypt.resources = {"*"};
  decrypt.conds = {{"StringEquals", "kms:ViaService", {fmt::format("secretsmanager.{}.amazonaws.com", kRegion)}}};
  return {read, decrypt};
}

std::vector<Stmt> managed_policy(const Unit& u, bool rev) {
  Stmt use;
  use.sid = "UseServiceKeys";
  use.actions = {"kms:Decrypt", "kms:DescribeKey"};
  if (rev) use.actions.push_back("kms:GenerateDataKey");
  for (int k = 0; k < u.nkeys(); ++k) use.resources.push_back(u.key_arn(k));
  return {use};
}

void put_trust(Obj& o, const Unit& u, int i) { o.raw("assume_role_policy", jstr(jsonencode(trust_policy(u, i)))); }

void build(Unit& u) {
  auto& out = u.insts;
  const std::string tags = u.tags_json(false);
  auto tag = [&](Obj& o, bool rev) {
    const std::string t = rev ? u.tags_json(true) : tags;
    o.raw("tags", t).raw("tags_all", t);
  };
  const bool growing_keys = u.state == State::Growing || u.state == State::New;
  const int extra_role = u.state == State::Shrinking ? u.roles : -1;  // count went down by one

  // aws_iam_policy.read: names every key (unknown while one is created).
  {
    const bool known = u.keyed ? !growing_keys : u.base_exists();
    const bool update = u.base_exists() && (!known || u.updated(1, 0));
    out.push_back(make("aws_iam_policy", "read", "", u.base_exists(), update, known,
                       [&](bool applied, bool rev, bool pk) {
                         Vals v;
                         v.values.s("description", fmt::format("Use the keys of {}", u.name))
                             .s("name", u.name + "-read")
                             .s("path", "/");
                         if (pk) v.values.raw("policy", jstr(jsonencode(managed_policy(u, rev))));
                         tag(v.values, false);
                         if (applied) {
                           v.values.s("arn", u.policy_arn()).s("id", u.policy_arn()).n("name_prefix")
                               .i("attachment_count", u.roles)
                               .s("policy_id", "ANPA" + alnum(mix(u.id, 9), 17, true));
                         } else {
                           v.values.n("name_prefix");
                           v.unknown.t("arn").t("attachment_count").t("id").t("policy_id")
                               .raw("tags", "{}").raw("tags_all", "{}");
                         }
                         v.sensitive = "{\"tags\":{},\"tags_all\":{}}";
                         return v;
                       }));
  }
  // aws_iam_role.reader[i]
  for (int i = 0; i < u.roles + (extra_role >= 0); ++i) {
    const bool update = u.base_exists() && u.updated(2, i);
    Inst in = make("aws_iam_role", "reader", std::to_string(i), u.base_exists(), update, true,
                   [&](bool applied, bool rev, bool) {
                     Vals v;
                     put_trust(v.values, u, i);
                     v.values.s("description", fmt::format("Reads the secrets of {}", u.name))
                         .b("force_detach_policies", false)
                         .i("max_session_duration", 3600)
                         .s("name", u.role_name(i))
                         .s("path", "/");
                     tag(v.values, rev);
                     const bool bounded = i % 5 == 4;
                     if (bounded)
                       v.values.s("permissions_boundary", fmt::format("arn:aws:iam::{}:policy/workload-boundary", kAccount));
                     else
                       v.values.n("permissions_boundary");
                     if (applied) {
                       const std::string inline_policy =
                           "[{\"name\":\"read-secrets\",\"policy\":" + jstr(jsonencode(role_policy(u, i, false))) + "}]";
                       v.values.s("arn", u.role_arn(i)).s("create_date", u.date(2, i)).s("id", u.role_name(i))
                           .raw("inline_policy", inline_policy)
                           .raw("managed_policy_arns", jlist({u.policy_arn()}))
                           .n("name_prefix")
                           .s("unique_id", "AROA" + alnum(mix(u.id, 10, i), 17, true));
                       v.sensitive = "{\"inline_policy\":[{}],\"managed_policy_arns\":[false],\"tags\":{},\"tags_all\":{}}";
                     } else {
                       v.unknown.t("arn").t("create_date").t("id").t("inline_policy").t("managed_policy_arns")
                           .t("name_prefix").raw("tags", "{}").raw("tags_all", "{}").t("unique_id");
                       v.sensitive = "{\"inline_policy\":[],\"managed_policy_arns\":[],\"tags\":{},\"tags_all\":{}}";
                     }
                     return v;
                   });
    out.push_back(i == extra_role ? deleted(std::move(in), "delete_because_count_index") : std::move(in));
  }
  // aws_iam_role_policy.reader[i]
  for (int i = 0; i < u.roles + (extra_role >= 0); ++i) {
    const bool known = u.state == State::Applied || u.state == State::Shrinking || !names_secrets(i);
    const bool update = u.base_exists() && (!known || u.updated(3, i));
    Inst in = make("aws_iam_role_policy", "reader", std::to_string(i), u.base_exists(), update, known,
                   [&](bool applied, bool rev, bool pk) {
                     Vals v;
                     v.values.s("name", "read-secrets").s("role", u.role_name(i));
                     if (pk) v.values.raw("policy", jstr(jsonencode(role_policy(u, i, rev))));
                     if (applied) {
                       v.values.s("id", u.role_name(i) + ":read-secrets").n("name_prefix");
                     } else {
                       v.values.n("name_prefix");
                       v.unknown.t("id");
                     }
                     return v;
                   });
    out.push_back(i == extra_role ? deleted(std::move(in), "delete_because_count_index") : std::move(in));
  }
  // aws_iam_role_policy_attachment.read[i]
  for (int i = 0; i < u.roles + (extra_role >= 0); ++i) {
    Inst in = make("aws_iam_role_policy_attachment", "read", std::to_string(i), u.base_exists(), false, true,
                   [&](bool applied, bool, bool) {
                     Vals v;
                     v.values.s("role", u.role_name(i));
                     if (applied) {
                       v.values.s("policy_arn", u.policy_arn())
                           .s("id", fmt::format("{}-20240311092145123400000{:03}", u.role_name(i), mix(u.id, 11, i) % 1000));
                     } else {
                       v.unknown.t("id").t("policy_arn");
                     }
                     return v;
                   });
    out.push_back(i == extra_role ? deleted(std::move(in), "delete_because_count_index") : std::move(in));
  }
  // aws_kms_alias.k
  for (int k = 0; k < u.nkeys(); ++k) {
    out.push_back(make("aws_kms_alias", "k", u.keyed ? u.index(k) : "", u.key_exists(k), false, true,
                       [&](bool applied, bool, bool) {
                         Vals v;
                         v.values.s("name", u.alias(k));
                         if (applied) {
                           v.values.s("arn", fmt::format("arn:aws:kms:{}:{}:{}", kRegion, kAccount, u.alias(k)))
                               .s("id", u.alias(k)).n("name_prefix")
                               .s("target_key_arn", u.key_arn(k)).s("target_key_id", u.key_id(k));
                         } else {
                           v.values.n("name_prefix");
                           v.unknown.t("arn").t("id").t("target_key_arn").t("target_key_id");
                         }
                         return v;
                       }));
  }
  // aws_kms_key.k: the key policy names reader[0], unknown while the roles are created.
  for (int k = 0; k < u.nkeys(); ++k) {
    const bool known = !u.keyed || u.base_exists();
    const bool update = u.key_exists(k) && u.updated(4, k);
    out.push_back(make("aws_kms_key", "k", u.keyed ? u.index(k) : "", u.key_exists(k), update, known,
                       [&](bool applied, bool rev, bool pk) {
                         Vals v;
                         v.values.b("bypass_policy_lockout_safety_check", false)
                             .s("customer_master_key_spec", "SYMMETRIC_DEFAULT")
                             .i("deletion_window_in_days", 30)
                             .s("description", fmt::format("{} secrets ({})", u.name, u.keyed ? u.keys[k] : "shared"))
                             .b("enable_key_rotation", true)
                             .b("is_enabled", true)
                             .s("key_usage", "ENCRYPT_DECRYPT")
                             .n("timeouts");
                         if (pk) v.values.raw("policy", jstr(jsonencode(key_policy(u, k))));
                         tag(v.values, rev);
                         if (applied) {
                           v.values.s("arn", u.key_arn(k)).s("custom_key_store_id", "").s("id", u.key_id(k))
                               .s("key_id", u.key_id(k)).b("multi_region", false).i("rotation_period_in_days", 365)
                               .s("xks_key_id", "");
                         } else {
                           v.values.n("custom_key_store_id").n("xks_key_id");
                           v.unknown.t("arn").t("id").t("key_id").t("multi_region").t("rotation_period_in_days")
                               .raw("tags", "{}").raw("tags_all", "{}");
                         }
                         v.sensitive = "{\"tags\":{},\"tags_all\":{}}";
                         return v;
                       }));
  }
  // aws_s3_bucket.artifacts
  {
    const std::string bucket = fmt::format("{}-artifacts-{}", u.name, kAccount);
    const bool update = u.base_exists() && u.updated(5, 0);
    out.push_back(make("aws_s3_bucket", "artifacts", "", u.base_exists(), update, true,
                       [&](bool applied, bool rev, bool) {
                         Vals v;
                         v.values.s("bucket", bucket).b("force_destroy", false).n("timeouts");
                         tag(v.values, rev);
                         if (applied) {
                           v.values.s("acceleration_status", "").n("acl").s("arn", "arn:aws:s3:::" + bucket)
                               .s("bucket_domain_name", bucket + ".s3.amazonaws.com").n("bucket_prefix")
                               .s("bucket_regional_domain_name", fmt::format("{}.s3.{}.amazonaws.com", bucket, kRegion))
                               .raw("cors_rule", "[]")
                               .raw("grant", "[{\"id\":\"" + alnum(mix(u.id, 12), 64, true) +
                                                 "\",\"permissions\":[\"FULL_CONTROL\"],\"type\":\"CanonicalUser\",\"uri\":\"\"}]")
                               .s("hosted_zone_id", "Z3AQBSTGFYJSTF").s("id", bucket).raw("lifecycle_rule", "[]")
                               .raw("logging", "[]").raw("object_lock_configuration", "[]")
                               .b("object_lock_enabled", false).s("policy", "").s("region", kRegion)
                               .raw("replication_configuration", "[]").s("request_payer", "BucketOwner")
                               .raw("server_side_encryption_configuration",
                                    "[{\"rule\":[{\"apply_server_side_encryption_by_default\":[{\"kms_master_key_id\":\"\","
                                    "\"sse_algorithm\":\"AES256\"}],\"bucket_key_enabled\":false}]}]")
                               .raw("versioning", "[{\"enabled\":false,\"mfa_delete\":false}]").raw("website", "[]")
                               .n("website_domain").n("website_endpoint");
                           v.sensitive = "{\"cors_rule\":[],\"grant\":[{\"permissions\":[false]}],\"lifecycle_rule\":[],"
                                         "\"logging\":[],\"object_lock_configuration\":[],\"replication_configuration\":[],"
                                         "\"server_side_encryption_configuration\":[{\"rule\":[{\"apply_server_side_encryption_by_default\":[{}]}]}],"
                                         "\"tags\":{},\"tags_all\":{},\"versioning\":[{}],\"website\":[]}";
                         } else {
                           v.values.n("bucket_prefix");
                           for (const char* f : {"acceleration_status", "acl", "arn", "bucket_domain_name",
                                                 "bucket_regional_domain_name", "cors_rule", "grant", "hosted_zone_id", "id",
                                                 "lifecycle_rule", "logging", "object_lock_configuration",
                                                 "object_lock_enabled", "policy", "region", "replication_configuration",
                                                 "request_payer", "server_side_encryption_configuration", "versioning",
                                                 "website", "website_domain", "website_endpoint"})
                             v.unknown.t(f);
                           v.unknown.raw("tags", "{}").raw("tags_all", "{}");
                           v.sensitive = "{\"cors_rule\":[],\"grant\":[],\"lifecycle_rule\":[],\"logging\":[],"
                                         "\"object_lock_configuration\":[],\"replication_configuration\":[],"
                                         "\"server_side_encryption_configuration\":[],\"tags\":{},\"tags_all\":{},"
                                         "\"versioning\":[],\"website\":[]}";
                         }
                         return v;
                       }));
  }
  // aws_secretsmanager_secret.s: kms_key_id known when its key exists.
  for (int k = 0; k < u.secrets; ++k) {
    const int key = u.keyed ? k : 0;
    const bool update = u.secret_exists(k) && u.updated(6, k);
    out.push_back(make("aws_secretsmanager_secret", "s", u.index(k), u.secret_exists(k), update, true,
                       [&](bool applied, bool rev, bool) {
                         Vals v;
                         v.values.s("description", fmt::format("{} credentials", u.label(k)))
                             .b("force_overwrite_replica_secret", false)
                             .s("name", u.secret_name(k))
                             .i("recovery_window_in_days", 30);
                         tag(v.values, rev);
                         if (u.key_exists(key)) v.values.s("kms_key_id", u.key_arn(key));
                         else v.unknown.t("kms_key_id");
                         if (applied) {
                           v.values.s("arn", u.secret_arn(k)).s("id", u.secret_arn(k)).n("name_prefix")
                               .raw("policy", jstr(jsonencode(secret_policy(u, k)))).raw("replica", "[]");
                         } else {
                           v.values.n("name_prefix");
                           v.unknown.t("arn").t("id").t("policy").t("replica").raw("tags", "{}").raw("tags_all", "{}");
                         }
                         v.sensitive = "{\"replica\":[],\"tags\":{},\"tags_all\":{}}";
                         return v;
                       }));
  }
  // aws_secretsmanager_secret_policy.s
  for (int k = 0; k < u.secrets; ++k) {
    out.push_back(make("aws_secretsmanager_secret_policy", "s", u.index(k), u.secret_exists(k), false, true,
                       [&](bool applied, bool, bool) {
                         Vals v;
                         v.values.b("block_public_policy", true).raw("policy", jstr(jsonencode(secret_policy(u, k))));
                         if (applied) v.values.s("id", u.secret_arn(k)).s("secret_arn", u.secret_arn(k));
                         else v.unknown.t("id").t("secret_arn");
                         return v;
                       }));
  }
  // aws_sqs_queue.events[i], and a queue removed from the configuration
  auto queue = [&](const char* name, std::string index, const std::string& qname, int salt) {
    const bool update = u.base_exists() && u.updated(7, salt);
    return make("aws_sqs_queue", name, std::move(index), u.base_exists(), update, true,
                [&](bool applied, bool rev, bool) {
                  Vals v;
                  v.values.b("content_based_deduplication", false).i("delay_seconds", 0).b("fifo_queue", false)
                      .i("max_message_size", 262144).i("message_retention_seconds", 345600).s("name", qname)
                      .i("receive_wait_time_seconds", 0).i("visibility_timeout_seconds", 30);
                  tag(v.values, rev);
                  const std::string url = fmt::format("https://sqs.{}.amazonaws.com/{}/{}", kRegion, kAccount, qname);
                  if (applied) {
                    v.values.s("arn", fmt::format("arn:aws:sqs:{}:{}:{}", kRegion, kAccount, qname))
                        .s("deduplication_scope", "").s("fifo_throughput_limit", "").s("id", url)
                        .i("kms_data_key_reuse_period_seconds", 300).s("kms_master_key_id", "").n("name_prefix")
                        .s("policy", "").s("redrive_allow_policy", "").s("redrive_policy", "")
                        .b("sqs_managed_sse_enabled", true).s("url", url);
                  } else {
                    v.values.n("name_prefix");
                    for (const char* f : {"arn", "deduplication_scope", "fifo_throughput_limit", "id",
                                          "kms_data_key_reuse_period_seconds", "kms_master_key_id", "policy",
                                          "redrive_allow_policy", "redrive_policy", "sqs_managed_sse_enabled", "url"})
                      v.unknown.t(f);
                    v.unknown.raw("tags", "{}").raw("tags_all", "{}");
                  }
                  v.sensitive = "{\"tags\":{},\"tags_all\":{}}";
                  return v;
                });
  };
  for (int i = 0; i < u.queues; ++i) out.push_back(queue("events", std::to_string(i), fmt::format("{}-events-{}", u.name, i), i));
  if (u.state == State::Shrinking)
    out.push_back(deleted(queue("legacy", "", u.name + "-legacy", -1), "delete_because_no_resource_config"));

  // data.aws_caller_identity.current, read during plan
  Inst id;
  id.type = "aws_caller_identity";
  id.name = "current";
  id.addr = "data.aws_caller_identity.current";
  id.action = "read";
  id.after = Obj()
                 .s("account_id", kAccount)
                 .s("arn", fmt::format("arn:aws:sts::{}:assumed-role/terraform-deploy/ci-1718", kAccount))
                 .s("id", kAccount)
                 .s("user_id", "AROA" + alnum(77, 17, true) + ":ci-1718")
                 .str();
  id.after_sensitive = "{}";
  u.data.push_back(std::move(id));
}

// ---- the plan --------------------------------------------------------------------------------

void put_resource(std::string& o, const Unit& u, const Inst& in, bool data, const std::string& values,
                  const std::string& sensitive) {
  o += "{\"address\":";
  put_str(o, u.prefix() + in.addr);
  o += data ? ",\"mode\":\"data\",\"type\":" : ",\"mode\":\"managed\",\"type\":";
  put_str(o, in.type);
  o += ",\"name\":";
  put_str(o, in.name);
  if (!in.index.empty()) o += ",\"index\":" + in.index;
  o += ",\"provider_name\":\"";
  o += kProvider;
  o += "\",\"schema_version\":0,\"values\":";
  o += values;
  o += ",\"sensitive_values\":";
  o += sensitive;
  o += '}';
}

// planned_values (after the change) or prior_state (before it) of every module.
void put_module_values(std::string& o, const std::vector<Unit>& units, bool prior) {
  auto put_unit = [&](const Unit& u) {
    o += "\"resources\":[";
    bool first = true;
    for (const Inst& in : u.insts) {
      if (prior ? in.before == "null" : in.after == "null") continue;
      if (!first) o += ',';
      first = false;
      put_resource(o, u, in, false, prior ? in.before : in.after, prior ? in.before_sensitive : in.after_sensitive);
    }
    if (prior)
      for (const Inst& in : u.data) {
        if (!first) o += ',';
        first = false;
        put_resource(o, u, in, true, in.after, in.after_sensitive);
      }
    o += ']';
  };
  o += "{";
  put_unit(units[0]);
  if (units.size() > 1) o += ",\"child_modules\":[";  // left out when empty, as Terraform does
  for (size_t i = 1; i < units.size(); ++i) {
    if (i > 1) o += ',';
    o += '{';
    put_unit(units[i]);
    o += ",\"address\":";
    put_str(o, "module." + units[i].call);
    o += '}';
  }
  o += units.size() > 1 ? "]}" : "}";
}

void put_changes(std::string& o, const std::vector<Unit>& units) {
  o += '[';
  bool first = true;
  for (const Unit& u : units)
    for (const Inst& in : u.insts) {
      if (!first) o += ',';
      first = false;
      o += "{\"address\":";
      put_str(o, u.prefix() + in.addr);
      if (!u.call.empty()) {
        o += ",\"module_address\":";
        put_str(o, "module." + u.call);
      }
      o += ",\"mode\":\"managed\",\"type\":";
      put_str(o, in.type);
      o += ",\"name\":";
      put_str(o, in.name);
      if (!in.index.empty()) o += ",\"index\":" + in.index;
      o += ",\"provider_name\":\"";
      o += kProvider;
      o += "\",\"change\":{\"actions\":[\"";
      o += in.action;
      o += "\"],\"before\":";
      o += in.before;
      o += ",\"after\":";
      o += in.after;
      o += ",\"after_unknown\":";
      o += in.after_unknown;
      o += ",\"before_sensitive\":";
      o += in.before_sensitive;
      o += ",\"after_sensitive\":";
      o += in.after_sensitive;
      o += '}';
      if (in.reason) {
        o += ",\"action_reason\":\"";
        o += in.reason;
        o += '"';
      }
      o += '}';
    }
  o += ']';
}

std::string refs(std::initializer_list<std::string> r) { return "{\"references\":" + jlist(r) + "}"; }
std::string constant(std::string raw) { return "{\"constant_value\":" + raw + "}"; }

// The configuration of one module: every resource block with its expressions.
std::string module_config(const Unit& u) {
  const std::string pkey = u.call.empty() ? "aws" : u.call + ":aws";
  const std::string each = u.keyed ? "each.key" : "count.index";
  std::string o = "\"resources\":[";
  bool first = true;
  // iter: "count:REF" or "for_each:REF"
  auto block = [&](const char* type, const char* name, Obj expr, std::string iter = "", const char* mode = "managed") {
    if (!first) o += ',';
    first = false;
    // Fields in the order Terraform writes them (a struct, not a map).
    o += "{\"address\":";
    put_str(o, std::strcmp(mode, "data") ? fmt::format("{}.{}", type, name) : fmt::format("data.{}.{}", type, name));
    o += fmt::format(",\"mode\":\"{}\",\"type\":\"{}\",\"name\":\"{}\",\"provider_config_key\":", mode, type, name);
    put_str(o, pkey);
    o += ",\"expressions\":" + expr.str() + ",\"schema_version\":0";
    if (!iter.empty()) {
      const size_t colon = iter.find(':');
      o += ",\"" + iter.substr(0, colon) + "_expression\":" + refs({iter.substr(colon + 1)});
    }
    o += '}';
  };
  block("aws_iam_policy", "read",
        std::move(Obj().raw("description", refs({"var.name"})).raw("name", refs({"var.name"}))
                      .raw("policy", u.keyed ? refs({"aws_kms_key.k"}) : refs({"aws_kms_key.k.arn", "aws_kms_key.k"}))
                      .raw("tags", refs({"local.tags"}))));
  block("aws_iam_role", "reader",
        std::move(Obj().raw("assume_role_policy", refs({"count.index", "var.consumer_account", "var.name"}))
                      .raw("description", refs({"var.name"})).raw("name", refs({"var.name", "count.index"}))
                      .raw("permissions_boundary", refs({"count.index", "data.aws_caller_identity.current.account_id",
                                                          "data.aws_caller_identity.current"}))
                      .raw("tags", refs({"local.tags"}))),
        "count:var.reader_count");
  block("aws_iam_role_policy", "reader",
        std::move(Obj().raw("name", constant("\"read-secrets\""))
                      .raw("policy", refs({"count.index", "aws_secretsmanager_secret.s", "var.name", "var.region",
                                           "data.aws_caller_identity.current.account_id", "data.aws_caller_identity.current"}))
                      .raw("role", refs({"aws_iam_role.reader", "count.index"}))),
        "count:var.reader_count");
  block("aws_iam_role_policy_attachment", "read",
        std::move(Obj().raw("policy_arn", refs({"aws_iam_policy.read.arn", "aws_iam_policy.read"}))
                      .raw("role", refs({"aws_iam_role.reader", "count.index"}))),
        "count:var.reader_count");
  block("aws_kms_alias", "k",
        std::move(Obj().raw("name", u.keyed ? refs({"var.name", "each.key"}) : refs({"var.name"}))
                      .raw("target_key_id", u.keyed ? refs({"aws_kms_key.k", "each.key"})
                                                    : refs({"aws_kms_key.k.key_id", "aws_kms_key.k"}))),
        u.keyed ? "for_each:var.secrets" : "");
  Obj key;
  key.raw("deletion_window_in_days", constant("30")).raw("enable_key_rotation", constant("true"))
      .raw("tags", refs({"local.tags"}));
  if (u.keyed)
    key.raw("description", refs({"var.name", "each.key"}))
        .raw("policy", refs({"data.aws_caller_identity.current.account_id", "data.aws_caller_identity.current",
                             "aws_iam_role.reader[0].arn", "aws_iam_role.reader[0]", "aws_iam_role.reader",
                             "var.consumer_account", "var.name", "var.region"}));
  else
    key.raw("description", refs({"var.name"}))
        .raw("policy", refs({"data.aws_caller_identity.current.account_id", "data.aws_caller_identity.current",
                             "var.consumer_account", "var.name", "var.region"}));
  block("aws_kms_key", "k", std::move(key), u.keyed ? "for_each:var.secrets" : "");
  block("aws_s3_bucket", "artifacts",
        std::move(Obj().raw("bucket", refs({"var.name", "data.aws_caller_identity.current.account_id",
                                            "data.aws_caller_identity.current"}))
                      .raw("tags", refs({"local.tags"}))));
  block("aws_secretsmanager_secret", "s",
        std::move(Obj().raw("description", refs({each}))
                      .raw("kms_key_id", u.keyed ? refs({"aws_kms_key.k", "each.key"}) : refs({"aws_kms_key.k.arn", "aws_kms_key.k"}))
                      .raw("name", refs({"var.name", each})).raw("recovery_window_in_days", constant("30"))
                      .raw("tags", refs({"local.tags"}))),
        u.keyed ? "for_each:var.secrets" : "count:var.secret_count");
  block("aws_secretsmanager_secret_policy", "s",
        std::move(Obj().raw("block_public_policy", constant("true"))
                      .raw("policy", refs({each, "var.consumer_account", "var.name"}))
                      .raw("secret_arn", refs({"aws_secretsmanager_secret.s", each}))),
        u.keyed ? "for_each:var.secrets" : "count:var.secret_count");
  block("aws_sqs_queue", "events",
        std::move(Obj().raw("name", refs({"var.name", "count.index"})).raw("sqs_managed_sse_enabled", constant("true"))
                      .raw("tags", refs({"local.tags"}))),
        "count:var.queue_count");
  block("aws_caller_identity", "current", Obj(), "", "data");
  o += "]";
  return o;
}

std::string unit_variables(const Unit& u) {
  Obj v;
  v.raw("name", "{\"description\":\"Prefix of every resource name\"}")
      .raw("consumer_account", "{\"description\":\"Account that reads the secrets\"}")
      .raw("region", "{\"default\":\"us-east-1\"}")
      .raw("reader_count", "{\"default\":2}")
      .raw("queue_count", "{\"default\":0}");
  if (u.keyed) v.raw("secrets", "{\"description\":\"Names of the secrets, one key each\"}");
  else v.raw("secret_count", "{\"default\":1}");
  return v.str();
}

std::string generate(int n, std::vector<Unit>& units) {
  n = std::max(n, 9);
  const int modules = std::min(50, n / 100);
  const int per = n / (modules + 1);
  static const std::vector<std::string> names = {"api",    "app",     "audit",  "backup", "billing", "cache",
                                                 "db",     "events",  "ledger", "logs",   "ml",      "queue",
                                                 "reports", "search", "session", "stream"};
  units.assign(static_cast<size_t>(modules) + 1, Unit{});
  for (int j = -1; j < modules; ++j) {
    Unit& u = units[static_cast<size_t>(j + 1)];
    u.id = j + 1;
    const int budget = j < 0 ? n - modules * per : per;
    if (j < 0) {
      u.name = "platform";
    } else {
      u.call = fmt::format("svc_{:02}", j);
      u.name = fmt::format("svc-{:02}", j);
      u.keyed = j % 3 != 2;
      u.state = j % 11 == 4 ? State::New : j % 10 == 2 ? State::Growing : j % 6 == 1 ? State::Shrinking : State::Applied;
    }
    u.consumer = std::to_string(444455556666ULL + 1000ULL * static_cast<unsigned>(u.id));
    u.secrets = std::max(1, budget / 10);
    u.roles = std::max(1, budget / 6);
    auto fixed = [&] { return (u.keyed ? 4 * u.secrets : 2 + 2 * u.secrets) + 3 * u.roles + 2; };
    while (fixed() > budget && u.roles > 1) --u.roles;
    while (fixed() > budget && u.secrets > 1) --u.secrets;
    u.queues = std::max(0, budget - fixed());
    if (u.keyed) {
      for (int k = 0; k < u.secrets; ++k)
        u.keys.push_back(k < static_cast<int>(names.size()) ? names[k] : fmt::format("extra-{:02}", k));
      std::sort(u.keys.begin(), u.keys.end());
    }
    build(u);
  }

  std::string o;
  o.reserve(static_cast<size_t>(n) * 6000);
  o += "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.8\",\"variables\":{\"consumer_account\":{\"value\":\"";
  o += units[0].consumer;
  o += "\"},\"environment\":{\"value\":\"prod\"},\"name\":{\"value\":\"platform\"},\"region\":{\"value\":\"us-east-1\"}}";
  const std::string key_arn = units[0].key_arn(0);
  o += ",\"planned_values\":{\"outputs\":{\"platform_key_arn\":{\"sensitive\":false,\"type\":\"string\",\"value\":";
  put_str(o, key_arn);
  o += "}},\"root_module\":";
  put_module_values(o, units, false);
  o += "},\"resource_changes\":";
  put_changes(o, units);
  o += ",\"output_changes\":{\"platform_key_arn\":{\"actions\":[\"no-op\"],\"before\":";
  put_str(o, key_arn);
  o += ",\"after\":";
  put_str(o, key_arn);
  o += ",\"after_unknown\":false,\"before_sensitive\":false,\"after_sensitive\":false}}";
  o += ",\"prior_state\":{\"format_version\":\"1.0\",\"terraform_version\":\"1.9.8\",\"values\":{\"outputs\":{"
       "\"platform_key_arn\":{\"sensitive\":false,\"value\":";
  put_str(o, key_arn);
  o += ",\"type\":\"string\"}},\"root_module\":";
  put_module_values(o, units, true);
  o += "}}";

  // configuration
  o += ",\"configuration\":{\"provider_config\":{\"aws\":{\"name\":\"aws\",\"full_name\":\"";
  o += kProvider;
  o += "\",\"version_constraint\":\"~> 5.70\",\"expressions\":{\"region\":{\"constant_value\":\"us-east-1\"}}}},"
       "\"root_module\":{\"outputs\":{\"platform_key_arn\":{\"expression\":"
       "{\"references\":[\"aws_kms_key.k.arn\",\"aws_kms_key.k\"]}}},";
  o += module_config(units[0]);
  o += ",\"module_calls\":{";
  for (size_t i = 1; i < units.size(); ++i) {
    const Unit& u = units[i];
    if (i > 1) o += ',';
    put_str(o, u.call);
    Obj args;
    args.raw("name", constant(jstr(u.name))).raw("consumer_account", constant(jstr(u.consumer)))
        .raw("reader_count", constant(std::to_string(u.roles))).raw("queue_count", constant(std::to_string(u.queues)));
    if (u.keyed) args.raw("secrets", constant(jlist(u.keys)));
    else args.raw("secret_count", constant(std::to_string(u.secrets)));
    o += ":{\"source\":";
    o += u.keyed ? "\"./modules/service\"" : "\"./modules/worker\"";
    o += ",\"expressions\":" + args.str() + ",\"module\":{\"outputs\":{\"key_arns\":{\"expression\":";
    o += refs({"aws_kms_key.k"});
    o += "},\"secret_arns\":{\"expression\":" + refs({"aws_secretsmanager_secret.s"}) + "}},";
    o += module_config(u);
    o += ",\"variables\":" + unit_variables(u) + "}}";
  }
  o += "},\"variables\":{\"consumer_account\":{\"default\":\"";
  o += units[0].consumer;
  o += "\"},\"environment\":{\"default\":\"prod\"},\"name\":{\"default\":\"platform\"},"
       "\"region\":{\"default\":\"us-east-1\"},\"reader_count\":{\"default\":";
  o += std::to_string(units[0].roles);
  o += "},\"queue_count\":{\"default\":";
  o += std::to_string(units[0].queues);
  o += "},\"secret_count\":{\"default\":";
  o += std::to_string(units[0].secrets);
  o += "}}}}";

  // relevant_attributes: what the planned values were computed from
  o += ",\"relevant_attributes\":[";
  bool first = true;
  for (const Unit& u : units)
    for (auto [res, attr] : std::initializer_list<std::pair<const char*, const char*>>{
             {"aws_iam_policy.read", "arn"},
             {"aws_iam_role.reader", "name"},
             {"aws_kms_key.k", "arn"},
             {"aws_secretsmanager_secret.s", "arn"},
             {"data.aws_caller_identity.current", "account_id"}}) {
      if (!first) o += ',';
      first = false;
      o += "{\"resource\":";
      put_str(o, u.prefix() + res);
      o += ",\"attribute\":[";
      put_str(o, attr);
      o += "]}";
    }
  o += "],\"timestamp\":\"2025-06-02T10:15:30Z\",\"applyable\":true,\"complete\":true,\"errored\":false}\n";
  return o;
}

long peak_rss_kb() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return r.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  int resources = 5000;
  std::string dir = "/tmp/threegate-bench-plan";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else resources = std::max(9, std::atoi(argv[i]));
  }
  const fs::path file = fs::path(dir) / "tfplan.json";

  const auto g0 = std::chrono::steady_clock::now();
  std::vector<Unit> units;
  std::string plan = generate(resources, units);
  const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << plan;
  const double write_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count() - gen_s;
  const size_t bytes = plan.size();
  plan = std::string();

  size_t planned = 0, changes = 0, deletes = 0, creates = 0, updates = 0, unknown_policies = 0;
  for (const Unit& u : units)
    for (const Inst& in : u.insts) {
      ++changes;
      planned += in.after != "null";
      deletes += !std::strcmp(in.action, "delete");
      creates += !std::strcmp(in.action, "create");
      updates += !std::strcmp(in.action, "update");
      unknown_policies += in.after_unknown.find("\"policy\":true") != std::string::npos &&
                          in.type != "aws_s3_bucket" && in.type != "aws_sqs_queue" &&
                          in.type != "aws_secretsmanager_secret";
    }
  const size_t module_count = units.size();
  units.clear();
  units.shrink_to_fit();
  const long rss_generated = peak_rss_kb();

  std::vector<double> wall, cpu;
  size_t findings = 0, reads = 0, files_read = 0, keys = 0, secrets = 0, principals = 0, policies = 0;
  for (int run = 0; run < 5; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    Analysis a;
    std::string usage_error;
    load_inputs({file.string()}, CheckOptions{}, a, usage_error);
    run_analysis(a);
    cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    findings = a.findings.size();
    reads = a.reads_checked;
    files_read = a.files_read;
    keys = secrets = principals = policies = 0;
    for (const Scope& s : a.scopes) {
      keys += s.inventory.keys.size();
      secrets += s.inventory.secrets.size();
      principals += s.inventory.principals.size();
      policies += s.policies.size();
    }
    if (!usage_error.empty()) {
      fmt::print(stderr, "{}\n", usage_error);
      return 2;
    }
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  fmt::print("plan: {} ({:.1f} MB; {} resources in planned_values, {} modules; {} resource_changes: {} create, {} update, "
             "{} delete; {} policies unknown)\n",
             file.string(), bytes / 1e6, planned, module_count, changes,
             creates, updates, deletes, unknown_policies);
  fmt::print("generated in {:.1f} ms, written in {:.1f} ms; peak RSS after generation {:.1f} MB\n", gen_s * 1e3,
             write_s * 1e3, rss_generated / 1024.0);
  fmt::print("read {} files: {} keys, {} secrets, {} principals, {} policies; {} reads checked, {} findings\n", files_read,
             keys, secrets, principals, policies, reads, findings);
  fmt::print("check of the plan, one thread: best {:.1f} ms, median {:.1f} ms, worst {:.1f} ms (cpu median {:.1f} ms)\n",
             wall.front() * 1e3, wall[wall.size() / 2] * 1e3, wall.back() * 1e3, cpu[cpu.size() / 2] * 1e3);
  fmt::print("peak RSS: {:.1f} MB\n", peak_rss_kb() / 1024.0);
  return 0;
}
