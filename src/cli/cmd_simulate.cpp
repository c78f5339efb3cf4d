// `threegate simulate`: one request from a case file, or the three gates of one read.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "report/location.hpp"
#include "threegate/analysis.hpp"
#include "threegate/policy_parse.hpp"
#include "threegate/report.hpp"

namespace threegate::cli {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

ojson location_json(const Range& r) {
  Location l = locate(r);
  if (!l.known) return nullptr;
  return ojson{{"path", l.path}, {"line", l.begin.line}, {"column", l.begin.column}};
}

std::string where(const Range& r) {
  Location l = locate(r);
  return l.known ? fmt::format("{}:{}:{}", l.path, l.begin.line, l.begin.column) : std::string("(modelled policy)");
}

const char* tri_name(Tri t) { return t == Tri::True ? "true" : t == Tri::False ? "false" : "unknown"; }

const char* match_name(PrincipalMatch m) {
  switch (m) {
    case PrincipalMatch::None: return "none";
    case PrincipalMatch::Wildcard: return "wildcard";
    case PrincipalMatch::Account: return "account";
    case PrincipalMatch::Role: return "role";
    case PrincipalMatch::Exact: return "exact";
  }
  return "none";
}

std::string sid_of(const StatementHit& h) {
  if (h.statement->sid) return h.statement->sid->value;
  for (size_t i = 0; i < h.policy->statements.size(); ++i) {
    if (&h.policy->statements[i] == h.statement) return fmt::format("#{}", i + 1);
  }
  return "";
}

ojson hit_json(const StatementHit& h) {
  ojson j;
  j["policy_type"] = policy_role_name(h.role);
  if (h.level >= 0) j["level"] = h.level;
  j["policy"] = h.policy->name;
  j["statement"] = sid_of(h);
  j["effect"] = h.statement->effect == Effect::Allow ? "Allow" : "Deny";
  j["match"] = tri_name(h.match);
  if (h.role == PolicyRole::Resource) j["principal_match"] = match_name(h.principal_match);
  if (!h.unknown_keys.empty()) j["unknown_keys"] = h.unknown_keys;
  j["location"] = location_json(h.statement->range);
  return j;
}

ojson eval_json(const EvalResult& r) {
  ojson j;
  j["decision"] = decision_name(r.decision);
  j["cross_account"] = r.cross_account;
  j["depends_on"] = r.depends_on;
  j["allows"] = ojson::array();
  for (const auto& h : r.allows) j["allows"].push_back(hit_json(h));
  j["denies"] = ojson::array();
  for (const auto& h : r.denies) j["denies"].push_back(hit_json(h));
  j["missing"] = ojson::array();
  for (const auto& m : r.missing) {
    ojson mj{{"policy_type", policy_role_name(m.role)}, {"allowed", tri_name(m.allowed)}};
    if (m.level >= 0) mj["level"] = m.level;
    j["missing"].push_back(mj);
  }
  return j;
}

void print_eval_text(std::ostream& out, const EvalResult& r, const std::string& indent) {
  out << indent << "decision: " << decision_name(r.decision) << (r.cross_account ? " (cross-account)" : "") << "\n";
  for (const auto& h : r.denies) {
    out << indent << "  denied by " << policy_role_name(h.role) << " " << h.policy->name << " statement " << sid_of(h)
        << (h.match == Tri::Unknown ? " (maybe)" : "") << "  --> " << where(h.statement->range) << "\n";
  }
  for (const auto& h : r.allows) {
    out << indent << "  allowed by " << policy_role_name(h.role) << " " << h.policy->name << " statement " << sid_of(h)
        << (h.match == Tri::Unknown ? " (maybe)" : "") << "  --> " << where(h.statement->range) << "\n";
  }
  for (const auto& m : r.missing) {
    out << indent << "  no allow in " << policy_role_name(m.role);
    if (m.level >= 0) out << " level " << m.level;
    if (m.allowed == Tri::Unknown) out << " (undecided)";
    out << "\n";
  }
  if (!r.depends_on.empty()) out << indent << "  depends on: " << fmt::format("{}", fmt::join(r.depends_on, ", ")) << "\n";
}

void print_diagnostics(const Diagnostics& diags) {
  std::vector<Finding> findings;
  for (const auto& d : diags) findings.push_back(finding_from_diagnostic(d));
  for (const auto& f : findings) {
    Location l = locate(f.range, f.path);
    std::cerr << (l.known ? fmt::format("{}:{}:{}", l.path, l.begin.line, l.begin.column) : l.path) << ": "
              << severity_name(f.severity) << " " << f.rule_id << ": " << f.message << "\n";
  }
}

bool has_errors(const Diagnostics& diags) {
  for (const auto& d : diags) {
    if (d.severity == Severity::Error) return true;
  }
  return false;
}

// ---- simulate --case ------------------------------------------------------------------------------

class CaseReader {
 public:
  CaseReader(SourceSet& sources, const SourceFile& file, Diagnostics& diags)
      : sources_(sources), file_(file), diags_(diags) {}

