// Inline suppression comments in Terraform files (`# threegate:ignore TG201 <reason>`).
#pragma once

#include "threegate/analysis.hpp"

namespace threegate {

// Moves the findings that a suppression comment silences into Analysis::suppressed, and adds
// a TG406 finding for each suppression without a reason or with a rule id that does not exist.
void apply_inline_suppressions(Analysis& analysis);

}  // namespace threegate
