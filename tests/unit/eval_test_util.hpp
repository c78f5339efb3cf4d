// Helpers for the evaluator tests: policies from JSON text, principals and requests.
#pragma once

#include <doctest/doctest.h>

#include <deque>
#include <string>

#include "threegate/eval.hpp"
#include "threegate/policy_parse.hpp"

namespace threegate::test {

// Parses a policy; fails the test on any diagnostic. Policies live until the end of the run.
inline const Policy& policy(const std::string& json, PolicyKind kind = PolicyKind::Identity) {
  static SourceSet sources;
  static std::deque<Policy> keep;
  Diagnostics diags;
  auto p = parse_policy_text(sources, json, kind, diags);
  for (const auto& d : diags) FAIL_CHECK(d.rule_id << ": " << d.message << "\n" << json);
  REQUIRE(p.has_value());
  keep.push_back(std::move(*p));
  return keep.back();
}

// A document with one statement from its inner JSON (no braces around the statement needed).
inline const Policy& stmt(const std::string& statement, PolicyKind kind = PolicyKind::Identity) {
  return policy(R"({"Version":"2012-10-17","Statement":[{)" + statement + "}]}", kind);
}

inline RequestPrincipal principal(std::string_view text) {
  RequestPrincipal p;
  std::string error;
  REQUIRE_MESSAGE(parse_request_principal(text, p, error), error);
  return p;
}

inline Request request(std::string_view who, std::string action, std::string resource,
                       std::string resource_account = "") {
  Request r;
  r.principal = principal(who);
  r.action = std::move(action);
  r.resource = std::move(resource);
  r.resource_account = std::move(resource_account);
  add_implicit_context(r);
  return r;
}

inline Decision decide(const Request& r, const PolicySet& ps) { return evaluate(r, ps).decision; }

}  // namespace threegate::test
