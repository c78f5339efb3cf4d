// The shared corpus of real `terraform show -json` outputs (04-terraform-plan-json: checkov,
// regula, terraform-compliance and tf-iam-policy-validator test plans, Terraform 0.12 to 1.12),
// reviewed file by file: which IAM / KMS / Secrets Manager policies each plan holds, which are
// known only after apply, what is deleted, and so which findings a reviewer expects. Each plan's
// findings are pinned as "RULE line" with the reason. Resource policies of other services (S3,
// SNS, API Gateway, Kinesis, OpenSearch, ...) are outside threegate's scope (README, "Resources
// read") and give nothing. The corpus is read in place, never copied into the project.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "e2e/run.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(THREEGATE_CORPUS_DIR) / "04-terraform-plan-json";

struct Checked {
  nlohmann::json report;
  int exit_code = -1;
};

Checked check(const fs::path& plan) {
  Checked c;
  c.report = e2e::threegate_json("check --format json '" + plan.string() + "'", &c.exit_code);
  return c;
}

// "TG415 55": rule and line of each finding, sorted.
std::vector<std::string> rule_lines(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& f : report["findings"])
    out.push_back(f["rule_id"].get<std::string>() + " " + std::to_string(f["location"].value("line", 0)));
  std::sort(out.begin(), out.end());
  return out;
}

std::string messages_of(const nlohmann::json& report) {
  std::string out;
  for (const auto& f : report["findings"])
    out += f["rule_id"].get<std::string>() + " " + f.value("severity", "") + " " + f.value("message", "") + "\n";
  return out;
}

size_t count_containing(const nlohmann::json& report, const std::string& rule, const std::string& text) {
  return static_cast<size_t>(std::count_if(report["findings"].begin(), report["findings"].end(), [&](const auto& f) {
    return f["rule_id"] == rule && f.value("message", "").find(text) != std::string::npos;
  }));
}

// Every plan of the corpus with the findings a reviewer expects of it, "RULE line" sorted.
struct Expected {
  const char* file;
  std::vector<std::string> findings;
  int exit_code;  // default fail-on: warning
};

