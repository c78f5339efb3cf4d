// Writes a synthetic export (generator.hpp) for the audit benchmark and for trying threegate on
// an organization of any size:
//   generate_export [--accounts N] [--roles N] [--secrets N] [--keys N] [--seed N] OUT
// --roles, --secrets and --keys are totals, spread evenly over the accounts (defaults: 50 roles,
// 20 secrets and 5 keys per account).
#include <cstdlib>
#include <iostream>
#include <string>

#include "export_generator/generator.hpp"

int main(int argc, char** argv) {
  threegate::testgen::ExportShape shape;
  size_t roles = 0, secrets = 0, keys = 0;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> size_t {
      if (i + 1 >= argc) {
        std::cerr << "generate_export: " << a << " needs a value\n";
        std::exit(2);
      }
      return std::strtoull(argv[++i], nullptr, 10);
    };
    if (a == "--accounts") {
      shape.accounts = value();
    } else if (a == "--roles") {
      roles = value();
    } else if (a == "--secrets") {
      secrets = value();
    } else if (a == "--keys") {
      keys = value();
    } else if (a == "--seed") {
      shape.seed = value();
    } else if (!a.empty() && a[0] != '-' && out.empty()) {
      out = a;
    } else {
      std::cerr << "usage: generate_export [--accounts N] [--roles N] [--secrets N] [--keys N] [--seed N] OUT\n";
      return 2;
    }
  }
  if (out.empty() || shape.accounts == 0) {
    std::cerr << "usage: generate_export [--accounts N] [--roles N] [--secrets N] [--keys N] [--seed N] OUT\n";
    return 2;
  }
  if (roles) shape.roles_per_account = std::max<size_t>(1, roles / shape.accounts);
  if (secrets) shape.secrets_per_account = std::max<size_t>(1, secrets / shape.accounts);
  if (keys) shape.keys_per_account = std::max<size_t>(2, keys / shape.accounts);
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && !std::filesystem::is_empty(out, ec)) {
    std::cerr << "generate_export: " << out << " exists and is not empty\n";
    return 2;
  }
  threegate::testgen::generate_export(shape, out);
  std::cout << "wrote " << out << ": " << shape.accounts << " accounts, " << shape.accounts * (shape.roles_per_account + 2)
            << " roles and users, " << shape.accounts * shape.secrets_per_account << " secrets, "
            << shape.accounts * shape.keys_per_account << " keys\n";
  return 0;
}
