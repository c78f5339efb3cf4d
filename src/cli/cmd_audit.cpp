// `threegate audit DIR`, `who-can --secret ARN DIR`, `can --principal ARN DIR`: an export of AWS
// accounts read into one scope, every rule run over it, and the access matrix of its secrets.
#include <fmt/format.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.hpp"
#include "report/location.hpp"
#include "threegate/config.hpp"
#include "threegate/export.hpp"
#include "threegate/report.hpp"

namespace threegate::cli {
namespace {

using ojson = nlohmann::ordered_json;

struct Audit {
  Analysis analysis;
  Config config;  // .threegate.yaml, as `check` reads it
  std::vector<SuppressedFinding> suppressed;
  std::vector<ExportGap> gaps;
  ExportSummary summary;
  Scope* scope = nullptr;
  AccessMatrix matrix;
};

// A progress bar on stderr, for long runs only and only on a terminal.
class Progress {
 public:
  void operator()(size_t done, size_t total) {
    if (total < kLongRun || !isatty(STDERR_FILENO)) return;
    size_t percent = done * 100 / total;
    if (percent == shown_ && done != total) return;
    shown_ = percent;
    std::string bar(percent / 4, '#');
    bar.resize(25, ' ');
    std::cerr << "\rthreegate: access matrix [" << bar << "] " << done << "/" << total << " secret copies" << std::flush;
    if (done == total) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  static constexpr size_t kLongRun = 2000;
  size_t shown_ = SIZE_MAX;
};

// Loads the configuration as `check` does, then loads and analyzes the export with it; nullptr
// (after saying why) when it cannot.
std::unique_ptr<Audit> load(const AuditArgs& args) {
  auto au = std::make_unique<Audit>();
  std::string usage_error;
  if (!load_effective_config(args.config, args.no_config, au->analysis.sources, au->config, usage_error)) {
    std::cerr << "threegate: " << usage_error << "\n";
    return nullptr;
  }
  load_export(args.dir, au->analysis, au->gaps, au->summary, usage_error);
  if (!usage_error.empty()) {
    std::cerr << "threegate: " << usage_error << "\n";
    return nullptr;
  }
  for (const auto& note : au->analysis.notes) std::cerr << "threegate: " << note << "\n";
  const Config& config = au->config;
  au->analysis.diagnostics.insert(au->analysis.diagnostics.end(), config.diagnostics.begin(), config.diagnostics.end());
  apply_config_to_inputs(config, au->analysis);
  run_analysis(au->analysis);
  au->suppressed = apply_config_to_findings(config, au->analysis, today_utc());
  au->scope = &au->analysis.scopes.back();
  MatrixOptions options;
  options.progress = Progress();
  for (const auto& a : config.accounts) options.known_accounts[a.id] = KnownAccount{a.name, a.trust == AccountTrust::Partner};
  au->matrix = build_access_matrix(*au->scope, options);
  return au;
}

// who-can and can print no findings: the configuration's own problems (TG407) go to stderr, as
// `config --dump` reports them.
void report_config_problems(const Audit& au) {
  std::vector<Finding> problems;
  for (const auto& f : au.analysis.findings)
    if (f.rule_id == "TG407") problems.push_back(f);
  if (problems.empty()) return;
  ReportOptions options;
  options.summary = false;
  write_text(std::cerr, problems, ReportSummary{}, options);
}

// " [prod]", " [vendor, partner]": an account's configured name, after an ARN or id.
std::string tag(const AccessMatrix& m, std::string_view account) {
  std::string t = account_tag(m, account);
  return t.empty() ? "" : " [" + t + "]";
}

std::string account_of(const std::string& arn) {
  ArnParts p;
  if (split_arn(arn, p)) return p.account;
  return arn.size() == 12 && arn.find_first_not_of("0123456789") == std::string::npos ? arn : "";
}

// The account's configured name and trust, into a JSON object.
void account_json(ojson& j, const AccessMatrix& m, const std::string& account) {
  auto it = m.known_accounts.find(account);
  if (it == m.known_accounts.end()) return;
  if (!it->second.name.empty()) j["account_name"] = it->second.name;
  j["trust"] = it->second.partner ? "partner" : "organization";
}

std::string plural(size_t n, const char* word, const char* words) { return fmt::format("{} {}", n, n == 1 ? word : words); }

std::string where(const Range& r, const std::string& fallback) {
  Location l = locate(r, fallback);
  return l.known ? fmt::format("{}:{}:{}", l.path, l.begin.line, l.begin.column) : l.path;
}

ojson location_json(const Range& r) {
  Location l = locate(r);
  if (!l.known) return nullptr;
  return ojson{{"path", l.path}, {"line", l.begin.line}, {"column", l.begin.column}};
}

const char* origin_name(ShareOrigin o) {
  switch (o) {
    case ShareOrigin::SecretPolicy: return "secret_policy";
    case ShareOrigin::KeyPolicy: return "key_policy";
    case ShareOrigin::KeyGrant: return "key_grant";
    case ShareOrigin::Declared: return "declared";
  }
  return "declared";
}

ojson entry_json(const AccessMatrix& m, const MatrixEntry& e) {
  ojson j{{"principal", e.principal}};
  if (!e.label.empty()) j["label"] = e.label;
  if (!e.account.empty()) j["account"] = e.account;
  account_json(j, m, e.account);
  j["iam_in_export"] = e.in_export;
  j["in_organization"] = e.in_organization;
  if (!e.depends_on.empty()) j["depends_on"] = e.depends_on;
  return j;
}

ojson broken_json(const AccessMatrix& m, const BrokenShare& b) {
  ojson j{{"principal", b.principal}, {"gate", b.gate}, {"reason", b.reason}, {"origin", origin_name(b.origin)},
          {"location", location_json(b.range)}};
  account_json(j, m, account_of(b.principal));
  return j;
}

ojson cell_json(const AccessMatrix& m, const MatrixCell& c) {
  ojson j{{"secret", c.secret_arn}, {"name", c.secret->name}, {"account", c.secret->account}};
  account_json(j, m, c.secret->account);
  j["region"] = c.region;
  j["replica"] = c.replica;
  j["key"] = c.key;
  for (auto [name, list] : {std::pair{"readers", &c.readers}, std::pair{"external", &c.external}}) {
    j[name] = ojson::array();
    for (const auto& e : *list) j[name].push_back(entry_json(m, e));
  }
  j["broken"] = ojson::array();
  for (const auto& b : c.broken) j["broken"].push_back(broken_json(m, b));
  j["undecided"] = ojson::array();
  for (const auto& e : c.undecided) j["undecided"].push_back(entry_json(m, e));
  return j;
}

ojson gaps_json(const std::vector<ExportGap>& gaps) {
  ojson j = ojson::array();
  for (const auto& g : gaps) {
    ojson gj{{"path", g.path}, {"message", g.message}};
    if (ojson l = location_json(g.range); !l.is_null()) gj["location"] = l;
    j.push_back(gj);
  }
  return j;
}

std::string entry_text(const AccessMatrix& m, const MatrixEntry& e) {
  std::string s = e.principal == "*" ? "* (" + e.label + ")" : e.principal + tag(m, e.account);
  if (e.principal != "*" && !e.in_export && e.decision == Decision::Allow) s += " (if its own IAM allows)";
  if (!e.depends_on.empty()) s += " — depends on " + fmt::format("{}", fmt::join(e.depends_on, ", "));
  return s;
}

void print_gaps(std::ostream& out, const std::vector<ExportGap>& gaps) {
  if (gaps.empty()) return;
  out << "\ngaps in the export (" << gaps.size() << "):\n";
  for (const auto& g : gaps) out << "  " << where(g.range, g.path) << ": " << g.message << "\n";
}

void print_cell(std::ostream& out, const AccessMatrix& m, const MatrixCell& c) {
  out << c.secret_arn << tag(m, c.secret->account) << (c.replica ? " (replica)" : "") << "\n  key " << c.key << "\n";
  auto list = [&](const char* title, const std::vector<MatrixEntry>& v) {
    out << "  " << title << " (" << v.size() << ")" << (v.empty() ? "" : ":") << "\n";
    for (const auto& e : v) out << "    " << entry_text(m, e) << "\n";
  };
  list("readers", c.readers);
  out << "  broken shares (" << c.broken.size() << ")" << (c.broken.empty() ? "" : ":") << "\n";
  for (const auto& b : c.broken) {
    out << "    " << b.principal << tag(m, account_of(b.principal)) << "  gate " << b.gate << ": " << b.reason << "  (share from " << origin_name(b.origin);
    if (Location l = locate(b.range); l.known) out << " --> " << where(b.range, "");
    out << ")\n";
  }
  list("outside the organization", c.external);
  list("undecided", c.undecided);
}

struct Totals {
  size_t readers = 0, broken = 0, external = 0, undecided = 0;
};

Totals totals(const AccessMatrix& m) {
  Totals t;
  for (const auto& c : m.cells) {
    t.readers += c.readers.size();
    t.broken += c.broken.size();
    t.external += c.external.size();
    t.undecided += c.undecided.size();
  }
  return t;
}

ojson findings_json(const Audit& au, const std::vector<Finding>& findings) {
  std::ostringstream s;
  write_json(s, findings, ReportSummary{au.analysis.files_read, au.analysis.shares, au.analysis.reads_checked});
  ojson j = ojson::parse(s.str(), nullptr, false);
  return j.is_object() && j.contains("findings") ? j["findings"] : ojson::array();
}

std::string suppression_text(const SuppressedFinding& s) {
  std::string out = s.inline_comment ? "suppressed by an inline threegate:ignore comment" : "suppressed by the configuration";
  if (!s.expires.empty()) out += " until " + s.expires;
  out += s.reason.empty() ? std::string(" (no reason given)") : ": " + s.reason;
  return out;
}

// --show-suppressed in text: as `check` lists them (cli/output.cpp), each with what silenced it.
void write_suppressed_text(std::ostream& out, const std::vector<SuppressedFinding>& suppressed) {
  out << suppressed.size() << " suppressed finding" << (suppressed.size() == 1 ? "" : "s") << (suppressed.empty() ? "" : ":")
      << "\n";
  std::vector<Finding> shown;
  for (const auto& s : suppressed) {
    Finding f = s.finding;
    f.related = {RelatedLocation{suppression_text(s), s.range}};
    f.fix.clear();
    shown.push_back(std::move(f));
  }
  ReportOptions options;
  options.summary = false;
  write_text(out, shown, ReportSummary{}, options);
}

// --show-suppressed in JSON: the findings as in "findings", each with its "suppression", as
// `check --format json --show-suppressed` writes them.
ojson suppressed_json(const Audit& au) {
  std::vector<Finding> list;
  for (const auto& s : au.suppressed) list.push_back(s.finding);
  ojson items = findings_json(au, list);
  for (size_t i = 0; i < au.suppressed.size() && i < items.size(); ++i) {
    const auto& s = au.suppressed[i];
    ojson by;
    by["kind"] = s.inline_comment ? "inline" : "config";
    by["reason"] = s.reason;
    by["expires"] = s.expires.empty() ? ojson(nullptr) : ojson(s.expires);
    by["location"] = location_json(s.range);
    items[i]["suppression"] = std::move(by);
  }
  return items;
}

const MatrixCell* find_cell(const AccessMatrix& m, const std::string& arn) {
  for (const auto& c : m.cells) {
    if (c.secret_arn == arn) return &c;
  }
  return nullptr;
}

}  // namespace

// Writes the graph, and renders it as SVG with Graphviz when `dot` is installed; false when the
// file cannot be written.
bool write_graph(const AccessMatrix& m, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::cerr << "threegate: cannot write " << path << "\n";
    return false;
  }
  write_matrix_dot(out, m);
  out.close();
  std::string svg = path.size() > 4 && path.ends_with(".dot") ? path.substr(0, path.size() - 4) + ".svg" : path + ".svg";
  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    std::cerr << "threegate: wrote " << path << "; Graphviz dot is not installed, so no " << svg
              << " (Debian package graphviz; or render it with dot -Tsvg)\n";
    return true;
  }
  auto quote = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  if (std::system(("dot -Tsvg -o " + quote(svg) + " " + quote(path)).c_str()) != 0) {
    std::cerr << "threegate: wrote " << path << "; dot could not render " << svg << "\n";
  } else {
    std::cerr << "threegate: wrote " << path << " and " << svg << "\n";
  }
  return true;
}

