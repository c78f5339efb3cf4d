// Problems found while reading inputs (malformed JSON, invalid policies, unreadable files).
// They are collected, never thrown; the findings layer turns them into TG4xx findings.
#pragma once

#include <string>
#include <vector>

#include "threegate/source.hpp"

namespace threegate {

enum class Severity { Info, Warning, Error };

const char* severity_name(Severity s);

struct Diagnostic {
  std::string rule_id;  // "TG401", "TG402", ...
  Severity severity = Severity::Error;
  std::string message;  // lowercase, no trailing period: what and where
  Range range;
  std::string path;     // used when range has no file (e.g. an unreadable path)
};

using Diagnostics = std::vector<Diagnostic>;

}  // namespace threegate
