// Reported from the input readers' diagnostics; this file holds the rule's documentation.
#include "threegate/rules.hpp"

namespace threegate::rules {

extern const RuleInfo kTG403;
const RuleInfo kTG403{
    "TG403",
    "invalid-inventory",
    Severity::Error,
    "input",
    "an inventory entry is malformed",
    {
        "Checks the inventory format (README.md): known members, ARNs of the right service with a 12-digit account, policy paths that can be read, intents naming secrets of the inputs. A bad entry is reported and left out; the rest is analyzed.",
        "An entry that is silently dropped would make every share through it look unchecked.",
        R"({"secrets": [{"arn": "db-password", "kms_key": null}]})",
        R"({"secrets": [{"arn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-password-AbCdEf", "kms_key": null}]})",
        "Correct the entry named in the message.",
    },
    nullptr,
};

}  // namespace threegate::rules