  void problem(const Range& r, std::string msg) { diags_.push_back(Diagnostic{"TG403", Severity::Error, std::move(msg), r, {}}); }

  const Policy* policy(const JsonValue& v, PolicyKind kind, const std::string& name) {
    std::optional<Policy> p;
    if (v.is_object()) {
      p = parse_policy(v, kind, name, diags_);
    } else if (v.is_string()) {
      size_t first = v.text.find_first_not_of(" \t\r\n");
      if (first != std::string::npos && v.text[first] == '{') {
        p = parse_policy(v, kind, name, diags_);
      } else {
        std::string error;
        fs::path path = fs::path(file_.path()).parent_path() / v.text;
        const SourceFile* f = sources_.load(path.lexically_normal().string(), error);
        if (!f) {
          problem(v.range, error);
          return nullptr;
        }
        p = parse_policy_file(*f, kind, diags_);
      }
    } else {
      problem(v.range, "a policy must be an object, a JSON string or a path");
    }
    if (!p) return nullptr;
    owned_.push_back(std::move(*p));
    return &owned_.back();
  }

  std::vector<std::vector<const Policy*>> levels(const JsonValue& v, PolicyKind kind, const char* what) {
    std::vector<std::vector<const Policy*>> out;
    if (!v.is_array()) {
      problem(v.range, std::string(what) + " must be an array of levels, each an array of policies");
      return out;
    }
    for (const auto& level : v.items) {
      std::vector<const Policy*> l;
      if (!level.is_array()) {
        problem(level.range, std::string("each level of ") + what + " must be an array of policies");
        continue;
      }
      for (const auto& item : level.items) {
        if (const Policy* p = policy(item, kind, fmt::format("{} level {}", what, out.size()))) l.push_back(p);
      }
      out.push_back(std::move(l));
    }
    return out;
  }

