// The configuration applied to one run: intents and the organization before the analysis;
// severities, selection, excludes and suppressions after it.
#include <algorithm>
#include <tuple>
#include <vector>

#include "threegate/analysis.hpp"
#include "threegate/config.hpp"
#include "threegate/rules.hpp"

namespace threegate {
namespace {

// The config's globs (`*`, `?`; for paths `**`, and neither `*` nor `?` crosses a '/') are
// matched by stepping the set of pattern positions through the text once: time |glob| x |text|
// whatever the pattern, where backtracking would be exponential in the number of stars.
bool glob(std::string_view g, std::string_view s, bool path) {
  const size_t n = g.size();
  // What each position of the glob is. "**" is two: its entry, which may match nothing (and then
  // "**/" may skip its '/': no folder), and a loop that has matched at least one character.
  enum Kind : char { Literal, One, Star, DeepEntry, DeepLoop };
  std::vector<Kind> kind(n, Literal);
  for (size_t i = 0; i < n; ++i) {
    if (g[i] == '*' && path && i + 1 < n && g[i + 1] == '*') {
      kind[i] = DeepEntry;
      kind[++i] = DeepLoop;
    } else if (g[i] == '*') {
      kind[i] = Star;
    } else if (g[i] == '?') {
      kind[i] = One;
    }
  }
  std::vector<char> now(n + 1, 0), next(n + 1, 0);
  std::vector<size_t> todo;
  // Adds position `first` and the positions reached from it without taking a character. A loop,
  // not recursion: a long run of stars must not deepen the stack.
  auto add = [&](std::vector<char>& set, size_t first) {
    todo.assign(1, first);
    while (!todo.empty()) {
      const size_t i = todo.back();
      todo.pop_back();
      if (set[i]) continue;
      set[i] = 1;
      if (i == n) continue;
      if (kind[i] == Star || kind[i] == DeepLoop) todo.push_back(i + 1);
      if (kind[i] == DeepEntry) {
        todo.push_back(i + 2);
        if (i + 2 < n && g[i + 2] == '/') todo.push_back(i + 3);
      }
    }
  };
  add(now, 0);
  for (const char c : s) {
    std::fill(next.begin(), next.end(), 0);
    const bool in_segment = !(path && c == '/');  // what '*' and '?' may take
    for (size_t i = 0; i < n; ++i) {
      if (!now[i]) continue;
      switch (kind[i]) {
        case Literal: if (g[i] == c) add(next, i + 1); break;
        case One: if (in_segment) add(next, i + 1); break;
        case Star: if (in_segment) add(next, i); break;
        case DeepEntry: add(next, i + 1); break;
        case DeepLoop: add(next, i); break;
      }
    }
    if (std::find(next.begin(), next.end(), 1) == next.end()) return false;  // nothing left to match
    now.swap(next);
  }
  return now[n] != 0;
}

std::tuple<std::string, uint32_t, uint32_t> position(const Finding& f) {
  if (!f.range.known()) return {f.path, 0, 0};
  LineCol lc = f.range.file->line_col(f.range.begin);
  return {f.range.file->path(), lc.line, lc.column};
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& x, const Finding& y) {
    auto px = position(x), py = position(y);
    if (px != py) return px < py;
    return x.rule_id < y.rule_id;
  });
}

Finding config_finding(Severity severity, std::string message, Range range) {
  Finding f;
  f.rule_id = "TG407";
  const RuleInfo* rule = find_rule("TG407");
  f.rule_name = rule ? std::string(rule->name) : "";
  f.severity = severity;
  f.message = std::move(message);
  f.range = range;
  return f;
}

bool selected(const std::string& spec, const RuleInfo& rule) {
  return spec == rule.id || spec == rule.name || spec == rule.category ||
         (spec.size() >= 3 && std::string_view(rule.id).starts_with(spec));
}

// The statement holding an offset, with the resource whose policy it is.
struct StatementSpan {
  const SourceFile* file;
  uint32_t begin, end;
  std::string sid, resource;
};

