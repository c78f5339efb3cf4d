// Terraform resources as the mapping to AWS (terraform_inventory.hpp) reads them, whatever they
// were read from: an evaluated configuration (.tf files, terraform.hpp) or a plan (`terraform
// show -json`, terraform_plan.hpp). Values are tf::Value in both cases, so that one mapping
// serves both and a value known only after apply is Unknown (or symbolic) in both.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "threegate/terraform.hpp"

namespace threegate {

// One resource or data source instance.
struct ResourceInstance {
  std::string address;  // "module.app.aws_kms_key.k[0]"
  std::string mode;     // "managed" or "data"
  std::string type;     // "aws_kms_key"
  // count / for_each not known before apply: this one instance stands for all of them.
  bool unknown_expansion = false;
  Range range;   // the whole resource
  Range header;  // where a finding about an argument the resource lacks points
  size_t id = 0;  // the view's own handle
};

// A nested block of an instance (`replica`, `inline_policy`, `constraints`).
struct NestedBlock {
  Range range;
  size_t id = 0;  // the view's own handle
};

class ResourceView {
 public:
  virtual ~ResourceView() = default;
  virtual const std::vector<ResourceInstance>& instances() const = 0;
  // The configured value of an argument: Null when the configuration does not set it (AWS then
  // computes it, e.g. a key's default policy), Unknown or symbolic when known only after apply.
  virtual tf::Value attribute(const ResourceInstance& instance, std::string_view name) const = 0;
  // Where a finding about the argument points: the argument, or the header when it is absent.
  virtual Range attribute_range(const ResourceInstance& instance, std::string_view name) const = 0;
  // What `<address>.<name>` reads as elsewhere: the configured value, or the value AWS computes
  // (an ARN built from a fresh id, tf::computed_attribute).
  virtual tf::Value reference(const ResourceInstance& instance, std::string_view name) const = 0;
  virtual std::vector<NestedBlock> blocks(const ResourceInstance& instance, std::string_view type) const = 0;
  virtual tf::Value attribute(const NestedBlock& block, std::string_view name) const = 0;
  virtual Range attribute_range(const NestedBlock& block, std::string_view name) const = 0;
  // The account, partition and provider region (a String, possibly symbolic, or Unknown) the
  // instance is created in.
  virtual std::string account(const ResourceInstance& instance) const = 0;
  virtual std::string partition(const ResourceInstance& instance) const = 0;
  virtual tf::Value provider_region(const ResourceInstance& instance) const = 0;
};

// The view of an evaluated configuration (it must outlive the view).
std::unique_ptr<ResourceView> configuration_view(const tf::Configuration& config);

// A block's type and labels (`resource "aws_secretsmanager_secret" "db"`): where a finding about
// an argument the block lacks points.
Range block_header(const hcl::Block& block);

}  // namespace threegate
