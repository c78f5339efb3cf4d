// Reported from the input readers' diagnostics; this file holds the rule's documentation.
#include "threegate/rules.hpp"

namespace threegate::rules {

extern const RuleInfo kTG401;
const RuleInfo kTG401{
    "TG401",
    "invalid-json",
    Severity::Error,
    "input",
    "the input is not valid JSON",
    {
        "A file that is meant to be a policy or an inventory does not parse as JSON. The finding points at the exact character.",
        "AWS rejects a malformed policy, and a pre-commit hook or CI gate that skips it would pass a broken change.",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]})",
        "Correct the JSON at the location given (a trailing comma, a missing quote or bracket).",
    },
    nullptr,
};

}  // namespace threegate::rules
