// Hostile inputs (fixtures/hostile/, and cases made here at run time): each is answered with a
// precise finding at its place, the other inputs are still read, and the exit code is non-zero
// because the analysis is incomplete. Never a crash, never "no findings".
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "e2e/run.hpp"

namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("tg-hostile-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
  std::string str() const { return path.string(); }
};

const char* kGood = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("hostile: each malformed policy file is a finding at its place and the run fails") {
  struct Case {
    const char* file;
    const char* where;    // path:line:col of the finding
    const char* message;  // part of its message
  };
  const Case cases[] = {
      {"truncated.json", "truncated.json:1:", "TG401"},
      {"invalid-utf8.json", "invalid-utf8.json:1:53", "error TG401"},  // the JSON reader, at the byte 0xFF
      {"invalid-utf8.json", "invalid-utf8.json:1:53", "invalid UTF-8 (byte 0xFF never occurs in UTF-8)"},
      {"duplicate-keys-case.json", "duplicate-keys-case.json:5:5", "effect"},
      {"number-for-string.json", "number-for-string.json:2:14", "Version must be a string"},
      {"number-for-string.json", "number-for-string.json:5:15", "Action must be a string or an array of strings"},
      {"number-for-string.json", "number-for-string.json:6:43", "entries must be strings"},
      {"embedded-malformed.json", "embedded-malformed.json:1:", "not valid JSON"},
      {"deep-nesting.json", "deep-nesting.json:1:", "nest"},
      {"too-many-statements.json", "too-many-statements.json:1:", "more than the limit of 1000"},
      {"long-pattern.json", "long-pattern.json:1:", "more than the limit of 2048"},
      // Terraform plans shaped wrongly: each part that cannot be read is named, the rest is read.
      {"plan-malformed-structure.json", "plan-malformed-structure.json:12:21", "`values` is not an object"},
      {"plan-malformed-structure.json", "plan-malformed-structure.json:14:9", "has no address, type or name"},
      {"plan-malformed-structure.json", "plan-malformed-structure.json:29:24", "`child_modules` must be an array"},
      {"plan-malformed-structure.json", "plan-malformed-structure.json:42:26", "after_unknown of aws_kms_key.k is not an object"},
      {"plan-policy-malformed.json", "plan-policy-malformed.json:14:23", "the policy is not valid JSON"},
      {"plan-future-format.json", "plan-future-format.json:2:21", "format_version 7.0 is not one threegate knows"},
      {"plan-deep-modules.json", "plan-deep-modules.json:1:", "modules nested more than 64 deep"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file);
    e2e::Run r = e2e::threegate(std::string("check fixtures/hostile/") + c.file);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, std::string("fixtures/hostile/") + c.where));
    CHECK(contains(r.out, c.message));
  }
}

TEST_CASE("hostile: a .tf file of binary garbage is a syntax error, not a crash") {
  e2e::Run r = e2e::threegate("check fixtures/hostile/binary-tf");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.out, "fixtures/hostile/binary-tf/main.tf:1:"));
  CHECK(contains(r.out, "TG404"));
}

TEST_CASE("hostile: the Terraform evaluation budget is an error finding at the construct") {
  e2e::Run r = e2e::threegate("check fixtures/hostile/tf-budget-for");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.out, "fixtures/hostile/tf-budget-for/main.tf:3:"));
  CHECK(contains(r.out, "error TG405"));
  CHECK(contains(r.out, "evaluation stopped"));
}

