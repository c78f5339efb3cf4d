#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG424;
const RuleInfo kTG424{
    "TG424",
    "empty-condition-block",
    Severity::Warning,
    "validation",
    "an empty Condition object or an operator with no keys",
    {
        "Finds `\"Condition\": {}` and condition operators that map no keys (`\"StringEquals\": {}`). Empty "
        "`Statement`, `Action`, `Resource`, `Principal` and value lists are reported by TG402.",
        "An empty block restricts nothing: the statement applies unconditionally, although whoever reads the policy "
        "(or wrote it from a template whose values went missing) expects a condition there.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {}}}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}]})",
        "Write the condition that was meant, or remove the empty block.",
    },
    &run,
};

namespace {

// Every "{ }" in the text of a condition block, outside strings.
void empty_objects(const Range& block, std::vector<Range>& out) {
  const std::string& text = block.file->text();
  if (block.end > text.size() || block.begin >= block.end || text[block.begin] != '{') return;  // an embedded string
  bool in_string = false, escaped = false;
  for (uint32_t i = block.begin; i < block.end; ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      uint32_t j = i + 1;
      while (j < block.end && (text[j] == ' ' || text[j] == '\n' || text[j] == '\r' || text[j] == '\t')) ++j;
      if (j < block.end && text[j] == '}') out.push_back(Range{block.file, i, j + 1});
    }
  }
}

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      if (!st.condition_range.known()) continue;
      std::vector<Range> empties;
      empty_objects(st.condition_range, empties);
      for (const Range& r : empties) {
        const bool whole = r.begin == st.condition_range.begin;
        sink.add(make_finding(kTG424,
                              whole ? fmt::format("the Condition of {} is empty: it restricts nothing (remove it or "
                                                  "write the condition meant)",
                                                  describe_statement(*use->policy, st))
                                    : fmt::format("a condition operator of {} maps no keys: it restricts nothing "
                                                  "(remove it or add the keys meant)",
                                                  describe_statement(*use->policy, st)),
                              r));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
