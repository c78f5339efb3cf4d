// Reported from the Terraform reader's diagnostics; this file holds the rule's documentation.
#include "threegate/rules.hpp"

namespace threegate::rules {

extern const RuleInfo kTG404;
const RuleInfo kTG404{
    "TG404",
    "invalid-hcl",
    Severity::Error,
    "input",
    "a Terraform file is not valid HCL",
    {
        "A .tf file does not parse as HCL native syntax. The finding points at the token where the parser stopped and "
        "says what it expected; the rest of the file (from the next top-level block) and the other files of the module "
        "are still analyzed.",
        "Terraform rejects the module, and what the broken block declares (a key, a secret, a policy) cannot be checked.",
        "resource \"aws_kms_key\" \"app\" {\n  description = \"app\"\n  policy = jsonencode({ Version = \"2012-10-17\" }\n}",
        "resource \"aws_kms_key\" \"app\" {\n  description = \"app\"\n  policy = jsonencode({ Version = \"2012-10-17\" })\n}",
        "Correct the syntax at the location given (an unclosed bracket, a missing `=`, an unterminated string or heredoc).",
    },
    nullptr,
};

}  // namespace threegate::rules