// A finding's path as the configuration reads it: relative to the configuration's folder.
std::string config_relative(const std::string& path, const std::filesystem::path& base) {
  if (path.empty() || path.front() == '<') return path;
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(path, ec).lexically_normal();
  const std::filesystem::path rel = abs.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") return std::filesystem::path(path).lexically_normal().generic_string();
  return rel.generic_string();
}

// The inline comment that silenced a finding, for --show-suppressed: the nearest line at or above
// the finding that carries `threegate:ignore` and the rule id (the rules of inline_suppressions.cpp
// decide whether it applies; this only finds it to show it).
void find_inline_comment(const Finding& f, SuppressedFinding& out) {
  if (!f.range.known()) return;
  const std::string& text = f.range.file->text();
  size_t line_end = text.find('\n', f.range.begin);
  if (line_end == std::string::npos) line_end = text.size();
  while (true) {
    const size_t nl = line_end == 0 ? std::string::npos : text.rfind('\n', line_end - 1);
    const size_t line_begin = nl == std::string::npos ? 0 : nl + 1;
    const std::string_view line(text.data() + line_begin, line_end - line_begin);
    const size_t marker = line.find("threegate:ignore");
    if (marker != std::string_view::npos && line.find(f.rule_id, marker) != std::string_view::npos) {
      out.range = Range{f.range.file, static_cast<uint32_t>(line_begin + marker), static_cast<uint32_t>(line_end)};
      std::string_view rest = line.substr(marker + 16);
      // The reason follows the rule ids.
      size_t i = 0;
      while (i < rest.size()) {
        while (i < rest.size() && (rest[i] == ' ' || rest[i] == ',' || rest[i] == '\t')) ++i;
        if (rest.substr(i).starts_with("TG")) {
          while (i < rest.size() && rest[i] != ' ' && rest[i] != ',') ++i;
        } else {
          break;
        }
      }
      std::string reason(rest.substr(std::min(i, rest.size())));
      while (!reason.empty() && (reason.back() == ' ' || reason.back() == '/' || reason.back() == '*' || reason.back() == '\r'))
        reason.pop_back();
      out.reason = reason;
      return;
    }
    if (nl == std::string::npos) return;
    line_end = nl;
  }
}

}  // namespace