const std::vector<Expected>& expectations() {
  static const std::vector<Expected> all = {
      // One aws_iam_role trusting codebuild.amazonaws.com, no permissions policy: nothing to say.
      {"checkov/codebuild_iam_role.tfplan.json", {}, 0},
      // A state (`values`) holding one test_instance: read as deployed, nothing of AWS in it.
      {"checkov/corrupted.tfplan.json", {}, 0},
      // Four for_each roles (r1, r6 x p1, p2) in a child module. Each trust policy comes from a
      // data.aws_iam_policy_document that waits for the OIDC provider's url/arn: known only after
      // apply, one TG405 info each at the role in planned_values. Each inline policy lists
      // s3:ListBucket on "arn:aws:s3:::" (the bucket name left empty): TG415 inside the string.
      {"checkov/github_oidc_trust_policy.tfplan.json",
       {"TG405 114", "TG405 150", "TG405 42", "TG405 78", "TG415 127", "TG415 163", "TG415 55", "TG415 91"},
       1},
      // A goat-style stack: three trust policies to AWS services, two identity policies with
      // service-wide wildcards that all exist (s3:*, ec2:*, rds:*, lambda:*, cloudwatch:*), a KMS
      // key without a policy (the default key policy) and an Elasticsearch domain policy (out of
      // scope). The EKS role gets two AWS-managed policies by ARN that the plan does not define:
      // one TG405 info each, at the policy_arn.
      {"checkov/plan_kms_iam_mixed.tfplan.json", {"TG405 475", "TG405 487"}, 0},
      // A secret replaced create-before-destroy (actions create, delete): it stays, with no
      // policy (after_unknown, but not set by the configuration: AWS's to compute) and the
      // AWS-managed key; no intended share, so nothing.
      {"checkov/plan_with_deleted_resources.tfplan.json", {}, 0},
      // An S3 bucket policy from a policy document known after apply: out of scope. Its entry in
      // planned_values has no `values`: Terraform omits them (omitempty) when every attribute is
      // unknown, so that is a plan as Terraform writes it, not a shape to warn about.
      {"checkov/plan_with_iam_data_block.tfplan.json", {}, 0},
      // Group, role and user policies with iam:*, s3:Get*, s3:* (all match actions), a trust
      // policy to lambda, Sid "" (allowed): valid, so nothing.
      {"checkov/plan_with_iam_policies.tfplan.json", {}, 0},
      // One secret without kms_key_id or policy: the AWS-managed key, no share, nothing.
      {"checkov/secretsmanager_secret_encrypted.tfplan.json", {}, 0},
      // "Action": "*" Allow and Deny policies and ec2:Describe* ones: admin access is no rule of
      // threegate, and every entry is valid.
      {"regula/iam_admin_policy.plan.json", {}, 0},
      // Three keys without policy (the default key policy), rotation on or off: nothing.
      {"regula/kms_key_rotation.plan.json", {}, 0},
      // The same keys, one retyped aws_kms_key2 in planned_values by hand: the contradiction with
      // resource_changes is a TG405 warning at that "type" value.
      {"regula/kms_tfplan_hand_edited.json", {"TG405 10"}, 1},
      // A role trusting ecs-tasks.amazonaws.com in a module, name known after apply: nothing.
      {"terraform-compliance/iam_role_policy_document.plan.json", {}, 0},
      // A key without policy used by an SQS queue: the default key policy, nothing.
      {"terraform-compliance/kms_key_sqs.plan.json", {}, 0},
      // A key without policy in a child module, and a bucket: nothing.
      {"terraform-compliance/module_kms_key.plan.json", {}, 0},
      // One managed policy: iam:PassRole with iam:PassedToService, list actions on "*",
      // lambda function actions (lambda:invokeFunction in another letter case is valid) on
      // function ARNs. Access Analyzer's expected result for it is empty; so is threegate's.
      {"tf-iam-policy-validator/iam_policy.test_plan.json", {}, 0},
      // Group, user, role inline and managed policies with ec2:Allocate*, List*, Accept*,
      // Apply*, Assign*, Describe*: each wildcard matches actions. (Access Analyzer's expected
      // findings there are CheckNoNewAccess against a reference policy: not a threegate check.)
      {"tf-iam-policy-validator/identity_policies.test_plan.json", {}, 0},
      // A user policy with ec2:Describe* and an S3 bucket policy (out of scope): nothing.
      {"tf-iam-policy-validator/multiple_policies.test_plan.json", {}, 0},
      // Two S3 bucket policies (out of scope) and a user without policy: nothing.
      {"tf-iam-policy-validator/no_access_granted.test_plan.json", {}, 0},
      // A role trusting ec2.amazonaws.com with an ec2:Describe* inline policy: nothing.
      {"tf-iam-policy-validator/role_inline_assume_policy.test_plan.json", {}, 0},
  };
  return all;
}

// Pinned apart (see their test cases): the public-access plan, whose role trust policies are
// open to "*", and the terraform-compliance plan whose values were blanked.
const char* const kPublicAccess = "tf-iam-policy-validator/public_access.test_plan.json";
const char* const kBlanked = "terraform-compliance/iam_role_policy_522.plan.json";

bool corpus_absent() {
  if (fs::is_directory(kCorpus)) return false;
  MESSAGE("shared corpus absent (" << kCorpus.string() << "): skipped");
  return true;
}

}  // namespace

TEST_CASE("terraform plan corpus: every plan is reviewed here") {
  if (corpus_absent()) return;
  std::vector<std::string> listed = {kPublicAccess, kBlanked};
  for (const auto& e : expectations()) listed.push_back(e.file);
  std::sort(listed.begin(), listed.end());
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(kCorpus)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    const std::string rel = fs::relative(e.path(), kCorpus).generic_string();
    if (rel.rfind("tf-iam-policy-validator/expected/", 0) == 0) continue;  // Access Analyzer results
    found.push_back(rel);
  }
  std::sort(found.begin(), found.end());
  // A plan added to the corpus needs a review (and a line here).
  CHECK(found == listed);
  CHECK(found.size() == 21);
}

