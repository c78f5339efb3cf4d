#include <fmt/format.h>

#include <set>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG414;
const RuleInfo kTG414{
    "TG414",
    "resource-type-mismatch",
    Severity::Warning,
    "validation",
    "a Resource ARN fits none of the statement's actions, or an action fits none of its resources",
    {
        "Compares each `Resource` ARN with the ARN formats of the resource types of the statement's actions in AWS's "
        "service authorization catalog (`arn:${Partition}:s3:::${BucketName}/${ObjectName}` for `s3:GetObject`), "
        "with wildcards and policy variables matching anything. It reports an ARN that no action of the statement "
        "can act on, and an action (named without wildcards) that can act on none of the statement's ARNs. Key and "
        "secret policies are not judged (their `Resource` is the key or secret itself), nor are statements with "
        "`NotAction`, `NotResource`, `\"Action\": \"*\"` or values known only after apply.",
        "The statement does not do what it says: `s3:ListBucket` on `arn:aws:s3:::bucket/*` (an object ARN) or "
        "`secretsmanager:GetSecretValue` on a KMS key ARN never matches a request, so the access the author meant is "
        "not granted, or a Deny meant as a guardrail does not apply.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
   "Resource": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
   "Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-*"}]})",
        "Give each action the ARN of the resource it acts on (the message lists the formats it accepts), or split "
        "the statement.",
    },
    &run,
};

namespace {

std::string formats_of(const std::vector<catalog::ResourceType>& types) {
  std::vector<std::string> out;
  for (const auto& t : types) {
    if (out.size() == 3) {
      out.push_back(fmt::format("{} more", types.size() - 3));
      break;
    }
    out.push_back(fmt::format("{} ({})", t.name(), t.arn_format()));
  }
  return join(out, "; ");
}

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    if (use->kind == PolicyKind::KeyPolicy || use->kind == PolicyKind::SecretPolicy) continue;
    for (const Statement& st : use->policy->statements) {
      if (st.not_action || !st.has_resource || st.not_resource || st.resources.empty()) continue;
      bool skip = false;
      std::vector<const Text*> arns;
      for (const Text& r : st.resources) {
        if (symbolic(r.value) || r.value.find_first_not_of('*') == std::string::npos) skip = true;
        else if (split_arn(r.value)) arns.push_back(&r);
      }
      for (size_t i = 0; i < st.actions_lower.size(); ++i)
        if (st.actions_lower[i].find(':') == std::string::npos || symbolic(st.actions_lower[i])) skip = true;
      if (skip || arns.empty()) continue;

      // The resource types of every action of the statement.
      std::set<uint32_t> seen;
      std::vector<catalog::ResourceType> types;
      for (const std::string& entry : st.actions_lower)
        for (const catalog::Action& a : actions_of(entry))
          for (size_t t = 0; t < a.resource_type_count(); ++t)
            if (seen.insert(a.resource_type(t).index).second) types.push_back(a.resource_type(t));
      if (types.empty()) continue;

      std::vector<const Text*> matched_by_nothing;
      for (const Text* r : arns) {
        bool any = false;
        for (const auto& t : types) any = any || catalog::arn_format_matches(t.arn_format(), r->value);
        if (!any) {
          sink.add(make_finding(kTG414,
                                fmt::format("{} fits none of the resource types of the actions of {}, which accept {}",
                                            r->value, describe_statement(*use->policy, st), formats_of(types)),
                                r->range));
        }
      }
      for (size_t i = 0; i < st.actions.size() && i < st.actions_lower.size(); ++i) {
        if (has_wildcard(st.actions_lower[i])) continue;
        const auto& actions = actions_of(st.actions_lower[i]);
        if (actions.size() != 1 || actions.front().needs_star_resource()) continue;
        const catalog::Action a = actions.front();
        std::vector<catalog::ResourceType> own;
        for (size_t t = 0; t < a.resource_type_count(); ++t) own.push_back(a.resource_type(t));
        bool any = false;
        for (const Text* r : arns)
          for (const auto& t : own) any = any || catalog::arn_format_matches(t.arn_format(), r->value);
        if (any || arns.size() != st.resources.size()) continue;
        sink.add(make_finding(kTG414,
                              fmt::format("{} acts on none of the resources of {}: it accepts {}", a.full_name(),
                                          describe_statement(*use->policy, st), formats_of(own)),
                              st.actions[i].range));
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
