#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "support.hpp"

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

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

bool is_wildcard_principal(const PrincipalRef& p) {
  return p.kind == PrincipalKind::Any || (p.kind == PrincipalKind::Aws && p.value == "*");
}

std::string infer_owner(const PolicyUse& use) {
  std::string owner = owner_account(use);
  if (!owner.empty()) return owner;
  for (const Statement& st : use.policy->statements) {
    if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
    if (!statement_covers_action(st, "kms:putkeypolicy")) continue;
    for (const PrincipalRef& p : st.principals) {
      std::string a = principal_account(p);
      if (!a.empty()) return a;
    }
  }
  return "";
}

bool grants_limited_to_aws_resources(const Statement& st) {
  for (const Condition& c : st.conditions) {
    if (c.key_lower != "kms:grantisforawsresource" || c.op != ConditionOperator::Bool) continue;
    for (const Text& v : c.values)
      if (lower(v.value) == "true") return true;
  }
  return false;
}

// Whether a "*" statement reaches an account that appears nowhere in the inputs, for one of
// `actions` (the statement and the policy's denies, evaluated as TG202 does).
Tri outsider_reach(const RuleContext& ctx, const PolicyUse& use, const Statement& allow,
                   const std::vector<std::string>& actions) {
  const Policy& policy = *use.policy;
  std::vector<std::string_view> taken;
  for (const Statement& st : policy.statements) {
    for (const PrincipalRef& p : st.principals) taken.push_back(p.value);
    for (const Condition& c : st.conditions)
      for (const Text& v : c.values) taken.push_back(v.value);
  }
  for (const auto& k : ctx.inventory.keys) taken.push_back(k.account);
  for (const auto& a : ctx.inventory.org_accounts) taken.push_back(a);
  auto unused = [&](std::string_view not_this) {
    for (unsigned long long n = 0;; ++n) {
      std::string c = n == 0 ? std::string("000000000000") : std::to_string(999999999999ULL - n);
      bool used = c == not_this;
      for (std::string_view t : taken) used = used || t.find(c) != std::string_view::npos;
      if (!used) return c;
    }
  };
  std::string owner = owner_account(use);
  const std::string outsider = unused(owner);
  if (owner.empty()) {
    taken.push_back(outsider);
    owner = unused(outsider);
  }
  const std::string partition = use.key ? use.key->partition : "aws";
  const std::string region = use.key && !use.key->region.empty() ? use.key->region : "us-east-1";
  std::string resource = use.key ? use.key->arn : "";

  Policy single;
  single.kind = policy.kind;
  single.version = policy.version;
  single.statements.push_back(allow);
  for (const Statement& st : policy.statements)
    if (st.effect == Effect::Deny) single.statements.push_back(st);
  if (resource.empty()) {
    for (Statement& st : single.statements) st.has_resource = false;
    resource = "arn:" + partition + ":kms:" + region + ":" + owner + ":key/00000000-0000-0000-0000-000000000000";
  }
  Policy allow_all;
  allow_all.kind = PolicyKind::Identity;
  {
    Statement st;
    st.actions.push_back(Text{"*", {}});
    st.actions_lower.push_back("*");
    allow_all.statements.push_back(std::move(st));
  }
  PolicySet ps;
  ps.identity.push_back(&allow_all);
  ps.resource = &single;
  ps.kms_key = true;

  Tri best = Tri::False;
  for (const std::string& action : actions) {
    Request r;
    r.principal.type = PrincipalType::AssumedRole;
    r.principal.partition = partition;
    r.principal.account = outsider;
    r.principal.role_arn = "arn:" + partition + ":iam::" + outsider + ":role/threegate-outsider";
    r.principal.arn = "arn:" + partition + ":sts::" + outsider + ":assumed-role/threegate-outsider/threegate";
    r.principal.name = "threegate";
    r.action = action;
    r.resource = resource;
    r.resource_account = owner;
    RequestContext& c = r.context;
    c.absent_is_unknown = true;
    c.known_prefixes = {"aws:principalservicename", "aws:principalservicenamelist"};
    c.set("aws:PrincipalAccount", outsider);
    c.set("kms:CallerAccount", outsider);
    c.set("aws:SourceAccount", outsider);
    c.set("aws:SourceArn", "arn:" + partition + ":sqs:" + region + ":" + outsider + ":threegate-outsider");
    c.set("aws:PrincipalOrgID", "o-outsider0000");
    c.set_multi("aws:PrincipalOrgPaths", {"o-outsider0000/r-out0/ou-out0-outsider0/"});
    c.set("aws:SourceOrgID", "o-outsider0000");
    c.set("aws:userid", "AROAOUTSIDER00000000X:threegate");
    c.set("aws:ResourceAccount", owner);
    c.set("aws:ResourceOrgID",
          ctx.inventory.organization_id.empty() ? std::string("o-resource0000") : ctx.inventory.organization_id);
    c.set_unknown("aws:PrincipalType");
    add_implicit_context(r);
    const EvalResult res = evaluate(r, ps);
    Tri allowed = Tri::False, denied = Tri::False;
    for (const StatementHit& h : res.allows)
      if (h.role == PolicyRole::Resource && h.statement == &single.statements.front()) allowed = h.match;
    for (const StatementHit& h : res.denies)
      if (h.role == PolicyRole::Resource && denied != Tri::True) denied = h.match;
    const Tri reach = allowed == Tri::False || denied == Tri::True ? Tri::False
                      : allowed == Tri::True && denied == Tri::False ? Tri::True
                                                                      : Tri::Unknown;
    if (reach == Tri::True) return Tri::True;
    if (reach == Tri::Unknown) best = Tri::Unknown;
  }
  return best;
}