TEST_CASE("terraform plan corpus: each plan gives the findings a reviewer expects") {
  if (corpus_absent()) return;
  for (const auto& e : expectations()) {
    CAPTURE(e.file);
    const auto run = check(kCorpus / e.file);
    REQUIRE(run.report.is_object());
    auto expected = e.findings;
    std::sort(expected.begin(), expected.end());
    CHECK_MESSAGE(rule_lines(run.report) == expected, messages_of(run.report));
    CHECK(run.exit_code == e.exit_code);
  }
}

TEST_CASE("terraform plan corpus: what the findings say") {
  if (corpus_absent()) return;
  // The four unknown trust policies: infos naming the role instance and the document they wait
  // for, pointing to --source; the four empty bucket ARNs: errors saying which part is empty.
  const auto oidc = check(kCorpus / "checkov/github_oidc_trust_policy.tfplan.json").report;
  REQUIRE(oidc.is_object());
  for (const char* role : {"module.poc.aws_iam_role.r6[\"p1\"]", "module.poc.aws_iam_role.r6[\"p2\"]",
                           "module.poc.aws_iam_role.r1[\"p1\"]", "module.poc.aws_iam_role.r1[\"p2\"]"}) {
    CAPTURE(role);
    CHECK(count_containing(oidc, "TG405", "the trust policy of " + std::string(role) + " cannot be known before apply") == 1);
  }
  CHECK(count_containing(oidc, "TG405", "data.aws_iam_policy_document.r4 is known only after apply") == 2);
  CHECK(count_containing(oidc, "TG405", "data.aws_iam_policy_document.r3 is known only after apply") == 2);
  CHECK(count_containing(oidc, "TG405", "--source") == 4);
  CHECK(count_containing(oidc, "TG415", "\"arn:aws:s3:::\": its resource part is empty") == 4);
  for (const auto& f : oidc["findings"]) {
    CAPTURE(f.dump());
    CHECK(f["severity"] == (f["rule_id"] == "TG405" ? "info" : "error"));
    // Inside the policy string: the column of the ARN, not of the "policy" attribute.
    if (f["rule_id"] == "TG415") CHECK(f["location"]["column"] == 200);
  }

  // The managed policies attached by ARN: said unknown, taken to allow only, not guessed.
  const auto mixed = check(kCorpus / "checkov/plan_kms_iam_mixed.tfplan.json").report;
  REQUIRE(mixed.is_object());
  for (const char* p : {"AmazonEKSClusterPolicy", "AmazonEKSServicePolicy"}) {
    CAPTURE(p);
    CHECK(count_containing(mixed, "TG405",
                           std::string("arn:aws:iam::aws:policy/") + p +
                               " is not defined in this configuration: what it allows is undecided (an AWS-managed "
                               "policy: taken to allow only)") == 1);
  }

  // The hand edit: a warning that says what contradicts what and which part is read.
  const auto edited = check(kCorpus / "regula/kms_tfplan_hand_edited.json").report;
  REQUIRE(edited.is_object());
  CHECK(count_containing(edited, "TG405", "the plan contradicts itself: aws_kms_key.blank-invalid") == 1);
  CHECK(count_containing(edited, "TG405", "planned_values is read") == 1);
  REQUIRE(edited["findings"].size() == 1);
  CHECK(edited["findings"][0]["severity"] == "warning");
}

