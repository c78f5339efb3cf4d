// Inline suppressions in Terraform files: a comment `# threegate:ignore TG201 <reason>` (also
// `//` and `/* */`) on a finding's line, or on the line just above the attribute, object or
// block that contains it, silences those rules there. A suppression without a reason still
// silences, and is itself reported (TG406), so that every exception says why it exists.
#include <algorithm>
#include <map>
#include <set>

#include "analysis/inline_suppressions.hpp"
#include "threegate/hcl.hpp"
#include "threegate/rules.hpp"

namespace threegate {
namespace {

constexpr std::string_view kMarker = "threegate:ignore";

struct Suppression {
  uint32_t line = 0;
  std::set<std::string> rules;
  Range range;
};

// Where a suppression may stand for a finding at an offset: the start of every attribute,
// object item and block around it.
struct Anchor {
  uint32_t begin, end;
};

struct FileIndex {
  std::vector<Suppression> suppressions;
  std::vector<Anchor> anchors;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The rule ids and the reason of a suppression comment, or false when the comment is not one.
bool parse_suppression(std::string_view comment, std::vector<std::string>& ids, std::string& reason) {
  if (comment.starts_with("/*")) comment = comment.substr(2, comment.size() >= 4 ? comment.size() - 4 : 0);
  else if (comment.starts_with("//")) comment.remove_prefix(2);
  else if (comment.starts_with("#")) comment.remove_prefix(1);
  comment = trim(comment);
  if (!comment.starts_with(kMarker)) return false;
  comment = trim(comment.substr(kMarker.size()));
  // Ids first (TG201, or several: "TG201,TG202" / "TG201 TG202"), then the reason.
  while (!comment.empty()) {
    size_t end = 0;
    while (end < comment.size() && !is_space(comment[end]) && comment[end] != ',') ++end;
    const std::string_view word = comment.substr(0, end);
    const bool id = word.size() >= 3 && word.starts_with("TG") &&
                    std::all_of(word.begin() + 2, word.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!id) break;
    ids.emplace_back(word);
    comment = comment.substr(end);
    while (!comment.empty() && (is_space(comment.front()) || comment.front() == ',')) comment.remove_prefix(1);
  }
  // "-- reason" and ": reason" read as the reason too.
  while (!comment.empty() && (comment.front() == '-' || comment.front() == ':')) comment.remove_prefix(1);
  reason = std::string(trim(comment));
  return true;
}

void add_expr_anchors(const hcl::Expr* e, std::vector<Anchor>& out, int depth);

void add_parts(const std::vector<hcl::TemplatePart>& parts, std::vector<Anchor>& out, int depth) {
  for (const auto& p : parts) {
    add_expr_anchors(p.expr.get(), out, depth + 1);
    add_parts(p.body, out, depth + 1);
    add_parts(p.else_body, out, depth + 1);
  }
}

void add_expr_anchors(const hcl::Expr* e, std::vector<Anchor>& out, int depth) {
  if (!e || depth > 200) return;  // the parser bounds nesting; this only guards the walk
  if (e->kind == hcl::ExprKind::Object) out.push_back({e->range.begin, e->range.end});  // a statement
  for (const auto& item : e->object_items) {
    out.push_back({item.range.begin, item.range.end});
    add_expr_anchors(item.value.get(), out, depth + 1);
  }
  for (const auto& i : e->items) add_expr_anchors(i.get(), out, depth + 1);
  for (const auto& o : e->operands) add_expr_anchors(o.get(), out, depth + 1);
  for (const auto& t : e->traversers) add_expr_anchors(t.index.get(), out, depth + 1);
  for (const hcl::Expr* x : {e->source.get(), e->collection.get(), e->key_expr.get(), e->value_expr.get(),
                             e->condition.get()})
    add_expr_anchors(x, out, depth + 1);
  add_parts(e->parts, out, depth);
}

void add_body_anchors(const hcl::Body& body, std::vector<Anchor>& out) {
  for (const auto& a : body.attributes) {
    out.push_back({a.range.begin, a.range.end});
    add_expr_anchors(a.expr.get(), out, 0);
  }
  for (const auto& b : body.blocks) {
    out.push_back({b.range.begin, b.range.end});
    add_body_anchors(b.body, out);
  }
}

}  // namespace

void apply_inline_suppressions(Analysis& a) {
  std::map<const SourceFile*, FileIndex> index;
  std::vector<Finding> reported;  // TG406
  std::set<const hcl::File*> seen;
  for (const auto& config : a.terraform) {
    for (const auto& module : config->modules()) {
      if (!module.files) continue;
      for (const hcl::File& file : *module.files) {
        if (!seen.insert(&file).second) continue;
        const SourceFile* source = nullptr;
        for (const auto& c : file.comments) {
          std::vector<std::string> ids;
          std::string reason;
          if (!parse_suppression(c.text, ids, reason)) continue;
          source = c.range.file;
          if (!source) continue;
          Suppression s;
          s.line = source->line_col(c.range.begin).line;
          s.rules.insert(ids.begin(), ids.end());
          s.range = c.range;
          index[source].suppressions.push_back(std::move(s));
          auto report = [&](std::string message) {
            Finding f;
            f.rule_id = "TG406";
            const RuleInfo* rule = find_rule("TG406");
            f.rule_name = rule ? std::string(rule->name) : "";
            f.severity = rule ? rule->severity : Severity::Warning;
            f.message = std::move(message);
            f.range = c.range;
            reported.push_back(std::move(f));
          };
          if (ids.empty()) report("this threegate:ignore comment names no rule (write the rule id, e.g. TG201, then why)");
          else if (reason.empty()) report("this threegate:ignore comment gives no reason: say why the finding does not apply");
          for (const auto& id : ids)
            if (!find_rule(id)) report("this threegate:ignore comment names " + id + ", which is not a threegate rule");
        }
        if (source) add_body_anchors(file.body, index[source].anchors);
      }
    }
  }
  if (index.empty()) return;
  auto suppressed = [&](const Finding& f) {
    if (!f.range.file || f.rule_id == "TG406") return false;
    auto it = index.find(f.range.file);
    if (it == index.end()) return false;
    const FileIndex& fi = it->second;
    std::set<uint32_t> lines{f.range.file->line_col(f.range.begin).line};
    for (const Anchor& an : fi.anchors)
      if (an.begin <= f.range.begin && f.range.begin < std::max(an.end, an.begin + 1)) {
        const uint32_t line = f.range.file->line_col(an.begin).line;
        if (line > 1) lines.insert(line - 1);
      }
    for (const Suppression& s : fi.suppressions)
      if (lines.count(s.line) && s.rules.count(f.rule_id)) return true;
    return false;
  };
  std::vector<Finding> kept;
  for (Finding& f : a.findings) (suppressed(f) ? a.suppressed : kept).push_back(std::move(f));
  a.findings = std::move(kept);
  a.findings.insert(a.findings.end(), reported.begin(), reported.end());
}

}  // namespace threegate
