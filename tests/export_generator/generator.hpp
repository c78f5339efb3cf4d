// Synthetic exports of AWS accounts, in the exact layout scripts/collect writes (README.md,
// "Auditing exported accounts"), with the policy shapes real organizations have:
//   - an organization tree (root → OUs → accounts) with FullAWSAccess and RCPFullAWSAccess at
//     every level, a region-restricting SCP on one OU, a deny for sandbox roles on some accounts
//     and a data-perimeter RCP on one OU;
//   - per account: the AWS-managed key aws/secretsmanager and customer-managed keys whose policies
//     delegate to the account, name roles of other accounts or the whole organization (with
//     kms:ViaService), some with grants, a few disabled;
//   - secrets on those keys or on the default key, with resource policies that grant a role of
//     another account, another account, or "*" under aws:PrincipalOrgID (a very few without it),
//     some replicated to a second region;
//   - roles with AdministratorAccess, a PowerUser-like NotAction policy, read-only policies, app
//     roles reading their own prefix of secrets, consumers reading shared secrets in any account,
//     CI roles with wildcards, roles of unrelated services, permission boundaries on some; users
//     with groups.
// Header-only: the generator program, the benchmark and the unit tests include it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace threegate::testgen {

struct ExportShape {
  size_t accounts = 10;
  size_t roles_per_account = 50;
  size_t secrets_per_account = 20;
  size_t keys_per_account = 5;  // at least 2: aws/secretsmanager and one customer-managed key
  uint64_t seed = 1;
};

namespace detail {

using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

// splitmix64: the same sequence on every platform (std distributions are not).
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
};

inline std::string account_id(size_t i) {
  std::string s = std::to_string(100000000000ULL + i * 1009);
  return s;
}

inline std::string hex(Rng& r, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += digits[r.below(16)];
  return s;
}

inline std::string suffix(Rng& r) {
  static const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 6; ++i) s += chars[r.below(62)];
  return s;
}

inline void write(const fs::path& p, const ojson& j) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << j.dump(4) << "\n";
}

inline ojson statement(const char* sid, ojson action, ojson resource) {
  return ojson{{"Sid", sid}, {"Effect", "Allow"}, {"Action", std::move(action)}, {"Resource", std::move(resource)}};
}

inline ojson doc(std::vector<ojson> statements) {
  ojson list = ojson::array();
  for (auto& st : statements) list.push_back(std::move(st));
  return ojson{{"Version", "2012-10-17"}, {"Statement", std::move(list)}};
}

inline std::string folder_name(const std::string& name) {
  std::string out;
  for (char c : name) out += c == '/' ? std::string("%2F") : std::string(1, c);
  return out;
}

