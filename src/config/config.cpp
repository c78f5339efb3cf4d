// Reading, validating and dumping `.threegate.yaml`. yaml-cpp marks give every node's byte
// offset, so each problem is a TG407 finding at the key or value that causes it.
#include "threegate/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "threegate/rules.hpp"

namespace threegate {
namespace {

constexpr const char* kKnownKeys[] = {"organization", "accounts", "select", "ignore", "severity",
                                      "exclude",      "fail-on",  "intents", "suppress"};

class Reader {
 public:
  Reader(const SourceFile& file, Config& config) : file_(file), config_(config) {}

  Range range(const YAML::Node& node) const { return range(node.Mark(), node.IsScalar() ? node.Scalar().size() : 1); }
  Range range(const YAML::Mark& mark, size_t length) const {
    const auto size = static_cast<uint32_t>(file_.text().size());
    const uint32_t begin = mark.pos < 0 ? 0 : std::min(static_cast<uint32_t>(mark.pos), size);
    return Range{&file_, begin, std::min(begin + static_cast<uint32_t>(std::max<size_t>(length, 1)), size)};
  }

  void problem(const YAML::Node& at, std::string message, Severity severity = Severity::Warning) {
    config_.diagnostics.push_back(Diagnostic{"TG407", severity, std::move(message), range(at), {}});
  }
  void problem(const YAML::Mark& mark, std::string message, Severity severity) {
    config_.diagnostics.push_back(Diagnostic{"TG407", severity, std::move(message), range(mark, 1), {}});
  }

  // A scalar value, or a problem and false.
  bool scalar(const YAML::Node& node, const std::string& what, std::string& out) {
    if (!node.IsScalar()) {
      problem(node, what + " must be a single value", Severity::Error);
      return false;
    }
    out = node.Scalar();
    return true;
  }

  // A list of scalars (a single scalar counts as a list of one).
  std::vector<std::pair<std::string, YAML::Node>> scalars(const YAML::Node& node, const std::string& what) {
    std::vector<std::pair<std::string, YAML::Node>> out;
    if (node.IsNull()) return out;
    if (node.IsScalar()) {
      out.emplace_back(node.Scalar(), node);
      return out;
    }
    if (!node.IsSequence()) {
      problem(node, what + " must be a list", Severity::Error);
      return out;
    }
    for (const auto& item : node) {
      std::string v;
      if (scalar(item, "each entry of " + what, v)) out.emplace_back(v, item);
    }
    return out;
  }

  // The entries of a list of mappings, each checked for unknown keys.
  std::vector<YAML::Node> mappings(const YAML::Node& node, const std::string& what,
                                   std::initializer_list<const char*> keys) {
    std::vector<YAML::Node> out;
    if (node.IsNull()) return out;
    if (!node.IsSequence()) {
      problem(node, what + " must be a list", Severity::Error);
      return out;
    }
    for (const auto& item : node) {
      if (!item.IsMap()) {
        problem(item, "each entry of " + what + " must be a mapping (" + join_keys(keys) + ")", Severity::Error);
        continue;
      }
      for (const auto& kv : item) {
        const std::string k = kv.first.Scalar();
        if (std::none_of(keys.begin(), keys.end(), [&](const char* known) { return k == known; }))
          problem(kv.first, "unknown key '" + k + "' in an entry of " + what + " (known: " + join_keys(keys) + ")");
      }
      out.push_back(item);
    }
    return out;
  }

  static std::string join_keys(std::initializer_list<const char*> keys) {
    std::string out;
    for (const char* k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
    return out;
  }

  // A rule id or name, or a problem and "".
  std::string rule_id(const std::string& name, const YAML::Node& at) {
    if (const RuleInfo* r = find_rule(name)) return std::string(r->id);
    problem(at, "'" + name + "' is not a threegate rule (see `threegate rules`)", Severity::Error);
    return {};
  }

  void selection(const YAML::Node& node, const std::string& what, std::vector<std::string>& out) {
    std::set<std::string> categories;
    for (const RuleInfo* r : rule_catalog()) categories.insert(std::string(r->category));
    for (auto& [v, at] : scalars(node, what)) {
      bool known = categories.count(v) || find_rule(v);
      for (const RuleInfo* r : rule_catalog())
        if (v.size() >= 3 && std::string_view(r->id).starts_with(v)) known = true;
      if (!known) {
        std::string all;
        for (const auto& c : categories) all += (all.empty() ? "" : ", ") + c;
        problem(at, "'" + v + "' in " + what + " is neither a rule id, a rule name, an id prefix (TG4) nor a category (" +
                        all + ")",
                Severity::Error);
        continue;
      }
      out.push_back(v);
    }
  }

  void read(const YAML::Node& root) {
    if (root.IsNull()) return;
    if (!root.IsMap()) {
      problem(root, "the configuration must be a mapping of keys (organization, accounts, select, …)", Severity::Error);
      return;
    }
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& value = kv.second;
      if (key == "organization") read_organization(value);
      else if (key == "accounts") read_accounts(value);
      else if (key == "select") selection(value, "select", config_.select);
      else if (key == "ignore") selection(value, "ignore", config_.ignore);
      else if (key == "severity") read_severity(value);
      else if (key == "exclude") for (auto& [v, at] : scalars(value, "exclude")) config_.exclude.push_back(v);
      else if (key == "fail-on") read_fail_on(value);
      else if (key == "intents") read_intents(value);
      else if (key == "suppress") read_suppressions(value);
      else {
        std::string known;
        for (const char* k : kKnownKeys) known += (known.empty() ? "" : ", ") + std::string(k);
        problem(kv.first, "unknown key '" + key + "' (known: " + known + ")");
      }
    }
  }

