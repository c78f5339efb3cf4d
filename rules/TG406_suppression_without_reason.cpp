// Reported by the inline suppression reader (src/analysis/inline_suppressions.cpp); this file
// holds the rule's documentation.
#include "threegate/rules.hpp"

namespace threegate::rules {

extern const RuleInfo kTG406;
const RuleInfo kTG406{
    "TG406",
    "suppression-without-reason",
    Severity::Warning,
    "input",
    "an inline suppression gives no reason, or names no rule or an unknown one",
    {
        "A `# threegate:ignore` comment in a .tf file silences the named rules on its line, or in the attribute, object or "
        "block just below it. Each must name the rules it silences and say why; this finding reports one that does not "
        "(it still silences what it names).",
        "A suppression without a reason cannot be reviewed: nobody can tell later whether the exception still holds.",
        "# threegate:ignore TG201\nPrincipal = { AWS = \"arn:aws:iam::222222222222:root\" }",
        "# threegate:ignore TG201 the whole payments account reads this secret, by design (SEC-1234)\n"
        "Principal = { AWS = \"arn:aws:iam::222222222222:root\" }",
        "Write the rule id and the reason after `threegate:ignore`.",
    },
    nullptr,
};

}  // namespace threegate::rules
