// Terraform plans (`terraform show -json`), end to end. Each scenario of fixtures/terraform has
// a plan written to the documented format (fixtures/terraform-plans/NN.plan.json): with its .tf
// source it gives exactly the findings the .tf fixture lists (or the plan's own list, when the
// plan necessarily differs), and without it the same rules wherever the plan knows the policies.
// Small cases pin deletions, states and policies known only after apply; every plan of the
// shared corpus is read without a crash.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e/run.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kPlans = fs::path(THREEGATE_SOURCE_DIR) / "fixtures" / "terraform-plans";

std::vector<std::string> plan_names() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kPlans)) {
    const std::string f = e.path().filename().string();
    if (f.size() > 10 && f.compare(f.size() - 10, 10, ".plan.json") == 0) out.push_back(f.substr(0, f.size() - 10));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> listed(const fs::path& file) {
  std::vector<std::string> out;
  std::istringstream in(e2e::read_file(file.string()));
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

// "TG101 main.tf:14", paths relative to `dir` when under it.
std::vector<std::string> findings_of(const nlohmann::json& report, const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : report["findings"]) {
    std::string path = f["location"].value("path", "");
    if (path.rfind(dir + "/", 0) == 0) path = path.substr(dir.size() + 1);
    out.push_back(f["rule_id"].get<std::string>() + " " + path + ":" + std::to_string(f["location"].value("line", 0)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> rules_of(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& f : report["findings"]) out.push_back(f["rule_id"]);
  std::sort(out.begin(), out.end());
  return out;
}

std::string messages_of(const nlohmann::json& report) {
  std::string out;
  for (const auto& f : report["findings"]) out += f["rule_id"].get<std::string>() + " " + f.value("message", "") + "\n";
  return out;
}

}  // namespace

TEST_CASE("terraform plans: with the .tf source, the findings of the .tf fixture") {
  const auto names = plan_names();
  REQUIRE(names.size() >= 13);
  for (const auto& name : names) {
    CAPTURE(name);
    const std::string dir = "fixtures/terraform/" + name;
    REQUIRE_MESSAGE(fs::is_directory(fs::path(THREEGATE_SOURCE_DIR) / dir), "each plan is of a Terraform fixture");
    // A plan that necessarily differs from its .tf (a variable needs a value to be planned)
    // lists its own findings next to it.
    const fs::path own = kPlans / (name + ".expected-findings.txt");
    const auto expected = listed(fs::exists(own) ? own : fs::path(THREEGATE_SOURCE_DIR) / dir / "expected-findings.txt");
    const auto report = e2e::threegate_json("check --format json --source " + dir + " fixtures/terraform-plans/" + name +
                                            ".plan.json");
    REQUIRE(report.is_object());
    CHECK(findings_of(report, dir) == expected);
  }
}

TEST_CASE("terraform plans: without the source, the same rules where the plan knows the policies") {
  size_t compared = 0;
  for (const auto& name : plan_names()) {
    CAPTURE(name);
    const std::string plan = "fixtures/terraform-plans/" + name + ".plan.json";
    const auto with = e2e::threegate_json("check --format json --source fixtures/terraform/" + name + " " + plan);
    const auto without = e2e::threegate_json("check --format json " + plan);
    REQUIRE(without.is_object());
    auto rules_with = rules_of(with), rules_without = rules_of(without);
    // Inline suppressions live in the .tf comments; without them their findings come back.
    if (name.find("suppressions") != std::string::npos) {
      CHECK(rules_without.size() >= rules_with.size());
      continue;
    }
    // A policy known only after apply is one TG405 info without the source, never dropped.
    const auto unknown = std::count_if(without["findings"].begin(), without["findings"].end(), [](const auto& f) {
      return f["rule_id"] == "TG405" && f.value("message", "").find("cannot be known before apply") != std::string::npos;
    });
    if (unknown > 0) {
      CHECK_MESSAGE(messages_of(without).find("--source") != std::string::npos, messages_of(without));
      continue;
    }
    CHECK_MESSAGE(rules_without == rules_with, messages_of(without));
    for (const auto& f : without["findings"])
      CHECK(f["location"].value("path", "") == plan);  // findings point into the plan
    ++compared;
  }
  CHECK(compared >= 10);
}

TEST_CASE("terraform plans: text output without the source matches the reviewed snapshots") {
  const bool update = std::getenv("THREEGATE_UPDATE_SNAPSHOTS") != nullptr;
  for (const auto& name : plan_names()) {
    CAPTURE(name);
    const auto run = e2e::threegate("check fixtures/terraform-plans/" + name + ".plan.json", false);
    const fs::path snapshot = kPlans / "snapshots" / (name + ".txt");
    if (update) {
      fs::create_directories(snapshot.parent_path());
      std::ofstream(snapshot, std::ios::binary) << run.out;
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(snapshot), "missing snapshot; run with THREEGATE_UPDATE_SNAPSHOTS=1 and review");
    CHECK(run.out == e2e::read_file(snapshot.string()));
  }
}

TEST_CASE("terraform plans: a resource the plan destroys is not in force") {
  const auto report = e2e::threegate_json("check --format json fixtures/terraform-plans/cases/deleted-resources.plan.json");
  REQUIRE(report.is_object());
  // Both secrets have a public policy; only the one that stays is reported.
  std::vector<std::string> public_secrets;
  for (const auto& f : report["findings"])
    if (f["rule_id"] == "TG202") public_secrets.push_back(f.value("message", ""));
  REQUIRE(public_secrets.size() == 1);
  CHECK(public_secrets[0].find("secret:kept-") != std::string::npos);
  // An existing resource's known ARN comes with its address.
  CHECK(public_secrets[0].find("aws_secretsmanager_secret.kept (arn:aws:secretsmanager:") != std::string::npos);
  CHECK(messages_of(report).find("secret:old-") == std::string::npos);
}

TEST_CASE("terraform plans: a state is read as what is deployed") {
  const auto report = e2e::threegate_json("check --format json fixtures/terraform-plans/cases/state.json");
  REQUIRE(report.is_object());
  CHECK(rules_of(report) == std::vector<std::string>{"TG202"});
}

TEST_CASE("terraform plans: a policy known only after apply, without the source") {
  int code = 0;
  const auto report =
      e2e::threegate_json("check --format json fixtures/terraform-plans/cases/policy-unknown-no-source.plan.json", &code);
  REQUIRE(report.is_object());
  const std::string messages = messages_of(report);
  // Said once, naming the resource and what it waits for; never a made-up policy.
  CHECK(rules_of(report) == std::vector<std::string>{"TG405"});
  CHECK(messages.find("the policy of aws_kms_key.app cannot be known before apply") != std::string::npos);
  CHECK(messages.find("aws_iam_role.reader.arn is known only after apply") != std::string::npos);
  // kms_key_id = aws_kms_key.app.arn ties the secret to the key, although both ARNs are unknown.
  CHECK(messages.find("matches no key") == std::string::npos);
  CHECK(messages.find("not created by this configuration") == std::string::npos);
}

TEST_CASE("terraform plans: the plan's folder is its source by default; --source must be a folder") {
  const auto run = e2e::threegate("check --source fixtures/no-such-folder fixtures/terraform-plans/cases/state.json");
  CHECK(run.exit_code == 2);
  CHECK(run.out.find("--source fixtures/no-such-folder: no such folder") != std::string::npos);
  // A folder holding both the .tf files and their plan is read once, through the plan.
  const fs::path dir = fs::temp_directory_path() / "threegate-e2e-plan-with-source";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(fs::path(THREEGATE_SOURCE_DIR) / "fixtures/terraform/02-cmk-cross-account"))
    if (e.path().extension() == ".tf") fs::copy_file(e.path(), dir / e.path().filename());
  fs::copy_file(kPlans / "02-cmk-cross-account.plan.json", dir / "tfplan.json");
  const auto report = e2e::threegate_json("check --format json " + dir.string());
  REQUIRE(report.is_object());
  CHECK(findings_of(report, dir.string()) ==
        listed(fs::path(THREEGATE_SOURCE_DIR) / "fixtures/terraform/02-cmk-cross-account/expected-findings.txt"));
  fs::remove_all(dir);
}

TEST_CASE("terraform plans: every plan of the corpus is read without a crash") {
  const fs::path corpus = fs::path(THREEGATE_CORPUS_DIR) / "04-terraform-plan-json";
  if (!fs::is_directory(corpus)) {
    MESSAGE("shared corpus absent: skipped");
    return;
  }
  size_t plans = 0;
  for (const auto& e : fs::recursive_directory_iterator(corpus)) {
    if (e.path().extension() != ".json" || e.path().string().find("/expected/") != std::string::npos) continue;
    CAPTURE(e.path().string());
    int code = -1;
    const auto report = e2e::threegate_json("check --format json '" + e.path().string() + "'", &code);
    REQUIRE(report.is_object());
    CHECK((code == 0 || code == 1));
    // Every file is read as a plan or a state, never as "not a policy".
    CHECK(messages_of(report).find("not a policy document") == std::string::npos);
    ++plans;
  }
  CHECK(plans >= 20);
  // What a reviewer expects of the ones with policies.
  auto check_file = [&](const std::string& rel) {
    return e2e::threegate_json("check --format json '" + (corpus / rel).string() + "'");
  };
  // An empty bucket ARN left by an unset variable, in four for_each roles' policies.
  const auto oidc = check_file("checkov/github_oidc_trust_policy.tfplan.json");
  const auto oidc_rules = rules_of(oidc);
  CHECK(std::count(oidc_rules.begin(), oidc_rules.end(), "TG415") == 4);
  // A hand edit that contradicts resource_changes is said.
  const auto edited = check_file("regula/kms_tfplan_hand_edited.json");
  CHECK(messages_of(edited).find("the plan contradicts itself") != std::string::npos);
  // The policies are read, not merely parsed: an action changed in a copy is found.
  const fs::path copy = fs::temp_directory_path() / "threegate-e2e-plan-mutated" / "tfplan.json";
  fs::create_directories(copy.parent_path());
  std::string text = e2e::read_file((corpus / "checkov/plan_with_iam_policies.tfplan.json").string());
  REQUIRE(text.find("s3:Get*") != std::string::npos);
  text.replace(text.find("s3:Get*"), 7, "s3:Gett*");
  std::ofstream(copy, std::ios::binary) << text;
  const auto mutated = e2e::threegate_json("check --format json " + copy.string());
  CHECK(rules_of(mutated) == std::vector<std::string>{"TG411"});
  fs::remove_all(copy.parent_path());
  // Managed policies named by ARN but not in the plan are said, not guessed.
  const auto mixed = check_file("checkov/plan_kms_iam_mixed.tfplan.json");
  CHECK(messages_of(mixed).find("AmazonEKSClusterPolicy is not defined in this configuration") != std::string::npos);
}

namespace {

nlohmann::json check_case(const std::string& name) {
  return e2e::threegate_json("check --format json fixtures/terraform-plans/cases/" + name);
}

size_t count_rule(const nlohmann::json& report, const std::string& rule, const std::string& part = "") {
  size_t n = 0;
  for (const auto& f : report["findings"])
    if (f["rule_id"] == rule && f.value("message", "").find(part) != std::string::npos) ++n;
  return n;
}

}  // namespace

TEST_CASE("terraform plans: the shapes Terraform writes that are easy to misread") {
  // A deposed object shares the address of the object in force: its delete is not that object's.
  const auto deposed = check_case("deposed.plan.json");
  CHECK(messages_of(deposed).find("contradicts itself") == std::string::npos);
  CHECK(messages_of(deposed).find("not created by this configuration") == std::string::npos);
  CHECK(count_rule(deposed, "TG109") == 1);
  // after_unknown `true` for a whole resource: its policy is unknown, never the default one.
  const auto whole = check_case("whole-object-unknown.plan.json");
  CHECK(count_rule(whole, "TG102") == 0);
  CHECK(count_rule(whole, "TG405", "the policy of aws_kms_key.secrets cannot be known before apply") == 1);
  // kms_key_id = aws_kms_key.k[each.value].arn names another instance's key: unknown, not "mine".
  const auto each = check_case("each-value.plan.json");
  CHECK(count_rule(each, "TG102") == 0);
  CHECK(count_rule(each, "TG405", "known only after apply") == 2);
  // A map member known only after apply (a grant's SecretARN constraint) is not dropped.
  const auto grant = check_case("partially-unknown-map.plan.json");
  CHECK(count_rule(grant, "TG109", "encryption_context_subset.SecretARN") == 1);
  // Replicas are a set: paired with the configuration by region, whatever the order.
  const auto replicas = check_case("replica-order.plan.json");
  CHECK(count_rule(replicas, "TG107") == 1);
  CHECK(count_rule(replicas, "TG107", "replica in us-west-2") == 1);
  CHECK(count_rule(replicas, "TG108") == 0);
  // Only the default provider's caller identity is the deploying account.
  const auto callers = check_case("two-caller-identities.plan.json");
  CHECK(count_rule(callers, "TG101", "allows only account 111111111111") == 1);
  CHECK(messages_of(callers).find("999999999999") == std::string::npos);
}

TEST_CASE("terraform plans: references through modules reach the resource") {
  // kms_key_id = module.kms.key_arn, the output being aws_kms_key.this.arn: that key, whose
  // policy does not let the reader decrypt.
  const auto output = check_case("module-output.plan.json");
  CHECK(count_rule(output, "TG102", "module.kms.aws_kms_key.this") == 1);
  // Inside module.app, kms_key_id = var.key_arn, given aws_kms_key.k.arn by the root.
  const auto variable = check_case("module-variable.plan.json");
  CHECK(count_rule(variable, "TG102", "the key policy of aws_kms_key.k") == 1);
}

TEST_CASE("terraform plans: a source that is not the plan's code is said, never trusted in silence") {
  const auto wrong = e2e::threegate_json(
      "check --format json --source fixtures/terraform/12-kms-grant fixtures/terraform-plans/15-policy-known-after-apply.plan.json");
  REQUIRE(wrong.is_object());
  CHECK(count_rule(wrong, "TG405", "do not match it: aws_kms_key.app.policy is set in the plan's configuration") == 1);
  CHECK(count_rule(wrong, "TG405", "not in the plan (aws_kms_grant.") == 1);
  // The key's policy stays unknown: not the default policy the wrong source would give.
  CHECK(count_rule(wrong, "TG405", "the policy of aws_kms_key.app cannot be known before apply") == 1);
  // A .tf file given as --source stands for its folder.
  const auto file = e2e::threegate_json("check --format json --source fixtures/terraform/15-policy-known-after-apply/main.tf "
                                        "fixtures/terraform-plans/15-policy-known-after-apply.plan.json");
  REQUIRE(file.is_object());
  CHECK(rules_of(file) == std::vector<std::string>{"TG103", "TG201"});
}
