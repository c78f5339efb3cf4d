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
#include "threegate/export.hpp"
#include "threegate/report.hpp"

namespace threegate::cli {
namespace {

using ojson = nlohmann::ordered_json;

struct Audit {
  Analysis analysis;
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

// Loads and analyzes the export; nullptr (after saying why) when it cannot.
std::unique_ptr<Audit> load(const std::string& dir) {
  auto au = std::make_unique<Audit>();
  std::string usage_error;
  load_export(dir, au->analysis, au->gaps, au->summary, usage_error);
  if (!usage_error.empty()) {
    std::cerr << "threegate: " << usage_error << "\n";
    return nullptr;
  }
  for (const auto& note : au->analysis.notes) std::cerr << "threegate: " << note << "\n";
  run_analysis(au->analysis);
  au->scope = &au->analysis.scopes.back();
  MatrixOptions options;
  options.progress = Progress();
  au->matrix = build_access_matrix(*au->scope, options);
  return au;
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

ojson entry_json(const MatrixEntry& e) {
  ojson j{{"principal", e.principal}};
  if (!e.label.empty()) j["label"] = e.label;
  if (!e.account.empty()) j["account"] = e.account;
  j["iam_in_export"] = e.in_export;
  j["in_organization"] = e.in_organization;
  if (!e.depends_on.empty()) j["depends_on"] = e.depends_on;
  return j;
}

ojson broken_json(const BrokenShare& b) {
  return ojson{{"principal", b.principal}, {"gate", b.gate}, {"reason", b.reason}, {"origin", origin_name(b.origin)},
               {"location", location_json(b.range)}};
}

ojson cell_json(const MatrixCell& c) {
  ojson j{{"secret", c.secret_arn}, {"name", c.secret->name}, {"account", c.secret->account}, {"region", c.region},
          {"replica", c.replica}, {"key", c.key}};
  for (auto [name, list] : {std::pair{"readers", &c.readers}, std::pair{"external", &c.external}}) {
    j[name] = ojson::array();
    for (const auto& e : *list) j[name].push_back(entry_json(e));
  }
  j["broken"] = ojson::array();
  for (const auto& b : c.broken) j["broken"].push_back(broken_json(b));
  j["undecided"] = ojson::array();
  for (const auto& e : c.undecided) j["undecided"].push_back(entry_json(e));
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

std::string entry_text(const MatrixEntry& e) {
  std::string s = e.principal == "*" ? "* (" + e.label + ")" : e.principal;
  if (e.principal != "*" && !e.in_export && e.decision == Decision::Allow) s += " (if its own IAM allows)";
  if (!e.depends_on.empty()) s += " — depends on " + fmt::format("{}", fmt::join(e.depends_on, ", "));
  return s;
}

void print_gaps(std::ostream& out, const std::vector<ExportGap>& gaps) {
  if (gaps.empty()) return;
  out << "\ngaps in the export (" << gaps.size() << "):\n";
  for (const auto& g : gaps) out << "  " << where(g.range, g.path) << ": " << g.message << "\n";
}

void print_cell(std::ostream& out, const MatrixCell& c) {
  out << c.secret_arn << (c.replica ? " (replica)" : "") << "\n  key " << c.key << "\n";
  auto list = [&](const char* title, const std::vector<MatrixEntry>& v) {
    out << "  " << title << " (" << v.size() << ")" << (v.empty() ? "" : ":") << "\n";
    for (const auto& e : v) out << "    " << entry_text(e) << "\n";
  };
  list("readers", c.readers);
  out << "  broken shares (" << c.broken.size() << ")" << (c.broken.empty() ? "" : ":") << "\n";
  for (const auto& b : c.broken) {
    out << "    " << b.principal << "  gate " << b.gate << ": " << b.reason << "  (share from " << origin_name(b.origin);
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

ojson findings_json(const Audit& au) {
  std::ostringstream s;
  write_json(s, au.analysis.findings, ReportSummary{au.analysis.files_read, au.analysis.shares, au.analysis.reads_checked});
  ojson j = ojson::parse(s.str(), nullptr, false);
  return j.is_object() && j.contains("findings") ? j["findings"] : ojson::array();
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
  auto au = load(args.dir);
  if (!au) return 2;
  StdoutTo redirect;
  if (!redirect.open(args.output)) return 2;
  const Inventory& inv = au->scope->inventory;
  Totals t = totals(au->matrix);
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
    j["accounts"] = au->summary.accounts;
    j["regions"] = au->summary.regions;
    j["matrix"] = ojson::array();
    for (const auto& c : au->matrix.cells) j["matrix"].push_back(cell_json(c));
    j["gaps"] = gaps_json(au->gaps);
    j["findings"] = findings_json(*au);
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
      std::string name = c.secret->account + ":" + c.secret->name + (c.replica ? " (replica)" : "");
      out << fmt::format("{:<72} {:<14} {:>7} {:>6} {:>7} {:>9}\n", name, c.region, c.readers.size(), c.broken.size(),
                         c.external.size(), c.undecided.size());
    }
    for (const auto& c : au->matrix.cells) {
      out << "\n";
      print_cell(out, c);
    }
    print_gaps(out, au->gaps);
    out << "\nfindings:\n";
    write_text(out, au->analysis.findings,
               ReportSummary{au->analysis.files_read, au->analysis.shares, au->analysis.reads_checked});
    if (!args.quiet)
      out << fmt::format("{}: {}, {}, {} open outside the organization, {} undecided; {}\n",
                       plural(au->matrix.cells.size(), "secret copy", "secret copies"), plural(t.readers, "reader", "readers"),
                       plural(t.broken, "broken share", "broken shares"), t.external, t.undecided,
                       plural(au->gaps.size(), "gap", "gaps"));
  }
  return t.broken > 0 || t.external > 0 ? 1 : 0;
}

int run_who_can(const AuditArgs& args) {
  ArnParts parts;
  if (!split_arn(args.secret, parts) || parts.service != "secretsmanager") {
    std::cerr << "threegate: --secret must be a Secrets Manager secret ARN\n";
    return 2;
  }
  auto au = load(args.dir);
  if (!au) return 2;
  StdoutTo redirect;
  if (!redirect.open(args.output)) return 2;
  const MatrixCell* c = find_cell(au->matrix, args.secret);
  if (!c) {
    std::cerr << "threegate: " << args.secret << " is not a secret (or replica) of the export\n";
    return 2;
  }
  if (args.format == "json") {
    ojson j = cell_json(*c);
    j["gaps"] = gaps_json(au->gaps);
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    print_cell(std::cout, *c);
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
  auto au = load(args.dir);
  if (!au) return 2;
  StdoutTo redirect;
  if (!redirect.open(args.output)) return 2;
  const Inventory& inv = au->scope->inventory;
  bool in_export = inv.find_principal(principal.role_arn.empty() ? principal.arn : principal.role_arn) != nullptr;
  std::vector<PrincipalAccess> access = principal_access(*au->scope, principal);
  if (args.format == "json") {
    ojson j{{"principal", principal.arn}, {"iam_in_export", in_export}};
    j["can_read"] = ojson::array();
    j["undecided"] = ojson::array();
    j["denied"] = ojson::array();
    for (const auto& a : access) {
      ojson e{{"secret", a.secret_arn}, {"region", a.region}};
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
    std::cout << principal.arn
              << (in_export ? "" : " (its IAM is not in the export: the secrets' side alone is judged; its own IAM decides the rest)")
              << "\n";
    for (const auto& a : access) {
      std::cout << "  " << decision_name(a.decision) << "  " << a.secret_arn;
      if (a.decision == Decision::Depends) std::cout << " — depends on " << fmt::format("{}", fmt::join(a.depends_on, ", "));
      if (!a.closed.empty()) std::cout << " — " << a.closed;
      std::cout << "\n";
    }
    print_gaps(std::cout, au->gaps);
  }
  return 0;
}

}  // namespace threegate::cli
