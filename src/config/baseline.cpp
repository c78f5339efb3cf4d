#include "threegate/baseline.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "threegate/report.hpp"

namespace threegate {

std::string baseline_root(const std::string& baseline_path) {
  std::error_code ec;
  return std::filesystem::absolute(baseline_path, ec).lexically_normal().parent_path().string();
}

bool write_baseline(const std::string& path, const std::vector<Finding>& findings, std::string& error) {
  const std::vector<std::string> fingerprints = finding_fingerprints(findings, baseline_root(path));
  nlohmann::ordered_json root;
  root["version"] = 1;
  root["findings"] = nlohmann::ordered_json::array();
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    // Rule, path and message are for the reader of a diff; only the fingerprint is matched.
    root["findings"].push_back({{"fingerprint", fingerprints[i]},
                                {"rule_id", f.rule_id},
                                {"path", f.range.known() ? f.range.file->path() : f.path},
                                {"message", f.message}});
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  out.flush();
  if (!out) {
    error = "cannot write the baseline " + path;
    return false;
  }
  return true;
}

bool read_baseline(const std::string& path, std::set<std::string>& fingerprints, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read the baseline " + path;
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto root = nlohmann::json::parse(text.str(), nullptr, false);
  if (!root.is_object() || !root.contains("findings") || !root["findings"].is_array() || root.value("version", 0) != 1) {
    error = "the baseline " + path + " is not a threegate baseline (write one with --write-baseline)";
    return false;
  }
  for (const auto& f : root["findings"]) {
    if (!f.is_object() || !f.contains("fingerprint") || !f["fingerprint"].is_string()) {
      error = "the baseline " + path + " has an entry without a fingerprint";
      return false;
    }
    fingerprints.insert(f["fingerprint"].get<std::string>());
  }
  return true;
}

size_t apply_baseline(std::vector<Finding>& findings, const std::set<std::string>& fingerprints,
                      const std::string& root) {
  const std::vector<std::string> prints = finding_fingerprints(findings, root);
  std::vector<Finding> kept;
  for (size_t i = 0; i < findings.size(); ++i)
    if (!fingerprints.count(prints[i])) kept.push_back(std::move(findings[i]));
  const size_t removed = findings.size() - kept.size();
  findings = std::move(kept);
  return removed;
}

}  // namespace threegate
