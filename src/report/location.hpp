#pragma once

#include <string>

#include "threegate/source.hpp"

namespace threegate {

struct Location {
  std::string path;
  LineCol begin, end;
  bool known = false;  // false: no position (a modelled policy, an unreadable file)
};

inline Location locate(const Range& r, const std::string& fallback_path = "") {
  Location l;
  if (!r.known()) {
    l.path = fallback_path;
    return l;
  }
  l.path = r.file->path();
  l.begin = r.file->line_col(r.begin);
  l.end = r.file->line_col(r.end);
  // A modelled source (its path in angle brackets) has no file a user can open.
  l.known = !l.path.empty() && l.path.front() != '<';
  return l;
}

// A path a user can open: not empty and not a modelled source ("<aws-managed key policy>").
inline bool is_real_path(const std::string& path) { return !path.empty() && path.front() != '<'; }

// The 1-based column of `offset` on its line in UTF-16 code units, the unit SARIF 2.1.0 counts in
// by default (run.columnKind "utf16CodeUnits") and the one editors and GitHub use: a character
// outside the Basic Multilingual Plane counts two, any other character one, whatever its UTF-8
// length. A byte that is not valid UTF-8 counts one, as a decoder's replacement character would.
uint32_t utf16_column(const SourceFile& file, uint32_t offset);

// Where a finding's file is, for SARIF: relative to `root` (the current directory when empty),
// with forward slashes and percent-encoding, when the file is below it; else an absolute file URI.
struct ArtifactUri {
  std::string uri;
  bool relative = false;
};
ArtifactUri artifact_uri(const std::string& path, const std::string& root);
// The root itself as an absolute file URI ending in '/', for SARIF's originalUriBaseIds.
std::string root_uri(const std::string& root);
// A path relative to `root` with forward slashes when below it, else the path as given (GitHub annotations).
std::string root_relative_path(const std::string& path, const std::string& root);

}  // namespace threegate
