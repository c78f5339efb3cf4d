// Reads the inventory JSON format documented in README.md. Schema problems are TG403
// findings at the offending element; a bad record is reported and left out, never silently.
#include <algorithm>
#include <filesystem>

#include "threegate/inventory.hpp"
#include "threegate/policy_parse.hpp"

namespace threegate {
namespace {

namespace fs = std::filesystem;

// us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5 …
bool looks_like_region(const std::string& r) {
  size_t dash = r.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == r.size()) return false;
  for (size_t i = dash + 1; i < r.size(); ++i) {
    if (r[i] < '0' || r[i] > '9') return false;
  }
  for (size_t i = 0; i < dash; ++i) {
    if (!((r[i] >= 'a' && r[i] <= 'z') || r[i] == '-')) return false;
  }
  return r.find('-') < dash;
}

class InventoryReader {
 public:
  InventoryReader(const SourceFile& file, SourceSet& sources, Inventory& inv, Diagnostics& diags,
                  std::vector<std::string>& referenced)
      : file_(file), sources_(sources), inv_(inv), diags_(diags), referenced_(referenced) {}

  void read(const JsonValue& doc) {
    for (const auto& m : doc.members) {
      const JsonValue& v = m.value;
      if (m.key == "keys") {
        for_each_object(v, "keys", [&](const JsonValue& o) { read_key(o); });
      } else if (m.key == "secrets") {
        for_each_object(v, "secrets", [&](const JsonValue& o) { read_secret(o); });
      } else if (m.key == "principals") {
        for_each_object(v, "principals", [&](const JsonValue& o) { read_principal(o); });
      } else if (m.key == "scps") {
        read_guardrails(v, PolicyKind::Scp, inv_.scps);
      } else if (m.key == "rcps") {
        read_guardrails(v, PolicyKind::Rcp, inv_.rcps);
      } else if (m.key == "intents") {
        for_each_object(v, "intents", [&](const JsonValue& o) { read_intent(o); });
      } else if (m.key == "organization") {
        read_organization(v);
      } else {
        problem(m.key_range, "unknown inventory element \"" + m.key + "\"");
      }
    }
  }

 private:
  void problem(const Range& r, std::string msg, Severity sev = Severity::Error) {
    diags_.push_back(Diagnostic{"TG403", sev, std::move(msg), r, {}});
  }

  template <class F>
  void for_each_object(const JsonValue& v, const char* what, F&& f) {
    if (!v.is_array()) {
      problem(v.range, std::string(what) + " must be an array, found " + json_kind_name(v.kind));
      return;
    }
    for (const auto& item : v.items) {
      if (!item.is_object()) {
        problem(item.range, std::string("each entry of ") + what + " must be an object");
        continue;
      }
      f(item);
    }
  }

  std::optional<std::string> string_field(const JsonValue& o, const char* key, bool required) {
    const JsonValue* v = o.find(key);
    if (!v || v->is_null()) {
      if (required) problem(o.range, std::string("missing \"") + key + "\"");
      return std::nullopt;
    }
    if (!v->is_string()) {
      problem(v->range, std::string(key) + " must be a string, found " + json_kind_name(v->kind));
      return std::nullopt;
    }
    return v->text;
  }

  std::optional<bool> bool_field(const JsonValue& o, const char* key) {
    const JsonValue* v = o.find(key);
    if (!v || v->is_null()) return std::nullopt;
    if (v->kind != JsonKind::Bool) {
      problem(v->range, std::string(key) + " must be true or false");
      return std::nullopt;
    }
    return v->boolean;
  }

  void check_fields(const JsonValue& o, std::initializer_list<const char*> allowed, const char* what) {
    for (const auto& m : o.members) {
      bool ok = false;
      for (const char* a : allowed) ok = ok || m.key == a;
      if (!ok) problem(m.key_range, "unknown " + std::string(what) + " field \"" + m.key + "\"");
    }
  }

