// Real AWS CLI outputs from the shared corpus, laid out as an export in a temporary folder and
// read: they parse (or are reported with a location), and what they say reaches the inventory.
// Skips cleanly when the corpus is absent.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "threegate/export.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = THREEGATE_CORPUS_DIR;
const fs::path kSamples = kCorpus / "06-account-authorization-details";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Export {
  fs::path dir;
  explicit Export(const std::string& name) : dir(fs::temp_directory_path() / ("threegate-export-corpus-" + name)) {
    fs::remove_all(dir);
  }
  ~Export() { fs::remove_all(dir); }
  void put(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
  }
};

struct Loaded {
  Analysis analysis;
  std::vector<ExportGap> gaps;
  ExportSummary summary;
  Inventory& inv() { return analysis.scopes.back().inventory; }
};

std::unique_ptr<Loaded> load(const Export& e) {
  auto l = std::make_unique<Loaded>();
  std::string usage;
  load_export(e.dir.string(), l->analysis, l->gaps, l->summary, usage);
  REQUIRE(usage.empty());
  run_analysis(l->analysis);
  build_access_matrix(l->analysis.scopes.back());
  for (const auto& f : l->analysis.findings) CHECK((f.range.known() || !f.path.empty()));
  return l;
}

// The account of the first role or user ARN in an authorization-details document.
std::string account_of(const nlohmann::json& doc) {
  for (const char* list : {"RoleDetailList", "UserDetailList"}) {
    if (!doc.contains(list) || !doc[list].is_array()) continue;
    for (const auto& e : doc[list]) {
      std::string arn = e.value("Arn", "");
      ArnParts p;
      if (split_arn(arn, p) && p.account.size() == 12) return p.account;
    }
  }
  return "";
}

}  // namespace

TEST_CASE("corpus: get-account-authorization-details samples read as principals") {
  if (!fs::is_directory(kSamples)) {
    MESSAGE("shared corpus not present: skipped");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(kSamples)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && e.path().extension() == ".json" && name.find("INVALID") == std::string::npos &&
        (name.find("authorization-details") != std::string::npos || name.find("authz") != std::string::npos ||
         e.path().parent_path().filename() == "cloudsplaining")) {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 5);
  size_t principals = 0;
  for (const auto& f : files) {
    CAPTURE(f);
    std::string text = slurp(f);
    auto doc = nlohmann::json::parse(text, nullptr, false);
    REQUIRE(doc.is_object());
    std::string acct = account_of(doc);
    if (acct.empty()) continue;  // no role or user of a 12-digit account
    Export e("iam");
    e.put("accounts/" + acct + "/iam/get-account-authorization-details.json", text);
    auto l = load(e);
    // Sanitized samples mix accounts: an ARN of another account is reported (TG403), not read.
    size_t listed = 0, foreign = 0;
    for (const char* list : {"RoleDetailList", "UserDetailList"}) {
      if (!doc.contains(list) || !doc[list].is_array()) continue;
      for (const auto& p : doc[list]) (p.value("Arn", "").find(":" + acct + ":") != std::string::npos ? listed : foreign) += 1;
    }
    CHECK(l->inv().principals.size() == listed);
    size_t reported = 0;
    for (const auto& d : l->analysis.diagnostics) reported += d.rule_id == "TG403" && d.message.find("left out") != std::string::npos;
    CHECK(reported == foreign);
    principals += l->inv().principals.size();
    for (const auto& p : l->inv().principals) CHECK(p.range.known());
  }
  CHECK(principals > 100);
}

