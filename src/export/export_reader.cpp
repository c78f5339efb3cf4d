// Reads an export folder (layout in README.md, "Auditing exported accounts") into one Inventory.
// Each file is read on its own: a malformed one is a TG401/TG403 diagnostic and the others are
// still read. A missing one is a gap; what it leaves unknown is modelled as unknown:
//   - a key policy: KeyRecord::policy stays nullopt, and the key gate is undecided;
//   - a secret policy, an IAM policy, a permission boundary, an SCP or an RCP: an *unknown
//     policy* takes its place, one that may allow and may deny anything (its statements hinge on
//     a condition key nobody sets), so the evaluator answers "depends" wherever it could matter
//     and an explicit deny elsewhere still decides.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "threegate/export.hpp"
#include "threegate/policy_parse.hpp"

namespace threegate {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kUnknownPrefix = "<unknown policy: ";

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// us-east-1, eu-central-2, us-gov-west-1, cn-north-1 …
bool looks_like_region(const std::string& r) {
  size_t dash = r.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == r.size() || r.find('-') == dash) return false;
  for (size_t i = dash + 1; i < r.size(); ++i) {
    if (r[i] < '0' || r[i] > '9') return false;
  }
  for (size_t i = 0; i < dash; ++i) {
    if (!((r[i] >= 'a' && r[i] <= 'z') || r[i] == '-')) return false;
  }
  return true;
}

