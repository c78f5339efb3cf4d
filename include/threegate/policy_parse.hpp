// Reading policy documents into the model. Problems become TG401 (invalid JSON) and TG402
// (invalid policy) diagnostics with their exact location; nothing is thrown.
#pragma once

#include <optional>
#include <string>

#include "threegate/diagnostic.hpp"
#include "threegate/json.hpp"
#include "threegate/policy.hpp"

namespace threegate {

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
