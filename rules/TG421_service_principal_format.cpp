#include <fmt/format.h>

#include "validation_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG421;
const RuleInfo kTG421{
    "TG421",
    "service-principal-format",
    Severity::Warning,
    "validation",
    "a condition value meant as a service principal is not written as one",
    {
        "Checks the values of the keys that hold service principals (`aws:CalledVia`, `aws:CalledViaFirst`, "
        "`aws:CalledViaLast`, `aws:PrincipalServiceName`, `aws:PrincipalServiceNamesList`): each must be "
        "`service.amazonaws.com` (or end in `.amazon.com` / `.amazonaws.com.cn`), in lowercase, with one label before "
        "the suffix. Values with wildcards, policy variables or values known only after apply are skipped.",
        "The request carries the service principal exactly; a value in another form (`Athena.amazonaws.com`, "
        "`athena`, a regional or dotted name) never matches, so the condition is always false (or always true when "
        "negated). AWS's validator reports it as an error.",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"ForAnyValue:StringEquals": {"aws:CalledVia": "Athena.amazonaws.com"}}}]})",
        R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"ForAnyValue:StringEquals": {"aws:CalledVia": "athena.amazonaws.com"}}}]})",
        "Write the service principal as `service.amazonaws.com`.",
    },
    &run,
};

namespace {

bool service_key(const std::string& key_lower) {
  return key_lower == "aws:calledvia" || key_lower == "aws:calledviafirst" || key_lower == "aws:calledvialast" ||
         key_lower == "aws:principalservicename" || key_lower == "aws:principalservicenameslist";
}

bool well_formed(std::string_view v) {
  for (std::string_view suffix : {".amazonaws.com.cn", ".amazonaws.com", ".amazon.com"}) {
    if (!v.ends_with(suffix)) continue;
    const std::string_view label = v.substr(0, v.size() - suffix.size());
    if (label.empty()) return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
  }
  return false;
}

void run(const RuleContext& ctx, FindingSink& sink) {
  using namespace validation;
  for (const PolicyUse* use : validated_policies(ctx)) {
    for (const Statement& st : use->policy->statements) {
      for (const Condition& c : st.conditions) {
        if (!service_key(c.key_lower) || c.op == ConditionOperator::Null) continue;
        for (const Text& v : c.values) {
          if (symbolic(v.value) || has_wildcard(v.value) || v.value.find("${") != std::string::npos) continue;
          if (well_formed(v.value)) continue;
          sink.add(make_finding(kTG421,
                                fmt::format("\"{}\" is not a service principal: {} holds names such as "
                                            "athena.amazonaws.com (lowercase, one label before .amazonaws.com)",
                                            v.value, c.key),
                                v.range));
        }
      }
    }
  }
}

}  // namespace

}  // namespace threegate::rules
