#include <algorithm>
#include <cctype>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "analysis/inline_suppressions.hpp"
#include "threegate/analysis.hpp"
#include "threegate/symbol.hpp"

namespace threegate {
namespace {

class VectorSink : public FindingSink {
 public:
  explicit VectorSink(std::vector<Finding>& out) : out_(out) {}
  void add(Finding f) override { out_.push_back(std::move(f)); }

 private:
  std::vector<Finding>& out_;
};

std::tuple<std::string, uint32_t, uint32_t> position(const Finding& f) {
  if (!f.range.known()) return {f.path, 0, 0};
  LineCol lc = f.range.file->line_col(f.range.begin);
  return {f.range.file->path(), lc.line, lc.column};
}

}  // namespace

Finding finding_from_diagnostic(const Diagnostic& d) {
  Finding f;
  f.rule_id = d.rule_id;
  const RuleInfo* rule = find_rule(d.rule_id);
  f.rule_name = rule ? std::string(rule->name) : "";
  f.severity = d.severity;
  f.message = d.message;
  f.range = d.range;
  f.path = d.path;
  return f;
}

void run_analysis(Analysis& a) {
  VectorSink sink(a.findings);
  for (Scope& scope : a.scopes) {
    // Intents that cannot be checked are said so, never dropped silently.
    for (const auto& i : scope.inventory.intents) {
      if (!scope.inventory.find_secret(i.secret)) {
        a.diagnostics.push_back(Diagnostic{"TG403", Severity::Warning,
                                           "intent names secret " + i.secret + ", which is not in the inventory: not checked",
                                           i.range, {}});
      }
      RequestPrincipal p;
      std::string error;
      if (!parse_request_principal(i.principal, p, error)) {
        a.diagnostics.push_back(Diagnostic{"TG403", Severity::Error, "intent principal: " + error, i.range, {}});
      }
    }
    // A key reference that matches no key leaves every read of the secret undecided: say so where
    // it is written. A full ARN of a key in another account may simply not be in this inventory.
    for (const auto& secret : scope.inventory.secrets) {
      auto check_ref = [&](const std::string& ref, const std::string& region, const Range& range) {
        if (ref.empty() || scope.inventory.resolve_key(ref, secret.account, region, secret.partition)) return;
        if (has_unknown_symbol(ref)) {  // Terraform: a key known only after apply
          a.diagnostics.push_back(Diagnostic{"TG405", Severity::Info,
                                             "the key of " + secret.arn_in_region(region) + " is " + ref +
                                                 ", known only after apply: reads of it cannot be decided",
                                             range, {}});
          return;
        }
        ArnParts parts;
        if (split_arn(ref, parts) && parts.account != secret.account) return;
        if (scope.terraform) {  // a key that exists outside the code (a data source, an id)
          a.diagnostics.push_back(Diagnostic{"TG405", Severity::Info,
                                             "the key " + ref + " of " + secret.arn_in_region(region) +
                                                 " is not created by this configuration: its policy is not in the "
                                                 "inputs, so reads of it cannot be decided",
                                             range, {}});
          return;
        }
        a.diagnostics.push_back(Diagnostic{"TG403", Severity::Warning,
                                           "kms_key " + ref + " matches no key of the inventory in " + region +
                                               ": reads of " + secret.arn_in_region(region) + " cannot be decided",
                                           range, {}});
      };
      check_ref(secret.kms_key, secret.region, secret.kms_key_range);
      for (const auto& r : secret.replicas) check_ref(r.kms_key, r.region, r.range);
    }
    scope.shares = analyze_shares(scope.inventory);
    a.shares += scope.shares.size();
    for (const auto& s : scope.shares) a.reads_checked += s.reads;
    RuleContext ctx{scope.inventory, scope.shares, scope.policies, a.config};
    run_rules(ctx, sink);
  }
  for (const auto& d : a.diagnostics) a.findings.push_back(finding_from_diagnostic(d));
  apply_inline_suppressions(a);

  std::stable_sort(a.findings.begin(), a.findings.end(), [](const Finding& x, const Finding& y) {
    auto px = position(x), py = position(y);
    if (px != py) return px < py;
    return x.rule_id < y.rule_id;
  });
  // The same finding reached twice (e.g. through two replicas) is reported once.
  a.findings.erase(std::unique(a.findings.begin(), a.findings.end(),
                               [](const Finding& x, const Finding& y) {
                                 return x.rule_id == y.rule_id && x.message == y.message && position(x) == position(y);
                               }),
                   a.findings.end());
  // Values known only after apply are written as Terraform writes them: a resource by its
  // address (aws_secretsmanager_secret.db), other values as ${aws_kms_key.k.key_id}. The fix
  // keeps ARNs: it is policy text.
  // Each name is found through the last symbol of its ARN (a fresh id, unique to the resource),
  // so the work grows with the symbols of a message, not with the number of resources.
  std::sort(a.names.begin(), a.names.end(), [](const auto& x, const auto& y) { return x.first.size() > y.first.size(); });
  struct Name {
    size_t offset;  // of the symbol in the ARN
    const std::pair<std::string, std::string>* name;
  };
  std::unordered_map<std::string, std::vector<Name>> by_symbol;  // encoded symbol → names, longest first
  for (const auto& n : a.names) {
    const auto symbols = symbols_in(n.first);
    if (symbols.empty()) continue;
    const SymbolRef& last = symbols.back();
    by_symbol[n.first.substr(last.begin, last.end - last.begin)].push_back(Name{last.begin, &n});
  }
  auto named = [&](std::string& s) {
    if (!has_symbol(s)) return;
    std::string out;
    size_t copied = 0;
    for (const SymbolRef& sym : symbols_in(s)) {
      if (sym.begin < copied) continue;  // inside a name already replaced
      auto it = by_symbol.find(s.substr(sym.begin, sym.end - sym.begin));
      if (it == by_symbol.end()) continue;
      for (const Name& n : it->second) {
        const std::string& arn = n.name->first;
        if (sym.begin < n.offset || sym.begin - n.offset < copied) continue;
        const size_t start = sym.begin - n.offset;
        if (s.compare(start, arn.size(), arn) != 0) continue;
        out.append(s, copied, start - copied);
        out += n.name->second;
        copied = start + arn.size();
        break;
      }
    }
    if (copied == 0) return;
    out.append(s, copied, std::string::npos);
    s = std::move(out);
  };
  // A resource whose ARN is known is named by its address too, in the message only (the
  // principal and resource fields keep the ARN: fingerprints and baselines use them).
  std::unordered_map<std::string, std::string> label_of(a.labels.begin(), a.labels.end());
  auto labelled = [&](std::string& s) {
    std::string out;
    size_t copied = 0;
    for (size_t at = s.find("arn:"); at != std::string::npos; at = s.find("arn:", at + 4)) {
      // The ARN runs to the first character no ARN in a message holds; a full stop or colon
      // that ends the sentence is not part of it.
      size_t end = s.find_first_of(" \"'(),;\n", at);
      if (end == std::string::npos) end = s.size();
      auto it = label_of.find(s.substr(at, end - at));
      while (it == label_of.end() && end > at + 4 && (s[end - 1] == '.' || s[end - 1] == ':'))
        it = label_of.find(s.substr(at, --end - at));
      if (it == label_of.end()) continue;
      out.append(s, copied, at - copied);
      out += it->second + " (" + it->first + ")";
      copied = end;
      at = end - 4;  // the next search starts after this ARN
    }
    if (copied == 0) return;
    out.append(s, copied, std::string::npos);
    s = std::move(out);
  };
  // Suppressed findings too: --show-suppressed lists them.
  for (std::vector<Finding>* list : {&a.findings, &a.suppressed}) for (Finding& f : *list) {
    if (!a.labels.empty() && f.message.find("arn:") != std::string::npos) labelled(f.message);
    // The fix is JSON text: its symbols were escaped as \u0002…\u0003 (input text never holds
    // those characters, see the JSON reader).
    if (f.fix.find("\\u0002") != std::string::npos)
      for (char c = 2; c <= 8; ++c) {
        const std::string escaped = fmt::format("\\u{:04x}", static_cast<int>(c));
        for (size_t at = f.fix.find(escaped); at != std::string::npos; at = f.fix.find(escaped, at + 1))
          f.fix.replace(at, escaped.size(), 1, c);
      }
    for (std::string* s : {&f.message, &f.fix_target, &f.principal, &f.resource}) named(*s);
    for (std::string* s : {&f.message, &f.fix, &f.fix_target, &f.principal, &f.resource})
      if (has_symbol(*s)) *s = display_symbols(*s);
    for (RelatedLocation& r : f.related)
      if (has_symbol(r.message)) r.message = display_symbols(r.message);
  }
}

}  // namespace threegate
