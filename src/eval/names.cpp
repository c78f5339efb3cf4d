// Stable names of evaluator enums (used by reporters and JSON output).
#include "threegate/eval.hpp"

namespace threegate {

const char* decision_name(Decision d) {
  switch (d) {
    case Decision::Allow: return "allow";
    case Decision::ExplicitDeny: return "explicit_deny";
    case Decision::ImplicitDeny: return "implicit_deny";
    case Decision::Depends: return "depends";
  }
  return "unknown";
}

const char* policy_role_name(PolicyRole role) {
  switch (role) {
    case PolicyRole::Identity: return "identity";
    case PolicyRole::Resource: return "resource";
    case PolicyRole::Boundary: return "boundary";
    case PolicyRole::Session: return "session";
    case PolicyRole::Scp: return "scp";
    case PolicyRole::Rcp: return "rcp";
  }
  return "unknown";
}

}  // namespace threegate
