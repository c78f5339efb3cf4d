#include "threegate/inventory.hpp"

namespace threegate {


bool split_arn(std::string_view arn, ArnParts& out) {
  // The resource part may itself contain ':'; only the first five separators count.
  if (arn.substr(0, 4) != "arn:") return false;
  std::string_view rest = arn.substr(4);
  std::string* fields[] = {&out.partition, &out.service, &out.region, &out.account};
  for (std::string* f : fields) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return false;
    *f = std::string(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);
  }
  out.resource = std::string(rest);
  return !out.partition.empty() && !out.service.empty();
}

std::string SecretRecord::arn_in_region(const std::string& in_region) const {
  if (in_region == region) return arn;
  return "arn:" + partition + ":secretsmanager:" + in_region + ":" + account + ":" +
         [&] {
           ArnParts p;
           return split_arn(arn, p) ? p.resource : "secret:" + name;
         }();
}

}  // namespace threegate
