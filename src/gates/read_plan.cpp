// The two requests of a secret read, with the context Secrets Manager and KMS set (semantics §3.1),
// split into what follows from the caller and what follows from the secret's region.
#include "gates/read_plan.hpp"

#include <algorithm>

#include "threegate/policy_parse.hpp"

namespace threegate::gates_detail {
namespace {

// Stands in for the identity policies of a principal the inventory does not know, so that the
// resource-side gates can be judged alone; the caller_iam gate is then reported not_in_inventory.
const Policy& allow_everything_identity() {
  static SourceSet sources;
  static const Policy policy = [] {
    Diagnostics ignored;
    auto p = parse_policy_text(sources, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                               PolicyKind::Identity, ignored, "<caller IAM not in inventory>");
    return *p;
  }();
  return policy;
}

std::vector<std::vector<const Policy*>> levels_of(const std::map<std::string, std::vector<std::vector<Policy>>>& m,
                                                  const std::string& account) {
  std::vector<std::vector<const Policy*>> out;
  auto it = m.find(account);
  if (it == m.end()) return out;
  for (const auto& level : it->second) {
    std::vector<const Policy*> l;
    for (const auto& p : level) l.push_back(&p);
    out.push_back(std::move(l));
  }
  return out;
}

bool is_management(const Inventory& inv, const std::string& account) {
  return !inv.management_account.empty() && account == inv.management_account;
}

// Copies the keys of `from` that `to` does not have yet.
void merge_into(RequestContext& to, const RequestContext& from) {
  for (const auto& [key, value] : from.entries()) {
    if (to.find(key)) continue;
    if (value.unknown) {
      to.set_unknown(key);
    } else if (value.multi) {
      to.set_multi(key, value.values);
    } else if (!value.values.empty()) {
      to.set(key, value.values.front());
    }
  }
}

}  // namespace

void plan_caller(const Inventory& inv, const RequestPrincipal& principal, const PrincipalRecord* record, CallerPlan& out) {
  out.principal = principal;
  out.record = record;
  out.identity.clear();
  out.boundary = nullptr;
  if (record) {
    for (const auto& pol : record->policies) out.identity.push_back(&pol);
    if (record->boundary) out.boundary = &*record->boundary;
  } else {
    out.identity.push_back(&allow_everything_identity());
  }
  out.scps = levels_of(inv.scps, principal.account);
  out.scp_exempt = is_management(inv, principal.account);

  // The keys AWS derives from the caller, once per action family.
  for (auto [ctx, action] : {std::pair{&out.read_context, "secretsmanager:GetSecretValue"},
                             std::pair{&out.decrypt_context, "kms:Decrypt"}}) {
    Request r;
    r.principal = principal;
    r.action = action;
    if (!inv.organization_id.empty() &&
        std::find(inv.org_accounts.begin(), inv.org_accounts.end(), principal.account) != inv.org_accounts.end()) {
      r.context.set("aws:PrincipalOrgID", inv.organization_id);
    } else if (auto it = inv.external_org_ids.find(principal.account); it != inv.external_org_ids.end()) {
      r.context.set("aws:PrincipalOrgID", it->second);
    }
    add_implicit_context(r);
    *ctx = std::move(r.context);
  }
}

void plan_target(const Inventory& inv, const SecretRecord& secret, const std::string& region, TargetPlan& out) {
  out.secret = &secret;
  out.region = region;
  out.secret_arn = secret.arn_in_region(region);
  out.replica = region != secret.region;
  out.key_ref = secret.kms_key;
  out.key_ref_range = secret.kms_key_range;
  if (out.replica) {
    for (const auto& r : secret.replicas) {
      if (r.region == region) {
        out.key_ref = r.kms_key;
        out.key_ref_range = r.range;
      }
    }
  }
  out.key = inv.resolve_key(out.key_ref, secret.account, region, secret.partition);
  out.key_issue = KeyIssue::None;
  if (!out.key) {
    out.key_issue = KeyIssue::NotFound;
  } else if (out.key->region != region) {
    out.key_issue = KeyIssue::WrongRegion;
  } else if (!out.key->usable()) {
    out.key_issue = KeyIssue::Unusable;
  } else if (!out.key->policy) {
    out.key_issue = KeyIssue::PolicyUnknown;
  }
  out.key_id_unknown = out.key && out.key->modelled;
  out.key_arn = out.key ? out.key->arn : out.key_ref;
  if (out.key_id_unknown) {
    out.key_arn = "arn:" + secret.partition + ":kms:" + region + ":" + out.key->account + ":key/<unknown>";
  }
  out.key_account = out.key ? out.key->account : secret.account;
  out.secret_policy = secret.policy ? &*secret.policy : nullptr;
  out.key_policy = out.key && out.key->policy ? &*out.key->policy : nullptr;
  out.grants.clear();
  if (out.key_policy && out.key->policy_with_grants) {
    out.key_policy = &*out.key->policy_with_grants;
    size_t first = out.key->policy->statements.size();
    for (size_t i = 0; i < out.key->grants.size() && first + i < out.key_policy->statements.size(); ++i) {
      out.grants.emplace_back(&out.key_policy->statements[first + i], &out.key->grants[i].identity);
    }
  }
  out.secret_rcps = levels_of(inv.rcps, secret.account);
  out.key_rcps = levels_of(inv.rcps, out.key_account);
  out.secret_rcp_exempt = is_management(inv, secret.account);
  out.key_rcp_exempt = is_management(inv, out.key_account);

  RequestContext& rc = out.read_context;
  rc = RequestContext{};
  rc.set("aws:ViaAWSService", "false");
  rc.set("aws:RequestedRegion", region);
  rc.set("aws:SecureTransport", "true");  // Secrets Manager endpoints accept only HTTPS
  rc.set("aws:ResourceAccount", secret.account);

  RequestContext& dc = out.decrypt_context;
  dc = RequestContext{};
  // <service>.<region>.amazonaws.com in every partition (semantics 2.6).
  dc.set("kms:ViaService", "secretsmanager." + region + ".amazonaws.com");
  dc.set("aws:RequestedRegion", region);  // Secrets Manager calls the key of its own region
  dc.set("kms:EncryptionContext:SecretARN", out.secret_arn);
  dc.set_unknown("kms:EncryptionContext:SecretVersionId");  // which version is read is not known statically
  dc.set_multi("kms:EncryptionContextKeys", {"SecretARN", "SecretVersionId"});
  dc.set("aws:ViaAWSService", "true");
  dc.set_multi("aws:CalledVia", {"secretsmanager.amazonaws.com"});
  dc.set("aws:CalledViaFirst", "secretsmanager.amazonaws.com");
  dc.set("aws:CalledViaLast", "secretsmanager.amazonaws.com");
  dc.set("aws:ResourceAccount", out.key_account);
}

void bind_caller(CallerPlan& caller, Request& read, Request& decrypt, PolicySet& read_set, PolicySet& decrypt_set) {
  read.principal = caller.principal;
  decrypt.principal = caller.principal;
  read_set.identity = caller.identity;
  read_set.boundary = caller.boundary;
  read_set.session = nullptr;
  read_set.scps = caller.scps;
  read_set.scp_exempt = caller.scp_exempt;
  decrypt_set.identity = caller.identity;
  decrypt_set.boundary = caller.boundary;
  decrypt_set.session = nullptr;
  decrypt_set.scps = caller.scps;
  decrypt_set.scp_exempt = caller.scp_exempt;
}

void bind_target(TargetPlan& target, Request& read, Request& decrypt, PolicySet& read_set, PolicySet& decrypt_set) {
  const SecretRecord& secret = *target.secret;
  read.action = "secretsmanager:GetSecretValue";
  read.resource = target.secret_arn;
  read.resource_account = secret.account;
  read.context.absent_is_unknown = true;  // static analysis: what we do not set is not known

  decrypt.action = "kms:Decrypt";
  decrypt.resource = target.key_arn;
  decrypt.resource_id_unknown = target.key_id_unknown;
  decrypt.resource_account = target.key_account;
  decrypt.context.absent_is_unknown = true;
  // The encryption context is exactly {SecretARN, SecretVersionId}: any other context key is
  // absent, and so are the grant keys, which a Decrypt request does not carry.
  if (decrypt.context.known_prefixes.empty()) {
    decrypt.context.known_prefixes = {"kms:encryptioncontext:", "kms:grantisforawsresource", "kms:grantoperations",
                                      "kms:granteeprincipal", "kms:retiringprincipal", "kms:grantconstrainttype"};
  }

  read_set.resource = target.secret_policy;
  read_set.rcps = target.secret_rcps;
  read_set.kms_key = false;
  read_set.aws_managed_key = false;
  read_set.rcp_exempt = target.secret_rcp_exempt;
  decrypt_set.resource = target.key_policy;
  decrypt_set.rcps = target.key_rcps;
  decrypt_set.kms_key = true;
  decrypt_set.aws_managed_key = target.key && target.key->manager == KeyManager::Aws;
  decrypt_set.rcp_exempt = target.key_rcp_exempt;
}

void bind_context(CallerPlan& caller, TargetPlan& target, Request& read, Request& decrypt, bool flatten) {
  // Cross-account callers must name the secret by its full ARN (semantics §3.5); in the same
  // account the caller may use the name, so the value is not known.
  if (caller.principal.account != target.secret->account) {
    read.context.assign("secretsmanager:SecretId", target.secret_arn);
  } else {
    read.context.set_unknown("secretsmanager:SecretId");
  }
  if (flatten) {
    merge_into(read.context, caller.read_context);
    merge_into(read.context, target.read_context);
    merge_into(decrypt.context, caller.decrypt_context);
    merge_into(decrypt.context, target.decrypt_context);
  } else {
    read.context.parent = &caller.read_context;
    caller.read_context.parent = &target.read_context;
    decrypt.context.parent = &caller.decrypt_context;
    caller.decrypt_context.parent = &target.decrypt_context;
  }
}

bool bind_grants(const CallerPlan& caller, const TargetPlan& target, PolicySet& decrypt_set) {
  decrypt_set.identity = caller.identity;
  bool added = false;
  for (const auto& [statement, identity] : target.grants) {
    if (identity->statements.empty()) continue;  // an account grantee: its IAM decides
    PrincipalMatch m = match_principal(*statement, caller.principal);
    if (m == PrincipalMatch::Role || m == PrincipalMatch::Exact) {
      decrypt_set.identity.push_back(identity);
      added = true;
    }
  }
  return added;
}

void bind_pair(CallerPlan& caller, TargetPlan& target, Request& read, Request& decrypt, PolicySet& read_set,
               PolicySet& decrypt_set, bool flatten) {
  bind_caller(caller, read, decrypt, read_set, decrypt_set);
  bind_target(target, read, decrypt, read_set, decrypt_set);
  if (!target.grants.empty()) bind_grants(caller, target, decrypt_set);
  bind_context(caller, target, read, decrypt, flatten);
}

Decision combine_read(Decision read, Decision decrypt, const CallerPlan& caller, const TargetPlan& target) {
  // Without the key's policy, only an explicit deny elsewhere decides the decrypt.
  bool key_policy_missing = target.key_issue == KeyIssue::NotFound || target.key_issue == KeyIssue::PolicyUnknown;
  if (key_policy_missing && decrypt != Decision::ExplicitDeny) decrypt = Decision::Depends;
  Decision d = Decision::Allow;
  if (read == Decision::ExplicitDeny || decrypt == Decision::ExplicitDeny) return Decision::ExplicitDeny;
  if (read == Decision::ImplicitDeny || decrypt == Decision::ImplicitDeny) {
    d = Decision::ImplicitDeny;
  } else if (read == Decision::Depends || decrypt == Decision::Depends) {
    d = Decision::Depends;
  }
  // A key that cannot be used fails the read whatever the policies say (semantics 2.8, 3.3).
  if (target.key_issue == KeyIssue::Unusable || target.key_issue == KeyIssue::WrongRegion) return Decision::ImplicitDeny;
  // A caller whose IAM is not in the inputs cannot be proven to be allowed.
  if (d == Decision::Allow && !caller.record) d = Decision::Depends;
  return d;
}

}  // namespace threegate::gates_detail