TEST_CASE("hostile: folders with symlink loops, unreadable files and folders, a folder named x.tf, a 100 MB file") {
  TempDir t;
  std::ofstream(t.path / "good.json") << kGood;
  // a symlink loop of folders and one of files
  fs::create_directories(t.path / "loop");
  fs::create_directory_symlink("..", t.path / "loop" / "up");
  fs::create_symlink("self.json", t.path / "self.json");
  // a folder named like a Terraform file, holding a JSON file
  fs::create_directories(t.path / "x.tf");
  std::ofstream(t.path / "x.tf" / "inner.json") << kGood;

  e2e::Run r = e2e::threegate("check " + t.str());
  CHECK(r.exit_code == 1);
  CHECK(contains(r.out, "self.json"));  // the looping link is named, not skipped
  CHECK(contains(r.out, "in 2 files"));  // good.json and x.tf/inner.json, each once
  CHECK_FALSE(contains(r.out, "x.tf: cannot read"));

  SUBCASE("an unreadable file") {
    std::ofstream(t.path / "secret.json") << kGood;
    fs::permissions(t.path / "secret.json", fs::perms::none);
    if (access((t.path / "secret.json").c_str(), R_OK) == 0) {
      MESSAGE("running as root: chmod 000 does not make a file unreadable, case skipped");
    } else {
      e2e::Run u = e2e::threegate("check --fail-on error " + (t.path / "secret.json").string());
      CHECK(u.exit_code == 1);
      CHECK(contains(u.out, "secret.json"));
      CHECK(contains(u.out, "Permission denied"));
    }
  }
  SUBCASE("an unreadable folder is named, the rest is read") {
    fs::create_directories(t.path / "locked" / "deeper");
    std::ofstream(t.path / "locked" / "hidden.json") << kGood;
    fs::permissions(t.path / "locked", fs::perms::none);
    if (access((t.path / "locked").c_str(), R_OK) == 0) {
      MESSAGE("running as root: chmod 000 does not make a folder unreadable, case skipped");
    } else {
      e2e::Run u = e2e::threegate("check --fail-on error " + t.str());
      CHECK(u.exit_code == 1);
      CHECK(contains(u.out, "cannot list folder " + (t.path / "locked").string() + ": Permission denied"));
      CHECK(contains(u.out, "TG401"));
      CHECK(contains(u.out, "in 2 files"));  // good.json and x.tf/inner.json are still read
      // named as an input, too
      e2e::Run v = e2e::threegate("check --fail-on error " + (t.path / "locked").string());
      CHECK(v.exit_code == 1);
      CHECK(contains(v.out, "cannot list folder " + (t.path / "locked").string() + ": Permission denied"));
    }
  }
  SUBCASE("a 100 MB file is refused before it is read") {
    {
      std::ofstream big(t.path / "big.json", std::ios::binary);
      big.seekp(100ll << 20);
      big.put('\n');
    }
    e2e::Run b = e2e::threegate("check " + (t.path / "big.json").string());
    CHECK(b.exit_code == 1);
    CHECK(contains(b.out, "more than the limit of 64 MiB"));
  }
}

// Found by fuzz_export: a secret whose ARN holds a quote and whose resource policy is missing
// made the stand-in "unknown policy" unparsable, and the reader wrote through an empty optional.
TEST_CASE("hostile: an export secret whose name holds quotes and backslashes") {
  TempDir t;
  fs::copy(fs::path(THREEGATE_SOURCE_DIR) / "fixtures/exports/public-secret", t.path / "export", fs::copy_options::recursive);
  const fs::path dir = t.path / "export/accounts/111111111111/us-east-1/secretsmanager/secrets/public%2Fconfig";
  fs::remove(dir / "get-resource-policy.json");
  std::ofstream(dir / "describe-secret.json")
      << R"({"ARN": "arn:aws:secretsmanager:us-east-1:111111111111:secret:pu\"bl\\ic-QwErTy", "Name": "pu\"bl\\ic",
             "KmsKeyId": "alias/app", "PrimaryRegion": "us-east-1"})";
  e2e::Run r = e2e::threegate("audit " + (t.path / "export").string());
  CHECK((r.exit_code == 0 || r.exit_code == 1));
  CHECK(contains(r.out, "its resource policy is unknown"));
  CHECK(contains(r.out, R"(pu"bl\ic)"));
}
