// Shared by the gate rules (TG1xx): what failed in one read check, rendered as a finding with
// the three gates, their deciding statements, and the statement to add.
#pragma once

#include <string>

#include "support.hpp"

namespace threegate::rules {

// "role arn:… reading secret arn:… (us-east-1)"
std::string describe_read(const ReadCheck& check);
// The caller as named in messages: its ARN, or "account 222222222222".
std::string describe_caller(const ReadCheck& check);

// Adds one related location per gate, with its state and deciding statements.
void add_gate_lines(const ReadCheck& check, Finding& finding);

// Explains why no key-policy statement allowed: the statements that name the caller and the
// action but whose conditions failed, with each failing condition, e.g.
// "statement \"AllowApp\": kms:ViaService is secretsmanager.us-east-1.amazonaws.com, the condition wants secretsmanager.us-west-2.amazonaws.com".
// `action` is "kms:Decrypt" or "secretsmanager:GetSecretValue".
std::vector<RelatedLocation> explain_no_allow(const ReadCheck& check, const Policy& policy, bool key_side);
// Short summary of the first failing condition, for the message (empty if none).
std::string first_failing_condition(const std::vector<RelatedLocation>& reasons);

// The statements to add, as pretty JSON.
std::string key_policy_fix(const ReadCheck& check);
std::string secret_policy_fix(const ReadCheck& check);
std::string identity_read_fix(const ReadCheck& check);
std::string identity_decrypt_fix(const ReadCheck& check);

// The caller principal to name in a resource policy: the role ARN for sessions.
std::string principal_for_policy(const ReadCheck& check);

// Runs `f` once per read check of every share.
template <class F>
void for_each_check(const RuleContext& ctx, F&& f) {
  for (const auto& share : ctx.shares) {
    for (const auto& check : share.checks) f(share, check);
  }
}

}  // namespace threegate::rules
