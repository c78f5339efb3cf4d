// Reported by the configuration reader (src/config); this file holds the rule's documentation.
#include "threegate/rules.hpp"

namespace threegate::rules {

extern const RuleInfo kTG407;
const RuleInfo kTG407{
    "TG407",
    "invalid-config",
    Severity::Warning,
    "input",
    "the configuration (.threegate.yaml) has an unknown key, a bad value or an expired suppression",
    {
        "Reads `.threegate.yaml` (the nearest one above the current directory, or `--config FILE`) and reports, at "
        "their line and column: YAML syntax errors (the file is then ignored), unknown keys, values of the wrong "
        "shape or out of range (an account id that is not 12 digits, a rule that does not exist, a severity or "
        "`fail-on` that is not one of the names, a date that is not YYYY-MM-DD), suppressions without a reason "
        "(they still apply), suppressions past their `expires` date (they no longer apply), and declared intents "
        "whose secret is in none of the inventories checked. Rule selection and excludes never hide this rule.",
        "A misspelt key is silently ignored by most tools, and the check it meant to configure never runs; an "
        "expired exception that keeps silencing a finding is no longer a decision anybody made.",
        "accounts:\n  - id: 11111111111\n    trust: partners\nfail_on: error",
        "accounts:\n  - id: \"111111111111\"\n    trust: partner\nfail-on: error",
        "Correct the key or value at the reported position; `threegate config --dump` prints the configuration "
        "threegate reads, with every default.",
    },
    nullptr,
};

}  // namespace threegate::rules