  // A policy given inline, as a JSON string, or as a path relative to the inventory. `failed` is
  // set when one was given but could not be read (already reported): the record then must not
  // stand as if it had no policy.
  std::optional<Policy> policy_field(const JsonValue& v, PolicyKind kind, const std::string& name, bool& failed) {
    std::optional<Policy> p;
    failed = false;
    if (v.is_null()) return p;
    if (v.is_object()) {
      p = parse_policy(v, kind, name, diags_);
    } else if (v.is_string()) {
      size_t first = v.text.find_first_not_of(" \t\r\n");
      if (first != std::string::npos && v.text[first] == '{') {
        p = parse_policy(v, kind, name, diags_);
      } else {
        fs::path path = fs::path(file_.path()).parent_path() / v.text;
        std::string error;
        const SourceFile* f = sources_.load(path.lexically_normal().string(), error);
        if (!f) {
          problem(v.range, "policy file " + v.text + ": " + error);
          failed = true;
          return p;
        }
        referenced_.push_back(f->path());
        p = parse_policy_file(*f, kind, diags_);
      }
    } else {
      problem(v.range, std::string("a policy must be an object, a JSON string or a path, found ") + json_kind_name(v.kind));
    }
    failed = !p;
    return p;
  }

  bool arn_of(const JsonValue& o, const char* service, ArnParts& parts, std::string& arn) {
    auto a = string_field(o, "arn", true);
    if (!a) return false;
    if (!split_arn(*a, parts) || parts.service != service || parts.account.size() != 12) {
      problem(o.find("arn")->range, "\"" + *a + "\" is not a " + service + " ARN with a 12-digit account");
      return false;
    }
    arn = *a;
    return true;
  }

  void read_key(const JsonValue& o) {
    check_fields(o, {"arn", "manager", "state", "aliases", "policy", "multi_region", "primary_arn", "rotation", "name"},
                 "key");
    KeyRecord k;
    ArnParts p;
    if (!arn_of(o, "kms", p, k.arn)) return;
    if (p.resource.rfind("key/", 0) != 0) {
      problem(o.find("arn")->range, "a key ARN ends in key/<key-id>");
      return;
    }
    k.account = p.account;
    k.region = p.region;
    k.partition = p.partition;
    k.key_id = p.resource.substr(4);
    k.range = o.range;
    if (auto m = string_field(o, "manager", false)) {
      if (*m == "AWS") {
        k.manager = KeyManager::Aws;
      } else if (*m != "CUSTOMER") {
        problem(o.find("manager")->range, "manager must be \"CUSTOMER\" or \"AWS\"");
      }
    }
    if (auto s = string_field(o, "state", false)) k.state = *s;
    if (const JsonValue* a = o.find("aliases")) {
      if (a->is_array()) {
        for (const auto& i : a->items) {
          if (i.is_string()) {
            k.aliases.push_back(i.text.rfind("alias/", 0) == 0 ? i.text : "alias/" + i.text);
          } else {
            problem(i.range, "aliases must be strings");
          }
        }
      } else {
        problem(a->range, "aliases must be an array of strings");
      }
    }
    bool failed = false;
    if (const JsonValue* pol = o.find("policy")) k.policy = policy_field(*pol, PolicyKind::KeyPolicy, k.arn, failed);
    // A key whose policy could not be read stays, with its policy unknown: its answers are "depends".
    bool aws_managed_secrets_key =
        k.manager == KeyManager::Aws &&
        std::find(k.aliases.begin(), k.aliases.end(), "alias/aws/secretsmanager") != k.aliases.end();
    if (!k.policy && !failed && aws_managed_secrets_key) {
      // Its policy is fixed by AWS (describe-key exports often lack it): model it.
      const SourceFile* f = sources_.add("<aws/secretsmanager key policy, " + k.account + " " + k.region + ">",
                                         aws_managed_secretsmanager_key_policy(k.account, k.region, k.partition));
      k.policy = parse_policy_file(*f, PolicyKind::KeyPolicy, diags_);
      if (k.policy) k.policy->name = "aws/secretsmanager (AWS-managed key policy)";
    }
    k.multi_region = bool_field(o, "multi_region").value_or(false);
    if (auto pa = string_field(o, "primary_arn", false)) k.primary_arn = *pa;
    k.rotation = bool_field(o, "rotation");
    inv_.keys.push_back(std::move(k));
  }