bool path_glob_match(std::string_view g, std::string_view path) {
  while (g.starts_with("./")) g.remove_prefix(2);
  while (g.size() > 1 && g.back() == '/') g.remove_suffix(1);
  while (path.starts_with("./")) path.remove_prefix(2);
  if (g.find('/') == std::string_view::npos) {
    // A name: any file or folder of that name.
    size_t start = 0;
    while (start <= path.size()) {
      const size_t slash = path.find('/', start);
      const std::string_view segment = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
      if (glob(g, segment, true)) return true;
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
    return false;
  }
  // A path: the file itself or a folder above it.
  for (size_t end = 0; end <= path.size(); ++end) {
    if (end < path.size() && path[end] != '/') continue;
    if (glob(g, path.substr(0, end), true)) return true;
  }
  return false;
}

bool text_glob_match(std::string_view g, std::string_view text) { return glob(g, text, false); }

bool config_glob_match(std::string_view g, std::string_view text, bool path) { return glob(g, text, path); }

void apply_config_to_inputs(const Config& config, Analysis& a) {
  a.config = &config;
  std::vector<bool> placed(config.intents.size(), false);
  for (Scope& scope : a.scopes) {
    Inventory& inv = scope.inventory;
    for (size_t i = 0; i < config.intents.size(); ++i) {
      if (!inv.find_secret(config.intents[i].secret)) continue;
      inv.intents.push_back(config.intents[i]);
      placed[i] = true;
    }
    // The organization, when the inventory does not say it: aws:PrincipalOrgID of its accounts.
    if (inv.organization_id.empty() && !config.organization_id.empty()) inv.organization_id = config.organization_id;
    if (inv.org_accounts.empty())
      for (const auto& acc : config.accounts)
        if (acc.trust == AccountTrust::Organization) inv.org_accounts.push_back(acc.id);
  }
  for (size_t i = 0; i < config.intents.size(); ++i)
    if (!placed[i])
      a.diagnostics.push_back(Diagnostic{"TG407", Severity::Warning,
                                         "intent names secret " + config.intents[i].secret +
                                             ", which is in none of the inventories checked: not checked",
                                         config.intents[i].range, {}});
}

std::vector<SuppressedFinding> apply_config_to_findings(const Config& config, Analysis& a, const std::string& today) {
  std::vector<SuppressedFinding> suppressed;
  for (const Finding& f : a.suppressed) {
    SuppressedFinding s{f, true, {}, {}, {}};
    find_inline_comment(f, s);
    suppressed.push_back(std::move(s));
  }

  for (Finding& f : a.findings) {
    auto it = config.severity.find(f.rule_id);
    if (it != config.severity.end()) f.severity = it->second;
  }

  const std::filesystem::path base = config.base_dir();
  auto path_of = [&](const Finding& f) {
    return config_relative(f.range.known() ? f.range.file->path() : f.path, base);
  };
  // Selection and excludes never hide TG407: a configuration must not silence its own mistakes.
  std::erase_if(a.findings, [&](const Finding& f) {
    if (f.rule_id == "TG407") return false;
    const RuleInfo* rule = find_rule(f.rule_id);
    if (rule) {
      if (!config.select.empty() &&
          std::none_of(config.select.begin(), config.select.end(), [&](const auto& s) { return selected(s, *rule); }))
        return true;
      if (std::any_of(config.ignore.begin(), config.ignore.end(), [&](const auto& s) { return selected(s, *rule); }))
        return true;
    }
    const std::string p = path_of(f);
    return std::any_of(config.exclude.begin(), config.exclude.end(), [&](const auto& g) { return path_glob_match(g, p); });
  });

  if (config.suppressions.empty()) return suppressed;
  std::vector<StatementSpan> spans;
  for (const Scope& scope : a.scopes)
    for (const PolicyUse& use : scope.policies) {
      if (!use.policy) continue;
      const std::string resource = use.key ? use.key->arn : use.secret ? use.secret->arn : std::string();
      for (const Statement& st : use.policy->statements)
        if (st.range.known())
          spans.push_back({st.range.file, st.range.begin, st.range.end, st.sid ? st.sid->value : "", resource});
    }
  auto statement_of = [&](const Finding& f) -> const StatementSpan* {
    const StatementSpan* best = nullptr;
    for (const auto& s : spans)
      if (s.file == f.range.file && s.begin <= f.range.begin && f.range.begin < s.end &&
          (!best || s.end - s.begin < best->end - best->begin))
        best = &s;
    return best;
  };

  std::vector<Finding> kept, expired;
  for (const ConfigSuppression& s : config.suppressions)
    if (!s.expires.empty() && today > s.expires)
      expired.push_back(config_finding(Severity::Warning,
                                       "this suppression of " + s.rule + " expired on " + s.expires +
                                           ": the findings it silenced are reported again (fix them, or renew it "
                                           "with a new date and reason)",
                                       s.range));
  for (Finding& f : a.findings) {
    const ConfigSuppression* by = nullptr;
    if (f.rule_id != "TG407") {
      const StatementSpan* st = f.range.known() ? statement_of(f) : nullptr;
      for (const ConfigSuppression& s : config.suppressions) {
        if (s.rule != f.rule_id || (!s.expires.empty() && today > s.expires)) continue;
        if (!s.path.empty() && !path_glob_match(s.path, path_of(f))) continue;
        if (!s.resource.empty() && !text_glob_match(s.resource, f.resource) &&
            !(st && text_glob_match(s.resource, st->resource)))
          continue;
        if (!s.sid.empty() && !(st && st->sid == s.sid)) continue;
        by = &s;
        break;
      }
    }
    if (!by) {
      kept.push_back(std::move(f));
      continue;
    }
    a.suppressed.push_back(f);
    suppressed.push_back(SuppressedFinding{std::move(f), false, by->reason, by->expires, by->range});
  }
  a.findings = std::move(kept);
  if (!expired.empty()) {
    a.findings.insert(a.findings.end(), expired.begin(), expired.end());
    sort_findings(a.findings);
  }
  return suppressed;
}

}  // namespace threegate