std::vector<std::string> subfolders(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec)) out.push_back(it->path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

class ExportReader {
 public:
  ExportReader(const std::string& dir, Analysis& a, Scope& scope, std::vector<ExportGap>& gaps, ExportSummary& summary)
      : root_(dir), a_(a), inv_(scope.inventory), gaps_(gaps), summary_(summary) {}

  void read() {
    std::set<std::string> regions;
    for (const auto& acct : subfolders(root_ / "accounts")) {
      if (!is_account_id(acct)) {
        a_.notes.push_back("not an account id, skipped: " + (root_ / "accounts" / acct).string());
        continue;
      }
      summary_.accounts.push_back(acct);
      read_iam(acct);
      for (const auto& region : subfolders(root_ / "accounts" / acct)) {
        if (region == "iam") continue;
        if (!looks_like_region(region)) {
          a_.notes.push_back("not a region, skipped: " + (root_ / "accounts" / acct / region).string());
          continue;
        }
        regions.insert(region);
        read_kms(acct, region);
        read_secrets(acct, region);
      }
    }
    summary_.regions.assign(regions.begin(), regions.end());
    read_organization();
    for (auto& k : inv_.keys) compile_key_grants(k);
    summary_.keys = inv_.keys.size();
    summary_.secrets = inv_.secrets.size();
    summary_.principals = inv_.principals.size();
  }

 private:
  // ---- files -------------------------------------------------------------------------------------

  std::string display(const fs::path& p) const { return p.lexically_normal().string(); }

  // A file of the export, parsed; nullopt when it is absent (the caller names the gap) or
  // malformed (TG401, reported here).
  std::optional<JsonValue> read_json(const fs::path& p, bool any_kind = false) {
    if (!present(p)) return std::nullopt;
    std::string error;
    const SourceFile* f = a_.sources.load(display(p), error);
    ++a_.files_read;
    if (!f) {
      a_.diagnostics.push_back(Diagnostic{"TG401", Severity::Error, error, {}, display(p)});
      return std::nullopt;
    }
    JsonParseResult r = parse_json(*f);
    if (!r.ok()) {
      a_.diagnostics.push_back(Diagnostic{"TG401", Severity::Error, r.error, r.error_range, {}});
      return std::nullopt;
    }
    if (!r.value->is_object() && !any_kind) {
      problem(r.value->range, std::string("expected the AWS CLI's JSON object, found ") + json_kind_name(r.value->kind));
      return std::nullopt;
    }
    return std::move(r.value);
  }

  void gap(const fs::path& p, std::string message, Range range = {}) {
    gaps_.push_back(ExportGap{display(p), std::move(message), range});
  }

  void problem(const Range& r, std::string message, Severity sev = Severity::Error) {
    a_.diagnostics.push_back(Diagnostic{"TG403", sev, std::move(message), r, {}});
  }

  // The array member `key` of `o`; nullptr (reported when present but not an array) otherwise.
  // An object stands for a one-element array (some published samples print one so).
  std::vector<const JsonValue*> items(const JsonValue& o, const char* key) {
    std::vector<const JsonValue*> out;
    const JsonValue* v = o.find(key);
    if (!v || v->is_null()) return out;
    if (v->is_object()) {
      out.push_back(v);
    } else if (v->is_array()) {
      for (const auto& i : v->items) {
        if (i.is_object() || i.is_string()) {
          out.push_back(&i);
        } else {
          problem(i.range, std::string("each entry of ") + key + " must be an object");
        }
      }
    } else {
      problem(v->range, std::string(key) + " must be an array, found " + json_kind_name(v->kind));
    }
    return out;
  }

  std::string str(const JsonValue& o, const char* key) {
    const JsonValue* v = o.find(key);
    if (!v || v->is_null()) return "";
    if (!v->is_string()) {
      problem(v->range, std::string(key) + " must be a string, found " + json_kind_name(v->kind));
      return "";
    }
    return v->text;
  }

  // ---- unknown policies ------------------------------------------------------------------------------

  // A policy whose content is not known: it may allow and may deny any request, so every answer
  // it could change is "depends" on `key` (which names what is missing).
  Policy unknown_policy(PolicyKind kind, const std::string& what, const std::string& name) {
    std::string key = "export:unknown/" + what;
    std::string principal = kind == PolicyKind::SecretPolicy || kind == PolicyKind::KeyPolicy || kind == PolicyKind::Rcp
                                ? R"("Principal": "*", )"
                                : "";
    // The key holds names from the export (a secret's ARN may hold any character): escaped.
    std::string statement = "{\"Effect\": \"%s\", " + principal + R"("Action": "*", "Resource": "*", "Condition": {"StringEquals": {)" +
                            nlohmann::json(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                            R"(: "known"}}})";
    std::string allow = statement, deny = statement;
    allow.replace(allow.find("%s"), 2, "Allow");
    deny.replace(deny.find("%s"), 2, "Deny");
    std::string text = R"({"Version": "2012-10-17", "Statement": [)" + allow + ", " + deny + "]}";
    const SourceFile* f = a_.sources.add(std::string(kUnknownPrefix) + what + ">", text);
    Diagnostics ignored;  // well formed by construction
    std::optional<Policy> p = parse_policy_file(*f, kind, ignored);
    if (!p && what != "unreadable") return unknown_policy(kind, "unreadable", name);  // never expected
    if (!p) return Policy{};
    p->name = name;
    return std::move(*p);
  }

  // ---- IAM ---------------------------------------------------------------------------------------

  struct Managed {
    std::optional<Policy> policy;  // the default version's document
    Range range;
  };

  void read_iam(const std::string& acct) {
    fs::path path = root_ / "accounts" / acct / "iam" / "get-account-authorization-details.json";
    std::optional<JsonValue> doc = read_json(path);
    if (!doc) {
      if (!present(path)) {
        gap(path, "no get-account-authorization-details.json for account " + acct +
                      ": its roles and users are unknown; shares to them are undecided");
      } else {
        gap(path, "get-account-authorization-details.json of account " + acct +
                      " could not be read: its roles and users are unknown; shares to them are undecided");
      }
      return;
    }
    if (const JsonValue* t = doc->find("IsTruncated"); t && t->kind == JsonKind::Bool && t->boolean) {
      gap(path, "get-account-authorization-details.json of account " + acct +
                    " is truncated (IsTruncated): roles, users and policies past its Marker are missing", t->range);
    }

    std::map<std::string, Managed> managed;
    for (const JsonValue* p : items(*doc, "Policies")) {
      if (!p->is_object()) continue;
      std::string arn = str(*p, "Arn");
      if (arn.empty()) continue;
      std::string default_version = str(*p, "DefaultVersionId");
      Managed m;
      m.range = p->range;
      for (const JsonValue* v : items(*p, "PolicyVersionList")) {
        if (!v->is_object()) continue;
        const JsonValue* is_default = v->find("IsDefaultVersion");
        bool chosen = (is_default && is_default->kind == JsonKind::Bool && is_default->boolean) ||
                      (!default_version.empty() && str(*v, "VersionId") == default_version);
        const JsonValue* d = v->find("Document");
        if (chosen && d) {
          m.policy = parse_export_policy(*d, PolicyKind::Identity, arn, a_.sources, a_.diagnostics);
          break;
        }
      }
      managed[arn] = std::move(m);
    }

    std::set<std::string> reported;  // managed policies already said to be missing
    // Adds the identity policies of an attachment list; an unknown one is an unknown policy.
    auto attach = [&](const JsonValue& entity, const std::string& owner, std::vector<Policy>& out) {
      for (const JsonValue* m : items(entity, "AttachedManagedPolicies")) {
        if (!m->is_object()) continue;
        std::string arn = str(*m, "PolicyArn");
        if (arn.empty()) continue;
        auto it = managed.find(arn);
        if (it != managed.end() && it->second.policy) {
          out.push_back(*it->second.policy);
          continue;
        }
        if (reported.insert(arn).second) {
          gap(path,
              "managed policy " + arn + " (attached to " + owner + " and maybe others) is not in the Policies of get-account-authorization-details.json" +
                  (it != managed.end() ? " with a readable default version" : "") +
                  ": the IAM of what it is attached to is incomplete, their reads are undecided",
              m->range);
        }
        out.push_back(unknown_policy(PolicyKind::Identity, "policy/" + arn, arn + " (not in the export)"));
      }
    };
    auto inline_policies = [&](const JsonValue& entity, const char* key, const std::string& owner, std::vector<Policy>& out) {
      for (const JsonValue* ip : items(entity, key)) {
        if (!ip->is_object()) continue;
        std::string name = owner + " inline policy " + str(*ip, "PolicyName");
        const JsonValue* d = ip->find("PolicyDocument");
        std::optional<Policy> p = d ? parse_export_policy(*d, PolicyKind::Identity, name, a_.sources, a_.diagnostics) : std::nullopt;
        if (p) {
          out.push_back(std::move(*p));
        } else {
          gap(path, name + " could not be read: the IAM of " + owner + " is incomplete, its reads are undecided", ip->range);
          out.push_back(unknown_policy(PolicyKind::Identity, "inline/" + name, name + " (unreadable)"));
        }
      }
    };
    auto boundary = [&](const JsonValue& entity, const std::string& owner) -> std::optional<Policy> {
      const JsonValue* b = entity.find("PermissionsBoundary");
      if (!b || !b->is_object()) return std::nullopt;
      std::string arn = str(*b, "PermissionsBoundaryArn");
      if (arn.empty()) return std::nullopt;
      auto it = managed.find(arn);
      if (it != managed.end() && it->second.policy) {
        Policy p = *it->second.policy;
        p.kind = PolicyKind::Boundary;
        p.name = arn + " (permission boundary)";
        return p;
      }
      gap(path, "permission boundary " + arn + " of " + owner +
                    " is not in the Policies of get-account-authorization-details.json: its reads are undecided",
          b->range);
      return unknown_policy(PolicyKind::Boundary, "boundary/" + arn, arn + " (permission boundary, not in the export)");
    };

    std::map<std::string, std::vector<Policy>> groups;
    for (const JsonValue* g : items(*doc, "GroupDetailList")) {
      if (!g->is_object()) continue;
      std::string name = str(*g, "GroupName");
      std::string owner = str(*g, "Arn").empty() ? "group " + name : str(*g, "Arn");
      std::vector<Policy>& pols = groups[name];
      inline_policies(*g, "GroupPolicyList", owner, pols);
      attach(*g, owner, pols);
    }

    auto principal = [&](const JsonValue& e, const char* inline_key) {
      std::string arn = str(e, "Arn");
      ArnParts parts;
      if (!split_arn(arn, parts) || parts.service != "iam" || parts.account != acct) {
        problem(e.range, "\"" + arn + "\" is not an IAM role or user ARN of account " + acct + ": left out");
        return;
      }
      PrincipalRecord pr;
      pr.arn = arn;
      pr.account = acct;
      pr.range = e.range;
      if (const JsonMember* m = e.find_member("Arn")) pr.range = m->value.range;
      inline_policies(e, inline_key, arn, pr.policies);
      attach(e, arn, pr.policies);
      for (const JsonValue* g : items(e, "GroupList")) {
        if (!g->is_string()) continue;
        auto it = groups.find(g->text);
        if (it != groups.end()) {
          pr.policies.insert(pr.policies.end(), it->second.begin(), it->second.end());
        } else {
          gap(path, "group " + g->text + " of " + arn + " is not in GroupDetailList: the IAM of " + arn +
                        " is incomplete, its reads are undecided", g->range);
          pr.policies.push_back(unknown_policy(PolicyKind::Identity, "group/" + acct + "/" + g->text, "group " + g->text + " (not in the export)"));
        }
      }
      pr.boundary = boundary(e, arn);
      inv_.principals.push_back(std::move(pr));
      // A role's trust policy says who may become it: the rules read it (TG202), the reads do not.
      if (const JsonValue* t = e.find("AssumeRolePolicyDocument"); t && !t->is_null()) {
        if (auto trust = parse_export_policy(*t, PolicyKind::Unknown, arn + " trust policy", a_.sources, a_.diagnostics))
          inv_.loose.push_back(LoosePolicy{std::move(*trust), acct});
      }
    };
    for (const JsonValue* r : items(*doc, "RoleDetailList")) {
      if (r->is_object()) principal(*r, "RolePolicyList");
    }
    for (const JsonValue* u : items(*doc, "UserDetailList")) {
      if (u->is_object()) principal(*u, "UserPolicyList");
    }
  }

  // ---- KMS ---------------------------------------------------------------------------------------

  void read_kms(const std::string& acct, const std::string& region) {
    fs::path dir = root_ / "accounts" / acct / region / "kms";
    if (!present(dir)) {
      if (present(root_ / "accounts" / acct / region / "secretsmanager")) {
        gap(dir, "no kms/ for account " + acct + " in " + region +
                     ": its keys are unknown; secrets there on customer-managed keys are undecided");
      }
      return;
    }
    std::map<std::string, std::string> arns;  // key id → ARN (from list-keys)
    std::map<std::string, Range> listed;
    if (auto doc = read_json(dir / "list-keys.json")) {
      for (const JsonValue* k : items(*doc, "Keys")) {
        if (!k->is_object()) continue;
        std::string id = str(*k, "KeyId");
        if (id.empty()) continue;
        arns[id] = str(*k, "KeyArn");
        listed[id] = k->range;
      }
    } else if (!present(dir / "list-keys.json")) {
      gap(dir / "list-keys.json", "no list-keys.json for account " + acct + " in " + region +
                                      ": only the keys with a folder under kms/keys are known");
    }
    for (const auto& id : subfolders(dir / "keys")) arns.try_emplace(id, "");

    std::map<std::string, std::vector<std::string>> aliases;  // key id → aliases
    if (auto doc = read_json(dir / "list-aliases.json")) {
      for (const JsonValue* al : items(*doc, "Aliases")) {
        if (!al->is_object()) continue;
        std::string name = str(*al, "AliasName"), target = str(*al, "TargetKeyId");
        if (!name.empty() && !target.empty()) aliases[target].push_back(name);
      }
    } else if (!present(dir / "list-aliases.json")) {
      gap(dir / "list-aliases.json", "no list-aliases.json for account " + acct + " in " + region +
                                         ": secrets that name their key by alias there are undecided");
    }

    for (const auto& [id, listed_arn] : arns) {
      fs::path kdir = dir / "keys" / id;
      KeyRecord k;
      k.account = acct;
      k.region = region;
      k.key_id = id;
      k.arn = !listed_arn.empty() ? listed_arn : "arn:aws:kms:" + region + ":" + acct + ":key/" + id;
      k.aliases = aliases[id];
      if (auto it = listed.find(id); it != listed.end()) k.range = it->second;
      bool aws_alias = std::any_of(k.aliases.begin(), k.aliases.end(), [](const std::string& a) { return a.rfind("alias/aws/", 0) == 0; });
      if (aws_alias) k.manager = KeyManager::Aws;

      if (auto doc = read_json(kdir / "describe-key.json")) {
        const JsonValue* md = doc->find("KeyMetadata");
        if (!md || !md->is_object()) {
          problem(doc->range, "describe-key output without a KeyMetadata object");
        } else {
          k.range = md->range;
          if (std::string arn = str(*md, "Arn"); !arn.empty()) k.arn = arn;
          std::string manager = str(*md, "KeyManager");
          if (manager == "AWS") k.manager = KeyManager::Aws;
          if (manager == "CUSTOMER") k.manager = KeyManager::Customer;
          if (std::string state = str(*md, "KeyState"); !state.empty()) k.state = state;
          if (const JsonValue* mr = md->find("MultiRegion"); mr && mr->kind == JsonKind::Bool) k.multi_region = mr->boolean;
          if (const JsonValue* cfg = md->find("MultiRegionConfiguration"); cfg && cfg->is_object()) {
            if (const JsonValue* pk = cfg->find("PrimaryKey"); pk && pk->is_object()) k.primary_arn = str(*pk, "Arn");
          }
        }
      } else if (!present(kdir / "describe-key.json")) {
        gap(kdir / "describe-key.json", "no describe-key.json for key " + k.arn +
                                            ": its state is unknown and taken as Enabled" +
                                            (aws_alias ? "" : ", and it is taken as customer-managed"));
      }
      ArnParts parts;
      if (split_arn(k.arn, parts)) k.partition = parts.partition;

      bool secretsmanager_key = k.manager == KeyManager::Aws &&
                                std::find(k.aliases.begin(), k.aliases.end(), "alias/aws/secretsmanager") != k.aliases.end();
      fs::path policy_path = kdir / "get-key-policy.json";
      if (auto doc = read_json(policy_path)) {
        const JsonValue* p = doc->find("Policy");
        if (p && !p->is_null()) {
          k.policy = parse_export_policy(*p, PolicyKind::KeyPolicy, k.arn, a_.sources, a_.diagnostics);
          if (!k.policy) gap(policy_path, "the policy of key " + k.arn + " could not be read: reads through it are undecided", p->range);
        } else {
          problem(doc->range, "get-key-policy output without a Policy: the policy of key " + k.arn + " is unknown");
        }
      } else if (secretsmanager_key) {
        // Fixed by AWS: modelled, as for an inventory.
        const SourceFile* f = a_.sources.add("<aws/secretsmanager key policy, " + acct + " " + region + ">",
                                             aws_managed_secretsmanager_key_policy(acct, region, k.partition));
        Diagnostics ignored;
        k.policy = parse_policy_file(*f, PolicyKind::KeyPolicy, ignored);
        if (k.policy) k.policy->name = "aws/secretsmanager (AWS-managed key policy)";
      } else if (!present(policy_path)) {
        gap(policy_path, "no get-key-policy.json for key " + k.arn + ": its policy is unknown, reads through it are undecided");
      }

      if (auto doc = read_json(kdir / "get-key-rotation-status.json")) {
        if (const JsonValue* r = doc->find("KeyRotationEnabled"); r && r->kind == JsonKind::Bool) k.rotation = r->boolean;
      }

      fs::path grants_path = kdir / "list-grants.json";
      if (auto doc = read_json(grants_path)) {
        for (const JsonValue* g : items(*doc, "Grants")) {
          if (g->is_object()) read_grant(*g, k);
        }
      } else if (!present(grants_path)) {
        gap(grants_path, "no list-grants.json for key " + k.arn +
                             ": its grants are unknown; a read it denies could still be allowed by a grant");
      }
      inv_.keys.push_back(std::move(k));
    }
  }

  void read_grant(const JsonValue& g, KeyRecord& k) {
    KeyGrant grant;
    grant.range = g.range;
    grant.grant_id = str(g, "GrantId");
    grant.grantee = str(g, "GranteePrincipal");
    if (grant.grantee.empty()) {
      problem(g.range, "a grant without a GranteePrincipal: left out");
      return;
    }
    for (const JsonValue* op : items(g, "Operations")) {
      if (op->is_string()) grant.operations.push_back(op->text);
    }
    if (const JsonValue* c = g.find("Constraints"); c && c->is_object()) {
      for (auto [name, out] : {std::pair{"EncryptionContextSubset", &grant.context_subset},
                               std::pair{"EncryptionContextEquals", &grant.context_equals}}) {
        const JsonValue* m = c->find(name);
        if (!m || m->is_null()) continue;
        if (!m->is_object()) {
          problem(m->range, std::string(name) + " must map encryption context keys to values: grant left out");
          return;
        }
        for (const auto& pair : m->members) {
          if (!pair.value.is_string()) {
            problem(pair.value.range, "encryption context values are strings: grant left out");
            return;
          }
          out->emplace_back(pair.key, pair.value.text);
        }
      }
    }
    k.grants.push_back(std::move(grant));
  }

  // ---- Secrets Manager ---------------------------------------------------------------------------

  void read_secrets(const std::string& acct, const std::string& region) {
    fs::path dir = root_ / "accounts" / acct / region / "secretsmanager";
    if (!present(dir)) return;
    struct Entry {
      std::optional<JsonValue> listed;  // the list-secrets entry (a copy)
      std::string folder;
    };
    std::map<std::string, Entry> by_name;
    fs::path list_path = dir / "list-secrets.json";
    if (auto doc = read_json(list_path)) {
      for (const JsonValue* s : items(*doc, "SecretList")) {
        if (!s->is_object()) continue;
        std::string name = str(*s, "Name");
        if (name.empty()) continue;
        by_name[name].listed = *s;
      }
    } else if (!present(list_path)) {
      gap(list_path, "no list-secrets.json for account " + acct + " in " + region +
                         ": only the secrets with a folder under secretsmanager/secrets are known");
    }
    for (const auto& folder : subfolders(dir / "secrets")) {
      std::string name;
      if (!percent_decode(folder, name)) name = folder;
      by_name[name].folder = folder;
    }

    for (auto& [name, entry] : by_name) {
      std::string folder = entry.folder;
      if (folder.empty()) {
        for (char c : name) {
          if (c == '/') {
            folder += "%2F";
          } else {
            folder += c;
          }
        }
      }
      fs::path sdir = dir / "secrets" / folder;
      std::optional<JsonValue> described = read_json(sdir / "describe-secret.json");
      std::optional<JsonValue> policy_doc = read_json(sdir / "get-resource-policy.json");
      const JsonValue* src = described ? &*described : entry.listed ? &*entry.listed : nullptr;
      std::string arn = src ? str(*src, "ARN") : "";
      if (arn.empty() && policy_doc) arn = str(*policy_doc, "ARN");
      ArnParts parts;
      if (arn.empty() || !split_arn(arn, parts) || parts.service != "secretsmanager" || parts.account != acct) {
        gap(sdir, "secret " + name + " of account " + acct + " in " + region +
                      " has no readable ARN in the export (describe-secret.json, list-secrets.json): left out");
        continue;
      }
      // A replica is listed in its own region too; its primary's ReplicationStatus covers it.
      std::string primary_region = src ? str(*src, "PrimaryRegion") : "";
      if (!primary_region.empty() && primary_region != region) {
        if (present(root_ / "accounts" / acct / primary_region / "secretsmanager")) continue;
        gap(sdir, "secret " + arn + " is a replica of a secret in " + primary_region +
                      ", which is not in the export: analyzed as a secret of its own");
      }
      if (!described && !present(sdir / "describe-secret.json")) {
        gap(sdir / "describe-secret.json", "no describe-secret.json for secret " + arn +
                                               (entry.listed ? ": its replicas are unknown (its key is taken from list-secrets.json)"
                                                             : ": its key and replicas are unknown"));
      }

      SecretRecord s;
      s.arn = arn;
      s.account = acct;
      s.region = parts.region;
      s.partition = parts.partition;
      s.name = parts.resource.rfind("secret:", 0) == 0 ? parts.resource.substr(7) : parts.resource;
      s.range = src ? src->range : Range{};
      if (src) {
        if (const JsonValue* k = src->find("KmsKeyId"); k && k->is_string()) {
          s.kms_key = k->text;
          s.kms_key_range = k->range;
        } else {
          s.kms_key_range = src->range;  // absent: aws/secretsmanager
        }
        for (const JsonValue* r : items(*src, "ReplicationStatus")) {
          if (!r->is_object()) continue;
          SecretReplica rep;
          rep.region = str(*r, "Region");
          rep.range = r->range;
          if (rep.region.empty() || rep.region == s.region || str(*r, "Status") == "Failed") continue;
          rep.kms_key = str(*r, "KmsKeyId");
          s.replicas.push_back(std::move(rep));
        }
      }
      if (!src) {
        // Only the resource policy is known: the key is not, and matches none.
        s.kms_key = "<unknown>";
        s.range = s.kms_key_range = policy_doc->range;
      }

      if (policy_doc) {
        const JsonValue* p = policy_doc->find("ResourcePolicy");
        if (p && !p->is_null()) {
          s.policy = parse_export_policy(*p, PolicyKind::SecretPolicy, s.arn, a_.sources, a_.diagnostics);
          if (!s.policy) {
            gap(sdir / "get-resource-policy.json", "the resource policy of secret " + s.arn +
                                                        " could not be read: reads of it are undecided", p->range);
            s.policy = unknown_policy(PolicyKind::SecretPolicy, "secret-policy/" + s.arn, s.arn + " (unreadable resource policy)");
          }
        }
      } else {
        gap(sdir / "get-resource-policy.json",
            std::string(present(sdir / "get-resource-policy.json") ? "get-resource-policy.json could not be read"
                                                                   : "no get-resource-policy.json") +
                " for secret " + s.arn + ": its resource policy is unknown, reads of it are undecided");
        s.policy = unknown_policy(PolicyKind::SecretPolicy, "secret-policy/" + s.arn, s.arn + " (resource policy not in the export)");
      }
      inv_.secrets.push_back(std::move(s));
    }
  }

  // ---- Organizations -----------------------------------------------------------------------------

  struct OrgPolicy {
    std::string id;
    std::string type;  // SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY, "" when unknown
    std::optional<Policy> scp, rcp;  // the content as each kind (an unknown one when not known)
    std::set<std::string> targets;
    bool targets_known = false;
  };

  void read_organization() {
    fs::path dir = root_ / "organization";
    if (!present(dir)) {
      gap(dir, "no organization/ in the export: the accounts are taken as outside any organization "
               "(no SCPs or RCPs apply; aws:PrincipalOrgID is unknown)");
      return;
    }
    if (auto doc = read_json(dir / "describe-organization.json")) {
      if (const JsonValue* o = doc->find("Organization"); o && o->is_object()) {
        inv_.organization_id = str(*o, "Id");
        inv_.management_account = str(*o, "MasterAccountId");
      } else {
        problem(doc->range, "describe-organization output without an Organization object");
      }
    } else if (!present(dir / "describe-organization.json")) {
      gap(dir / "describe-organization.json",
          "no describe-organization.json: the organization's id and management account are unknown "
          "(aws:PrincipalOrgID is unknown; SCPs are applied to every account)");
    }

    // The tree: every account with its path root → OUs.
    std::vector<std::string> roots;
    std::set<std::string> enabled;  // policy types enabled at a root
    bool types_known = false;
    if (auto doc = read_json(dir / "list-roots.json")) {
      for (const JsonValue* r : items(*doc, "Roots")) {
        if (!r->is_object()) continue;
        std::string id = str(*r, "Id");
        if (!id.empty()) roots.push_back(id);
        if (r->find("PolicyTypes")) types_known = true;
        for (const JsonValue* t : items(*r, "PolicyTypes")) {
          if (t->is_object() && str(*t, "Status") == "ENABLED") enabled.insert(str(*t, "Type"));
        }
      }
    } else {
      gap(dir / "list-roots.json", "no list-roots.json: the organization's tree is unknown, so are the SCPs and RCPs "
                                   "of its accounts; reads they could block are undecided");
    }
    bool tree_complete = !roots.empty();
    std::map<std::string, std::vector<std::string>> paths;  // account → root, OUs
    std::vector<std::pair<std::string, std::vector<std::string>>> queue;
    for (const auto& r : roots) queue.push_back({r, {r}});
    std::set<std::string> visited;
    while (!queue.empty()) {
      auto [parent, path] = queue.back();
      queue.pop_back();
      if (!visited.insert(parent).second) continue;
      fs::path cdir = dir / "children" / parent;
      if (auto doc = read_json(cdir / "list-accounts-for-parent.json")) {
        for (const JsonValue* acc : items(*doc, "Accounts")) {
          if (!acc->is_object()) continue;
          std::string id = str(*acc, "Id");
          if (is_account_id(id)) paths[id] = path;
        }
      } else {
        tree_complete = false;
        gap(cdir / "list-accounts-for-parent.json", "no list-accounts-for-parent.json for " + parent +
                                                        ": the accounts below it are unknown, and so are their SCPs and RCPs");
      }
      if (auto doc = read_json(cdir / "list-organizational-units-for-parent.json")) {
        for (const JsonValue* ou : items(*doc, "OrganizationalUnits")) {
          if (!ou->is_object()) continue;
          std::string id = str(*ou, "Id");
          if (id.empty()) continue;
          auto child = path;
          child.push_back(id);
          queue.push_back({id, child});
        }
      } else {
        tree_complete = false;
        gap(cdir / "list-organizational-units-for-parent.json",
            "no list-organizational-units-for-parent.json for " + parent +
                ": the OUs below it are unknown, and so are the accounts, SCPs and RCPs below them");
      }
    }
    for (const auto& [acct, path] : paths) inv_.org_accounts.push_back(acct);

    // The policies and where they are attached.
    std::vector<OrgPolicy> policies;
    for (const auto& id : subfolders(dir / "policies")) {
      fs::path pdir = dir / "policies" / id;
      OrgPolicy op;
      op.id = id;
      if (auto doc = read_json(pdir / "describe-policy.json")) {
        const JsonValue* p = doc->find("Policy");
        const JsonValue* summary = p && p->is_object() ? p->find("PolicySummary") : nullptr;
        const JsonValue* content = p && p->is_object() ? p->find("Content") : nullptr;
        if (summary && summary->is_object()) op.type = str(*summary, "Type");
        if (op.type == "SERVICE_CONTROL_POLICY" || op.type == "RESOURCE_CONTROL_POLICY") {
          PolicyKind kind = op.type == "SERVICE_CONTROL_POLICY" ? PolicyKind::Scp : PolicyKind::Rcp;
          std::string name = (kind == PolicyKind::Scp ? "SCP " : "RCP ") + id +
                             (summary ? " (" + str(*summary, "Name") + ")" : std::string());
          std::optional<Policy> pol;
          if (content) pol = parse_export_policy(*content, kind, name, a_.sources, a_.diagnostics);
          if (!pol) {
            gap(pdir / "describe-policy.json", "the content of " + name + " could not be read: reads it could block are undecided",
                doc->range);
            pol = unknown_policy(kind, "org-policy/" + id, name + " (unreadable)");
          }
          (kind == PolicyKind::Scp ? op.scp : op.rcp) = std::move(pol);
        } else if (op.type.empty()) {
          problem(doc->range, "describe-policy output without Policy.PolicySummary.Type: policy " + id + " left out");
          continue;
        } else {
          continue;  // tag, backup and other policy types do not decide access
        }
      } else {
        gap(pdir / "describe-policy.json", "no describe-policy.json for policy " + id +
                                               ": its type and content are unknown; taken as a possible SCP and RCP, "
                                               "reads it could block are undecided");
        op.scp = unknown_policy(PolicyKind::Scp, "org-policy/" + id, "SCP " + id + " (not in the export)");
        op.rcp = unknown_policy(PolicyKind::Rcp, "org-policy/" + id, "RCP " + id + " (not in the export)");
      }
      if (auto doc = read_json(pdir / "list-targets-for-policy.json")) {
        op.targets_known = true;
        for (const JsonValue* t : items(*doc, "Targets")) {
          if (t->is_object()) op.targets.insert(str(*t, "TargetId"));
        }
      } else {
        gap(pdir / "list-targets-for-policy.json", "no list-targets-for-policy.json for policy " + id +
                                                       ": where it is attached is unknown; taken as possibly attached to the root");
      }
      policies.push_back(std::move(op));
    }
    if (!types_known) {
      // Whether SCPs are enabled is not known: taken as enabled (what could block stays undecided).
      enabled.insert("SERVICE_CONTROL_POLICY");
      for (const auto& p : policies) {
        if (p.scp && p.type == "SERVICE_CONTROL_POLICY") enabled.insert("SERVICE_CONTROL_POLICY");
        if (p.rcp && p.type == "RESOURCE_CONTROL_POLICY") enabled.insert("RESOURCE_CONTROL_POLICY");
      }
    }

    // Every account the organization or the export knows.
    std::set<std::string> accounts(inv_.org_accounts.begin(), inv_.org_accounts.end());
    for (const auto& a : summary_.accounts) accounts.insert(a);
    std::set<std::string> missing_levels;  // targets already said to lack policies
    for (bool scp : {true, false}) {
      const char* type = scp ? "SERVICE_CONTROL_POLICY" : "RESOURCE_CONTROL_POLICY";
      if (!enabled.count(type)) continue;
      const char* label = scp ? "SCP" : "RCP";
      PolicyKind kind = scp ? PolicyKind::Scp : PolicyKind::Rcp;
      auto& out = scp ? inv_.scps : inv_.rcps;
      for (const auto& acct : accounts) {
        std::vector<std::string> path;
        if (auto it = paths.find(acct); it != paths.end()) {
          path = it->second;
          path.push_back(acct);
        } else if (tree_complete) {
          continue;  // outside the organization: none apply
        } else {
          // Where it sits is unknown: one level that may allow and may deny.
          if (missing_levels.insert("account " + acct).second) {
            gap(dir, "account " + acct + " is not found in the organization's tree, which the export lacks parts of: "
                                         "its SCPs and RCPs are unknown");
          }
          out[acct] = {{unknown_policy(kind, std::string(label) + "s-of/" + acct, std::string(label) + "s of " + acct + " (unknown)")}};
          continue;
        }
        std::vector<std::vector<Policy>> levels;
        for (size_t i = 0; i < path.size(); ++i) {
          const std::string& target = path[i];
          std::vector<Policy> level;
          for (const auto& p : policies) {
            const std::optional<Policy>& pol = scp ? p.scp : p.rcp;
            if (!pol) continue;
            bool here = p.targets_known ? p.targets.count(target) > 0 : i == 0;
            if (here) level.push_back(*pol);
          }
          if (level.empty()) {
            // AWS keeps at least one policy of an enabled type on every root, OU and account
            // (FullAWSAccess, RCPFullAWSAccess): an empty level means the export lacks it.
            if (missing_levels.insert(std::string(label) + target).second) {
              gap(dir / "policies", std::string("no ") + label + " of the export is attached to " + target +
                                        ": the policies attached there are unknown; reads they could block are undecided");
            }
            level.push_back(unknown_policy(kind, std::string(label) + "s-at/" + target, std::string(label) + "s at " + target + " (unknown)"));
          }
          levels.push_back(std::move(level));
        }
        out[acct] = std::move(levels);
      }
    }
  }

  // ---- iam-collect ---------------------------------------------------------------------------------
  // The layout of the open-source iam-collect (github.com/cloud-copilot/iam-collect), below
  // <storage>/aws/<partition>: accounts/<id>/<service>/[<region>/]<type>/<lowercased, URL-encoded
  // resource id>/{metadata,policy,...}.json and organizations/<org-id>/. It holds no KMS key
  // manager, state, aliases or grants and no secret replicas: those are gaps.

 public:
  void read_iam_collect() {
    std::set<std::string> regions;
    const fs::path accounts = root_ / "accounts";
    for (const auto& acct : subfolders(accounts)) {
      if (!is_account_id(acct)) {
        a_.notes.push_back("not an account id, skipped: " + (accounts / acct).string());
        continue;
      }
      summary_.accounts.push_back(acct);
      collect_iam(acct);
      for (const auto& region : subfolders(accounts / acct / "kms")) {
        regions.insert(region);
        collect_keys(acct, region);
      }
      for (const auto& region : subfolders(accounts / acct / "secretsmanager")) {
        regions.insert(region);
        collect_secrets(acct, region);
      }
    }
    summary_.regions.assign(regions.begin(), regions.end());
    gap(root_ / "accounts", "iam-collect records no KMS key manager, key state, aliases or grants, and no secret replicas: "
                            "keys are taken as enabled, a key whose policy Id starts with auto- as AWS-managed "
                            "(auto-secretsmanager-… as aws/secretsmanager), secrets named by key alias are undecided, "
                            "reads a grant could allow are not seen, and replicas are not analyzed");
    collect_organization();
    summary_.keys = inv_.keys.size();
    summary_.secrets = inv_.secrets.size();
    summary_.principals = inv_.principals.size();
  }

 private:
  std::vector<const JsonValue*> array_items(const std::optional<JsonValue>& doc) {
    std::vector<const JsonValue*> out;
    if (doc && doc->is_array()) {
      for (const auto& i : doc->items) out.push_back(&i);
    }
    return out;
  }

  void collect_iam(const std::string& acct) {
    const fs::path iam = root_ / "accounts" / acct / "iam";
    std::map<std::string, std::optional<Policy>> managed;
    for (const fs::path& dir : {iam / "policy", iam / "aws" / "policy"}) {
      for (const auto& id : subfolders(dir)) {
        auto md = read_json(dir / id / "metadata.json");
        std::string arn = md ? str(*md, "arn") : "";
        if (arn.empty()) continue;
        auto doc = read_json(dir / id / "current-policy.json");
        managed[arn] = doc ? parse_export_policy(*doc, PolicyKind::Identity, arn, a_.sources, a_.diagnostics) : std::nullopt;
      }
    }
    auto attach = [&](const fs::path& dir, const std::string& owner, std::vector<Policy>& out) {
      auto doc = read_json(dir / "managed-policies.json", true);
      for (const JsonValue* v : array_items(doc)) {
        if (!v->is_string()) continue;
        auto it = managed.find(v->text);
        if (it != managed.end() && it->second) {
          out.push_back(*it->second);
          continue;
        }
        gap(dir / "managed-policies.json", "managed policy " + v->text + " attached to " + owner +
                                              " is not in the export: its reads are undecided", v->range);
        out.push_back(unknown_policy(PolicyKind::Identity, "policy/" + v->text, v->text + " (not in the export)"));
      }
      auto inl = read_json(dir / "inline-policies.json", true);
      for (const JsonValue* v : array_items(inl)) {
        if (!v->is_object()) continue;
        const JsonValue* d = v->find("PolicyDocument");
        std::string name = owner + " inline policy " + str(*v, "PolicyName");
        std::optional<Policy> p = d ? parse_export_policy(*d, PolicyKind::Identity, name, a_.sources, a_.diagnostics) : std::nullopt;
        out.push_back(p ? std::move(*p) : unknown_policy(PolicyKind::Identity, "inline/" + name, name + " (unreadable)"));
      }
    };
    std::map<std::string, std::vector<Policy>> groups;  // group ARN → policies
    for (const auto& id : subfolders(iam / "group")) {
      auto md = read_json(iam / "group" / id / "metadata.json");
      std::string arn = md ? str(*md, "arn") : "";
      if (!arn.empty()) attach(iam / "group" / id, arn, groups[arn]);
    }
    for (const char* type : {"role", "user"}) {
      for (const auto& id : subfolders(iam / type)) {
        const fs::path dir = iam / type / id;
        auto md = read_json(dir / "metadata.json");
        std::string arn = md ? str(*md, "arn") : "";
        ArnParts parts;
        if (arn.empty() || !split_arn(arn, parts) || parts.account != acct) {
          gap(dir, std::string(type) + " folder without a readable metadata.json arn: left out");
          continue;
        }
        PrincipalRecord pr;
        pr.arn = arn;
        pr.account = acct;
        if (const JsonMember* m = md->find_member("arn")) pr.range = m->value.range;
        attach(dir, arn, pr.policies);
        // Named, so that the document outlives the loop over pointers into it.
        const std::optional<JsonValue> group_doc = read_json(dir / "groups.json", true);
        for (const JsonValue* g : array_items(group_doc)) {
          if (!g->is_string()) continue;
          auto it = groups.find(g->text);
          if (it != groups.end()) {
            pr.policies.insert(pr.policies.end(), it->second.begin(), it->second.end());
          } else {
            gap(dir / "groups.json", "group " + g->text + " of " + arn + " is not in the export: its reads are undecided", g->range);
            pr.policies.push_back(unknown_policy(PolicyKind::Identity, "group/" + g->text, g->text + " (not in the export)"));
          }
        }
        std::string boundary = str(*md, "permissionBoundary");
        if (!boundary.empty()) {
          auto it = managed.find(boundary);
          if (it != managed.end() && it->second) {
            pr.boundary = *it->second;
            pr.boundary->kind = PolicyKind::Boundary;
            pr.boundary->name = boundary + " (permission boundary)";
          } else {
            gap(dir / "metadata.json", "permission boundary " + boundary + " of " + arn + " is not in the export: its reads are undecided");
            pr.boundary = unknown_policy(PolicyKind::Boundary, "boundary/" + boundary, boundary + " (permission boundary, not in the export)");
          }
        }
        inv_.principals.push_back(std::move(pr));
        // The role's trust policy: for the rules (TG202), not for the reads.
        if (auto doc = read_json(dir / "trust-policy.json")) {
          if (auto trust = parse_export_policy(*doc, PolicyKind::Unknown, arn + " trust policy", a_.sources, a_.diagnostics))
            inv_.loose.push_back(LoosePolicy{std::move(*trust), acct});
        }
      }
    }
  }

  void collect_keys(const std::string& acct, const std::string& region) {
    const fs::path dir = root_ / "accounts" / acct / "kms" / region / "key";
    for (const auto& id : subfolders(dir)) {
      auto md = read_json(dir / id / "metadata.json");
      KeyRecord k;
      k.account = acct;
      k.region = region;
      k.key_id = md && !str(*md, "id").empty() ? str(*md, "id") : id;
      k.arn = md && !str(*md, "arn").empty() ? str(*md, "arn") : "arn:aws:kms:" + region + ":" + acct + ":key/" + k.key_id;
      if (md) k.range = md->range;
      ArnParts parts;
      if (split_arn(k.arn, parts)) k.partition = parts.partition;
      if (auto doc = read_json(dir / id / "policy.json")) {
        k.policy = parse_export_policy(*doc, PolicyKind::KeyPolicy, k.arn, a_.sources, a_.diagnostics);
        if (k.policy && k.policy->id && k.policy->id->value.rfind("auto-", 0) == 0) {
          k.manager = KeyManager::Aws;
          if (k.policy->id->value.rfind("auto-secretsmanager", 0) == 0) k.aliases.push_back("alias/aws/secretsmanager");
        }
      } else {
        gap(dir / id / "policy.json", "no policy.json for key " + k.arn + ": its policy is unknown, reads through it are undecided");
      }
      inv_.keys.push_back(std::move(k));
    }
  }

  void collect_secrets(const std::string& acct, const std::string& region) {
    const fs::path dir = root_ / "accounts" / acct / "secretsmanager" / region / "secret";
    for (const auto& id : subfolders(dir)) {
      auto md = read_json(dir / id / "metadata.json");
      std::string arn = md ? str(*md, "arn") : "";
      ArnParts parts;
      if (arn.empty() || !split_arn(arn, parts) || parts.service != "secretsmanager") {
        gap(dir / id, "secret folder without a readable metadata.json arn: left out");
        continue;
      }
      SecretRecord s;
      s.arn = arn;
      s.account = acct;
      s.region = parts.region;
      s.partition = parts.partition;
      s.name = str(*md, "name");
      if (s.name.empty()) s.name = parts.resource.rfind("secret:", 0) == 0 ? parts.resource.substr(7) : parts.resource;
      s.range = md->range;
      s.kms_key_range = md->range;
      if (const JsonValue* k = md->find("kmsKey"); k && k->is_string()) {
        s.kms_key = k->text;
        s.kms_key_range = k->range;
      }
      // iam-collect writes policy.json only when the secret has a policy.
      if (auto doc = read_json(dir / id / "policy.json")) {
        s.policy = parse_export_policy(*doc, PolicyKind::SecretPolicy, s.arn, a_.sources, a_.diagnostics);
        if (!s.policy) s.policy = unknown_policy(PolicyKind::SecretPolicy, "secret-policy/" + s.arn, s.arn + " (unreadable resource policy)");
      }
      inv_.secrets.push_back(std::move(s));
    }
  }

  void collect_organization() {
    const fs::path orgs = root_ / "organizations";
    std::vector<std::string> ids = subfolders(orgs);
    if (ids.empty()) {
      gap(orgs, "no organizations/ in the export: the accounts are taken as outside any organization "
                "(no SCPs or RCPs apply; aws:PrincipalOrgID is unknown)");
      return;
    }
    const fs::path dir = orgs / ids.front();
    auto md = read_json(dir / "metadata.json");
    if (md) {
      inv_.organization_id = str(*md, "id");
      inv_.management_account = str(*md, "rootAccountId");
    }
    if (inv_.organization_id.empty()) inv_.organization_id = ids.front();
    std::set<std::string> enabled;
    if (md) {
      if (const JsonValue* f = md->find("features"); f && f->is_object()) {
        for (const auto& m : f->members) {
          if (m.value.kind == JsonKind::Bool && m.value.boolean) enabled.insert(m.key);
        }
      }
    }
    auto accounts = read_json(dir / "accounts.json");
    auto ous = read_json(dir / "ous.json");
    if (!accounts || !ous) {
      gap(dir, "accounts.json or ous.json missing: the organization's tree is unknown, so are the SCPs and RCPs");
      return;
    }
    // The policies attached to a target, by kind; ids are the last part of their ARN.
    auto attached = [&](const JsonValue& target, const char* key, std::vector<std::string>& out) {
      const JsonValue* v = target.find(key);
      if (!v || !v->is_array()) return;
      for (const auto& i : v->items) {
        if (i.is_string()) out.push_back(i.text.substr(i.text.rfind('/') + 1));
      }
    };
    std::map<std::string, std::optional<Policy>> loaded;
    auto policy = [&](const std::string& id, bool scp) -> Policy {
      std::string folder = id;
      for (char& c : folder) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string key = (scp ? "scps/" : "rcps/") + folder;
      auto it = loaded.find(key);
      if (it == loaded.end()) {
        PolicyKind kind = scp ? PolicyKind::Scp : PolicyKind::Rcp;
        auto doc = read_json(dir / (scp ? "scps" : "rcps") / folder / "policy.json");
        std::optional<Policy> p = doc ? parse_export_policy(*doc, kind, (scp ? "SCP " : "RCP ") + id, a_.sources, a_.diagnostics) : std::nullopt;
        if (!p) {
          gap(dir / (scp ? "scps" : "rcps") / folder / "policy.json",
              std::string(scp ? "SCP " : "RCP ") + id + " is not in the export: reads it could block are undecided");
          p = unknown_policy(kind, key, id + " (not in the export)");
        }
        it = loaded.emplace(key, std::move(p)).first;
      }
      return *it->second;
    };
    for (const auto& m : accounts->members) {
      if (is_account_id(m.key)) inv_.org_accounts.push_back(m.key);
    }
    for (bool scp : {true, false}) {
      if (!enabled.count(scp ? "SERVICE_CONTROL_POLICY" : "RESOURCE_CONTROL_POLICY")) continue;
      auto& out = scp ? inv_.scps : inv_.rcps;
      const char* key = scp ? "scps" : "rcps";
      for (const auto& m : accounts->members) {
        if (!is_account_id(m.key) || !m.value.is_object()) continue;
        std::vector<const JsonValue*> chain{&m.value};  // account, its OU, …, the root
        std::string parent = str(m.value, "ou");
        std::set<std::string> visited;
        while (!parent.empty() && visited.insert(parent).second) {
          const JsonValue* ou = ous->find(parent);
          if (!ou || !ou->is_object()) break;
          chain.push_back(ou);
          parent = str(*ou, "parent");
        }
        std::vector<std::vector<Policy>> levels;
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
          std::vector<std::string> ids_here;
          attached(**it, key, ids_here);
          std::vector<Policy> level;
          for (const auto& id : ids_here) level.push_back(policy(id, scp));
          if (level.empty()) level.push_back(unknown_policy(scp ? PolicyKind::Scp : PolicyKind::Rcp, std::string(key) + "-of/" + m.key, std::string(key) + " of a level above " + m.key + " (unknown)"));
          levels.push_back(std::move(level));
        }
        out[m.key] = std::move(levels);
      }
    }
  }

  fs::path root_;
  Analysis& a_;
  Inventory& inv_;
  std::vector<ExportGap>& gaps_;
  ExportSummary& summary_;
};

}  // namespace

