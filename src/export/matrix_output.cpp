// The access matrix as CSV (RFC 4180) and as a Graphviz graph.
#include <map>
#include <ostream>
#include <set>

#include "threegate/export.hpp"

namespace threegate {
namespace {

// A DOT string literal: quotes and backslashes escaped, line breaks as \n.
std::string dot_id(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out + "\"";
}

std::string account_of_arn(const std::string& arn) {
  ArnParts p;
  if (split_arn(arn, p)) return p.account;
  return is_account_id(arn) ? arn : "";
}

// The short name a node shows: what follows the last '/' or ':' of a role, user or key.
std::string short_name(const std::string& arn) {
  size_t cut = arn.find_last_of("/:");
  return cut == std::string::npos ? arn : arn.substr(cut + 1);
}

}  // namespace

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void write_matrix_csv(std::ostream& out, const AccessMatrix& matrix) {
  // account_name only when the configuration declares accounts: the columns stay as they were without one.
  const bool names = !matrix.known_accounts.empty();
  out << "secret,region,replica,key,principal,account,verdict,gate,reason" << (names ? ",account_name" : "") << "\r\n";
  auto row = [&](const MatrixCell& c, const std::string& principal, const std::string& account, const char* verdict,
                 const std::string& gate, const std::string& reason) {
    out << csv_field(c.secret_arn) << ',' << csv_field(c.region) << ',' << (c.replica ? "true" : "false") << ','
        << csv_field(c.key) << ',' << csv_field(principal) << ',' << csv_field(account) << ',' << verdict << ','
        << csv_field(gate) << ',' << csv_field(reason);
    if (names) out << ',' << csv_field(account_name(matrix, account));
    out << "\r\n";
  };
  auto shown = [](const MatrixEntry& e) { return e.principal == "*" ? "* (" + e.label + ")" : e.principal; };
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
    return s;
  };
  for (const auto& c : matrix.cells) {
    for (const auto& e : c.readers) {
      // Written as external below, unless the configuration declares its account.
      if (!e.in_organization && !matrix.known_accounts.count(e.account)) continue;
      row(c, shown(e), e.account, "reader", "",
          !e.in_export && e.decision == Decision::Allow ? "the secret's side lets it read; its own IAM decides" : "");
    }
    for (const auto& e : c.external) {
      row(c, shown(e), e.account, "external", "",
          e.in_export ? "outside the organization" : "outside the organization; the secret's side lets it read");
    }
    for (const auto& b : c.broken) row(c, b.principal, account_of_arn(b.principal), "broken", b.gate, b.reason);
    for (const auto& e : c.undecided) row(c, shown(e), e.account, "undecided", "", "depends on " + join(e.depends_on));
  }
}

void write_matrix_dot(std::ostream& out, const AccessMatrix& matrix) {
  // Nodes grouped by account: principals (ellipses), keys (diamonds), secret copies (boxes).
  struct Account {
    std::set<std::string> principals, keys, secrets;
  };
  std::map<std::string, Account> accounts;
  std::set<std::string> outsiders;
  for (const auto& c : matrix.cells) {
    accounts[c.secret->account].secrets.insert(c.secret_arn);
    if (!c.key.empty()) {
      std::string ka = account_of_arn(c.key);
      accounts[ka.empty() ? c.secret->account : ka].keys.insert(c.key);
    }
    auto principal = [&](const std::string& p, const std::string& account) {
      if (p == "*" || account.empty()) {
        outsiders.insert(p);
      } else {
        accounts[account].principals.insert(p);
      }
    };
    for (const auto& e : c.readers) principal(e.principal == "*" ? "* (" + e.label + ")" : e.principal, e.account);
    for (const auto& e : c.external) principal(e.principal == "*" ? "* (" + e.label + ")" : e.principal, e.account);
    for (const auto& b : c.broken) principal(b.principal, account_of_arn(b.principal));
  }
  out << "digraph threegate_access {\n"
      << "  graph [rankdir=LR, fontname=\"Helvetica\", label=\"who can read which secret (threegate audit)\", labelloc=t];\n"
      << "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
  size_t n = 0;
  for (const auto& [account, a] : accounts) {
    out << "  subgraph " << dot_id("cluster_" + account + "_" + std::to_string(n++)) << " {\n"
        << "    label=" << dot_id("account " + account + (account_tag(matrix, account).empty() ? "" : " (" + account_tag(matrix, account) + ")"))
        << "; style=rounded; color=gray50;\n";
    for (const auto& p : a.principals) out << "    " << dot_id(p) << " [shape=ellipse, label=" << dot_id(short_name(p)) << "];\n";
    for (const auto& k : a.keys) {
      out << "    " << dot_id(k) << " [shape=diamond, style=filled, fillcolor=lightyellow, label="
          << dot_id(k.find("alias/aws/secretsmanager") != std::string::npos ? "aws/secretsmanager" : "key " + short_name(k)) << "];\n";
    }
    for (const auto& s : a.secrets) {
      out << "    " << dot_id(s) << " [shape=box, style=filled, fillcolor=lightblue, label=" << dot_id(s.substr(s.find(":secret:") + 8) + "\n" + s.substr(0, s.find(":secret:")).substr(s.find("secretsmanager:") + 15)) << "];\n";
    }
    out << "  }\n";
  }
  for (const auto& o : outsiders) out << "  " << dot_id(o) << " [shape=octagon, color=red, label=" << dot_id(o) << "];\n";
  for (const auto& c : matrix.cells) {
    if (!c.key.empty()) out << "  " << dot_id(c.secret_arn) << " -> " << dot_id(c.key) << " [style=dotted, arrowhead=none, color=gray60];\n";
    std::set<std::string> drawn;
    auto read = [&](const MatrixEntry& e) {
      std::string p = e.principal == "*" ? "* (" + e.label + ")" : e.principal;
      if (!drawn.insert(p).second) return;
      const bool inside = e.in_organization || (e.principal != "*" && matrix.known_accounts.count(e.account));
      out << "  " << dot_id(p) << " -> " << dot_id(c.secret_arn) << " [color=" << (inside ? "darkgreen" : "red") << "];\n";
    };
    for (const auto& e : c.readers) read(e);
    for (const auto& e : c.external) read(e);
    for (const auto& b : c.broken) {
      out << "  " << dot_id(b.principal) << " -> " << dot_id(c.secret_arn) << " [color=red, style=dashed, label="
          << dot_id(b.gate) << ", tooltip=" << dot_id(b.reason) << "];\n";
    }
  }
  out << "}\n";
}

}  // namespace threegate