int run_audit(const AuditArgs& args) {
  auto au = load(args);
  if (!au) return 2;
  StdoutTo redirect;
  if (!redirect.open(args.output)) return 2;
  const Inventory& inv = au->scope->inventory;
  Totals t = totals(au->matrix);
  // A flag overrides the configuration; without either, findings do not decide the exit code.
  const std::string fail_on_name =
      !args.fail_on.empty() ? args.fail_on : au->config.fail_on_set ? au->config.fail_on : std::string();
  std::optional<Severity> fail_on;
  if (!fail_on_name.empty() && fail_on_name != "never")
    fail_on = fail_on_name == "error" ? Severity::Error : fail_on_name == "info" ? Severity::Info : Severity::Warning;
  if (!args.graph.empty() && !write_graph(au->matrix, args.graph)) return 2;
  if (args.format == "csv") {
    write_matrix_csv(std::cout, au->matrix);
  } else if (args.format == "json") {
    ojson j;
    j["export"] = args.dir;
    j["organization"] = inv.organization_id.empty() ? ojson(nullptr)
                                                    : ojson{{"id", inv.organization_id},
                                                            {"management_account", inv.management_account},
                                                            {"accounts", inv.org_accounts}};
    j["config"] = au->config.path.empty() ? ojson(nullptr) : ojson(au->config.path);
    j["accounts"] = au->summary.accounts;
    // The configuration's accounts: id → {"name", "trust"}.
    j["known_accounts"] = ojson::object();
    for (const auto& [id, a] : au->matrix.known_accounts)
      j["known_accounts"][id] = ojson{{"name", a.name}, {"trust", a.partner ? "partner" : "organization"}};
    j["regions"] = au->summary.regions;
    j["matrix"] = ojson::array();
    for (const auto& c : au->matrix.cells) j["matrix"].push_back(cell_json(au->matrix, c));
    j["gaps"] = gaps_json(au->gaps);
    j["findings"] = findings_json(*au, au->analysis.findings);
    if (args.show_suppressed) j["suppressed"] = suppressed_json(*au);
    SeverityCounts sc = count_severities(au->analysis.findings);
    j["summary"] = {{"accounts", au->summary.accounts.size()}, {"secrets", au->summary.secrets},
                    {"secret_copies", au->matrix.cells.size()}, {"keys", au->summary.keys},
                    {"principals", au->summary.principals}, {"readers", t.readers}, {"broken", t.broken},
                    {"external", t.external}, {"undecided", t.undecided}, {"gaps", au->gaps.size()},
                    {"errors", sc.error}, {"warnings", sc.warning}, {"infos", sc.info}};
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::ostream& out = std::cout;
    out << "audit of " << args.dir << ": " << plural(au->summary.accounts.size(), "account", "accounts") << ", "
        << plural(au->summary.regions.size(), "region", "regions") << ", " << plural(au->summary.secrets, "secret", "secrets")
        << ", " << plural(au->summary.keys, "key", "keys") << ", "
        << plural(au->summary.principals, "role or user", "roles and users");
    if (!inv.organization_id.empty()) out << "; organization " << inv.organization_id << " (" << inv.org_accounts.size() << " accounts)";
    out << "\n\n";
    out << fmt::format("{:<72} {:<14} {:>7} {:>6} {:>7} {:>9}\n", "SECRET", "REGION", "READERS", "BROKEN", "OUTSIDE",
                       "UNDECIDED");
    for (const auto& c : au->matrix.cells) {
      // The account by its configured name when it has one (the ARN below gives the id).
      const std::string named = account_name(au->matrix, c.secret->account);
      std::string name = (named.empty() ? c.secret->account : named) + ":" + c.secret->name + (c.replica ? " (replica)" : "");
      out << fmt::format("{:<72} {:<14} {:>7} {:>6} {:>7} {:>9}\n", name, c.region, c.readers.size(), c.broken.size(),
                         c.external.size(), c.undecided.size());
    }
    for (const auto& c : au->matrix.cells) {
      out << "\n";
      print_cell(out, au->matrix, c);
    }
    print_gaps(out, au->gaps);
    out << "\nfindings:\n";
    write_text(out, au->analysis.findings,
               ReportSummary{au->analysis.files_read, au->analysis.shares, au->analysis.reads_checked});
    if (args.show_suppressed) write_suppressed_text(out, au->suppressed);
    if (!args.quiet)
      out << fmt::format("{}: {}, {}, {} open outside the organization, {} undecided; {}\n",
                       plural(au->matrix.cells.size(), "secret copy", "secret copies"), plural(t.readers, "reader", "readers"),
                       plural(t.broken, "broken share", "broken shares"), t.external, t.undecided,
                       plural(au->gaps.size(), "gap", "gaps"));
  }
  // Broken shares and reads from outside the organization fail the audit unless fail-on is never;
  // findings at or above fail-on (the flag's, else the configuration's when one applies) too.
  if (fail_on_name != "never" && (t.broken > 0 || t.external > 0)) return 1;
  if (fail_on_name.empty() || !fail_on) return 0;
  for (const auto& f : au->analysis.findings)
    if (static_cast<int>(f.severity) >= static_cast<int>(*fail_on)) return 1;
  return 0;
}

