// Reads the inputs of one run. Inventories first, so that the policy files they reference are
// not analyzed a second time as standalone documents.
#include <algorithm>
#include <filesystem>
#include <set>

#include "analysis/load_terraform.hpp"
#include "threegate/analysis.hpp"
#include "threegate/policy_parse.hpp"
#include "threegate/terraform_plan.hpp"

namespace threegate {
namespace {

namespace fs = std::filesystem;

struct Parsed {
  const SourceFile* file;
  JsonValue value;
};

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

// AWS CLI wrappers around a policy: get-key-policy {"Policy": "..."}, get-resource-policy
// {"ResourcePolicy": "..."}, get-policy-version {"PolicyVersion": {"Document": ...}}.
const JsonValue* unwrap(const JsonValue& v, PolicyKind& kind) {
  if (!v.is_object()) return nullptr;
  if (v.find("Statement")) return &v;
  if (const JsonValue* p = v.find("Policy"); p && p->is_string()) {
    if (kind == PolicyKind::Unknown) kind = PolicyKind::KeyPolicy;
    return p;
  }
  if (const JsonValue* p = v.find("ResourcePolicy"); p && p->is_string()) {
    if (kind == PolicyKind::Unknown) kind = PolicyKind::SecretPolicy;
    return p;
  }
  if (const JsonValue* pv = v.find("PolicyVersion"); pv && pv->is_object()) {
    if (const JsonValue* d = pv->find("Document")) {
      if (kind == PolicyKind::Unknown) kind = PolicyKind::Identity;
      return d;
    }
  }
  return nullptr;
}

}  // namespace

void collect_policy_uses(Scope& scope) {
  const Inventory& inv = scope.inventory;
  auto& uses = scope.policies;
  uses.clear();
  for (const auto& k : inv.keys) {
    if (k.policy) uses.push_back(PolicyUse{&*k.policy, PolicyKind::KeyPolicy, k.account, &k, nullptr});
  }
  for (const auto& s : inv.secrets) {
    if (s.policy) uses.push_back(PolicyUse{&*s.policy, PolicyKind::SecretPolicy, s.account, nullptr, &s});
  }
  for (const auto& pr : inv.principals) {
    for (const auto& pol : pr.policies) uses.push_back(PolicyUse{&pol, PolicyKind::Identity, pr.account, nullptr, nullptr});
    if (pr.boundary) uses.push_back(PolicyUse{&*pr.boundary, PolicyKind::Boundary, pr.account, nullptr, nullptr});
  }
  for (const auto& [acct, levels] : inv.scps) {
    for (const auto& level : levels) {
      for (const auto& pol : level) uses.push_back(PolicyUse{&pol, PolicyKind::Scp, acct, nullptr, nullptr});
    }
  }
  for (const auto& [acct, levels] : inv.rcps) {
    for (const auto& level : levels) {
      for (const auto& pol : level) uses.push_back(PolicyUse{&pol, PolicyKind::Rcp, acct, nullptr, nullptr});
    }
  }
  for (const auto& l : inv.loose) uses.push_back(PolicyUse{&l.policy, l.policy.kind, l.account, nullptr, nullptr});
}

void load_inputs(const std::vector<std::string>& paths, const CheckOptions& options, Analysis& a,
                 std::string& usage_error) {
  std::vector<std::string> files;
  std::vector<std::string> terraform_dirs;  // folders holding .tf or .tf.json files
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      std::set<std::string> tf_dirs;
      // A folder that cannot be listed (no read or search permission) is named, never skipped
      // in silence; the iterator would skip it (skip_permission_denied) or stop the whole walk.
      auto unlistable = [&](const fs::path& dir) {
        std::error_code list_ec;
        fs::directory_iterator probe(dir, list_ec);
        if (!list_ec) return false;
        a.diagnostics.push_back(Diagnostic{"TG401", Severity::Error,
                                           "cannot list folder " + dir.string() + ": " + list_ec.message(), {}, dir.string()});
        return true;
      };
      if (unlistable(p)) continue;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && skipped_folder(it->path())) {
          it.disable_recursion_pending();
          continue;
        }
        // Folders the walk enters (links to folders are not followed) are checked before it does.
        if (std::error_code dir_ec; it->is_directory(dir_ec) && !it->is_symlink(dir_ec) && unlistable(it->path())) {
          it.disable_recursion_pending();
          continue;
        }
        std::error_code file_ec;
        if (!it->is_regular_file(file_ec)) {
          // A link that cannot be followed (a loop, a missing target) is named, never skipped.
          const fs::path& f = it->path();
          if (file_ec && (f.extension() == ".json" || is_terraform_file(f)))
            a.diagnostics.push_back(Diagnostic{"TG401", Severity::Error, "cannot read " + f.string() + ": " + file_ec.message(), {}, f.string()});
          continue;
        }
        const fs::path& f = it->path();
        // A .tf.json file is Terraform configuration (JSON syntax), never a policy.
        if (is_terraform_file(f)) tf_dirs.insert(f.parent_path().string());
        else if (f.extension() == ".json") found.push_back(f.string());
      }
      if (ec) {
        a.diagnostics.push_back(Diagnostic{"TG401", Severity::Error, "cannot list folder: " + ec.message(), {}, p});
      }
      std::sort(found.begin(), found.end());
      if (found.empty() && tf_dirs.empty()) a.notes.push_back("no *.json or *.tf file below " + p);
      files.insert(files.end(), found.begin(), found.end());
      terraform_dirs.insert(terraform_dirs.end(), tf_dirs.begin(), tf_dirs.end());
    } else if (fs::exists(p, ec) && is_terraform_file(p)) {
      terraform_dirs.push_back(fs::path(p).parent_path().empty() ? "." : fs::path(p).parent_path().string());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      usage_error = "no such file or folder: " + p;
      return;
    }
  }

  // JSON files are read first, so that Terraform plans among them are known; their problems are
  // said only once Terraform is loaded, since the files its file() and templatefile() calls
  // read are part of it, not standalone documents.
  struct Read {
    std::string path, error;
    const SourceFile* file = nullptr;
    JsonParseResult result;
  };
  std::vector<Read> reads;
  std::set<std::string> plan_sources;
  std::set<std::string> named;
  for (const auto& path : files) {
    if (!named.insert(canonical(path)).second) continue;  // the same file named twice is read once
    Read& r = reads.emplace_back();
    r.path = path;
    r.file = a.sources.load(path, r.error);
    if (!r.file) continue;
    r.result = parse_json(*r.file);
    if (r.result.ok() && terraform_json_kind(*r.result.value) != TerraformJsonKind::None)
      if (const std::string dir = plan_source_dir(path, options); !dir.empty()) plan_sources.insert(canonical_dir(dir));
  }

  a.scopes.emplace_back().label = "standalone policies";
  load_terraform_roots(terraform_dirs, options, a, plan_sources);
  for (Read& r : reads) {
    if (!r.result.ok() || terraform_json_kind(*r.result.value) == TerraformJsonKind::None) continue;
    ++a.files_read;
    load_terraform_plan(*r.file, *r.result.value, options, a);
    r.file = nullptr;  // read
    r.error.clear();
  }
  std::set<std::string> seen;
  for (const auto& config : a.terraform)
    for (const auto& f : config->files_read()) seen.insert(canonical(f));

  std::vector<Parsed> parsed;
  for (Read& r : reads) {
    if (seen.count(canonical(r.path)) || (!r.file && r.error.empty())) continue;
    ++a.files_read;
    if (!r.file) {
      a.diagnostics.push_back(Diagnostic{"TG401", Severity::Error, r.error, {}, r.path});
      continue;
    }
    if (!r.result.ok()) {
      a.diagnostics.push_back(Diagnostic{"TG401", Severity::Error, r.result.error, r.result.error_range, {}});
      continue;
    }
    parsed.push_back(Parsed{r.file, std::move(*r.result.value)});
  }

  std::set<std::string> referenced;
  for (const auto& p : parsed) {
    if (!is_inventory_document(p.value)) continue;
    std::vector<std::string> refs;
    Scope& scope = a.scopes.emplace_back();
    scope.label = p.file->path();
    load_inventory(p.value, *p.file, a.sources, scope.inventory, a.diagnostics, refs);
    for (const auto& r : refs) referenced.insert(canonical(r));
  }

  for (const auto& p : parsed) {
    if (is_inventory_document(p.value) || referenced.count(canonical(p.file->path()))) continue;
    PolicyKind kind = options.kind;
    const JsonValue* doc = unwrap(p.value, kind);
    if (!doc) {
      a.diagnostics.push_back(Diagnostic{"TG402", Severity::Info,
                                         p.value.is_object()
                                             ? "not a policy document or an inventory (no Statement, keys or secrets): not analyzed"
                                             : std::string("not a policy document or an inventory (") + json_kind_name(p.value.kind) +
                                                   ", not an object): not analyzed",
                                         p.value.range, {}});
      continue;
    }
    if (kind == PolicyKind::Unknown) kind = detect_policy_kind(*doc);
    if (auto pol = parse_policy(*doc, kind, p.file->path(), a.diagnostics)) {
      // A role trust policy is told by its statements (the rules read it as one); any other
      // policy of no known kind is checked for grammar only.
      if (kind == PolicyKind::Unknown && !is_trust_policy(*pol)) {
        a.diagnostics.push_back(Diagnostic{"TG402", Severity::Info,
                                           "cannot tell whether this is a key, secret or other resource policy: "
                                           "checked for grammar only (pass --kind)",
                                           doc->range, {}});
      }
      a.scopes.front().inventory.loose.push_back(LoosePolicy{std::move(*pol)});
    }
  }

  for (Scope& scope : a.scopes) collect_policy_uses(scope);
}

}  // namespace threegate