TEST_CASE("corpus: describe-key, list-grants, describe-secret and list-secrets samples") {
  fs::path cli = kSamples / "aws-cli-doc-examples";
  if (!fs::is_directory(cli)) {
    MESSAGE("shared corpus not present: skipped");
    return;
  }
  SUBCASE("a disabled key, a multi-Region primary, grants") {
    Export e("kms");
    const std::string base = "accounts/111122223333/us-west-2/kms/keys/";
    e.put(base + "1234abcd-12ab-34cd-56ef-1234567890ab/describe-key.json", slurp(cli / "kms_describe-key__01.json"));
    e.put(base + "1234abcd-12ab-34cd-56ef-1234567890ab/list-grants.json", slurp(cli / "kms_list-grants__00.json"));
    e.put("accounts/111122223333/ap-northeast-1/kms/keys/mrk-1234abcd12ab34cd56ef1234567890ab/describe-key.json",
          slurp(cli / "kms_describe-key__02.json"));
    auto l = load(e);
    REQUIRE(l->inv().keys.size() == 2);
    const KeyRecord* disabled = nullptr;
    const KeyRecord* mrk = nullptr;
    for (const auto& k : l->inv().keys) (k.region == "us-west-2" ? disabled : mrk) = &k;
    REQUIRE(disabled);
    REQUIRE(mrk);
    CHECK(disabled->state == "Disabled");
    CHECK_FALSE(disabled->usable());
    REQUIRE(disabled->grants.size() == 1);
    CHECK(disabled->grants[0].grantee == "dynamodb.us-west-2.amazonaws.com");
    CHECK(disabled->grants[0].context_subset.size() == 2);
    CHECK(mrk->multi_region);
    CHECK(mrk->primary_arn == "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab");
  }
  SUBCASE("secrets with a replica on the AWS-managed key") {
    Export e("secrets");
    e.put("accounts/123456789012/us-west-2/secretsmanager/list-secrets.json", slurp(cli / "secretsmanager_list-secrets__00.json"));
    e.put("accounts/123456789012/us-west-2/secretsmanager/secrets/MyTestSecret/describe-secret.json",
          slurp(cli / "secretsmanager_describe-secret__00.json"));
    auto l = load(e);
    // list-secrets names MyTestSecret and AnotherSecret; the described one wins for MyTestSecret.
    REQUIRE(l->inv().secrets.size() == 2);
    const SecretRecord* s = l->inv().find_secret("arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestSecret-Ca8JGt");
    REQUIRE(s);
    CHECK(s->kms_key == "arn:aws:kms:us-west-2:123456789012:key/EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE");
    REQUIRE(s->replicas.size() == 1);
    CHECK(s->replicas[0].region == "eu-west-3");
    CHECK(s->replicas[0].kms_key == "alias/aws/secretsmanager");
  }
}

