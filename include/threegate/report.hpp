// Reporters turn findings into text or JSON. Line and column are computed here, not before.
#pragma once

#include <ostream>
#include <vector>

#include "threegate/finding.hpp"

namespace threegate {

struct ReportSummary {
  size_t files = 0;
  size_t shares = 0;
  size_t reads_checked = 0;
};

struct SeverityCounts {
  size_t error = 0, warning = 0, info = 0;
};
SeverityCounts count_severities(const std::vector<Finding>& findings);

// path:line:col: severity TGnnn name: message, then gates, deciding statements and the fix.
void write_text(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary);
// {"findings": [...], "summary": {...}}
void write_json(std::ostream& out, const std::vector<Finding>& findings, const ReportSummary& summary);

}  // namespace threegate