// The folder of an iam-collect store that holds accounts/ and organizations/: `dir` itself, or
// `dir`/aws/<partition> (the first partition); empty when `dir` is not one.
std::string iam_collect_base(const std::string& dir) {
  std::error_code ec;
  auto looks = [&](const fs::path& base) {
    if (fs::is_directory(base / "organizations", ec)) return true;
    for (const auto& acct : subfolders(base / "accounts")) {
      for (const char* marker : {"iam/role", "iam/user", "kms", "secretsmanager"}) {
        if (fs::is_directory(base / "accounts" / acct / marker, ec)) return true;
      }
    }
    return false;
  };
  for (const auto& partition : subfolders(fs::path(dir) / "aws")) {
    if (looks(fs::path(dir) / "aws" / partition)) return (fs::path(dir) / "aws" / partition).string();
  }
  return looks(dir) ? dir : std::string();
}

bool is_export_folder(const std::string& dir) {
  std::error_code ec;
  return fs::is_directory(fs::path(dir) / "accounts", ec) || fs::is_directory(fs::path(dir) / "organization", ec) ||
         !iam_collect_base(dir).empty();
}

void load_export(const std::string& dir, Analysis& analysis, std::vector<ExportGap>& gaps, ExportSummary& summary,
                 std::string& usage_error) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    usage_error = "no such folder: " + dir;
    return;
  }
  if (!is_export_folder(dir)) {
    usage_error = dir + " is not an export folder (it has no accounts/ or organization/; see scripts/collect)";
    return;
  }
  if (analysis.scopes.empty()) analysis.scopes.emplace_back().label = "standalone policies";
  Scope& scope = analysis.scopes.emplace_back();
  scope.label = dir;
  if (std::string base = iam_collect_base(dir); !base.empty()) {
    ExportReader(base, analysis, scope, gaps, summary).read_iam_collect();
  } else {
    ExportReader(dir, analysis, scope, gaps, summary).read();
  }
  collect_policy_uses(scope);
  // Unknown policies stand for missing data; the policy rules have nothing to say about them.
  std::erase_if(scope.policies, [](const PolicyUse& u) {
    return u.policy->range.file && u.policy->range.file->path().rfind(kUnknownPrefix, 0) == 0;
  });
}

}  // namespace threegate
