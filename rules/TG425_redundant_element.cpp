#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG425;
const RuleInfo kTG425{
    "TG425",
    "redundant-element",
    Severity::Info,
    "validation",
    "an action or resource entry that another entry of the statement already covers, or a repeated statement",
    {
        "Within each statement, groups the `Action` (or `NotAction`) entries that another entry covers "
        "(`ecs:DescribeClusters` next to `ecs:Describe*`, or the same action twice) and likewise the `Resource` "
        "entries (`arn:aws:s3:::logs-*/*` next to `arn:aws:s3:::logs-*`); each group is reported once, at its first "
        "entry. It also reports a statement that repeats an earlier one but for its `Sid`. Entries with values known "
        "only after apply are skipped.",
        "Redundant entries make a policy longer (IAM limits its size) and harder to review: a reader who removes "
        "the wildcard entry expects to remove the access, and the specific entry keeps part of it.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Decrypt*"], "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt*", "Resource": "*"}]})",
        "Remove the covered entries (the message names the covering one), or the repeated statement.",
    },
    &run,
};

namespace {

char low(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether pattern `p` covers every string `s` names; `s`'s own wildcards are taken as characters,
// so a wildcard in `s` is covered only by a wildcard in `p`.
bool covers(std::string_view p, std::string_view s, bool fold) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  auto eq = [&](char a, char b) { return fold ? low(a) == low(b) : a == b; };
  while (si < s.size()) {
    if (pi < p.size() && p[pi] != '*' && (eq(p[pi], s[si]) || (p[pi] == '?' && s[si] != '*'))) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

struct Group {
  size_t coverer;
  std::vector<size_t> members;  // the coverer and what it covers, ascending
};

// Entries are compared only within their bucket (the service prefix of an action, the service field
// of an ARN), and with the entries whose bucket holds a wildcard: large policies list thousands of
// actions, and comparing every pair would be quadratic in all of them.
std::string bucket_of(std::string_view v, bool action) {
  size_t from = 0;
  if (!action) {
    if (!v.starts_with("arn:")) return "";
    const size_t c1 = v.find(':', 4);
    if (c1 == std::string_view::npos) return "";
    from = c1 + 1;
  }
  const size_t colon = v.find(':', from);
  if (colon == std::string_view::npos) return "";
  const std::string_view field = v.substr(from, colon - from);
  if (field.find_first_of("*?") != std::string_view::npos || v.substr(0, from).find_first_of("*?") != std::string_view::npos)
    return "";
  std::string out(field);
  for (char& c : out) c = low(c);
  return out + ":";
}

std::vector<Group> groups(const std::vector<Text>& entries, bool fold) {
  const size_t n = entries.size();
  std::vector<bool> skip(n, false);
  std::vector<std::string> bucket(n);
  std::unordered_map<std::string, std::vector<size_t>> by_bucket;
  for (size_t i = 0; i < n; ++i) {
    skip[i] = validation::symbolic(entries[i].value) || entries[i].value.find("${") != std::string::npos;
    if (skip[i]) continue;
    bucket[i] = bucket_of(entries[i].value, fold);
    by_bucket[bucket[i]].push_back(i);
  }
  static const std::vector<size_t> kNone;
  const std::vector<size_t>* wild = by_bucket.count("") ? &by_bucket[""] : &kNone;
  auto same = [&](size_t a, size_t b) {
    return covers(entries[a].value, entries[b].value, fold) && covers(entries[b].value, entries[a].value, fold);
  };
  // A coverer is covered by no other entry (of duplicates, the last one stands for them).
  std::vector<bool> is_coverer(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (skip[i]) continue;
    bool covered = false;
    const std::vector<size_t>* own = &by_bucket[bucket[i]];
    for (const std::vector<size_t>* list : {own, wild}) {
      for (size_t j : *list) {
        if (covered) break;
        if (j == i || !covers(entries[j].value, entries[i].value, fold)) continue;
        covered = !same(i, j) || j > i;
      }
      if (bucket[i].empty()) break;  // the wild bucket was the first list
    }
    is_coverer[i] = !covered;
  }
  std::vector<bool> assigned(n, false);
  std::vector<Group> out;
  for (size_t c = 0; c < n; ++c) {
    if (!is_coverer[c]) continue;
    Group g{c, {c}};
    auto take = [&](size_t i) {
      if (i == c || skip[i] || assigned[i] || is_coverer[i] || !covers(entries[c].value, entries[i].value, fold)) return;
      assigned[i] = true;
      g.members.push_back(i);
    };
    if (bucket[c].empty()) {
      for (size_t i = 0; i < n; ++i) take(i);
    } else {
      for (size_t i : by_bucket[bucket[c]]) take(i);
    }
    if (g.members.size() < 2) continue;
    std::sort(g.members.begin(), g.members.end());
    out.push_back(std::move(g));
  }
  return out;
}

std::string statement_key(const Statement& st) {
  std::string k = st.effect == Effect::Allow ? "A" : "D";
  auto add = [&](const std::vector<std::string>& parts) {
    std::vector<std::string> sorted = parts;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& p : sorted) k += "\x1f" + p;
    k += "\x1e";
  };
  std::vector<std::string> v;
  for (const auto& p : st.principals) v.push_back(std::to_string(static_cast<int>(p.kind)) + p.value);
  add(v);
  k += st.not_action ? "N" : "A";
  add(st.actions_lower);
  v.clear();
  for (const auto& r : st.resources) v.push_back(r.value);
  k += st.has_resource ? (st.not_resource ? "N" : "R") : "-";
  add(v);
  v.clear();
  for (const auto& c : st.conditions) {
    std::string s = c.operator_text + "\x1d" + c.key_lower;
    for (const auto& x : c.values) s += "\x1d" + x.value;
    v.push_back(s);
  }
  add(v);
  k += std::to_string(static_cast<int>(st.principal_field));
  return k;
}

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    const Policy& policy = *use->policy;
    std::vector<std::string> keys;
    for (const Statement& st : policy.statements) {
      for (const Group& g : groups(st.actions, true)) {
        sink.add(make_finding(kTG425,
                              fmt::format("{} action entries of {} overlap: {} already covers {} (remove the "
                                          "redundant entries)",
                                          g.members.size(), describe_statement(policy, st),
                                          st.actions[g.coverer].value,
                                          [&] {
                                            std::vector<std::string> names;
                                            for (size_t i : g.members)
                                              if (i != g.coverer) names.push_back(st.actions[i].value);
                                            return join(names);
                                          }()),
                              st.actions[g.members.front()].range));
      }
      for (const Group& g : groups(st.resources, false)) {
        sink.add(make_finding(kTG425,
                              fmt::format("{} resource entries of {} overlap: {} already covers {} (remove the "
                                          "redundant entries)",
                                          g.members.size(), describe_statement(policy, st),
                                          st.resources[g.coverer].value,
                                          [&] {
                                            std::vector<std::string> names;
                                            for (size_t i : g.members)
                                              if (i != g.coverer) names.push_back(st.resources[i].value);
                                            return join(names);
                                          }()),
                              st.resources[g.members.front()].range));
      }
      std::string key = statement_key(st);
      for (size_t i = 0; i < keys.size(); ++i) {
        if (keys[i] != key) continue;
        sink.add(make_finding(kTG425,
                              fmt::format("{} repeats {} (remove one of them)", describe_statement(policy, st),
                                          describe_statement(policy, policy.statements[i])),
                              st.range));
        break;
      }
      keys.push_back(std::move(key));
    }
  }
}

}  // namespace

}  // namespace threegate::rules
