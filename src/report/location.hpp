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

}  // namespace threegate
