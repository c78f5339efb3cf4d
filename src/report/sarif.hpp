// SARIF with the suppressed findings: `threegate check --format sarif` writes every finding that
// an inline threegate:ignore comment or the configuration's `suppress` list silenced as a result
// with a `suppressions` entry, so that code scanning shows it as dismissed rather than fixed.
#pragma once

#include <ostream>
#include <vector>

#include "threegate/config.hpp"
#include "threegate/report.hpp"

namespace threegate {

// As write_sarif(out, reported, options), then one result per suppressed finding, with
// `suppressions: [{kind: "inSource" | "external", status: "accepted", justification: the reason,
// location: the comment or configuration entry}]` (SARIF 2.1.0 §3.27.23, §3.35).
void write_sarif(std::ostream& out, const std::vector<Finding>& reported, const std::vector<SuppressedFinding>& suppressed,
                 const ReportOptions& options);

}  // namespace threegate
