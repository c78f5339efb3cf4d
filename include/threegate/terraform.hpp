// Terraform modules evaluated as far as policies need: variables, locals, functions, count and
// for_each, local child modules, and the data sources that build policies. Values keep the
// source range of the expression that made them; values not known before apply stay symbolic
// (symbol.hpp) or Unknown, never made up. What resources mean to AWS (keys, secrets, roles) is
// the Terraform adapter's business (terraform_inventory.hpp), not this layer's.
//
// Symbols this layer makes (symbol.hpp), so that the adapter can build the same strings:
//   var.x                                  Unknown: a root variable with no value
//   module.app.var.x                       Unknown: a child module's variable with no value
//   module.app.<output>                    Unknown: an output of a module that cannot be read
//   data.aws_caller_identity.account_id    Account: the deploying account, the same symbol in
//                                          every module and for every aws_caller_identity
//   data.aws_partition.<n>.partition       Unknown (a literal when the provider region is known)
//   partition                              Unknown: a module without data "aws_partition" whose
//                                          provider region is not known
//   provider.aws.region / provider.aws.<alias>.region   Unknown: a provider with no region
//   <address>.<attribute>                  Fresh for ids AWS makes (aws_kms_key.k.key_id,
//                                          aws_secretsmanager_secret.s.arn_suffix, a name made
//                                          from name_prefix: <address>.name_suffix, a name
//                                          made up: <address>.name, aws_iam_role.r.unique_id),
//                                          Unknown for any other computed attribute
//   <resource>.count.index, <resource>.each.key / .each.value
//                                          Unknown: count / for_each not known before apply
// Managed resources' ARNs are built from these (resource_attributes.cpp has the table), e.g.
// aws_kms_key.k.arn = "arn:" P ":kms:" R ":" A ":key/" + Fresh(aws_kms_key.k.key_id), where R
// is the instance's provider region, A the module's account and P its partition.
#pragma once

#include <deque>
#include <functional>
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
  // Declared, so that checking pair<string, Value> for default construction does not need the
  // members' vector of pairs complete (clang with libstdc++ rejects that cycle).
  Value() noexcept {}
  Kind kind = Kind::Null;
  // The expression (or literal) that produced it; for an attribute computed by AWS, the
  // resource's block; unknown for values made up by functions of nothing written.
  Range range;

  bool boolean = false;
  // String: the text (may hold symbols, symbol.hpp). Number: formatted as Terraform prints it.
  // Unknown: the name of the symbol that stands for it inside a string ("var.consumer_account"):
  // a template that embeds an Unknown embeds make_symbol(SymbolKind::Unknown, text).
  std::string text;
  std::vector<Value> items;  // List (lists, tuples and sets)
  Members members;           // Object (objects and maps), in source order
  std::vector<Range> key_ranges;  // Object: the range of each member's key, parallel to members
  // Unknown: what it depends on, as a user reads it ("var.consumer_account (no default)",
  // "aws_kms_key.k.policy (known after apply)").
  std::vector<std::string> unknown;
  // A String produced by jsonencode() or by data "aws_iam_policy_document" .json: the value it
  // encodes, with its ranges, so that a policy can be read with locations in the .tf file.
  std::shared_ptr<const Value> encoded_from;
  // Object standing for a resource or data instance (`aws_kms_key.k` used as a whole): a member
  // it does not list is computed by AWS and reads as Unknown "<instance_address>.<name>".
  std::string instance_address;

  bool is_unknown() const { return kind == Kind::Unknown; }
  bool is_null() const { return kind == Kind::Null; }
  bool is_string() const { return kind == Kind::String; }
  const Value* find(std::string_view key) const;  // Object member or nullptr
};

// The name of the Account symbol that stands for the deploying account.
inline constexpr const char* kAccountSymbol = "data.aws_caller_identity.account_id";

// Options of a run: extra variable files (-var-file) and values (-var name=value).
struct Options {
  std::vector<std::string> var_files;
  std::vector<std::pair<std::string, std::string>> vars;
  // Root variables already evaluated (those a plan was made with): they win over every other
  // source of values.
  std::vector<std::pair<std::string, Value>> values;
  // The deploying account when something outside the code knows it (a plan's
  // data.aws_caller_identity): it replaces the Account symbol.
  std::string account;
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
  // count / for_each not known before apply: this one instance stands for all of them (its
  // address ends in "[count.index]" or "[each.key]", and the values above are Unknown).
  bool unknown_expansion = false;
  // The provider configuration the instance uses ("aws" or "aws.replica", as named in the
  // module that defines it) and its region value (a String, possibly symbolic), which is what
  // the adapter needs for multi-region modules.
  std::string provider;
  Value provider_region;
};

