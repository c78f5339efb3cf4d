// Reading policy documents into the model. Problems become TG401 (invalid JSON) and TG402
// (invalid policy) diagnostics with their exact location; nothing is thrown.
#pragma once

#include <optional>
#include <string>

#include "threegate/diagnostic.hpp"
#include "threegate/json.hpp"
#include "threegate/policy.hpp"

namespace threegate {

// Limits of one policy document (README "Limits"). AWS's largest policy quota (a key policy,
// 32 KB) holds a few hundred statements, and an ARN is at most 2048 characters: beyond these a
// document is hostile or broken. What exceeds them is a TG402 error and is not read.
inline constexpr size_t kMaxStatementsPerPolicy = 1000;
inline constexpr size_t kMaxPatternLength = 2048;  // an Action, Resource, Principal or condition value

// Builds a policy from a JSON value: an object document, or a string holding one (as
// get-key-policy and Terraform plans deliver it), whose ranges map back into the string.
// Returns nullopt only when nothing usable could be read (not an object, no Statement); a
// document with some invalid statements is returned with valid = false and TG402 diagnostics.
std::optional<Policy> parse_policy(const JsonValue& document, PolicyKind kind, std::string name,
                                   Diagnostics& diagnostics);

// Reads a whole file as one policy document (TG401 when it is not JSON).
std::optional<Policy> parse_policy_file(const SourceFile& file, PolicyKind kind, Diagnostics& diagnostics);

// Convenience for tests and the simulator: a policy from JSON text held in `sources`.
std::optional<Policy> parse_policy_text(SourceSet& sources, std::string text, PolicyKind kind,
                                        Diagnostics& diagnostics, std::string name = "<inline>");

// Guesses how a standalone document is used, from its content: a Principal naming kms: actions
// is a key policy, secretsmanager: actions a secret policy, no Principal an identity policy.
PolicyKind detect_policy_kind(const JsonValue& document);

}  // namespace threegate
