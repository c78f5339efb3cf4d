#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG417;
const RuleInfo kTG417{
    "TG417",
    "condition-key-not-for-action",
    Severity::Warning,
    "validation",
    "a service condition key that none of the statement's actions supports",
    {
        "For each service-specific condition key (`kms:ViaService`, `secretsmanager:ResourceTag/…`, "
        "`iam:PassedToService`), checks that at least one action of the statement supports it, by the actions' and "
        "their resource types' condition keys in AWS's service authorization catalog. Global keys (`aws:…`) apply to "
        "every action and are not judged; neither are statements with `NotAction`, `\"Action\": \"*\"`, a wildcard "
        "in a service prefix, or values known only after apply.",
        "A key that the request never carries makes the condition false (or, with `…IfExists` or a negated "
        "operator, always true): `kms:ViaService` on an `s3:GetObject` statement, or `secretsmanager:SecretId` on "
        "`secretsmanager:ListSecrets`, leaves the Allow granting nothing or the Deny denying everything.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}}]})",
        "Move the condition to the statement of the actions that support it, or use the key the actions support.",
    },
    &run,
};

namespace {

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      if (st.not_action || st.conditions.empty()) continue;
      bool skip = false;
      for (const std::string& a : st.actions_lower) {
        const size_t colon = a.find(':');
        skip = skip || colon == std::string::npos || symbolic(a) || has_wildcard(std::string_view(a).substr(0, colon));
      }
      if (skip) continue;
      for (const Condition& c : st.conditions) {
        if (symbolic(c.key) || c.op == ConditionOperator::Null) continue;
        const auto key = catalog::find_condition_key(c.key);
        if (!key || key->global) continue;  // unknown keys: TG416
        const std::string prefix = key_prefix(c.key);
        if (prefix == "aws" || !catalog::find_service(prefix)) continue;
        std::vector<catalog::Action> of_service;
        bool supported = false;
        for (const std::string& entry : st.actions_lower) {
          if (!entry.starts_with(prefix + ":")) continue;
          if (actions_of(entry).empty()) supported = true;  // an unknown action (TG410): undecided
          for (const catalog::Action& a : actions_of(entry)) {
            of_service.push_back(a);
            supported = supported || a.supports_key(c.key);
          }
          if (supported) break;
        }
        if (supported) continue;
        std::string message;
        if (of_service.empty()) {
          message = fmt::format("{} is a {} key, but {} has no {} action: requests it matches never carry the key",
                                c.key, prefix, describe_statement(*use->policy, st), prefix);
        } else {
          std::vector<std::string> names;
          for (const auto& a : of_service) {
            if (names.size() == 3) {
              names.push_back(fmt::format("{} more", of_service.size() - 3));
              break;
            }
            names.push_back(a.full_name());
          }
          message = fmt::format("none of the {} actions of {} supports {} ({}): requests it matches never carry the key",
                                prefix, describe_statement(*use->policy, st), c.key, join(names));
        }
        sink.add(make_finding(kTG417, message, c.key_range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
