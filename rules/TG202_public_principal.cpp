#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG202;
const RuleInfo kTG202{
    "TG202",
    "public-principal",
    Severity::Error,
    "policy",
    "a key or secret policy allows \"*\" and no condition keeps out other accounts",
    {
        "Finds `Allow` statements of key policies and secret policies whose principal is `\"*\"` or "
        "`{\"AWS\": \"*\"}`, and decides whether they are public by *evaluating* them, not by their shape: the "
        "statement (together with the policy's `Deny` statements) is evaluated for an outsider, a role in an account "
        "that appears nowhere in the inputs, with `aws:PrincipalAccount`, `kms:CallerAccount`, `aws:SourceAccount`, "
        "`aws:PrincipalArn`, `aws:PrincipalOrgID` (`o-outsider0000`) and `aws:userid` set to that outsider, and every "
        "other key unknown. If the statement applies to the outsider, it is reported. If it may apply, depending only "
        "on keys that do not identify the caller (`aws:SourceIp`, `aws:SourceVpce`, `aws:SecureTransport`, "
        "`kms:ViaService`, and `aws:PrincipalTag/...` or `aws:username`, which the caller's own account "
        "chooses), it is reported too, naming those keys. If its conditions keep "
        "the outsider out (`kms:CallerAccount` or `aws:PrincipalAccount` naming your accounts, "
        "`aws:PrincipalOrgID`, `aws:PrincipalArn`, in any letter case), it is not reported. For key policies only "
        "actions that work across accounts are considered (semantics 2.3); `*` with administrative actions is "
        "TG204's. `Deny` statements are never grants; `NotPrincipal` is TG205's.",
        "`Principal: \"*\"` with `Allow` means every AWS principal of every account, anonymous callers included, "
        "unless conditions narrow it (IAM User Guide, `reference_policies_elements_principal`). A key policy like "
        "this lets anyone who can reach the key use it with their own credentials (their account's IAM only has to "
        "allow it); a secret policy like this lets anyone read the secret. Network conditions such as "
        "`aws:SourceIp` or `aws:SourceVpce` are not an identity perimeter: they depend on where the call comes from, "
        "not who makes it. The AWS-managed key policies (`Principal` `*` with `kms:CallerAccount` and "
        "`kms:ViaService`) are not public and are not reported.",
        R"({"Sid": "AllowUse", "Effect": "Allow", "Principal": {"AWS": "*"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"})",
        R"({"Sid": "AllowUseInAccount", "Effect": "Allow", "Principal": {"AWS": "*"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333",
                                "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})",
        "Name the principals that need access, or add a condition that limits the statement to your accounts "
        "(`kms:CallerAccount` / `aws:PrincipalAccount`) or your organization (`aws:PrincipalOrgID`). The finding's "
        "fix is the statement with such a condition added, when the owner account or organization is known.",
    },
    &run,
};

