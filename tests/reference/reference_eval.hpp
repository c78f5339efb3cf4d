// A naive reference evaluator, for tests only: the written rules transcribed directly, slow and
// obviously correct, over a subset of operators (String{,Not}Equals, StringLike, IfExists,
// ForAnyValue/ForAllValues, Null) and the principal forms the differential tests use.
#pragma once

#include "threegate/eval.hpp"

namespace threegate::reference {

bool glob(std::string_view pattern, std::string_view text, bool case_insensitive);
bool arn_match(std::string_view pattern, std::string_view arn);
Decision evaluate(const Request& request, const PolicySet& policies);

}  // namespace threegate::reference