  void read_organization(const YAML::Node& value) {
    std::string id;
    if (!scalar(value, "organization", id)) return;
    const bool ok = id.size() >= 12 && id.size() <= 34 && id.starts_with("o-") &&
                    std::all_of(id.begin() + 2, id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
    if (!ok) {
      problem(value, "organization '" + id + "' is not an organization id (o- and 10 to 32 lowercase letters or digits)",
              Severity::Error);
      return;
    }
    config_.organization_id = id;
  }

  void read_accounts(const YAML::Node& value) {
    for (const YAML::Node& entry : mappings(value, "accounts", {"id", "name", "trust"})) {
      ConfigAccount a;
      a.range = range(entry);
      const YAML::Node id = entry["id"];
      if (!id || !scalar(id, "id", a.id)) {
        if (!id) problem(entry, "an account needs an id", Severity::Error);
        continue;
      }
      if (!is_account_id(a.id)) {
        problem(id, "account id '" + a.id + "' is not 12 digits (quote ids with leading zeros)", Severity::Error);
        continue;
      }
      if (config_.find_account(a.id)) {
        problem(id, "account " + a.id + " is listed twice", Severity::Error);
        continue;
      }
      if (const YAML::Node name = entry["name"]) scalar(name, "name", a.name);
      if (const YAML::Node trust = entry["trust"]) {
        std::string t;
        if (!scalar(trust, "trust", t)) continue;
        if (t == "organization") a.trust = AccountTrust::Organization;
        else if (t == "partner") a.trust = AccountTrust::Partner;
        else {
          problem(trust, "trust '" + t + "' must be organization or partner", Severity::Error);
          continue;
        }
      }
      config_.accounts.push_back(std::move(a));
    }
  }

  void read_severity(const YAML::Node& value) {
    if (value.IsNull()) return;
    if (!value.IsMap()) {
      problem(value, "severity must map rule ids to error, warning or info", Severity::Error);
      return;
    }
    for (const auto& kv : value) {
      const std::string id = rule_id(kv.first.Scalar(), kv.first);
      std::string s;
      if (id.empty() || !scalar(kv.second, "a severity", s)) continue;
      if (s == "error") config_.severity[id] = Severity::Error;
      else if (s == "warning") config_.severity[id] = Severity::Warning;
      else if (s == "info") config_.severity[id] = Severity::Info;
      else problem(kv.second, "severity '" + s + "' must be error, warning or info", Severity::Error);
    }
  }

  void read_fail_on(const YAML::Node& value) {
    std::string s;
    if (!scalar(value, "fail-on", s)) return;
    if (s != "error" && s != "warning" && s != "info" && s != "never") {
      problem(value, "fail-on '" + s + "' must be error, warning, info or never", Severity::Error);
      return;
    }
    config_.fail_on = s;
    config_.fail_on_set = true;
  }

  void read_intents(const YAML::Node& value) {
    for (const YAML::Node& entry : mappings(value, "intents", {"principal", "secret"})) {
      Intent i;
      i.range = range(entry);
      const YAML::Node p = entry["principal"], s = entry["secret"];
      if (!p || !s) {
        problem(entry, "an intent needs a principal and a secret", Severity::Error);
        continue;
      }
      if (!scalar(p, "principal", i.principal) || !scalar(s, "secret", i.secret)) continue;
      if (!i.secret.starts_with("arn:") || i.secret.find(":secretsmanager:") == std::string::npos) {
        problem(s, "secret '" + i.secret + "' is not a Secrets Manager secret ARN", Severity::Error);
        continue;
      }
      config_.intents.push_back(std::move(i));
    }
  }

  static bool valid_date(const std::string& d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
      if (d[i] < '0' || d[i] > '9') return false;
    const int month = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }

  void read_suppressions(const YAML::Node& value) {
    for (const YAML::Node& entry :
         mappings(value, "suppress", {"rule", "path", "resource", "sid", "reason", "expires"})) {
      ConfigSuppression s;
      s.range = range(entry);
      const YAML::Node rule = entry["rule"];
      if (!rule) {
        problem(entry, "a suppression needs the rule it silences", Severity::Error);
        continue;
      }
      std::string name;
      if (!scalar(rule, "rule", name)) continue;
      s.rule = rule_id(name, rule);
      if (s.rule.empty()) continue;
      bool ok = true;
      using Field = std::pair<const char*, std::string*>;
      for (auto [key, field] : std::initializer_list<Field>{
               {"path", &s.path}, {"resource", &s.resource}, {"sid", &s.sid}, {"reason", &s.reason}, {"expires", &s.expires}})
        if (const YAML::Node n = entry[key]) ok = scalar(n, key, *field) && ok;
      if (!ok) continue;
      if (!s.expires.empty() && !valid_date(s.expires)) {
        problem(entry["expires"], "expires '" + s.expires + "' is not a date (YYYY-MM-DD)", Severity::Error);
        continue;
      }
      // Still applied, as an inline comment without a reason is: the finding says what to add.
      if (s.reason.empty()) problem(entry, "this suppression of " + s.rule + " gives no reason: say why the finding does not apply");
      config_.suppressions.push_back(std::move(s));
    }
  }

 private:
  const SourceFile& file_;
  Config& config_;
};

}  // namespace

const ConfigAccount* Config::find_account(std::string_view id) const {
  for (const auto& a : accounts)
    if (a.id == id) return &a;
  return nullptr;
}

std::filesystem::path Config::base_dir() const {
  std::error_code ec;
  if (path.empty()) return std::filesystem::current_path(ec);
  return std::filesystem::absolute(std::filesystem::path(path), ec).lexically_normal().parent_path();
}

std::string find_config_file(const std::filesystem::path& start) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(start, ec).lexically_normal();
  while (true) {
    const std::filesystem::path candidate = dir / kConfigFileName;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
    if (!dir.has_parent_path() || dir.parent_path() == dir) return {};
    dir = dir.parent_path();
  }
}

Config parse_config(const SourceFile& file) {
  Config config;
  config.path = file.path();
  Reader reader(file, config);
  try {
    reader.read(YAML::Load(file.text()));
  } catch (const YAML::Exception& e) {
    // A syntax error: nothing of the file applies, and the finding says where it is.
    Config defaults;
    defaults.path = file.path();
    Reader at(file, defaults);
    at.problem(e.mark, "not valid YAML: " + e.msg + " (the configuration is ignored)", Severity::Error);
    return defaults;
  }
  return config;
}

Config load_config(const std::string& path, SourceSet& sources) {
  std::string error;
  const SourceFile* file = sources.load(path, error);
  if (!file) {
    Config config;
    config.path = path;
    config.diagnostics.push_back(Diagnostic{"TG407", Severity::Error, "cannot read the configuration: " + error, {}, path});
    return config;
  }
  return parse_config(*file);
}

std::string dump_config(const Config& c) {
  YAML::Emitter out;
  out << YAML::Comment(c.path.empty() ? "defaults: no " + std::string(kConfigFileName) + " applies"
                                      : "effective configuration of " + c.path);
  out << YAML::BeginMap;
  out << YAML::Key << "organization" << YAML::Value;
  if (c.organization_id.empty()) out << YAML::Null;
  else out << c.organization_id;
  out << YAML::Key << "accounts" << YAML::Value << YAML::BeginSeq;
  for (const auto& a : c.accounts) {
    out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << YAML::DoubleQuoted << a.id;
    out << YAML::Key << "name" << YAML::Value << a.name;
    out << YAML::Key << "trust" << YAML::Value << (a.trust == AccountTrust::Partner ? "partner" : "organization");
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  auto list = [&](const char* key, const std::vector<std::string>& items) {
    out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& i : items) out << i;
    out << YAML::EndSeq;
  };
  list("select", c.select);
  if (c.select.empty()) out << YAML::Comment("empty: every rule");
  list("ignore", c.ignore);
  out << YAML::Key << "severity" << YAML::Value << YAML::BeginMap;
  for (const auto& [id, s] : c.severity) out << YAML::Key << id << YAML::Value << severity_name(s);
  out << YAML::EndMap;
  list("exclude", c.exclude);
  out << YAML::Key << "fail-on" << YAML::Value << c.fail_on;
  out << YAML::Key << "intents" << YAML::Value << YAML::BeginSeq;
  for (const auto& i : c.intents)
    out << YAML::BeginMap << YAML::Key << "principal" << YAML::Value << i.principal << YAML::Key << "secret"
        << YAML::Value << i.secret << YAML::EndMap;
  out << YAML::EndSeq;
  out << YAML::Key << "suppress" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : c.suppressions) {
    out << YAML::BeginMap << YAML::Key << "rule" << YAML::Value << s.rule;
    using Field = std::pair<const char*, const std::string*>;
    for (auto [key, value] : std::initializer_list<Field>{
             {"path", &s.path}, {"resource", &s.resource}, {"sid", &s.sid}, {"reason", &s.reason}, {"expires", &s.expires}})
      if (!value->empty()) out << YAML::Key << key << YAML::Value << *value;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string today_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace threegate