  void read_secret(const JsonValue& o) {
    check_fields(o, {"arn", "kms_key", "policy", "replicas", "name"}, "secret");
    SecretRecord s;
    ArnParts p;
    if (!arn_of(o, "secretsmanager", p, s.arn)) return;
    s.account = p.account;
    s.region = p.region;
    s.partition = p.partition;
    s.name = p.resource.rfind("secret:", 0) == 0 ? p.resource.substr(7) : p.resource;
    s.range = o.range;
    if (const JsonValue* k = o.find("kms_key")) {
      s.kms_key_range = k->range;
      if (k->is_string()) {
        s.kms_key = k->text;
      } else if (!k->is_null()) {
        problem(k->range, "kms_key must be a key id, key ARN, alias or alias ARN, or null: secret " + s.arn +
                              " left out of the analysis");
        return;
      }
    } else {
      s.kms_key_range = o.range;
    }
    if (const JsonValue* pol = o.find("policy")) {
      bool failed = false;
      s.policy = policy_field(*pol, PolicyKind::SecretPolicy, s.arn, failed);
      if (failed) {
        problem(pol->range, "the policy of secret " + s.arn + " could not be read: the secret is left out of the analysis",
                Severity::Warning);
        return;
      }
    }
    if (const JsonValue* reps = o.find("replicas")) {
      for_each_object(*reps, "replicas", [&](const JsonValue& r) {
        check_fields(r, {"region", "kms_key"}, "replica");
        SecretReplica rep;
        rep.range = r.range;
        auto region = string_field(r, "region", true);
        if (!region) return;
        if (!looks_like_region(*region)) {
          problem(r.find("region")->range, "\"" + *region + "\" is not an AWS region name: replica left out");
          return;
        }
        if (*region == s.region) {
          problem(r.find("region")->range, "a replica cannot be in the secret's own region " + *region + ": left out");
          return;
        }
        rep.region = *region;
        if (auto kk = string_field(r, "kms_key", false)) rep.kms_key = *kk;
        s.replicas.push_back(std::move(rep));
      });
    }
    inv_.secrets.push_back(std::move(s));
  }

  void read_principal(const JsonValue& o) {
    check_fields(o, {"arn", "policies", "permission_boundary", "name"}, "principal");
    PrincipalRecord pr;
    auto a = string_field(o, "arn", true);
    if (!a) return;
    ArnParts p;
    if (!split_arn(*a, p) || p.service != "iam" || p.account.size() != 12 ||
        (p.resource.rfind("role/", 0) != 0 && p.resource.rfind("user/", 0) != 0)) {
      problem(o.find("arn")->range, "\"" + *a + "\" is not an IAM role or user ARN");
      return;
    }
    pr.arn = *a;
    pr.account = p.account;
    pr.range = o.range;
    if (const JsonValue* pols = o.find("policies")) {
      if (!pols->is_array()) {
        problem(pols->range, "policies must be an array");
      } else {
        int i = 0;
        for (const auto& item : pols->items) {
          bool failed = false;
          auto pol = policy_field(item, PolicyKind::Identity, pr.arn + " policy " + std::to_string(i++), failed);
          if (failed) {
            // Judging the principal without one of its policies would invent an answer.
            problem(item.range, "a policy of " + pr.arn + " could not be read: the principal is left out of the analysis",
                    Severity::Warning);
            return;
          }
          if (pol) pr.policies.push_back(std::move(*pol));
        }
      }
    }
    if (const JsonValue* b = o.find("permission_boundary")) {
      bool failed = false;
      pr.boundary = policy_field(*b, PolicyKind::Boundary, pr.arn + " permission boundary", failed);
      if (failed) {
        problem(b->range, "the permission boundary of " + pr.arn + " could not be read: the principal is left out of the analysis",
                Severity::Warning);
        return;
      }
    }
    inv_.principals.push_back(std::move(pr));
  }

