// The resource view of an evaluated Terraform configuration: a thin adapter over
// tf::Configuration, whose instances and blocks carry the .tf ranges findings point at.
#include <deque>

#include "threegate/resource_view.hpp"

namespace threegate {

Range block_header(const hcl::Block& block) {
  if (!block.type_range.known()) return block.range;
  const uint32_t end = block.label_ranges.empty() ? block.type_range.end : block.label_ranges.back().end;
  return Range{block.range.file, block.range.begin, end};
}

namespace {

Range argument_range(const hcl::Block* block, std::string_view name) {
  if (!block) return {};
  if (const hcl::Attribute* a = block->body.attribute(name)) return a->range;
  return block_header(*block);
}

class ConfigurationView final : public ResourceView {
 public:
  explicit ConfigurationView(const tf::Configuration& config) : config_(config) {
    const auto& list = config.instances();
    instances_.reserve(list.size());
    for (size_t n = 0; n < list.size(); ++n) {
      const tf::Instance& i = list[n];
      ResourceInstance r;
      r.address = i.address;
      r.mode = i.mode;
      r.type = i.type;
      r.unknown_expansion = i.unknown_expansion;
      r.range = i.block->range;
      r.header = block_header(*i.block);
      r.id = n;
      instances_.push_back(std::move(r));
    }
  }

  const std::vector<ResourceInstance>& instances() const override { return instances_; }
  tf::Value attribute(const ResourceInstance& i, std::string_view name) const override {
    return config_.attribute(of(i), name);
  }
  Range attribute_range(const ResourceInstance& i, std::string_view name) const override {
    return argument_range(of(i).block, name);
  }
  tf::Value reference(const ResourceInstance& i, std::string_view name) const override {
    return config_.reference(of(i), name);
  }
  std::vector<NestedBlock> blocks(const ResourceInstance& i, std::string_view type) const override {
    std::vector<NestedBlock> out;
    for (tf::BlockView& b : config_.blocks(of(i), type)) {
      out.push_back(NestedBlock{b.block->range, blocks_.size()});
      blocks_.push_back(std::move(b));
    }
    return out;
  }
  tf::Value attribute(const NestedBlock& b, std::string_view name) const override {
    return config_.attribute(blocks_.at(b.id), name);
  }
  Range attribute_range(const NestedBlock& b, std::string_view name) const override {
    const hcl::Block* block = blocks_.at(b.id).block;
    if (const hcl::Attribute* a = block->body.attribute(name)) return a->range;
    return block->range;
  }
  std::string account(const ResourceInstance& i) const override { return config_.account(*of(i).module); }
  std::string partition(const ResourceInstance& i) const override { return config_.partition(of(i)); }
  tf::Value provider_region(const ResourceInstance& i) const override { return of(i).provider_region; }

 private:
  const tf::Instance& of(const ResourceInstance& i) const { return config_.instances().at(i.id); }

  const tf::Configuration& config_;
  std::vector<ResourceInstance> instances_;
  mutable std::deque<tf::BlockView> blocks_;  // handed out by blocks(), kept for NestedBlock ids
};

}  // namespace

std::unique_ptr<ResourceView> configuration_view(const tf::Configuration& config) {
  return std::make_unique<ConfigurationView>(config);
}

}  // namespace threegate