inline std::string aws_managed_key_policy(const std::string& acct, const std::string& region) {
  ojson p{{"Version", "2012-10-17"},
          {"Id", "auto-secretsmanager-2"},
          {"Statement",
           {{{"Sid", "Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager"},
             {"Effect", "Allow"},
             {"Principal", {{"AWS", "*"}}},
             {"Action", {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant", "kms:DescribeKey"}},
             {"Resource", "*"},
             {"Condition", {{"StringEquals", {{"kms:CallerAccount", acct}, {"kms:ViaService", "secretsmanager." + region + ".amazonaws.com"}}}}}},
            {{"Sid", "Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager"},
             {"Effect", "Allow"},
             {"Principal", {{"AWS", "*"}}},
             {"Action", "kms:GenerateDataKey*"},
             {"Resource", "*"},
             {"Condition", {{"StringEquals", {{"kms:CallerAccount", acct}}}, {"StringLike", {{"kms:ViaService", "secretsmanager.*.amazonaws.com"}}}}}},
            {{"Sid", "Allow direct access to key metadata to the account"},
             {"Effect", "Allow"},
             {"Principal", {{"AWS", "arn:aws:iam::" + acct + ":root"}}},
             {"Action", {"kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"}},
             {"Resource", "*"}}}}};
  return p.dump(2);
}

struct Key {
  std::string id, arn, alias, region;
  bool aws_managed = false;
};

struct Secret {
  std::string name, arn, kms_key;  // kms_key "" = the default key
  std::string replica_region, replica_key;
  ojson policy;  // null: none
};

class Generator {
 public:
  Generator(const ExportShape& shape, const fs::path& out) : shape_(shape), out_(out), rng_{shape.seed * 7919 + 17} {
    for (size_t i = 0; i < shape.accounts; ++i) accounts_.push_back(account_id(i));
    org_ = "o-" + hex(rng_, 10);
    root_ = "r-" + hex(rng_, 4);
    size_t ou_count = std::max<size_t>(1, std::min<size_t>(10, shape.accounts / 10));
    for (size_t i = 0; i < ou_count; ++i) ous_.push_back("ou-" + root_.substr(2) + "-" + hex(rng_, 8));
  }

  void run() {
    for (size_t i = 0; i < accounts_.size(); ++i) account(i);
    organization();
  }

 private:
  const std::string& other_account(size_t i) {
    if (accounts_.size() == 1) return accounts_[i];
    size_t j = (i + 1 + rng_.below(accounts_.size() - 1)) % accounts_.size();
    return accounts_[j];
  }
  bool multi_region(size_t i) const { return i % 5 == 1; }
  size_t ou_of(size_t i) const { return i == 0 ? SIZE_MAX : i % ous_.size(); }  // the management account sits at the root
  size_t app_count() const { return std::max<size_t>(1, shape_.roles_per_account / 5); }
  static constexpr size_t kConsumers = 3;

  // ---- IAM -----------------------------------------------------------------------------------

  ojson managed(const std::string& arn, const std::string& name, const ojson& document, size_t attachments) {
    return ojson{{"PolicyName", name},
                 {"PolicyId", "ANPA" + hex(rng_, 16)},
                 {"Arn", arn},
                 {"Path", "/"},
                 {"DefaultVersionId", "v1"},
                 {"AttachmentCount", attachments},
                 {"PermissionsBoundaryUsageCount", 0},
                 {"IsAttachable", true},
                 {"CreateDate", "2024-01-01T00:00:00+00:00"},
                 {"UpdateDate", "2024-01-01T00:00:00+00:00"},
                 {"PolicyVersionList",
                  {{{"Document", document}, {"VersionId", "v1"}, {"IsDefaultVersion", true}, {"CreateDate", "2024-01-01T00:00:00+00:00"}}}}};
  }

  ojson role(const std::string& acct, const std::string& name, ojson inline_policies, std::vector<std::string> attached,
             const std::string& boundary) {
    ojson r{{"Path", "/"},
            {"RoleName", name},
            {"RoleId", "AROA" + hex(rng_, 16)},
            {"Arn", "arn:aws:iam::" + acct + ":role/" + name},
            {"CreateDate", "2024-01-01T00:00:00+00:00"},
            {"AssumeRolePolicyDocument",
             doc({{{"Effect", "Allow"}, {"Principal", {{"Service", "ec2.amazonaws.com"}}}, {"Action", "sts:AssumeRole"}}})},
            {"InstanceProfileList", ojson::array()},
            {"RolePolicyList", std::move(inline_policies)},
            {"AttachedManagedPolicies", ojson::array()},
            {"Tags", ojson::array()},
            {"RoleLastUsed", ojson::object()}};
    for (const auto& a : attached) {
      r["AttachedManagedPolicies"].push_back({{"PolicyName", a.substr(a.rfind('/') + 1)}, {"PolicyArn", a}});
    }
    if (!boundary.empty()) {
      r["PermissionsBoundary"] = {{"PermissionsBoundaryType", "Policy"}, {"PermissionsBoundaryArn", boundary}};
    }
    return r;
  }

  static ojson inline_policy(const std::string& name, ojson document) {
    return ojson{{"PolicyName", name}, {"PolicyDocument", std::move(document)}};
  }

  void iam(size_t i, const std::vector<Key>& keys) {
    const std::string& acct = accounts_[i];
    const std::string p = "arn:aws:iam::" + acct + ":policy/";
    const std::string admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    const std::string power = "arn:aws:iam::aws:policy/PowerUserAccess";
    ojson roles = ojson::array();
    size_t n = shape_.roles_per_account;
    const std::string sm = "arn:aws:secretsmanager:";
    auto key_arn = [&](size_t k) { return keys.empty() ? std::string("*") : keys[k % keys.size()].arn; };
    std::vector<const Key*> cmks;
    for (const auto& k : keys) {
      if (!k.aws_managed) cmks.push_back(&k);
    }
    size_t boundaries = 0;
    for (size_t r = 0; r < n; ++r) {
      if (r == 0) {
        roles.push_back(role(acct, "OrganizationAccountAccessRole", ojson::array(), {admin}, ""));
      } else if (r == 1) {
        roles.push_back(role(acct, "PowerUsers", ojson::array(), {power}, ""));
      } else if (r == 2) {
        roles.push_back(role(acct, "security-audit", ojson::array(), {p + "readonly-base"}, ""));
      } else if (r == 3) {
        ++boundaries;
        roles.push_back(role(acct, "platform-ci",
                             ojson::array({inline_policy(
                                 "ci", doc({statement("CiSecrets", "secretsmanager:*", sm + "*:" + acct + ":secret:ci/*"),
                                            ojson{{"Sid", "DecryptViaSecretsManager"},
                                                  {"Effect", "Allow"},
                                                  {"Action", "kms:Decrypt"},
                                                  {"Resource", "*"},
                                                  {"Condition", {{"StringLike", {{"kms:ViaService", "secretsmanager.*.amazonaws.com"}}}}}},
                                            statement("Deploy", {"cloudformation:*", "s3:*", "lambda:*"}, "*")}))}),
                             {p + "platform-base"}, p + "platform-boundary"));
      } else if (r < 4 + kConsumers && r < n) {
        size_t c = r - 4;
        roles.push_back(role(acct, "consumer-" + std::to_string(c),
                             ojson::array({inline_policy(
                                 "read-shared",
                                 doc({statement("ReadShared", {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
                                                sm + "*:*:secret:shared/*"),
                                      ojson{{"Sid", "DecryptShared"},
                                            {"Effect", "Allow"},
                                            {"Action", "kms:Decrypt"},
                                            {"Resource", "arn:aws:kms:*:*:key/*"},
                                            {"Condition", {{"StringLike", {{"kms:ViaService", "secretsmanager.*.amazonaws.com"}}}}}}}))}),
                             {p + "platform-base"}, c == 2 ? p + "platform-boundary" : ""));
        if (c == 2) ++boundaries;
      } else if (r % 3 == 0) {
        // An app role: its own prefix of secrets, its app key.
        size_t app = (r / 3) % app_count();
        std::string prefix = "app-" + std::to_string(app) + "/";
        ojson stmts = ojson::array();
        stmts.push_back(statement("ReadAppSecrets", rng_.chance(50) ? ojson("secretsmanager:GetSecretValue") : ojson("secretsmanager:Get*"),
                                  sm + "us-east-1:" + acct + ":secret:" + prefix + "*"));
        stmts.push_back(statement("DecryptAppKey", "kms:Decrypt", cmks.empty() ? key_arn(0) : cmks[app % cmks.size()]->arn));
        stmts.push_back(statement("Data", {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"},
                                  "arn:aws:dynamodb:us-east-1:" + acct + ":table/app-" + std::to_string(app) + "-*"));
        bool bounded = rng_.chance(30);
        boundaries += bounded;
        roles.push_back(role(acct, "app-" + std::to_string(app) + "-role-" + std::to_string(r),
                             ojson::array({inline_policy("app", doc(stmts))}), {p + "platform-base"},
                             bounded ? p + "platform-boundary" : ""));
      } else if (r % 3 == 1) {
        // A role of an unrelated service.
        static const char* services[] = {"s3", "sqs", "sns", "logs", "lambda", "ec2", "dynamodb", "events"};
        std::string svc = services[rng_.below(8)];
        roles.push_back(role(acct, svc + "-worker-" + std::to_string(r),
                             ojson::array({inline_policy(svc, doc({statement("Work", {svc + ":Get*", svc + ":Put*", svc + ":List*"}, "*")}))}),
                             {p + "platform-base"}, ""));
      } else {
        // Describe-only, or a deny-heavy role: decided without a read.
        ojson stmts = ojson::array({statement("Describe", {"secretsmanager:DescribeSecret", "secretsmanager:ListSecrets"}, "*")});
        if (rng_.chance(50)) {
          stmts.push_back(ojson{{"Sid", "NoProdSecrets"},
                                {"Effect", "Deny"},
                                {"Action", "secretsmanager:GetSecretValue"},
                                {"Resource", sm + "*:" + acct + ":secret:prod/*"}});
        }
        roles.push_back(role(acct, "ops-" + std::to_string(r), ojson::array({inline_policy("ops", doc(stmts))}), {}, ""));
      }
    }

    ojson users = ojson::array();
    for (int u = 0; u < 2; ++u) {
      std::string name = "dev" + std::to_string(u);
      users.push_back(ojson{{"Path", "/"},
                            {"UserName", name},
                            {"UserId", "AIDA" + hex(rng_, 16)},
                            {"Arn", "arn:aws:iam::" + acct + ":user/" + name},
                            {"CreateDate", "2024-01-01T00:00:00+00:00"},
                            {"UserPolicyList", ojson::array()},
                            {"GroupList", {"developers"}},
                            {"AttachedManagedPolicies", ojson::array()},
                            {"Tags", ojson::array()}});
    }
    ojson groups = ojson::array({ojson{{"Path", "/"},
                                       {"GroupName", "developers"},
                                       {"GroupId", "AGPA" + hex(rng_, 16)},
                                       {"Arn", "arn:aws:iam::" + acct + ":group/developers"},
                                       {"CreateDate", "2024-01-01T00:00:00+00:00"},
                                       {"GroupPolicyList",
                                        {inline_policy("dev-secrets", doc({statement("DevSecrets", "secretsmanager:GetSecretValue",
                                                                                     sm + "us-east-1:" + acct + ":secret:dev/*")}))}},
                                       {"AttachedManagedPolicies", {{{"PolicyName", "readonly-base"}, {"PolicyArn", p + "readonly-base"}}}}}});

    ojson policies = ojson::array();
    policies.push_back(managed(admin, "AdministratorAccess", doc({{{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}}), 1));
    policies.push_back(managed(power, "PowerUserAccess",
                               doc({{{"Effect", "Allow"}, {"NotAction", {"iam:*", "organizations:*", "account:*"}}, {"Resource", "*"}},
                                    {{"Effect", "Allow"},
                                     {"Action", {"iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                                                 "organizations:DescribeOrganization", "account:ListRegions"}},
                                     {"Resource", "*"}}}),
                               1));
    policies.push_back(managed(p + "readonly-base", "readonly-base",
                               doc({statement("ReadOnly", {"secretsmanager:Describe*", "secretsmanager:List*", "kms:Describe*",
                                                           "kms:List*", "kms:GetKeyPolicy", "s3:Get*", "s3:List*", "ec2:Describe*",
                                                           "iam:Get*", "iam:List*", "cloudtrail:LookupEvents"},
                                              "*")}),
                               2));
    policies.push_back(managed(p + "platform-base", "platform-base",
                               doc({statement("Observability", {"logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData",
                                                                "xray:PutTraceSegments", "ssm:GetParameter*"},
                                              "*")}),
                               n));
    policies.push_back(managed(p + "platform-boundary", "platform-boundary",
                               doc({statement("Ceiling", {"secretsmanager:*", "kms:Decrypt", "kms:DescribeKey", "s3:*", "dynamodb:*",
                                                          "logs:*", "cloudwatch:*", "xray:*", "ssm:*", "cloudformation:*", "lambda:*"},
                                              "*"),
                                    ojson{{"Sid", "NoSharedFromCi"},
                                          {"Effect", "Deny"},
                                          {"Action", "secretsmanager:GetSecretValue"},
                                          {"Resource", sm + "*:*:secret:shared/ci-*"}}}),
                               boundaries));
    ojson details{{"UserDetailList", users}, {"GroupDetailList", groups}, {"RoleDetailList", roles}, {"Policies", policies}};
    write(out_ / "accounts" / acct / "iam" / "get-account-authorization-details.json", details);
  }

  // ---- KMS -----------------------------------------------------------------------------------

  std::vector<Key> kms(size_t i) {
    const std::string& acct = accounts_[i];
    std::vector<Key> keys;
    size_t total = std::max<size_t>(2, shape_.keys_per_account);
    for (size_t k = 0; k < total; ++k) {
      Key key;
      // A multi-region account keeps its last key (aws/secretsmanager) in the second region.
      key.region = multi_region(i) && k + 1 == total ? "eu-west-1" : "us-east-1";
      key.aws_managed = k == 0 || key.region == "eu-west-1";
      key.id = hex(rng_, 8) + "-" + hex(rng_, 4) + "-4" + hex(rng_, 3) + "-8" + hex(rng_, 3) + "-" + hex(rng_, 12);
      key.arn = "arn:aws:kms:" + key.region + ":" + acct + ":key/" + key.id;
      static const char* names[] = {"shared-secrets", "app", "ci", "legacy"};
      key.alias = key.aws_managed ? "alias/aws/secretsmanager" : "alias/" + std::string(names[(k - 1) % 4]) + (k > 4 ? std::to_string(k) : "");
      keys.push_back(key);
    }
    std::map<std::string, ojson> list_keys, list_aliases;
    for (size_t k = 0; k < keys.size(); ++k) {
      const Key& key = keys[k];
      fs::path dir = out_ / "accounts" / acct / key.region / "kms";
      list_keys[key.region]["Keys"].push_back({{"KeyId", key.id}, {"KeyArn", key.arn}});
      list_aliases[key.region]["Aliases"].push_back({{"AliasName", key.alias},
                                                     {"AliasArn", "arn:aws:kms:" + key.region + ":" + acct + ":" + key.alias},
                                                     {"TargetKeyId", key.id},
                                                     {"CreationDate", "2024-01-01T00:00:00.000000+00:00"},
                                                     {"LastUpdatedDate", "2024-01-01T00:00:00.000000+00:00"}});
      std::string state = !key.aws_managed && rng_.chance(2) ? (rng_.chance(50) ? "Disabled" : "PendingDeletion") : "Enabled";
      ojson md{{"AWSAccountId", acct},
               {"KeyId", key.id},
               {"Arn", key.arn},
               {"CreationDate", "2024-01-01T00:00:00.000000+00:00"},
               {"Enabled", state == "Enabled"},
               {"Description", key.aws_managed ? "Default key that protects my Secrets Manager data when no other key is defined" : key.alias},
               {"KeyUsage", "ENCRYPT_DECRYPT"},
               {"KeyState", state},
               {"Origin", "AWS_KMS"},
               {"KeyManager", key.aws_managed ? "AWS" : "CUSTOMER"},
               {"CustomerMasterKeySpec", "SYMMETRIC_DEFAULT"},
               {"KeySpec", "SYMMETRIC_DEFAULT"},
               {"EncryptionAlgorithms", {"SYMMETRIC_DEFAULT"}},
               {"MultiRegion", false}};
      fs::path kdir = dir / "keys" / key.id;
      write(kdir / "describe-key.json", ojson{{"KeyMetadata", md}});
      std::string policy = key.aws_managed ? aws_managed_key_policy(acct, key.region) : key_policy(i, k, key).dump(2);
      write(kdir / "get-key-policy.json", ojson{{"Policy", policy}, {"PolicyName", "default"}});
      write(kdir / "get-key-rotation-status.json",
            ojson{{"KeyRotationEnabled", !key.aws_managed}, {"KeyId", key.arn}, {"RotationPeriodInDays", 365}});
      ojson grants = ojson::array();
      if (!key.aws_managed && key.alias.rfind("alias/legacy", 0) == 0 && rng_.chance(60)) {
        const std::string& other = other_account(i);
        ojson g{{"KeyId", key.arn},
                {"GrantId", hex(rng_, 64)},
                {"Name", "consumer-access"},
                {"CreationDate", "2024-01-01T00:00:00+00:00"},
                {"GranteePrincipal", "arn:aws:iam::" + other + ":role/consumer-" + std::to_string(rng_.below(kConsumers))},
                {"IssuingAccount", "arn:aws:iam::" + acct + ":root"},
                {"Operations", {"Decrypt", "DescribeKey"}}};
        if (rng_.chance(50)) {
          g["Constraints"] = {{"EncryptionContextSubset",
                               {{"SecretARN", "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:shared/legacy-*"}}}};
        }
        grants.push_back(g);
      }
      write(kdir / "list-grants.json", ojson{{"Grants", grants}});
    }
    for (auto& [region, j] : list_keys) write(out_ / "accounts" / acct / region / "kms" / "list-keys.json", j);
    for (auto& [region, j] : list_aliases) write(out_ / "accounts" / acct / region / "kms" / "list-aliases.json", j);
    return keys;
  }

  ojson key_policy(size_t i, size_t k, const Key& key) {
    const std::string& acct = accounts_[i];
    ojson st = ojson::array();
    st.push_back(ojson{{"Sid", "Enable IAM User Permissions"},
                       {"Effect", "Allow"},
                       {"Principal", {{"AWS", "arn:aws:iam::" + acct + ":root"}}},
                       {"Action", "kms:*"},
                       {"Resource", "*"}});
    st.push_back(ojson{{"Sid", "Allow access for Key Administrators"},
                       {"Effect", "Allow"},
                       {"Principal", {{"AWS", "arn:aws:iam::" + acct + ":role/OrganizationAccountAccessRole"}}},
                       {"Action", {"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                                   "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
                                   "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"}},
                       {"Resource", "*"}});
    auto via = ojson{{"StringEquals", {{"kms:ViaService", "secretsmanager." + key.region + ".amazonaws.com"}}}};
    if (key.alias.rfind("alias/shared-secrets", 0) == 0) {
      // Consumers of other accounts, by role, and (often) the whole organization.
      ojson consumers = ojson::array();
      for (int c = 0; c < 2; ++c) {
        consumers.push_back("arn:aws:iam::" + other_account(i) + ":role/consumer-" + std::to_string(rng_.below(kConsumers)));
      }
      st.push_back(ojson{{"Sid", "AllowConsumersViaSecretsManager"},
                         {"Effect", "Allow"},
                         {"Principal", {{"AWS", consumers}}},
                         {"Action", {"kms:Decrypt", "kms:DescribeKey"}},
                         {"Resource", "*"},
                         {"Condition", via}});
      if (rng_.chance(70)) {
        ojson c = via;
        c["StringEquals"]["aws:PrincipalOrgID"] = org_;
        st.push_back(ojson{{"Sid", "AllowOrganizationViaSecretsManager"},
                           {"Effect", "Allow"},
                           {"Principal", {{"AWS", "*"}}},
                           {"Action", "kms:Decrypt"},
                           {"Resource", "*"},
                           {"Condition", c}});
      }
    } else if (key.alias.rfind("alias/legacy", 0) == 0) {
      // A whole other account, without kms:ViaService (TG201, TG203).
      st.push_back(ojson{{"Sid", "LegacyPartner"},
                         {"Effect", "Allow"},
                         {"Principal", {{"AWS", "arn:aws:iam::" + other_account(i) + ":root"}}},
                         {"Action", {"kms:Decrypt", "kms:DescribeKey"}},
                         {"Resource", "*"}});
    } else if (key.alias.rfind("alias/app", 0) == 0) {
      st.push_back(ojson{{"Sid", "AllowAppRolesViaSecretsManager"},
                         {"Effect", "Allow"},
                         {"Principal", {{"AWS", "*"}}},
                         {"Action", "kms:Decrypt"},
                         {"Resource", "*"},
                         {"Condition", {{"StringEquals", {{"kms:CallerAccount", acct}, {"kms:ViaService", "secretsmanager." + key.region + ".amazonaws.com"}}},
                                        {"ArnLike", {{"aws:PrincipalArn", "arn:aws:iam::" + acct + ":role/app-*"}}}}}});
    }
    (void)k;
    return ojson{{"Version", "2012-10-17"}, {"Id", "key-policy"}, {"Statement", st}};
  }

  // ---- Secrets Manager -----------------------------------------------------------------------

  void secrets(size_t i, const std::vector<Key>& keys) {
    const std::string& acct = accounts_[i];
    auto find_key = [&](const char* alias) -> const Key* {
      for (const auto& k : keys) {
        if (k.region == "us-east-1" && k.alias.rfind(alias, 0) == 0) return &k;
      }
      return nullptr;
    };
    std::map<std::string, ojson> listed;  // region → list-secrets
    for (size_t s = 0; s < shape_.secrets_per_account; ++s) {
      Secret sec;
      std::string base;
      const Key* key = nullptr;
      size_t kind = s % 6;
      if (kind == 0 || kind == 3) {
        base = "app-" + std::to_string(s % app_count()) + "/db-" + std::to_string(s);
        key = find_key("alias/app");
      } else if (kind == 1) {
        base = "shared/" + (rng_.chance(20) ? std::string("legacy-") : std::string("")) + "creds-" + std::to_string(s);
        key = find_key(base.find("legacy-") != std::string::npos ? "alias/legacy" : "alias/shared-secrets");
        if (rng_.chance(15)) key = nullptr;  // the classic mistake: shared on the default key
      } else if (kind == 2) {
        base = "ci/deploy-" + std::to_string(s);
        key = find_key("alias/ci");
      } else if (kind == 4) {
        base = (rng_.chance(50) ? "prod/" : "dev/") + std::string("svc-") + std::to_string(s);
      } else if (rng_.chance(5)) {
        // Shared with the whole organization: rare, every admin of every account reads it.
        base = "org/config-" + std::to_string(s);
        key = find_key("alias/shared-secrets");
      } else {
        kind = 0;
        base = "app-" + std::to_string(s % app_count()) + "/config-" + std::to_string(s);
        key = find_key("alias/app");
      }
      sec.name = base;
      sec.arn = "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:" + base + "-" + suffix(rng_);
      if (key) sec.kms_key = rng_.chance(50) ? key->arn : key->alias;
      sec.policy = secret_policy(i, kind, sec.arn);
      if (multi_region(i) && s % 7 == 0) {
        sec.replica_region = "eu-west-1";
        sec.replica_key = "";  // the region's aws/secretsmanager
      }
      write_secret(acct, "us-east-1", sec, listed);
      if (!sec.replica_region.empty()) {
        Secret replica = sec;
        replica.arn = "arn:aws:secretsmanager:eu-west-1:" + acct + ":secret:" + sec.arn.substr(sec.arn.find(":secret:") + 8);
        listed["eu-west-1"]["SecretList"].push_back(
            ojson{{"ARN", replica.arn}, {"Name", sec.name}, {"PrimaryRegion", "us-east-1"}, {"CreatedDate", "2024-01-01T00:00:00+00:00"}});
      }
    }
    for (auto& [region, j] : listed) write(out_ / "accounts" / acct / region / "secretsmanager" / "list-secrets.json", j);
  }

  ojson secret_policy(size_t i, size_t kind, const std::string& arn) {
    const std::string& acct = accounts_[i];
    auto grant = [&](ojson principal, const char* sid) {
      return ojson{{"Sid", sid},
                   {"Effect", "Allow"},
                   {"Principal", {{"AWS", std::move(principal)}}},
                   {"Action", "secretsmanager:GetSecretValue"},
                   {"Resource", "*"}};
    };
    ojson st = ojson::array();
    if (kind == 1) {
      if (rng_.chance(80)) {
        st.push_back(grant("arn:aws:iam::" + other_account(i) + ":role/consumer-" + std::to_string(rng_.below(kConsumers)), "AllowConsumer"));
      } else {
        st.push_back(grant("arn:aws:iam::" + other_account(i) + ":root", "AllowPartnerAccount"));
      }
    } else if (kind == 5) {
      ojson g = grant("*", "AllowOrganization");
      if (rng_.chance(97)) {
        g["Condition"] = {{"StringEquals", {{"aws:PrincipalOrgID", org_}}}};
      } else {
        g["Sid"] = "PublicRead";
      }
      st.push_back(g);
    } else if (kind == 2 && rng_.chance(50)) {
      st.push_back(ojson{{"Sid", "DenyOutsideCi"},
                         {"Effect", "Deny"},
                         {"Principal", "*"},
                         {"Action", "secretsmanager:GetSecretValue"},
                         {"Resource", "*"},
                         {"Condition", {{"StringNotLike", {{"aws:PrincipalArn", {"arn:aws:iam::" + acct + ":role/platform-ci", "arn:aws:iam::" + acct + ":role/OrganizationAccountAccessRole"}}}}}}});
    } else {
      return nullptr;
    }
    (void)arn;
    return ojson{{"Version", "2012-10-17"}, {"Statement", st}};
  }

  void write_secret(const std::string& acct, const std::string& region, const Secret& s, std::map<std::string, ojson>& listed) {
    ojson d{{"ARN", s.arn}, {"Name", s.name}};
    if (!s.kms_key.empty()) d["KmsKeyId"] = s.kms_key;
    d["LastChangedDate"] = "2024-02-01T00:00:00.000000+00:00";
    d["VersionIdsToStages"] = {{hex(rng_, 8) + "-" + hex(rng_, 4) + "-" + hex(rng_, 4) + "-" + hex(rng_, 4) + "-" + hex(rng_, 12), {"AWSCURRENT"}}};
    d["CreatedDate"] = "2024-01-01T00:00:00.000000+00:00";
    d["PrimaryRegion"] = region;
    if (!s.replica_region.empty()) {
      ojson rep{{"Region", s.replica_region}, {"Status", "InSync"}, {"StatusMessage", "Replication succeeded"}};
      if (!s.replica_key.empty()) rep["KmsKeyId"] = s.replica_key;
      d["ReplicationStatus"] = ojson::array({rep});
    }
    ojson l = d;
    l.erase("VersionIdsToStages");
    listed[region]["SecretList"].push_back(l);
    fs::path dir = out_ / "accounts" / acct / region / "secretsmanager" / "secrets" / folder_name(s.name);
    write(dir / "describe-secret.json", d);
    ojson p{{"ARN", s.arn}, {"Name", s.name}};
    if (!s.policy.is_null()) p["ResourcePolicy"] = s.policy.dump(2);
    write(dir / "get-resource-policy.json", p);
  }

  void account(size_t i) {
    std::vector<Key> keys = kms(i);
    iam(i, keys);
    secrets(i, keys);
    if (multi_region(i)) {
      // The replica region's secretsmanager folder exists (list-secrets written above).
      fs::create_directories(out_ / "accounts" / accounts_[i] / "eu-west-1" / "secretsmanager");
    }
  }

  // ---- Organizations -------------------------------------------------------------------------

  ojson target(const std::string& id, const char* type) {
    std::string kind = std::string(type) == "ROOT" ? "root" : std::string(type) == "ACCOUNT" ? "account" : "ou";
    return ojson{{"TargetId", id}, {"Arn", "arn:aws:organizations::" + accounts_[0] + ":" + kind + "/" + org_ + "/" + id},
                 {"Name", id}, {"Type", type}};
  }

  void org_policy(const std::string& id, const std::string& name, const char* type, const ojson& content, const ojson& targets) {
    fs::path dir = out_ / "organization" / "policies" / id;
    std::string type_path = std::string(type) == "SERVICE_CONTROL_POLICY" ? "service_control_policy" : "resource_control_policy";
    write(dir / "describe-policy.json",
          ojson{{"Policy",
                 {{"PolicySummary",
                   {{"Id", id},
                    {"Arn", "arn:aws:organizations::aws:policy/" + type_path + "/" + id},
                    {"Name", name},
                    {"Description", name},
                    {"Type", type},
                    {"AwsManaged", name.find("FullAWSAccess") != std::string::npos}}},
                  {"Content", content.dump()}}}});
    write(dir / "list-targets-for-policy.json", ojson{{"Targets", targets}});
  }

  void organization() {
    const std::string& mgmt = accounts_[0];
    fs::path dir = out_ / "organization";
    write(dir / "describe-organization.json",
          ojson{{"Organization",
                 {{"Id", org_},
                  {"Arn", "arn:aws:organizations::" + mgmt + ":organization/" + org_},
                  {"FeatureSet", "ALL"},
                  {"MasterAccountArn", "arn:aws:organizations::" + mgmt + ":account/" + org_ + "/" + mgmt},
                  {"MasterAccountId", mgmt},
                  {"MasterAccountEmail", "aws-management@example.com"}}}});
    ojson types = ojson::array({{{"Type", "SERVICE_CONTROL_POLICY"}, {"Status", "ENABLED"}},
                                {{"Type", "RESOURCE_CONTROL_POLICY"}, {"Status", "ENABLED"}}});
    write(dir / "list-roots.json",
          ojson{{"Roots", {{{"Id", root_}, {"Arn", "arn:aws:organizations::" + mgmt + ":root/" + org_ + "/" + root_},
                            {"Name", "Root"}, {"PolicyTypes", types}}}}});
    auto account_entry = [&](const std::string& id) {
      return ojson{{"Id", id}, {"Arn", "arn:aws:organizations::" + mgmt + ":account/" + org_ + "/" + id},
                   {"Email", id + "@example.com"}, {"Name", "account-" + id}, {"Status", "ACTIVE"},
                   {"JoinedMethod", "CREATED"}, {"JoinedTimestamp", 1700000000.0}};
    };
    ojson root_accounts = ojson::array(), root_ous = ojson::array();
    std::vector<ojson> ou_accounts(ous_.size(), ojson::array());
    for (size_t i = 0; i < accounts_.size(); ++i) {
      if (ou_of(i) == SIZE_MAX) {
        root_accounts.push_back(account_entry(accounts_[i]));
      } else {
        ou_accounts[ou_of(i)].push_back(account_entry(accounts_[i]));
      }
    }
    for (size_t o = 0; o < ous_.size(); ++o) {
      root_ous.push_back({{"Id", ous_[o]}, {"Arn", "arn:aws:organizations::" + mgmt + ":ou/" + org_ + "/" + ous_[o]},
                          {"Name", "Workloads " + std::to_string(o)}});
      write(dir / "children" / ous_[o] / "list-accounts-for-parent.json", ojson{{"Accounts", ou_accounts[o]}});
      write(dir / "children" / ous_[o] / "list-organizational-units-for-parent.json", ojson{{"OrganizationalUnits", ojson::array()}});
    }
    write(dir / "children" / root_ / "list-accounts-for-parent.json", ojson{{"Accounts", root_accounts}});
    write(dir / "children" / root_ / "list-organizational-units-for-parent.json", ojson{{"OrganizationalUnits", root_ous}});

    ojson everywhere = ojson::array({target(root_, "ROOT")});
    for (const auto& ou : ous_) everywhere.push_back(target(ou, "ORGANIZATIONAL_UNIT"));
    for (const auto& a : accounts_) everywhere.push_back(target(a, "ACCOUNT"));
    org_policy("p-FullAWSAccess", "FullAWSAccess", "SERVICE_CONTROL_POLICY",
               ojson{{"Version", "2012-10-17"}, {"Statement", {{{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}}}}, everywhere);
    org_policy("p-RCPFullAWSAccess", "RCPFullAWSAccess", "RESOURCE_CONTROL_POLICY",
               ojson{{"Version", "2012-10-17"},
                     {"Statement", {{{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "*"}, {"Resource", "*"}}}}},
               everywhere);
    // Regions: secrets only in the two regions in use, on the first OU.
    org_policy("p-" + hex(rng_, 8), "deny-other-regions", "SERVICE_CONTROL_POLICY",
               doc({{{"Sid", "DenyOtherRegions"},
                     {"Effect", "Deny"},
                     {"Action", {"secretsmanager:*", "kms:*"}},
                     {"Resource", "*"},
                     {"Condition", {{"StringNotEquals", {{"aws:RequestedRegion", {"us-east-1", "eu-west-1"}}}}}}}}),
               ojson::array({target(ous_[0], "ORGANIZATIONAL_UNIT")}));
    // Sandbox: no reading of production secrets.
    ojson sandboxes = ojson::array();
    for (size_t i = 3; i < accounts_.size(); i += 7) sandboxes.push_back(target(accounts_[i], "ACCOUNT"));
    org_policy("p-" + hex(rng_, 8), "deny-prod-secrets", "SERVICE_CONTROL_POLICY",
               doc({{{"Sid", "DenyProdSecrets"},
                     {"Effect", "Deny"},
                     {"Action", "secretsmanager:GetSecretValue"},
                     {"Resource", "arn:aws:secretsmanager:*:*:secret:prod/*"}}}),
               sandboxes);
    // A data perimeter on the last OU: its secrets only for the organization's principals.
    org_policy("p-" + hex(rng_, 8), "data-perimeter", "RESOURCE_CONTROL_POLICY",
               ojson{{"Version", "2012-10-17"},
                     {"Statement",
                      {{{"Sid", "EnforceOrgIdentities"},
                        {"Effect", "Deny"},
                        {"Principal", "*"},
                        {"Action", {"secretsmanager:*", "kms:*"}},
                        {"Resource", "*"},
                        {"Condition", {{"StringNotEqualsIfExists", {{"aws:PrincipalOrgID", org_}}},
                                       {"BoolIfExists", {{"aws:PrincipalIsAWSService", "false"}}}}}}}}},
               ojson::array({target(ous_.back(), "ORGANIZATIONAL_UNIT")}));
  }

  ExportShape shape_;
  fs::path out_;
  Rng rng_;
  std::vector<std::string> accounts_;
  std::string org_, root_;
  std::vector<std::string> ous_;
};

}  // namespace detail

// Writes the export below `out` (which should be empty or absent).
inline void generate_export(const ExportShape& shape, const std::filesystem::path& out) {
  detail::Generator(shape, out).run();
}

}  // namespace threegate::testgen
