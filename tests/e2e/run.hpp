// Runs the threegate binary from the source folder, as a user would.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace e2e {

struct Run {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

inline Run threegate(const std::string& args, bool with_stderr = true) {
  std::string cmd = std::string("cd '") + THREEGATE_SOURCE_DIR + "' && '" + THREEGATE_BIN + "' " + args +
                    (with_stderr ? " 2>&1" : " 2>/dev/null");
  Run r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// stdout only, parsed as JSON (stderr dropped).
inline nlohmann::json threegate_json(const std::string& args, int* exit_code = nullptr) {
  Run r = threegate(args, false);
  if (exit_code) *exit_code = r.exit_code;
  return nlohmann::json::parse(r.out, nullptr, false);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace e2e