 private:
  SourceSet& sources_;
  const SourceFile& file_;
  Diagnostics& diags_;
  std::deque<Policy> owned_;
};

int simulate_case(const SimulateArgs& args) {
  SourceSet sources;
  std::string error;
  const SourceFile* file = sources.load(args.case_file, error);
  if (!file) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  Diagnostics diags;
  JsonParseResult parsed = parse_json(*file);
  if (!parsed.ok()) {
    diags.push_back(Diagnostic{"TG401", Severity::Error, parsed.error, parsed.error_range, {}});
    print_diagnostics(diags);
    return 2;
  }
  const JsonValue& root = *parsed.value;
  CaseReader reader(sources, *file, diags);
  Request request;
  PolicySet set;
  const JsonValue* req = root.find("request");
  if (!root.is_object() || !req || !req->is_object()) {
    reader.problem(root.range, "a case needs a \"request\" object");
    print_diagnostics(diags);
    return 2;
  }
  auto str = [&](const JsonValue& o, const char* key, bool required) -> std::string {
    const JsonValue* v = o.find(key);
    if (!v) {
      if (required) reader.problem(o.range, std::string("request needs \"") + key + "\"");
      return "";
    }
    if (!v->is_string()) {
      reader.problem(v->range, std::string(key) + " must be a string");
      return "";
    }
    return v->text;
  };
  std::string principal = str(*req, "principal", true);
  request.action = str(*req, "action", true);
  request.resource = str(*req, "resource", true);
  request.resource_account = str(*req, "resource_account", false);
  if (!principal.empty() && !parse_request_principal(principal, request.principal, error)) {
    reader.problem(req->find("principal")->range, error);
  }
  if (request.resource_account.empty()) {
    ArnParts parts;
    if (split_arn(request.resource, parts)) request.resource_account = parts.account;
  }
  if (const JsonValue* ctx = req->find("context")) {
    if (!ctx->is_object()) reader.problem(ctx->range, "context must be an object of key → value or [values]");
    for (const auto& m : ctx->members) {
      auto scalar = [&](const JsonValue& v, std::string& out) {
        if (v.is_string() || v.kind == JsonKind::Number) {
          out = v.text;
        } else if (v.kind == JsonKind::Bool) {
          out = v.boolean ? "true" : "false";
        } else {
          reader.problem(v.range, "context values are strings, numbers, booleans or arrays of them");
          return false;
        }
        return true;
      };
      if (m.value.is_array()) {
        std::vector<std::string> values;
        for (const auto& item : m.value.items) {
          std::string s;
          if (scalar(item, s)) values.push_back(s);
        }
        request.context.set_multi(m.key, std::move(values));
      } else {
        std::string s;
        if (scalar(m.value, s)) request.context.set(m.key, s);
      }
    }
  }
  // Action names are case-insensitive: "Kms:decrypt" is a KMS request too.
  std::string service = request.action.substr(0, request.action.find(':'));
  std::transform(service.begin(), service.end(), service.begin(), [](unsigned char ch) { return std::tolower(ch); });
  bool kms = service == "kms";
  set.kms_key = kms;
  if (const JsonValue* v = root.find("identity_policies")) {
    if (!v->is_array()) reader.problem(v->range, "identity_policies must be an array");
    for (const auto& item : v->items) {
      if (const Policy* p = reader.policy(item, PolicyKind::Identity, fmt::format("identity policy {}", set.identity.size()))) {
        set.identity.push_back(p);
      }
    }
  }
  if (const JsonValue* v = root.find("resource_policy"); v && !v->is_null()) {
    set.resource = reader.policy(*v, kms ? PolicyKind::KeyPolicy : PolicyKind::SecretPolicy, "resource policy");
  }
  if (const JsonValue* v = root.find("permission_boundary"); v && !v->is_null()) {
    set.boundary = reader.policy(*v, PolicyKind::Boundary, "permission boundary");
  }
  if (const JsonValue* v = root.find("session_policy"); v && !v->is_null()) {
    set.session = reader.policy(*v, PolicyKind::Session, "session policy");
  }
  if (const JsonValue* v = root.find("scps")) set.scps = reader.levels(*v, PolicyKind::Scp, "scps");
  if (const JsonValue* v = root.find("rcps")) set.rcps = reader.levels(*v, PolicyKind::Rcp, "rcps");
  for (const char* flag : {"aws_managed_key", "scp_exempt", "rcp_exempt"}) {
    if (const JsonValue* v = root.find(flag)) {
      if (v->kind != JsonKind::Bool) {
        reader.problem(v->range, std::string(flag) + " must be true or false");
        continue;
      }
      if (std::string(flag) == "aws_managed_key") set.aws_managed_key = v->boolean;
      if (std::string(flag) == "scp_exempt") set.scp_exempt = v->boolean;
      if (std::string(flag) == "rcp_exempt") set.rcp_exempt = v->boolean;
    }
  }
  for (const auto& m : root.members) {
    static const char* known[] = {"request", "identity_policies", "resource_policy", "permission_boundary", "session_policy",
                                  "scps", "rcps", "aws_managed_key", "scp_exempt", "rcp_exempt", "description"};
    bool ok = false;
    for (const char* k : known) ok = ok || m.key == k;
    if (!ok) reader.problem(m.key_range, "unknown case element \"" + m.key + "\"");
  }
  if (has_errors(diags)) {
    print_diagnostics(diags);
    return 2;
  }
  add_implicit_context(request);
  EvalResult result = evaluate(request, set);
  if (args.format == "json") {
    std::cout << eval_json(result).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << request.principal.arn << " " << request.action << " " << request.resource << "\n";
    print_eval_text(std::cout, result, "");
  }
  return result.decision == Decision::Allow ? 0 : 1;
}

// ---- simulate --principal --secret ---------------------------------------------------------------

const char* gate_decision(const GateVerdict& g) {
  switch (g.state) {
    case GateState::Open:
    case GateState::NotRequired: return "allow";
    case GateState::Closed: return g.explicit_deny ? "explicit_deny" : "implicit_deny";
    case GateState::Depends:
    case GateState::NotInInventory: return "depends";
  }
  return "depends";
}

ojson gate_json(const GateVerdict& g) {
  ojson j;
  j["decision"] = gate_decision(g);
  j["state"] = gate_state_name(g.state);
  j["deciding"] = ojson::array();
  for (const auto& h : g.deciding) j["deciding"].push_back(hit_json(h));
  if (!g.depends_on.empty()) j["depends_on"] = g.depends_on;
  if (g.lacks_secret_access) j["lacks"].push_back("secretsmanager:GetSecretValue");
  if (g.lacks_decrypt) j["lacks"].push_back("kms:Decrypt");
  return j;
}

const char* key_issue_name(KeyIssue k) {
  switch (k) {
    case KeyIssue::None: return nullptr;
    case KeyIssue::AwsManagedCrossAccount: return "aws_managed_key_cross_account";
    case KeyIssue::Unusable: return "key_unusable";
    case KeyIssue::NotFound: return "key_not_in_inputs";
    case KeyIssue::PolicyUnknown: return "key_policy_not_in_inputs";
    case KeyIssue::WrongRegion: return "key_in_other_region";
  }
  return nullptr;
}

ojson read_json(const ReadCheck& c) {
  ojson j;
  j["decision"] = decision_name(c.decision);
  j["principal"] = c.principal.arn;
  j["secret"] = c.secret_arn;
  j["region"] = c.region;
  j["replica"] = c.replica;
  j["key"] = c.key ? c.key->arn : (c.key_ref.empty() ? "alias/aws/secretsmanager" : c.key_ref);
  if (const char* issue = key_issue_name(c.key_issue)) j["key_issue"] = issue;
  j["cross_account"] = c.cross_account;
  j["gates"] = {{"key_policy", gate_json(c.key_policy)},
                {"secret_policy", gate_json(c.secret_policy)},
                {"caller_iam", gate_json(c.caller_iam)}};
  j["guardrails"] = ojson::array();
  for (const auto& h : c.guardrail_denies) j["guardrails"].push_back(hit_json(h));
  for (const auto& m : c.guardrail_missing) {
    ojson mj{{"policy_type", policy_role_name(m.role)}, {"allowed", tri_name(m.allowed)}};
    if (m.level >= 0) mj["level"] = m.level;
    j["guardrails"].push_back(mj);
  }
  j["depends_on"] = c.depends_on;
  j["requests"] = {{"secretsmanager:GetSecretValue", eval_json(c.read)}, {"kms:Decrypt", eval_json(c.decrypt)}};
  return j;
}

void print_gate_text(std::ostream& out, const char* name, const GateVerdict& g) {
  out << "  gate " << name << ": " << gate_state_name(g.state);
  if (g.explicit_deny) out << " (explicit deny)";
  if (g.lacks_secret_access) out << " (lacks secretsmanager:GetSecretValue)";
  if (g.lacks_decrypt) out << " (lacks kms:Decrypt)";
  if (!g.depends_on.empty()) out << " (depends on " << fmt::format("{}", fmt::join(g.depends_on, ", ")) << ")";
  out << "\n";
  for (const auto& h : g.deciding) {
    out << "    " << (h.statement->effect == Effect::Allow ? "allowed by " : "denied by ") << policy_role_name(h.role) << " "
        << h.policy->name << " statement " << sid_of(h) << (h.match == Tri::Unknown ? " (maybe)" : "") << "  --> "
        << where(h.statement->range) << "\n";
  }
}

int simulate_read(const SimulateArgs& args) {
  RequestPrincipal principal;
  std::string error;
  if (!parse_request_principal(args.principal, principal, error)) {
    std::cerr << "threegate: --principal: " << error << "\n";
    return 2;
  }
  ArnParts secret_parts;
  if (!split_arn(args.secret, secret_parts) || secret_parts.service != "secretsmanager") {
    std::cerr << "threegate: --secret must be a Secrets Manager secret ARN\n";
    return 2;
  }
  Analysis a;
  CheckOptions options;
  int kind = 0;
  if (!args.kind.empty() && parse_kind(args.kind, kind)) options.kind = static_cast<PolicyKind>(kind);
  load_inputs(args.paths, options, a, error);
  if (!error.empty()) {
    std::cerr << "threegate: " << error << "\n";
    return 2;
  }
  print_diagnostics(a.diagnostics);
  // The inventory that holds the secret (else the first one) is completed by standalone files.
  // scopes[0] holds the standalone policy files; each inventory is a scope of its own.
  Scope* target = a.scopes.size() > 1 ? &a.scopes[1] : &a.scopes.front();
  for (size_t i = 1; i < a.scopes.size(); ++i) {
    if (a.scopes[i].inventory.find_secret(args.secret)) {
      target = &a.scopes[i];
      break;
    }
  }
  Inventory& inv = target->inventory;

  // Standalone policy files fill in what the inventory lacks, by kind.
  std::map<PolicyKind, std::vector<const Policy*>> loose_of;
  for (const auto& l : a.scopes.front().inventory.loose) loose_of[l.policy.kind].push_back(&l.policy);
  bool ambiguous = false;
  auto single = [&](PolicyKind k, const char* what) -> const Policy* {
    auto& v = loose_of[k];
    if (v.size() > 1) {
      std::cerr << "threegate: more than one " << what << " policy file given\n";
      ambiguous = true;
    }
    return v.empty() ? nullptr : v.front();
  };
  const Policy* loose_key = single(PolicyKind::KeyPolicy, "key");
  const Policy* loose_secret = single(PolicyKind::SecretPolicy, "secret");
  const Policy* loose_boundary = single(PolicyKind::Boundary, "boundary");
  if (ambiguous) return 2;

  if (!args.key.empty() && !inv.resolve_key(args.key, secret_parts.account, secret_parts.region)) {
    ArnParts kp;
    if (!split_arn(args.key, kp) || kp.service != "kms" || kp.resource.rfind("key/", 0) != 0) {
      std::cerr << "threegate: --key must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)\n";
      return 2;
    }
    KeyRecord k;
    k.arn = args.key;
    k.account = kp.account;
    k.region = kp.region;
    k.partition = kp.partition;
    k.key_id = kp.resource.substr(4);
    if (loose_key) k.policy = *loose_key;
    inv.keys.push_back(std::move(k));
  } else if (args.key.empty() && loose_key && !inv.find_secret(args.secret)) {
    std::cerr << "threegate: a key policy file is given: pass --key with the key's ARN\n";
    return 2;
  }
  const SecretRecord* secret = inv.find_secret(args.secret);
  if (secret && !args.key.empty() && secret->kms_key != args.key) {
    std::cerr << "threegate: the inventory gives " << args.secret << " the key "
              << (secret->kms_key.empty() ? std::string("aws/secretsmanager") : secret->kms_key) << ", not --key "
              << args.key << "\n";
    return 2;
  }
  if (!secret) {
    // Not in the inputs: say what the read is judged with, never assume it silently.
    std::cerr << "threegate: " << args.secret << " is not in the inputs: taken with "
              << (loose_secret ? "the secret policy file given" : "no resource policy") << " and the key "
              << (args.key.empty() ? std::string("aws/secretsmanager") : args.key) << "\n";
    SecretRecord s;
    s.arn = args.secret;
    s.account = secret_parts.account;
    s.region = secret_parts.region;
    s.partition = secret_parts.partition;
    s.name = secret_parts.resource.rfind("secret:", 0) == 0 ? secret_parts.resource.substr(7) : secret_parts.resource;
    s.kms_key = args.key;
    if (loose_secret) s.policy = *loose_secret;
    inv.secrets.push_back(std::move(s));
    secret = &inv.secrets.back();
  }
  const PrincipalRecord* record = inv.find_principal(principal.role_arn.empty() ? principal.arn : principal.role_arn);
  auto& loose_identity = loose_of[PolicyKind::Identity];
  if (!record && (!loose_identity.empty() || loose_boundary)) {
    PrincipalRecord pr;
    pr.arn = principal.role_arn.empty() ? principal.arn : principal.role_arn;
    pr.account = principal.account;
    for (const Policy* p : loose_identity) pr.policies.push_back(*p);
    if (loose_boundary) pr.boundary = *loose_boundary;
    inv.principals.push_back(std::move(pr));
    record = &inv.principals.back();
  }
  if (auto& scps = loose_of[PolicyKind::Scp]; !scps.empty() && !inv.scps.count(principal.account)) {
    std::vector<Policy> level;
    for (const Policy* p : scps) level.push_back(*p);
    inv.scps[principal.account].push_back(std::move(level));
  }
  if (auto& rcps = loose_of[PolicyKind::Rcp]; !rcps.empty() && !inv.rcps.count(secret->account)) {
    std::vector<Policy> level;
    for (const Policy* p : rcps) level.push_back(*p);
    inv.rcps[secret->account].push_back(std::move(level));
  }

  std::vector<std::string> regions;
  if (!args.region.empty()) {
    bool known = args.region == secret->region;
    for (const auto& r : secret->replicas) known = known || r.region == args.region;
    if (!known) {
      std::cerr << "threegate: --region " << args.region << " is neither the secret's region nor one of its replicas\n";
      return 2;
    }
    regions.push_back(args.region);
  } else {
    regions.push_back(secret->region);
    for (const auto& r : secret->replicas) regions.push_back(r.region);
  }
  std::vector<ReadCheck> checks;
  for (const auto& region : regions) checks.push_back(check_read(inv, principal, record, *secret, region));

  if (args.format == "json") {
    ojson j = read_json(checks.front());
    j["regions"] = ojson::array();
    for (const auto& c : checks) j["regions"].push_back(read_json(c));
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    for (const auto& c : checks) {
      std::cout << c.principal.arn << " reading " << c.secret_arn << (c.replica ? " (replica)" : "") << ": "
                << decision_name(c.decision) << "\n";
      std::cout << "  key " << (c.key ? c.key->arn : c.key_ref);
      if (const char* issue = key_issue_name(c.key_issue)) std::cout << " (" << issue << ")";
      std::cout << "\n";
      print_gate_text(std::cout, "key_policy", c.key_policy);
      print_gate_text(std::cout, "secret_policy", c.secret_policy);
      print_gate_text(std::cout, "caller_iam", c.caller_iam);
      for (const auto& h : c.guardrail_denies) {
        std::cout << "  guardrail: denied by " << policy_role_name(h.role) << " " << h.policy->name << "  --> "
                  << where(h.statement->range) << "\n";
      }
      for (const auto& m : c.guardrail_missing) {
        std::cout << "  guardrail: no allow in " << policy_role_name(m.role);
        if (m.level >= 0) std::cout << " level " << m.level;
        std::cout << "\n";
      }
      if (!c.depends_on.empty()) std::cout << "  depends on: " << fmt::format("{}", fmt::join(c.depends_on, ", ")) << "\n";
    }
  }
  Decision overall = Decision::Allow;
  for (const auto& c : checks) {
    if (c.decision != Decision::Allow) overall = c.decision;
  }
  return overall == Decision::Allow ? 0 : 1;
}

}  // namespace

int run_simulate(const SimulateArgs& args) {
  if (!args.case_file.empty()) {
    if (!args.principal.empty() || !args.secret.empty() || !args.paths.empty()) {
      std::cerr << "threegate: --case takes no --principal, --secret or paths\n";
      return 2;
    }
    return simulate_case(args);
  }
  if (args.principal.empty() || args.secret.empty()) {
    std::cerr << "threegate: simulate needs --case FILE, or --principal ARN --secret ARN PATH...\n";
    return 2;
  }
  return simulate_read(args);
}

}  // namespace threegate::cli
