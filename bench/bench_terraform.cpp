// Benchmarks `threegate check` on a Terraform module tree. Generates a root module calling
// MODULES local child modules (each: a customer-managed key with an aws_iam_policy_document
// policy, an alias, a secret with a jsonencode policy and a replica, a reader role with an inline
// policy, variables and outputs, in four files), then times reading, evaluating and analysing
// the whole tree as `threegate check DIR` does, in one thread.
// Usage: bench_terraform [MODULES] [--dir DIR]   (defaults 49 → 200 .tf files, /tmp/threegate-bench-tf)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "threegate/analysis.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string module_main(int i) {
  return fmt::format(R"(data "aws_caller_identity" "current" {{}}

data "aws_iam_policy_document" "key" {{
  statement {{
    sid       = "EnableRootPermissions"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:root"]
    }}
  }}

  dynamic "statement" {{
    for_each = var.consumer_accounts
    content {{
      sid       = "AllowConsumer${{statement.value}}"
      actions   = ["kms:Decrypt", "kms:DescribeKey"]
      resources = ["*"]
      principals {{
        type        = "AWS"
        identifiers = ["arn:aws:iam::${{statement.value}}:role/${{var.name}}-reader"]
      }}
      condition {{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${{var.region}}.amazonaws.com"]
      }}
    }}
  }}
}}

resource "aws_kms_key" "this" {{
  description         = "${{var.name}} secrets"
  enable_key_rotation = true
  multi_region        = true
  policy              = data.aws_iam_policy_document.key.json
}}

resource "aws_kms_alias" "this" {{
  name          = "alias/${{var.name}}"
  target_key_id = aws_kms_key.this.key_id
}}
)");
  (void)i;
}

std::string module_secret(int) {
  return R"(resource "aws_secretsmanager_secret" "this" {
  name       = "${var.name}/credentials"
  kms_key_id = aws_kms_alias.this.name

  replica {
    region = "eu-west-1"
  }
}

resource "aws_secretsmanager_secret_policy" "this" {
  secret_arn = aws_secretsmanager_secret.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for account in var.consumer_accounts : {
      Sid       = "AllowRead${account}"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${account}:role/${var.name}-reader" }
      Action    = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      Resource  = "*"
    }]
  })
}
)";
}

std::string module_role(int) {
  return R"(resource "aws_iam_role" "worker" {
  name = "${var.name}-worker"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })

  inline_policy {
    name = "read-secret"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.this.arn },
        { Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.this.arn },
      ]
    })
  }
}
)";
}

std::string module_variables(int) {
  return R"(variable "name" {
  type = string
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "consumer_accounts" {
  type    = list(string)
  default = ["222222222222", "333333333333"]
}

output "secret_arn" {
  value = aws_secretsmanager_secret.this.arn
}

output "key_arn" {
  value = aws_kms_key.this.arn
}
)";
}

void make_tree(const fs::path& dir, int modules) {
  fs::remove_all(dir);
  std::string root = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\n";
  for (int i = 0; i < modules; ++i) {
    root += fmt::format("module \"app{0}\" {{\n  source = \"./modules/app{0}\"\n  name   = \"app{0}\"\n}}\n\n", i);
    const fs::path m = dir / "modules" / fmt::format("app{}", i);
    write(m / "main.tf", module_main(i));
    write(m / "secret.tf", module_secret(i));
    write(m / "iam.tf", module_role(i));
    write(m / "variables.tf", module_variables(i));
  }
  write(dir / "main.tf", root);
  write(dir / "outputs.tf", "output \"first_secret\" {\n  value = module.app0.secret_arn\n}\n");
  write(dir / "versions.tf", "terraform {\n  required_version = \">= 1.5\"\n}\n");
  write(dir / "locals.tf", "locals {\n  environment = \"prod\"\n}\n");
}

}  // namespace

int main(int argc, char** argv) {
  int modules = 49;
  std::string dir = "/tmp/threegate-bench-tf";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else modules = std::max(1, std::atoi(argv[i]));
  }
  make_tree(dir, modules);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) files += e.path().extension() == ".tf";

  std::vector<double> wall, cpu;
  size_t findings = 0, reads = 0, files_read = 0;
  for (int run = 0; run < 7; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    Analysis a;
    std::string usage_error;
    load_inputs({dir}, CheckOptions{}, a, usage_error);
    run_analysis(a);
    cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    findings = a.findings.size();
    reads = a.reads_checked;
    files_read = a.files_read;
    if (!usage_error.empty()) {
      fmt::print(stderr, "{}\n", usage_error);
      return 2;
    }
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  fmt::print("tree: {} ({} .tf files, {} modules); read {} files, {} reads checked, {} findings\n", dir, files,
             modules + 1, files_read, reads, findings);
  fmt::print("check of the tree, one thread: best {:.1f} ms, median {:.1f} ms, worst {:.1f} ms (cpu median {:.1f} ms)\n",
             wall.front() * 1e3, wall[wall.size() / 2] * 1e3, wall.back() * 1e3, cpu[cpu.size() / 2] * 1e3);
  return 0;
}
