// What threegate reports. Rules create findings; reporters render them.
#pragma once

#include <string>
#include <vector>

#include "threegate/diagnostic.hpp"
#include "threegate/source.hpp"

namespace threegate {

struct RelatedLocation {
  std::string message;  // "gate key_policy: closed", "statement \"AllowApp\" allows kms:Decrypt"
  Range range;          // may be unknown (a modelled policy)
};

struct Finding {
  std::string rule_id;  // "TG102"
  std::string rule_name;
  Severity severity = Severity::Error;
  std::string message;  // lowercase start, no trailing period
  Range range;          // where to change
  std::string path;     // when range has no file
  std::string fix;      // the statement to add, as JSON text; empty when there is none
  std::string fix_target;               // what to do with it: "add to the key policy of arn:…", "replace statement …"
  std::vector<RelatedLocation> related;  // gates, deciding statements, other gates' statements
  std::string principal, resource;       // the share this concerns, if any
};

class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void add(Finding finding) = 0;
};

}  // namespace threegate
