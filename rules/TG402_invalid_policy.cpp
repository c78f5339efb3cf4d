// Reported from the input readers' diagnostics; this file holds the rule's documentation.
#include "threegate/rules.hpp"

namespace threegate::rules {

extern const RuleInfo kTG402;
const RuleInfo kTG402{
    "TG402",
    "invalid-policy",
    Severity::Error,
    "input",
    "the document is JSON but not a valid policy",
    {
        "Checks the policy grammar: Version, Statement, Sid, Effect, Principal/NotPrincipal, Action/NotAction, Resource/NotResource and Condition with every operator, and what the use site requires (a Principal in key and secret policies, none in identity policies). A policy delivered as a JSON string is checked inside the string.",
        "AWS rejects such a policy when it is put, or, worse, an element spelled wrong is ignored by a tool and the policy means something else than it appears to. A statement without a valid Effect or Action is left out of the analysis, so every gate result that depends on it is suspect until it is fixed.",
        R"({"Statement": [{"Effect": "allow", "Action": "kms:Decrypt", "Resource": "*"}]})",
        R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]})",
        "Correct the element named in the message.",
    },
    nullptr,
};

}  // namespace threegate::rules