int run_who_can(const AuditArgs& args) {
  ArnParts parts;
  if (!split_arn(args.secret, parts) || parts.service != "secretsmanager") {
    std::cerr << "threegate: --secret must be a Secrets Manager secret ARN\n";
    return 2;
  }
  auto au = load(args);
  if (!au) return 2;
  report_config_problems(*au);
  StdoutTo redirect;
  if (!redirect.open(args.output)) return 2;
  const MatrixCell* c = find_cell(au->matrix, args.secret);
  if (!c) {
    std::cerr << "threegate: " << args.secret << " is not a secret (or replica) of the export\n";
    return 2;
  }
  if (args.format == "json") {
    ojson j = cell_json(au->matrix, *c);
    j["gaps"] = gaps_json(au->gaps);
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    print_cell(std::cout, au->matrix, *c);
    print_gaps(std::cout, au->gaps);
  }
  return 0;
}

int run_can(const AuditArgs& args) {
  RequestPrincipal principal;
  std::string error;
  if (!parse_request_principal(args.principal, principal, error)) {
    std::cerr << "threegate: --principal: " << error << "\n";
    return 2;
  }
  auto au = load(args);
  if (!au) return 2;
  report_config_problems(*au);
  StdoutTo redirect;
  if (!redirect.open(args.output)) return 2;
  const Inventory& inv = au->scope->inventory;
  bool in_export = inv.find_principal(principal.role_arn.empty() ? principal.arn : principal.role_arn) != nullptr;
  std::vector<PrincipalAccess> access = principal_access(*au->scope, principal);
  if (args.format == "json") {
    ojson j{{"principal", principal.arn}};
    account_json(j, au->matrix, principal.account);
    j["iam_in_export"] = in_export;
    j["can_read"] = ojson::array();
    j["undecided"] = ojson::array();
    j["denied"] = ojson::array();
    for (const auto& a : access) {
      ojson e{{"secret", a.secret_arn}, {"region", a.region}};
      account_json(e, au->matrix, a.secret->account);
      if (a.decision == Decision::Allow) {
        j["can_read"].push_back(e);
      } else if (a.decision == Decision::Depends) {
        e["depends_on"] = a.depends_on;
        j["undecided"].push_back(e);
      } else {
        e["closed"] = a.closed;
        j["denied"].push_back(e);
      }
    }
    j["gaps"] = gaps_json(au->gaps);
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << principal.arn << tag(au->matrix, principal.account)
              << (in_export ? "" : " (its IAM is not in the export: the secrets' side alone is judged; its own IAM decides the rest)")
              << "\n";
    for (const auto& a : access) {
      std::cout << "  " << decision_name(a.decision) << "  " << a.secret_arn << tag(au->matrix, a.secret->account);
      if (a.decision == Decision::Depends) std::cout << " — depends on " << fmt::format("{}", fmt::join(a.depends_on, ", "));
      if (!a.closed.empty()) std::cout << " — " << a.closed;
      std::cout << "\n";
    }
    print_gaps(std::cout, au->gaps);
  }
  return 0;
}

}  // namespace threegate::cli