  void read_guardrails(const JsonValue& v, PolicyKind kind,
                       std::map<std::string, std::vector<std::vector<Policy>>>& out) {
    const char* what = kind == PolicyKind::Scp ? "scps" : "rcps";
    if (!v.is_object()) {
      problem(v.range, std::string(what) + " must map account ids to lists of levels");
      return;
    }
    for (const auto& acct : v.members) {
      if (acct.key.size() != 12 || acct.key.find_first_not_of("0123456789") != std::string::npos) {
        problem(acct.key_range, std::string(what) + " keys must be 12-digit account ids");
        continue;
      }
      if (!acct.value.is_array()) {
        problem(acct.value.range, "levels must be an array (root, OUs, account), each an array of policies");
        continue;
      }
      auto& levels = out[acct.key];
      int li = 0;
      for (const auto& level : acct.value.items) {
        std::vector<Policy> pols;
        if (!level.is_array()) {
          problem(level.range, "each level must be an array of policies");
          continue;
        }
        int pi = 0;
        for (const auto& item : level.items) {
          std::string name = std::string(kind == PolicyKind::Scp ? "SCP" : "RCP") + " of " + acct.key + " level " +
                             std::to_string(li) + " #" + std::to_string(pi++);
          bool failed = false;
          if (auto pol = policy_field(item, kind, name, failed)) pols.push_back(std::move(*pol));
          if (failed) {
            problem(item.range, name + " could not be read: its level is analyzed without it", Severity::Warning);
          }
        }
        levels.push_back(std::move(pols));
        ++li;
      }
    }
  }

  void read_intent(const JsonValue& o) {
    check_fields(o, {"principal", "secret"}, "intent");
    auto pr = string_field(o, "principal", true);
    auto se = string_field(o, "secret", true);
    if (!pr || !se) return;
    inv_.intents.push_back(Intent{*pr, *se, o.range});
  }

  void read_organization(const JsonValue& v) {
    if (!v.is_object()) {
      problem(v.range, "organization must be an object");
      return;
    }
    check_fields(v, {"id", "management_account", "accounts"}, "organization");
    if (auto id = string_field(v, "id", false)) inv_.organization_id = *id;
    if (auto m = string_field(v, "management_account", false)) inv_.management_account = *m;
    if (const JsonValue* a = v.find("accounts")) {
      if (!a->is_array()) {
        problem(a->range, "accounts must be an array of account ids");
        return;
      }
      for (const auto& i : a->items) {
        if (i.is_string() && i.text.size() == 12 && i.text.find_first_not_of("0123456789") == std::string::npos) {
          inv_.org_accounts.push_back(i.text);
        } else {
          problem(i.range, "organization accounts must be 12-digit account ids as strings");
        }
      }
    }
  }

  const SourceFile& file_;
  SourceSet& sources_;
  Inventory& inv_;
  Diagnostics& diags_;
  std::vector<std::string>& referenced_;
};

}  // namespace

bool is_inventory_document(const JsonValue& document) {
  if (!document.is_object()) return false;
  if (document.find("Statement")) return false;
  for (const char* k : {"keys", "secrets", "principals", "intents"}) {
    if (document.find(k)) return true;
  }
  return false;
}

void load_inventory(const JsonValue& document, const SourceFile& file, SourceSet& sources, Inventory& inventory,
                    Diagnostics& diagnostics, std::vector<std::string>& referenced) {
  InventoryReader(file, sources, inventory, diagnostics, referenced).read(document);
}

}  // namespace threegate
