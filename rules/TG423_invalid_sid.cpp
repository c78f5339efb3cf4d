#include <fmt/format.h>

#include <map>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG423;
const RuleInfo kTG423{
    "TG423",
    "invalid-sid",
    Severity::Error,
    "validation",
    "two statements share a Sid, or a Sid has characters the policy type does not allow",
    {
        "Finds `Sid` values used by more than one statement of a policy, and, in IAM identity policies, permission "
        "boundaries, session policies, SCPs and RCPs, `Sid` values with characters other than ASCII letters and "
        "digits. Key and secret policies allow spaces and punctuation in a `Sid` (`\"Enable IAM User "
        "Permissions\"`); secret policies are checked only for duplicates. Key policies are not: KMS accepts a Sid "
        "used twice, and AWS's own key policy of `aws/secretsmanager` has one.",
        "IAM rejects a policy whose `Sid` has spaces or punctuation (MalformedPolicyDocument), and statement ids "
        "must be unique within a policy: tools, `threegate` findings and people name statements by their `Sid`, and "
        "a duplicate makes them ambiguous.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "Read secrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
  {"Sid": "Read secrets", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "ReadSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
  {"Sid": "DecryptSecrets", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]})",
        "Give every statement its own `Sid`, of letters and digits in IAM policies.",
    },
    &run,
};

namespace {

bool alphanumeric_only(PolicyKind k) {
  return k == PolicyKind::Identity || k == PolicyKind::Boundary || k == PolicyKind::Session ||
         k == PolicyKind::Scp || k == PolicyKind::Rcp;
}

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    std::map<std::string, const Text*> seen;
    for (const Statement& st : use->policy->statements) {
      if (!st.sid || st.sid->value.empty() || symbolic(st.sid->value)) continue;
      const Text& sid = *st.sid;
      if (auto [it, fresh] = seen.try_emplace(sid.value, &sid); !fresh && use->kind != PolicyKind::KeyPolicy) {
        const LineCol at = it->second->range.known() ? it->second->range.file->line_col(it->second->range.begin)
                                                     : LineCol{};
        sink.add(make_finding(kTG423,
                              fmt::format("Sid \"{}\" is already used by the statement at line {}: statement ids "
                                          "must be unique",
                                          sid.value, at.line),
                              sid.range));
        continue;
      }
      if (!alphanumeric_only(use->kind)) continue;
      const size_t bad = sid.value.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
      if (bad != std::string::npos)
        sink.add(make_finding(kTG423,
                              fmt::format("Sid \"{}\" has '{}': {} policies allow only ASCII letters and digits in a "
                                          "Sid (IAM rejects the policy)",
                                          sid.value, sid.value[bad], policy_kind_name(use->kind)),
                              sid.range));
    }
  }
}

}  // namespace

}  // namespace threegate::rules