TEST_CASE("corpus: the real aws/secretsmanager key policy decides as the modelled one") {
  fs::path policy = kCorpus / "03-kms-secret-policies" / "aws-managed-key-policies" / "secretsmanager.json";
  if (!fs::exists(policy)) {
    MESSAGE("shared corpus not present: skipped");
    return;
  }
  const std::string acct = "123412341234", region = "us-east-1", key = "0a1b2c3d-1111-4a4a-8b8b-aaaaaaaaaaaa";
  const std::string secret = "arn:aws:secretsmanager:us-east-1:123412341234:secret:db-AbCdEf";
  Export e("aws-managed");
  std::string dir = "accounts/" + acct + "/" + region + "/";
  e.put(dir + "kms/list-keys.json", R"({"Keys": [{"KeyId": ")" + key + R"("}]})");
  e.put(dir + "kms/list-aliases.json", R"({"Aliases": [{"AliasName": "alias/aws/secretsmanager", "TargetKeyId": ")" + key + R"("}]})");
  e.put(dir + "kms/keys/" + key + "/describe-key.json",
        R"({"KeyMetadata": {"KeyId": ")" + key + R"(", "KeyManager": "AWS", "KeyState": "Enabled"}})");
  e.put(dir + "kms/keys/" + key + "/get-key-policy.json", nlohmann::json{{"Policy", slurp(policy)}, {"PolicyName", "default"}}.dump(4));
  e.put(dir + "kms/keys/" + key + "/list-grants.json", R"({"Grants": []})");
  e.put(dir + "secretsmanager/secrets/db/describe-secret.json", R"({"ARN": ")" + secret + R"(", "Name": "db"})");
  e.put(dir + "secretsmanager/secrets/db/get-resource-policy.json",
        R"({"ARN": ")" + secret + R"(", "Name": "db", "ResourcePolicy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::222222222222:role/consumer\"},\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}]}"})");
  const char* reads = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"], "Resource": "*"}]})";
  e.put("accounts/" + acct + "/iam/get-account-authorization-details.json",
        R"({"RoleDetailList": [{"Arn": "arn:aws:iam::123412341234:role/app", "RoleName": "app", "RolePolicyList": [{"PolicyName": "r", "PolicyDocument": )" +
            std::string(reads) + "}]}]}");
  e.put("accounts/222222222222/iam/get-account-authorization-details.json",
        R"({"RoleDetailList": [{"Arn": "arn:aws:iam::222222222222:role/consumer", "RoleName": "consumer", "RolePolicyList": [{"PolicyName": "r", "PolicyDocument": )" +
            std::string(reads) + "}]}]}");
  auto l = load(e);
  const KeyRecord* k = l->inv().resolve_key("", acct, region);
  REQUIRE(k);
  CHECK_FALSE(k->modelled);
  AccessMatrix m = build_access_matrix(l->analysis.scopes.back());
  REQUIRE(m.cells.size() == 1);
  REQUIRE(m.cells[0].readers.size() == 1);
  CHECK(m.cells[0].readers[0].principal == "arn:aws:iam::123412341234:role/app");
  REQUIRE(m.cells[0].broken.size() == 1);
  CHECK(m.cells[0].broken[0].principal == "arn:aws:iam::222222222222:role/consumer");
  CHECK(m.cells[0].broken[0].gate == "key_policy");
}

TEST_CASE("corpus: role trust policies of an export are read; one open to everyone is TG202") {
  fs::path file = kSamples / "cloudmapper-demo" / "iam-get-account-authorization-details.json";
  if (!fs::exists(file)) {
    MESSAGE("shared corpus not present: skipped");
    return;
  }
  const std::string text = slurp(file);
  const auto doc = nlohmann::json::parse(text);
  // The roles of the sample whose trust policy lets {"AWS": "*"} assume them, unconditioned.
  std::set<std::string> open;
  size_t roles = 0;
  for (const auto& r : doc["RoleDetailList"]) {
    if (r.value("Arn", "").find(":123456789012:") == std::string::npos) continue;
    ++roles;
    for (const auto& st : r["AssumeRolePolicyDocument"]["Statement"]) {
      const auto& p = st.value("Principal", nlohmann::json());
      const bool star = p == "*" || (p.is_object() && p.value("AWS", nlohmann::json()) == "*");
      if (star && st.value("Effect", "") == "Allow" && !st.contains("Condition")) open.insert(r["Arn"].get<std::string>());
    }
  }
  REQUIRE(open.size() >= 1);
  Export e("trust");
  e.put("accounts/123456789012/iam/get-account-authorization-details.json", text);
  auto l = load(e);
  size_t trust = 0;
  for (const auto& lp : l->inv().loose) trust += lp.policy.name.ends_with(" trust policy") && lp.account == "123456789012";
  CHECK(trust == roles);
  // Exactly the open ones: every TG202 on a trust policy names one of them.
  std::set<std::string> reported;
  for (const auto& f : l->analysis.findings) {
    if (f.rule_id != "TG202" || f.message.find(" trust policy") == std::string::npos) continue;
    CAPTURE(f.message);
    CHECK(f.range.known());
    bool known = false;
    for (const auto& arn : open)
      if (f.message.find(arn + " trust policy") != std::string::npos) reported.insert(arn), known = true;
    CHECK(known);
  }
  CHECK(reported == open);
}