std::string usage_only_statement(const Statement& st, const std::vector<std::string>& usage) {
  auto one_or_list = [](const std::vector<std::string>& v) -> nlohmann::ordered_json {
    if (v.size() == 1) return v.front();
    return nlohmann::ordered_json(v);
  };
  nlohmann::ordered_json j;
  if (st.sid) j["Sid"] = st.sid->value;
  j["Effect"] = "Allow";
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  bool any = false;
  for (const PrincipalRef& p : st.principals) {
    if (p.kind == PrincipalKind::Any) {
      any = true;
      continue;
    }
    const char* key = p.kind == PrincipalKind::Aws ? "AWS" : p.kind == PrincipalKind::Service ? "Service"
                                                   : p.kind == PrincipalKind::Federated     ? "Federated"
                                                                                           : "CanonicalUser";
    bool added = false;
    for (auto& g : groups)
      if (g.first == key) {
        g.second.push_back(p.value);
        added = true;
      }
    if (!added) groups.push_back({key, {p.value}});
  }
  nlohmann::ordered_json principal = nlohmann::ordered_json::object();
  for (auto& [key, values] : groups) principal[key] = one_or_list(values);
  j["Principal"] = any && groups.empty() ? nlohmann::ordered_json("*") : principal;
  j["Action"] = one_or_list(usage);
  j["Resource"] = "*";
  if (!st.conditions.empty()) {
    nlohmann::ordered_json cond = nlohmann::ordered_json::object();
    for (const Condition& c : st.conditions) {
      std::vector<std::string> values;
      for (const Text& v : c.values) values.push_back(v.value);
      cond[c.operator_text][c.key] = one_or_list(values);
    }
    j["Condition"] = cond;
  }
  return j.dump(2);
}

void run(const RuleContext& ctx, FindingSink& sink) {
  for (const PolicyUse& use : ctx.policies) {
    if (!use.policy || use.kind != PolicyKind::KeyPolicy) continue;
    if (use.key && (use.key->modelled || use.key->manager == KeyManager::Aws)) continue;
    const Policy& policy = *use.policy;
    if (policy.id && policy.id->value.starts_with("auto-")) continue;  // an AWS-managed key's policy
    const std::string owner = infer_owner(use);
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
      std::vector<std::string> risky;
      for (auto a : kAdminActions)
        if (statement_covers_action(st, lower(a))) risky.emplace_back(a);
      const bool free_grants =
          statement_covers_action(st, "kms:creategrant") && !grants_limited_to_aws_resources(st);
      if (free_grants) risky.emplace_back("kms:CreateGrant");
      if (risky.empty()) continue;

      std::vector<std::string> who;
      std::vector<const PrincipalRef*> external;
      bool star = false;
      for (const PrincipalRef& p : st.principals) {
        if (is_wildcard_principal(p)) {
          star = true;
          continue;
        }
        const std::string account = principal_account(p);
        if (account.empty() || owner.empty() || account == owner) continue;
        who.push_back(is_account_root(p) ? "account " + account : p.value);
        external.push_back(&p);
      }
      if (star) {
        const Tri reach = outsider_reach(ctx, use, st, risky);
        if (reach == Tri::True) who.insert(who.begin(), "any principal (\"*\")");
        else if (reach == Tri::Unknown) who.insert(who.begin(), "possibly any principal (\"*\", depending on conditions)");
      }
      if (who.empty()) continue;

      // Point at the action entry that grants the first risky action.
      Range where = st.action_range;
      if (!st.not_action) {
        for (size_t i = 0; i < st.actions.size() && i < st.actions_lower.size(); ++i) {
          bool hit = false;
          for (const auto& a : risky) hit = hit || action_matches(st.actions_lower[i], lower(a));
          if (hit) {
            where = st.actions[i].range;
            break;
          }
        }
      }
      std::string names, actions;
      for (const auto& w : who) names += (names.empty() ? "" : ", ") + w;
      for (const auto& a : risky) actions += (actions.empty() ? "" : ", ") + a;
      const bool only_grants = risky.size() == 1 && free_grants;
      std::string why = only_grants
                            ? "grants it creates can give anyone the use of the key; limit them with "
                              "kms:GrantIsForAWSResource"
                            : "key administration does not work across accounts, so this names the wrong principal "
                              "or hands over control of the key";
      Finding f = make_finding(kTG204,
                               fmt::format("{} of {} lets {} {}: {}", describe_statement(policy, st),
                                           describe_policy(use), names, actions, why),
                               where.known() ? where : st.range);
      f.related.push_back(RelatedLocation{describe_statement(policy, st), st.range});
      for (const PrincipalRef* p : external)
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