TEST_CASE("terraform plan corpus: the blanked terraform-compliance plan") {
  if (corpus_absent()) return;
  // terraform-compliance blanked every string of this plan (policy_arn "", policy "", ARNs ""),
  // all on one line. Its two role policy attachments name no policy: one TG405 info each.
  const auto run = check(kCorpus / kBlanked);
  REQUIRE(run.report.is_object());
  CHECK(run.exit_code == 0);
  for (const char* a : {"aws_iam_role_policy_attachment.lambda_execution_policy_attachment_vpc_access",
                        "aws_iam_role_policy_attachment.lambda_logging_policy_attachment"}) {
    CAPTURE(a);
    CHECK(count_containing(run.report, "TG405", std::string(a) + " names no policy ARN: nothing is attached") == 1);
  }
  // Whether the blanked permissions and trust policies (policy "") deserve a word is left open
  // (threegate reads "" as no policy, as the AWS provider records a secret's computed policy);
  // anything else would be a false positive: the deleted CloudWatch rules give nothing, nor
  // does the lambda permission whose planned_values entry has no `values` (Terraform omits them
  // when they are all empty or unknown; and threegate does not read lambda permissions).
  for (const auto& f : run.report["findings"]) {
    CAPTURE(f.dump());
    CHECK(f["severity"] == "info");
    const std::string m = f.value("message", "");
    CHECK((m.find("aws_iam_role_policy_attachment.") != std::string::npos ||
           m.find("aws_iam_role_policy.lambda_execution_policy") != std::string::npos ||
           m.find("aws_iam_role.lambda_execution_role") != std::string::npos));
    CHECK(m.find("cloudwatch") == std::string::npos);
  }
}

TEST_CASE("terraform plan corpus: the public-access plan") {
  if (corpus_absent()) return;
  // tf-iam-policy-validator's public-access plan: resource policies open to "*" on S3, SNS,
  // API Gateway, Backup, CodeArtifact, DynamoDB (with a 10-digit account), Kinesis (without
  // region), OpenSearch and S3 Tables. None is a key, secret or IAM policy: threegate does not
  // read them, so none of their defects is reported. Its two roles' trust policies allow
  // sts:AssumeRole to {"AWS": "*"}; whether threegate should say so is not pinned here (no
  // documented rule covers trust policies: TG202 is for key and secret policies), but any
  // finding it gives must be about those roles.
  const auto run = check(kCorpus / kPublicAccess);
  REQUIRE(run.report.is_object());
  for (const auto& f : run.report["findings"]) {
    CAPTURE(f.dump());
    const std::string m = f.value("message", "");
    CHECK((m.find("aws_iam_role.default") != std::string::npos || m.find("aws_iam_role.test_role") != std::string::npos));
  }
}

TEST_CASE("terraform plan corpus: a resource replaced before it is destroyed stays in force") {
  if (corpus_absent()) return;
  // plan_with_deleted_resources replaces its secret create-before-destroy (actions
  // ["create", "delete"]): the new secret is what stands after apply. Given a public policy in
  // a copy, that policy is reported (TG202).
  std::string text = e2e::read_file((kCorpus / "checkov/plan_with_deleted_resources.tfplan.json").string());
  auto plan = nlohmann::json::parse(text);
  REQUIRE(plan["resource_changes"][0]["change"]["actions"] == nlohmann::json({"create", "delete"}));
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]})";
  plan["planned_values"]["root_module"]["resources"][0]["values"]["policy"] = policy;
  plan["resource_changes"][0]["change"]["after"]["policy"] = policy;
  plan["resource_changes"][0]["change"]["after_unknown"]["policy"] = false;
  plan["configuration"]["root_module"]["resources"][0]["expressions"]["policy"] = {{"constant_value", policy}};
  const fs::path copy = fs::temp_directory_path() / "threegate-e2e-corpus-replaced" / "tfplan.json";
  fs::create_directories(copy.parent_path());
  std::ofstream(copy, std::ios::binary) << plan.dump(2);
  int code = -1;
  const auto report = e2e::threegate_json("check --format json '" + copy.string() + "'", &code);
  fs::remove_all(copy.parent_path());
  REQUIRE(report.is_object());
  std::vector<std::string> rules;
  for (const auto& f : report["findings"]) rules.push_back(f["rule_id"]);
  CHECK_MESSAGE(rules == std::vector<std::string>{"TG202"}, messages_of(report));
  CHECK(count_containing(report, "TG202", "secret policy of aws_secretsmanager_secret.default") == 1);
  CHECK(code == 1);
}
