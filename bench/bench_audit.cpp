// Benchmarks `threegate audit` on synthetic organizations (tests/export_generator: the layout
// scripts/collect writes, with realistic policy shapes). For each size it writes the export
// (once; reused when the folder exists), then, in a child process so that each size's peak
// memory is its own, reads it, runs every rule and builds the access matrix as `threegate audit
// DIR` does, and writes the matrix as CSV to nowhere. Prints wall and CPU time per phase and the
// child's peak RSS.
// Usage: bench_audit [ACCOUNTS...] [--dir DIR]   (defaults 10 100 1000, /tmp/threegate-bench-audit)
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "../tests/export_generator/generator.hpp"
#include "threegate/analysis.hpp"
#include "threegate/export.hpp"

using namespace threegate;
namespace fs = std::filesystem;

namespace {

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

struct Timer {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = cpu_seconds();
  std::string lap() {
    const auto now = std::chrono::steady_clock::now();
    const double c = cpu_seconds();
    std::string s = fmt::format("{:.2f} s ({:.2f} s CPU)", std::chrono::duration<double>(now - wall).count(), c - cpu);
    wall = now;
    cpu = c;
    return s;
  }
};

struct NullBuffer : std::streambuf {
  int overflow(int c) override { return c; }
};

// The audit of one export, in this (child) process.
int audit(const std::string& dir, size_t accounts) {
  Timer t;
  const Timer total;
  Analysis analysis;
  std::vector<ExportGap> gaps;
  ExportSummary summary;
  std::string usage;
  load_export(dir, analysis, gaps, summary, usage);
  if (!usage.empty()) {
    fmt::print(stderr, "bench_audit: {}\n", usage);
    return 2;
  }
  const std::string read = t.lap();
  run_analysis(analysis);
  const std::string rules = t.lap();
  const AccessMatrix matrix = build_access_matrix(analysis.scopes.back());
  const std::string built = t.lap();
  NullBuffer null;
  std::ostream out(&null);
  write_matrix_csv(out, matrix);
  const std::string written = t.lap();
  size_t readers = 0, broken = 0;
  for (const auto& c : matrix.cells) {
    readers += c.readers.size();
    broken += c.broken.size();
  }
  const auto& inv = analysis.scopes.back().inventory;
  struct rusage usage_self {};
  getrusage(RUSAGE_SELF, &usage_self);
  Timer whole = total;
  fmt::print("{:>5} accounts: {} principals, {} secrets ({} copies), {} keys, {} files\n", accounts,
             inv.principals.size(), inv.secrets.size(), matrix.cells.size(), inv.keys.size(), analysis.files_read);
  fmt::print("       read {} · rules {} ({} findings) · matrix {} ({} readers, {} broken shares) · csv {}\n", read,
             rules, analysis.findings.size(), built, readers, broken, written);
  fmt::print("       total {} · peak RSS {:.0f} MB\n", whole.lap(), usage_self.ru_maxrss / 1024.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes;
  fs::path base = "/tmp/threegate-bench-audit";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) base = argv[++i];
    else if (const size_t n = std::strtoull(a.c_str(), nullptr, 10); n > 0) sizes.push_back(n);
    else {
      fmt::print(stderr, "usage: bench_audit [ACCOUNTS...] [--dir DIR]\n");
      return 2;
    }
  }
  if (sizes.empty()) sizes = {10, 100, 1000};
  for (const size_t n : sizes) {
    const fs::path dir = base / std::to_string(n);
    if (!fs::exists(dir / "accounts")) {
      fs::remove_all(dir);
      testgen::ExportShape shape;
      shape.accounts = n;
      Timer t;
      testgen::generate_export(shape, dir.string());
      fmt::print("wrote {} in {}\n", dir.string(), t.lap());
    }
    std::fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
      const int code = audit(dir.string(), n);
      std::fflush(stdout);
      std::_Exit(code);  // the parent owns the rest: no destructors twice
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  return 0;
}