// A nested block of an instance, with `dynamic "x"` blocks expanded. For a dynamic block,
// `block` is its `content` block.
struct BlockView {
  const hcl::Block* block = nullptr;
  const Instance* instance = nullptr;
  // iterator values of enclosing dynamic blocks, by iterator name: {key = …, value = …}
  std::vector<std::pair<std::string, Value>> iterators;
};

// One module instance: the root, or a local child module (one per count / for_each element).
struct Module {
  std::string address;  // "" for the root, "module.app", "module.app[0]", "module.a.module.b"
  std::string dir;
  // The parsed *.tf files of `dir` (shared by every instance of the same directory).
  std::shared_ptr<const std::vector<hcl::File>> files;
  std::vector<const SourceFile*> sources;
  const Module* parent = nullptr;
};

// A whole configuration: the root module and every local child module, evaluated.
class Configuration {
 public:
  ~Configuration();
  // Reads every *.tf file of `dir` (and terraform.tfvars, *.auto.tfvars, the option's var
  // files), then local child modules. Syntax errors (TG404) and evaluation problems (TG405) go
  // to `diagnostics`; registry/git modules are said once each, and their outputs are Unknown.
  // Every instance's attributes and nested blocks are evaluated here, so that every problem is
  // reported by load(); the accessors below only read the results (and say nothing more).
  static std::unique_ptr<Configuration> load(const std::string& dir, const Options& options, SourceSet& sources,
                                              Diagnostics& diagnostics);

  const std::deque<Module>& modules() const;
  const std::vector<Instance>& instances() const;  // every resource and data instance

  // The value of an attribute of an instance (or of a nested block), evaluated in its scope.
  // Null when the attribute is absent from the configuration.
  Value attribute(const Instance& instance, std::string_view name) const;
  Value attribute(const BlockView& block, std::string_view name) const;
  // What `<address>.<name>` reads as elsewhere in the configuration: the configured value, or
  // for an attribute computed by AWS its symbolic value (an ARN built from a fresh id) or an
  // Unknown naming "<address>.<name>". For data "aws_iam_policy_document", "json" and
  // "minified_json" are the rendered document (encoded_from holds it with its ranges).
  Value reference(const Instance& instance, std::string_view name) const;
  // The nested blocks of a type (dynamic blocks expanded), in source order.
  std::vector<BlockView> blocks(const Instance& instance, std::string_view type) const;
  std::vector<BlockView> blocks(const BlockView& block, std::string_view type) const;
  // An output of a module instance (Null when the module has no such output).
  Value output(const Module& module, std::string_view name) const;
  // The account and partition strings (symbols or literals) the ARNs of an instance's module
  // are built from.
  std::string account(const Module& module) const;
  // The files file() and templatefile() read (canonical paths): part of the configuration, not
  // inputs of their own.
  std::vector<std::string> files_read() const;
  std::string partition(const Instance& instance) const;

 private:
  Configuration();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What AWS computes for attribute `name` of a resource or data source of `type` (the table the
// symbols comment above describes), from what is known of the instance; std::nullopt when the
// table has nothing to say. Shared by every reader of Terraform (.tf and plans) so that a
// reference to a resource reads as the same string whichever way it was read.
struct ComputedInputs {
  std::string_view address;  // "module.app.aws_kms_key.k[0]": names its fresh ids
  bool data = false;         // a data source
  std::string region, account, partition;  // literals or symbols
  // A configured string attribute (its symbol when Unknown); nullopt when absent or not a string.
  std::function<std::optional<std::string>(std::string_view)> configured;
};
std::optional<std::string> computed_attribute(std::string_view type, std::string_view name, const ComputedInputs& in);
// The attributes the table gives to an instance used as a whole (arn, id, …).
std::vector<std::string> computed_attribute_names(std::string_view type, bool data);

// "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f" for a region
// name; "" when the region is not a literal.
std::string partition_of_region(std::string_view region);

}  // namespace threegate::tf
