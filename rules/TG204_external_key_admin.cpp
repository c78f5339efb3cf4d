#include <fmt/format.h>

#include <array>

#include "policy_rule_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG204;
const RuleInfo kTG204{
    "TG204",
    "external-key-admin",
    Severity::Error,
    "key",
    "a key policy lets another account (or anyone) administer or destroy the key, or create grants freely",
    {
        "Finds `Allow` statements of key policies that give a principal or account of another account, or `\"*\"` "
        "when its conditions do not keep other accounts out (decided by evaluating the statement for an outsider, "
        "as TG202 does), any of the actions that control or destroy the key: `kms:PutKeyPolicy`, "
        "`kms:ScheduleKeyDeletion`, `kms:DisableKey`, `kms:ImportKeyMaterial`, `kms:DeleteImportedKeyMaterial`, "
        "`kms:UpdatePrimaryRegion`, `kms:ReplicateKey` (also through `kms:*`, `kms:Put*`, `*` ...), or "
        "`kms:CreateGrant` without a `Bool` `kms:GrantIsForAWSResource` = `true` condition. The owner's own "
        "principals, including the default \"Enable IAM User Permissions\" statement and key administrator roles, "
        "are not reported. Tagging, alias, description and rotation actions are left out on purpose: they do not "
        "give control of the key or destroy it.",
        "Only cryptographic operations, `DescribeKey` and the grant operations work across accounts (KMS guide, "
        "`key-policy-modifying-external-accounts`), so an external account granted `kms:PutKeyPolicy` or "
        "`kms:ScheduleKeyDeletion` cannot actually call them today. It is still reported: it means the statement "
        "names the wrong principal (an external account where a local administrator role was meant, or a "
        "copy-pasted `kms:*`), or states an intent to hand over control of the key, and it becomes effective the "
        "moment the principal is corrected to a local one. `kms:CreateGrant` *does* work across accounts: a grant "
        "can give any principal, of any account, the use of the key, outside every policy, unless it is limited "
        "to grants that AWS services create for their resources (`kms:GrantIsForAWSResource`, KMS guide "
        "`grant-authorization`).",
        R"({"Sid": "AllowPartner", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
 "Action": "kms:*", "Resource": "*"})",
        R"({"Sid": "AllowPartnerUse", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::222222222222:role/app"},
 "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})",
        "Give other accounts only the actions they use (the finding's fix keeps the statement's usage actions). "
        "Keep key administration with roles of the key's own account. For `kms:CreateGrant`, add "
        "`\"Bool\": {\"kms:GrantIsForAWSResource\": \"true\"}` so only integrated AWS services create grants.",
    },
    &run,
};

namespace {

constexpr std::array<std::string_view, 7> kAdminActions{
    "kms:PutKeyPolicy",         "kms:ScheduleKeyDeletion",   "kms:DisableKey", "kms:ImportKeyMaterial",
    "kms:DeleteImportedKeyMaterial", "kms:UpdatePrimaryRegion", "kms:ReplicateKey"};

// The usage actions a fix keeps (the console's "Allow use of the key" statement), with a concrete
// action to test each by.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kUsageActions{{
    {"kms:Encrypt", "kms:encrypt"},
    {"kms:Decrypt", "kms:decrypt"},
    {"kms:ReEncrypt*", "kms:reencryptfrom"},
    {"kms:GenerateDataKey*", "kms:generatedatakey"},
    {"kms:DescribeKey", "kms:describekey"},
}};

bool grants_limited_to_aws_resources(const Statement& st) {
  for (const Condition& c : st.conditions) {
    if (c.key_lower != "kms:grantisforawsresource" || c.op != ConditionOperator::Bool) continue;
    for (const Text& v : c.values)
      if (ascii_lower(v.value) == "true") return true;
  }
  return false;
}

// The statement reduced to the usage actions `usage` on the key.
std::string usage_only_statement(const Statement& st, const std::vector<std::string>& usage) {
  Statement fixed = st;
  fixed.not_action = false;
  fixed.actions.clear();
  for (const auto& a : usage) fixed.actions.push_back(Text{a, {}});
  fixed.has_resource = true;
  fixed.not_resource = false;
  fixed.resources = {Text{"*", {}}};
  return statement_json(fixed);
}

void run(const RuleContext& ctx, FindingSink& sink) {
  const Outsider outsider(ctx);
  for (const PolicyUse& use : ctx.policies) {
    if (use.kind != PolicyKind::KeyPolicy || !is_customer_policy(use)) continue;
    const Policy& policy = *use.policy;
    const std::string owner = key_policy_owner(use);
    const std::string resource_owner = owner_account(use);  // the outsider's evaluation takes only a given owner
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
      std::vector<std::string> risky;
      for (auto a : kAdminActions)
        if (statement_covers_action(st, ascii_lower(a))) risky.emplace_back(a);
      const bool free_grants =
          statement_covers_action(st, "kms:creategrant") && !grants_limited_to_aws_resources(st);
      if (free_grants) risky.emplace_back("kms:CreateGrant");
      if (risky.empty()) continue;

      std::vector<std::string> who;
      const ExternalPrincipals external = external_principals(st, owner);
      for (const PrincipalRef* p : external.principals) who.push_back(describe_principal(*p));
      if (external.star) {
        const Tri reach = outsider.exposure(use, resource_owner, st, risky).reach;
        if (reach == Tri::True) who.insert(who.begin(), "any principal (\"*\")");
        else if (reach == Tri::Unknown) who.insert(who.begin(), "possibly any principal (\"*\", depending on conditions)");
      }
      if (who.empty()) continue;

      // Point at the first action entry that grants a risky action.
      const auto granting = granting_entries(st, risky);
      const Range where = granting.empty() ? st.action_range : st.actions[granting.front()].range;
      const bool only_grants = risky.size() == 1 && free_grants;
      std::string why = only_grants
                            ? "grants it creates can give anyone the use of the key; limit them with "
                              "kms:GrantIsForAWSResource"
                            : "key administration does not work across accounts, so this names the wrong principal "
                              "or hands over control of the key";
      Finding f = make_finding(kTG204,
                               fmt::format("{} of {} lets {} {}: {}", describe_statement(policy, st),
                                           describe_policy(use), join(who), join(risky), why),
                               where.known() ? where : st.range);
      f.related.push_back(RelatedLocation{describe_statement(policy, st), st.range});
      for (const PrincipalRef* p : external.principals)
        f.related.push_back(RelatedLocation{"external principal " + p->value, p->range});

      std::vector<std::string> usage;
      for (const auto& [name, probe] : kUsageActions)
        if (statement_covers_action(st, probe)) usage.emplace_back(name);
      if (!usage.empty()) {
        f.fix = usage_only_statement(st, usage);
        f.fix_target = "replace " + describe_statement(policy, st) + " in " + describe_policy(use);
      } else {
        f.fix_target = "remove " + describe_statement(policy, st) + " from " + describe_policy(use);
      }
      sink.add(std::move(f));
    }
  }
}

}  // namespace

}  // namespace threegate::rules
