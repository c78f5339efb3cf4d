// Baselines: the findings of one run recorded by fingerprint (finding_fingerprints, the same as
// SARIF's partialFingerprints), so that later runs report only findings that are not in it and a
// team can adopt threegate on a large estate and fail only on regressions.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "threegate/finding.hpp"

namespace threegate {

// Paths are hashed relative to the baseline file's folder, so a baseline kept at the root of a
// repository matches whichever folder threegate runs from.
std::string baseline_root(const std::string& baseline_path);

// {"version": 1, "findings": [{"fingerprint", "rule_id", "path", "message"}]}. False with `error` set.
bool write_baseline(const std::string& path, const std::vector<Finding>& findings, std::string& error);
bool read_baseline(const std::string& path, std::set<std::string>& fingerprints, std::string& error);

// Removes the findings whose fingerprint is in the baseline; returns how many it removed.
size_t apply_baseline(std::vector<Finding>& findings, const std::set<std::string>& fingerprints,
                      const std::string& root);

}  // namespace threegate
