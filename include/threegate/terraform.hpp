// Terraform modules evaluated as far as policies need: variables, locals, functions, count and
// for_each, local child modules, and the data sources that build policies. Values keep the
// source range of the expression that made them; values not known before apply stay symbolic
// (symbol.hpp) or Unknown, never made up. What resources mean to AWS (keys, secrets, roles) is
// the Terraform adapter's business (terraform_inventory.hpp), not this layer's.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "threegate/diagnostic.hpp"
#include "threegate/hcl.hpp"
#include "threegate/source.hpp"

namespace threegate::tf {

struct Value;
using Members = std::vector<std::pair<std::string, Value>>;

struct Value {
  enum class Kind { Null, Bool, Number, String, List, Object, Unknown };
  Kind kind = Kind::Null;
  Range range;  // the expression (or literal) that produced it; unknown for computed values

  bool boolean = false;
  std::string text;  // String (may hold symbols, symbol.hpp) or Number (as written / formatted)
  std::vector<Value> items;  // List (lists, tuples and sets)
  Members members;           // Object (objects and maps), in source order
  std::vector<Range> key_ranges;  // Object: the range of each member's key, parallel to members
  // Unknown: what it depends on, as a user reads it ("var.consumer_account",
  // "aws_kms_key.k.arn (known after apply)").
  std::vector<std::string> unknown;
  // A String produced by jsonencode() or by data "aws_iam_policy_document" .json: the value it
  // encodes, with its ranges, so that a policy can be read with locations in the .tf file.
  std::shared_ptr<const Value> encoded_from;

  bool is_unknown() const { return kind == Kind::Unknown; }
  const Value* find(std::string_view key) const;  // Object member or nullptr
};

// Options of a run: extra variable files (-var-file) and values (-var name=value).
struct Options {
  std::vector<std::string> var_files;
  std::vector<std::pair<std::string, std::string>> vars;
};

struct Module;

// One resource or data source instance after count / for_each expansion.
struct Instance {
  std::string address;  // "module.app.aws_kms_key.k[0]", "data.aws_iam_policy_document.p"
  std::string mode;     // "managed" or "data"
  std::string type;     // "aws_kms_key"
  std::string name;     // "k"
  const hcl::Block* block = nullptr;
  const Module* module = nullptr;
  // count.index / each.key / each.value for this instance (Null when not expanded)
  Value count_index, each_key, each_value;
  // The provider configuration the instance uses ("aws" or "aws.replica"): its region value
  // (a String, possibly symbolic) is what the adapter needs for multi-region modules.
  Value provider_region;
};

// A nested block of an instance, with `dynamic "x"` blocks expanded.
struct BlockView {
  const hcl::Block* block = nullptr;
  const Instance* instance = nullptr;
  // iterator values of enclosing dynamic blocks, by iterator name
  std::vector<std::pair<std::string, Value>> iterators;
};

class Evaluator;

struct Module {
  std::string address;  // "" for the root, "module.app" for a child
  std::string dir;
  std::vector<hcl::File> files;
  std::vector<const SourceFile*> sources;
  const Module* parent = nullptr;
};

// A whole configuration: the root module and every local child module, evaluated.
class Configuration {
 public:
  ~Configuration();
  // Reads every *.tf file of `dir` (and terraform.tfvars, *.auto.tfvars, the option's var
  // files), then local child modules. Syntax errors (TG404) and evaluation problems go to
  // `diagnostics`; registry/git modules are said once each, and their outputs are Unknown.
  static std::unique_ptr<Configuration> load(const std::string& dir, const Options& options, SourceSet& sources,
                                              Diagnostics& diagnostics);

  const std::deque<Module>& modules() const;
  const std::vector<Instance>& instances() const;  // every resource and data instance

  // The value of an attribute of an instance (or of a nested block), evaluated in its scope.
  // Null when the attribute is absent.
  Value attribute(const Instance& instance, std::string_view name) const;
  Value attribute(const BlockView& block, std::string_view name) const;
  // The nested blocks of a type (dynamic blocks expanded), in source order.
  std::vector<BlockView> blocks(const Instance& instance, std::string_view type) const;
  std::vector<BlockView> blocks(const BlockView& block, std::string_view type) const;

 private:
  Configuration();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace threegate::tf