namespace {

// Actions that work on a KMS key from another account (semantics 2.3), as written by AWS.
constexpr std::array<std::string_view, 20> kKmsCrossAccount{
    "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateMac",
    "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:Sign", "kms:Verify", "kms:VerifyMac", "kms:DeriveSharedSecret",
    "kms:DescribeKey", "kms:CreateGrant", "kms:GetKeyRotationStatus", "kms:GetPublicKey", "kms:ListGrants",
    "kms:RetireGrant", "kms:RevokeGrant"};

// Secrets Manager actions that act on one secret (a secret policy can grant them).
constexpr std::array<std::string_view, 18> kSecretActions{
    "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds",
    "secretsmanager:GetResourcePolicy", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
    "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DeleteSecret", "secretsmanager:RestoreSecret",
    "secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret", "secretsmanager:PutResourcePolicy",
    "secretsmanager:DeleteResourcePolicy", "secretsmanager:ValidateResourcePolicy", "secretsmanager:TagResource",
    "secretsmanager:UntagResource", "secretsmanager:ReplicateSecretToRegions",
    "secretsmanager:RemoveRegionsFromReplication"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

bool is_wildcard_principal(const PrincipalRef& p) {
  return p.kind == PrincipalKind::Any || (p.kind == PrincipalKind::Aws && p.value == "*");
}

// ---- the outsider --------------------------------------------------------------------------

// Every string the inputs use, so that the outsider's account appears nowhere in them.
void collect_taken(const Policy& policy, std::vector<std::string_view>& taken) {
  for (const Statement& st : policy.statements) {
    for (const PrincipalRef& p : st.principals) taken.push_back(p.value);
    for (const Text& r : st.resources) taken.push_back(r.value);
    for (const Condition& c : st.conditions)
      for (const Text& v : c.values) taken.push_back(v.value);
  }
}

std::string unused_account(const std::vector<std::string_view>& taken, const std::string& not_this) {
  static constexpr std::array<std::string_view, 6> kCandidates{"000000000000", "999999999999", "000000000001",
                                                               "987654321098", "135792468013", "000011112222"};
  for (std::string_view c : kCandidates) {
    if (c == not_this) continue;
    bool used = false;
    for (std::string_view t : taken) used = used || t.find(c) != std::string_view::npos;
    if (!used) return std::string(c);
  }
  // Every candidate appears somewhere (contrived): count up until one does not.
  for (unsigned long long n = 100000000000ULL;; ++n) {
    std::string c = std::to_string(n);
    bool used = c == not_this;
    for (std::string_view t : taken) used = used || t.find(c) != std::string_view::npos;
    if (!used) return c;
  }
}

struct Exposure {
  Tri reach = Tri::False;
  std::vector<std::string> depends_on;  // keys (as written) when reach is Unknown
  std::vector<std::string> actions;     // actions that reach the outsider (True or Unknown)
};

void add_unique(std::vector<std::string>& list, const std::string& s) {
  for (const auto& x : list)
    if (lower(x) == lower(s)) return;
  list.push_back(s);
}

// Evaluates the statement (with every Deny of its policy) for an outsider, over `actions`.
Exposure outsider_exposure(const RuleContext& ctx, const PolicyUse& use, const Statement& allow,
                           const std::vector<std::string>& actions) {
  const Policy& policy = *use.policy;
  std::vector<std::string_view> taken;
  collect_taken(policy, taken);
  for (const auto& a : ctx.inventory.org_accounts) taken.push_back(a);
  for (const auto& k : ctx.inventory.keys) taken.push_back(k.account);
  for (const auto& s : ctx.inventory.secrets) taken.push_back(s.account);
  for (const auto& p : ctx.inventory.principals) taken.push_back(p.account);
  if (!ctx.inventory.management_account.empty()) taken.push_back(ctx.inventory.management_account);

  std::string owner = owner_account(use);
  const std::string outsider = unused_account(taken, owner);
  if (owner.empty()) {
    taken.push_back(outsider);
    owner = unused_account(taken, outsider);  // some account that is not the outsider's
  }
  std::string partition = "aws", region = "us-east-1", resource;
  if (use.key) {
    partition = use.key->partition;
    if (!use.key->region.empty()) region = use.key->region;
    resource = use.key->arn;
  } else if (use.secret) {
    partition = use.secret->partition;
    if (!use.secret->region.empty()) region = use.secret->region;
    resource = use.secret->arn;
  }

  // One statement plus the denies; a Resource element only matters when the resource is known.
  Policy single;
  single.kind = policy.kind;
  single.name = policy.name;
  single.version = policy.version;
  single.statements.push_back(allow);
  for (const Statement& st : policy.statements)
    if (st.effect == Effect::Deny) single.statements.push_back(st);
  if (resource.empty()) {
    for (Statement& st : single.statements) st.has_resource = false;
    resource = use.kind == PolicyKind::KeyPolicy
                   ? "arn:" + partition + ":kms:" + region + ":" + owner + ":key/00000000-0000-0000-0000-000000000000"
                   : "arn:" + partition + ":secretsmanager:" + region + ":" + owner + ":secret:threegate-AbCdEf";
  }
  Policy allow_all;
  allow_all.kind = PolicyKind::Identity;
  {
    Statement st;
    st.effect = Effect::Allow;
    st.actions.push_back(Text{"*", {}});
    st.actions_lower.push_back("*");
    st.has_resource = true;
    st.resources.push_back(Text{"*", {}});
    allow_all.statements.push_back(std::move(st));
  }
  PolicySet ps;
  ps.identity.push_back(&allow_all);
  ps.resource = &single;
  ps.kms_key = use.kind == PolicyKind::KeyPolicy;
  ps.aws_managed_key = use.key && use.key->manager == KeyManager::Aws;

  const std::string org = "o-outsider0000";
  const std::string org_path = org + "/r-out0/ou-out0-outsider0/";
  Exposure out;
  bool any_unknown = false;
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
    // A role session has no service name: those keys are truly absent.
    c.known_prefixes = {"aws:principalservicename", "aws:principalservicenamelist"};
    c.set("aws:PrincipalAccount", outsider);
    c.set("kms:CallerAccount", outsider);
    c.set("aws:SourceAccount", outsider);
    c.set("aws:SourceArn", "arn:" + partition + ":sqs:" + region + ":" + outsider + ":threegate-outsider");
    c.set("aws:SourceOwner", outsider);
    c.set("aws:PrincipalOrgID", org);
    c.set_multi("aws:PrincipalOrgPaths", {org_path});
    c.set("aws:SourceOrgID", org);
    c.set_multi("aws:SourceOrgPaths", {org_path});
    c.set("aws:userid", "AROAOUTSIDER00000000X:threegate");
    c.set("aws:ResourceAccount", owner);
    c.set("aws:ResourceOrgID",
          ctx.inventory.organization_id.empty() ? std::string("o-resource0000") : ctx.inventory.organization_id);
    // The outsider may be a user as well as a role: what type it is stays open.
    c.set_unknown("aws:PrincipalType");
    add_implicit_context(r);

    const EvalResult res = evaluate(r, ps);
    Tri allowed = Tri::False, denied = Tri::False;
    std::vector<std::string> keys;
    for (const StatementHit& h : res.allows) {
      if (h.role != PolicyRole::Resource || h.statement != &single.statements.front()) continue;
      allowed = h.match == Tri::True ? Tri::True : Tri::Unknown;
      for (const auto& k : h.unknown_keys) add_unique(keys, k);
    }
    for (const StatementHit& h : res.denies) {
      if (h.role != PolicyRole::Resource) continue;
      if (h.match == Tri::True) {
        denied = Tri::True;
      } else if (denied != Tri::True) {
        denied = Tri::Unknown;
        for (const auto& k : h.unknown_keys) add_unique(keys, k);
      }
    }
    Tri reach = allowed == Tri::False || denied == Tri::True ? Tri::False
                : allowed == Tri::True && denied == Tri::False ? Tri::True
                                                                : Tri::Unknown;
    if (reach == Tri::False) continue;
    out.actions.push_back(action);
    if (reach == Tri::True) {
      out.reach = Tri::True;
      out.depends_on.clear();
    } else if (out.reach != Tri::True) {
      any_unknown = true;
      for (const auto& k : keys) add_unique(out.depends_on, k);
    }
  }
  if (out.reach != Tri::True && any_unknown) out.reach = Tri::Unknown;
  return out;
}

// The actions of the statement worth evaluating for an outsider.
std::vector<std::string> candidate_actions(const PolicyUse& use, const Statement& st) {
  std::vector<std::string> out;
  auto consider = [&](std::string_view a) {
    if (statement_covers_action(st, lower(a))) add_unique(out, std::string(a));
  };
  if (use.kind == PolicyKind::KeyPolicy) {
    for (auto a : kKmsCrossAccount) consider(a);
  } else {
    for (auto a : kSecretActions) consider(a);
    if (!st.not_action)
      for (const Text& a : st.actions)
        if (a.value.find_first_of("*?") == std::string::npos) consider(a.value);
  }
  return out;
}

std::string written_actions(const Statement& st) {
  std::string s;
  for (const Text& a : st.actions) s += (s.empty() ? "" : ", ") + a.value;
  return st.not_action ? "every action except " + s : s;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The statement with a condition that keeps it to the owner account or organization.
std::string restricted_statement(const RuleContext& ctx, const PolicyUse& use, const Statement& st,
                                 const std::string& owner) {
  std::string key, value;
  if (!ctx.inventory.organization_id.empty()) {
    key = "aws:PrincipalOrgID";
    value = ctx.inventory.organization_id;
  } else if (!owner.empty()) {
    key = use.kind == PolicyKind::KeyPolicy ? "kms:CallerAccount" : "aws:PrincipalAccount";
    value = owner;
  } else {
    return "";
  }
  auto one_or_list = [](const std::vector<std::string>& v) -> nlohmann::ordered_json {
    if (v.size() == 1) return v.front();
    return nlohmann::ordered_json(v);
  };
  nlohmann::ordered_json j;
  if (st.sid) j["Sid"] = st.sid->value;
  j["Effect"] = "Allow";
  j["Principal"] = {{"AWS", "*"}};
  std::vector<std::string> list;
  for (const Text& a : st.actions) list.push_back(a.value);
  j[st.not_action ? "NotAction" : "Action"] = one_or_list(list);
  if (st.has_resource) {
    list.clear();
    for (const Text& r : st.resources) list.push_back(r.value);
    j[st.not_resource ? "NotResource" : "Resource"] = one_or_list(list);
  }
  nlohmann::ordered_json cond = nlohmann::ordered_json::object();
  for (const Condition& c : st.conditions) {
    list.clear();
    for (const Text& v : c.values) list.push_back(v.value);
    cond[c.operator_text][c.key] = one_or_list(list);
  }
  cond["StringEquals"][key] = value;
  j["Condition"] = cond;
  return j.dump(2);
}

void run(const RuleContext& ctx, FindingSink& sink) {
  for (const PolicyUse& use : ctx.policies) {
    if (!use.policy || (use.kind != PolicyKind::KeyPolicy && use.kind != PolicyKind::SecretPolicy)) continue;
    const Policy& policy = *use.policy;
    for (const Statement& st : policy.statements) {
      if (st.effect != Effect::Allow || st.principal_field != PrincipalField::Principal) continue;
      const PrincipalRef* star = nullptr;
      for (const PrincipalRef& p : st.principals)
        if (!star && is_wildcard_principal(p)) star = &p;
      if (!star) continue;
      const auto actions = candidate_actions(use, st);
      if (actions.empty()) continue;
      const Exposure e = outsider_exposure(ctx, use, st, actions);
      if (e.reach == Tri::False) continue;
      std::string message;
      if (e.reach == Tri::True) {
        message = fmt::format("{} of {} allows {} to any principal (\"*\"), other accounts included: no condition "
                              "limits it to known accounts or an organization",
                              describe_statement(policy, st), describe_policy(use), written_actions(st));
      } else {
        message = fmt::format("{} of {} allows {} to any principal (\"*\") depending only on {}, which "
                              "{} not identify the caller: nothing limits it to known accounts or an organization",
                              describe_statement(policy, st), describe_policy(use), written_actions(st),
                              e.depends_on.empty() ? std::string("unknown values") : join(e.depends_on),
                              e.depends_on.size() == 1 ? "does" : "do");
      }
      Finding f = make_finding(kTG202, std::move(message), star->range.known() ? star->range : st.range);
      f.related.push_back(RelatedLocation{describe_statement(policy, st), st.range});
      for (const Condition& c : st.conditions)
        for (const auto& k : e.depends_on)
          if (lower(k) == c.key_lower)
            f.related.push_back(RelatedLocation{c.key + " does not identify the caller", c.range});
      f.fix = restricted_statement(ctx, use, st, owner_account(use));
      if (!f.fix.empty()) f.fix_target = "replace " + describe_statement(policy, st) + " in " + describe_policy(use);
      sink.add(std::move(f));
    }
  }
}

}  // namespace

}  // namespace threegate::rules
