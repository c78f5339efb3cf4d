// Shared internals of the Terraform evaluator: the state of modules and instances, scopes, and
// the engine that evaluates expressions lazily, each local/variable/output/attribute once.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "threegate/symbol.hpp"
#include "threegate/terraform.hpp"

namespace threegate::tf::detail {

inline constexpr const char* kRule = "TG405";

// The whole run's budget. Per-construct limits (count, range, nesting, depth) multiply across
// modules, locals and for expressions, so the total is bounded too: every value an expression
// evaluates to counts its list and object elements and each kBudgetTextBytes of its text; every
// resource, data and module instance counts once. Past either bound, what is evaluated is
// Unknown (an expansion stands for all its instances), said once as TG405.
inline constexpr size_t kMaxEvaluationValues = 2'000'000;
inline constexpr size_t kBudgetTextBytes = 256;
inline constexpr size_t kMaxInstances = 20'000;

// ---- values (value.cpp)
Value null_value(Range r = {});
Value bool_value(bool b, Range r = {});
Value number_value(double d, Range r = {});
Value number_text(std::string text, Range r = {});
Value string_value(std::string s, Range r = {});
Value list_value(std::vector<Value> items, Range r = {});
Value object_value(Members members, Range r = {});
// An Unknown standing for `symbol`, depending on `reasons` (default: the symbol itself).
Value unknown_value(std::string symbol, Range r = {}, std::vector<std::string> reasons = {});
// Adds the reasons of `from` (an Unknown) to `into`, without duplicates and within a bound.
void add_reasons(Value& into, const Value& from);
// An Unknown made from operands that are unknown: named `symbol`, depending on what they did.
Value unknown_from(std::string symbol, Range r, std::initializer_list<const Value*> operands);
Value unknown_from(std::string symbol, Range r, const std::vector<Value>& operands);

std::string format_number(double d);
bool number_of(const Value& v, double& out);  // Number, or a String holding a number
// Text of a primitive as a string conversion gives it (Bool "true", Number as formatted,
// Unknown as its symbol). False for Null, List, Object.
bool string_of(const Value& v, std::string& out);
const char* kind_name(Value::Kind k);
// Equality as Terraform's == (three-valued: std::nullopt when symbols make it undecidable).
std::optional<bool> values_equal(const Value& a, const Value& b);
bool contains_unknown(const Value& v);  // anywhere inside (not symbols inside strings)
void first_unknown(const Value& v, const Value*& out);
// The text of a source range, whitespace collapsed, shortened for messages.
std::string source_text(Range r, size_t max = 80);
bool string_has_unknown_symbol(std::string_view s);

// ---- JSON (json_codec.cpp)
// jsonencode: compact, object keys sorted bytewise, <>& escaped as \u003c…, as Terraform does.
std::string json_encode(const Value& v);
// As Go's json.MarshalIndent(v, "", "  ") with members in the value's order (the provider's
// policy documents).
std::string json_encode_go(const Value& v, bool indent);
// Decodes JSON text. When `map_file` is set, `text` is found at byte `map_offset` of that file
// and every value's range points there; otherwise every range is `fallback`. Empty optional
// and `error` set on malformed input.
std::optional<Value> json_decode(std::string_view text, const SourceFile* map_file, uint32_t map_offset,
                                 Range fallback, std::string& error);

// ---- module state
struct ModuleState;
struct InstanceState;

enum class Expansion { Single, Count, ForEach };

struct Slot {
  int state = 0;  // 0 not evaluated, 1 in progress, 2 done
  bool failed = false;  // its evaluation met an error (try() and can() look at it)
  Value value;
};

struct ResourceDecl {
  bool data = false;
  std::string type, name;
  const hcl::Block* block = nullptr;
  ModuleState* mod = nullptr;
  int state = 0;  // expansion: 0 not done, 1 in progress, 2 done
  Expansion expansion = Expansion::Single;
  bool unknown_expansion = false;
  std::vector<InstanceState*> instances;
  std::string local_address() const;  // "aws_kms_key.k", "data.aws_region.r"
};

struct InstanceState {
  Instance inst;
  ResourceDecl* decl = nullptr;
  std::map<std::string, Slot, std::less<>> attrs;  // configured top-level attributes
  Slot object;                                      // the instance as a whole
  Slot document;                                    // aws_iam_policy_document: rendered
};

struct ModuleCall {
  std::string name;
  const hcl::Block* block = nullptr;
  ModuleState* parent = nullptr;
  std::string source;
  bool local = false;
  int state = 0;
  Expansion expansion = Expansion::Single;
  bool unknown_expansion = false;
  std::vector<ModuleState*> instances;
};

struct ProviderRef {
  ModuleState* mod = nullptr;       // the module whose provider block configures it
  const hcl::Block* block = nullptr;  // nullptr: not configured anywhere
  std::string root_name;            // "aws", "aws.replica" in the module that has the block
};

struct ModuleState {
  Module* module = nullptr;
  ModuleState* parent = nullptr;
  ModuleCall* call = nullptr;  // nullptr for the root
  Value count_index, each_key, each_value;
  std::string dir;
  std::string prefix;  // "" or "module.app." (address prefix of its instances)
  int depth = 0;

  std::map<std::string, const hcl::Block*, std::less<>> variables;
  std::map<std::string, const hcl::Attribute*, std::less<>> locals;
  std::map<std::string, const hcl::Block*, std::less<>> outputs;
  std::map<std::string, std::unique_ptr<ResourceDecl>, std::less<>> resources;  // local address
  std::vector<ResourceDecl*> resource_order;  // source order
  std::map<std::string, std::unique_ptr<ModuleCall>, std::less<>> calls;
  std::vector<ModuleCall*> call_order;
  std::map<std::string, const hcl::Block*, std::less<>> provider_blocks;  // "aws", "aws.alias"
  // provider name as used in this module → where it is configured (providers = {…} mapping)
  std::map<std::string, ProviderRef, std::less<>> provider_map;

  // Root only: values from tfvars files and options, by variable name.
  std::map<std::string, Value, std::less<>> given;

  std::map<std::string, Slot, std::less<>> var_slots, local_slots, output_slots;
  std::map<std::string, Slot, std::less<>> provider_regions;  // by provider name in this module
  std::optional<std::string> account_symbol, partition_symbol;
};

// A name bound by a for expression or a dynamic block's iterator.
struct Binding {
  std::string_view name;
  const Value* value;
};

struct Scope {
  ModuleState* mod = nullptr;
  InstanceState* inst = nullptr;  // self
  const Value* count_index = nullptr;  // count.index, each.key, each.value where they exist
  const Value* each_key = nullptr;
  const Value* each_value = nullptr;
  const Scope* parent = nullptr;  // for bindings
  std::vector<Binding> bindings;
  bool constants_only = false;    // tfvars: no references
  const Binding* find(std::string_view name) const {
    for (const Scope* s = this; s; s = s->parent)
      for (const auto& b : s->bindings)
        if (b.name == name) return &b;
    return nullptr;
  }
};

class Engine;

// ---- function library (functions.cpp)
// Calls a function; `args` already evaluated except for try/can (given as expressions).
Value call_function(Engine& e, const hcl::Expr& call, const Scope& scope);

// ---- resource attributes (resource_attributes.cpp)
// The value of an attribute computed by AWS (not configured), for managed resources and data
// sources with a symbolic meaning; std::nullopt when the table has nothing to say.
std::optional<Value> computed_attribute(Engine& e, InstanceState& inst, std::string_view name);
// Attributes the table gives to an instance used as a whole (arn, id, …).
std::vector<std::string> computed_attribute_names(const InstanceState& inst);

// ---- policy documents (policy_document.cpp)
Value render_policy_document(Engine& e, InstanceState& inst);

// The engine: owns the state; evaluates lazily with memoization and cycle detection.
class Engine {
 public:
  Engine(SourceSet& sources, Diagnostics* diags) : sources_(sources), diags_(diags) {}

  SourceSet& sources() { return sources_; }

  // Diagnostics: said once per (message, place); quiet while inside try()/can().
  void warn(std::string message, Range r) { say(Severity::Warning, std::move(message), r); }
  void info(std::string message, Range r) { say(Severity::Info, std::move(message), r); }
  void say(Severity s, std::string message, Range r, std::string path = {});
  // An evaluation error (type error, bad index …): counted for try()/can(), said as a warning.
  Value error(std::string message, Range r, std::string symbol = {});
  int errors() const { return errors_; }
  void count_error() { ++errors_; }
  void set_quiet(int q) { quiet_ = q; }
  int quiet() const { return quiet_; }
  void set_sink(Diagnostics* d) { diags_ = d; }
  // Diagnostics of other layers (syntax errors), passed on as they are.
  void pass_on(const Diagnostics& ds) {
    if (diags_) diags_->insert(diags_->end(), ds.begin(), ds.end());
  }

  // Expressions (expressions.cpp)
  Value eval(const hcl::Expr& e, const Scope& scope);
  Value eval_template(const std::vector<hcl::TemplatePart>& parts, const Scope& scope, Range r);
  // `source` followed by traversal steps (attribute/index); `what` names the value for
  // symbols of unknowns ("var.x").
  Value traverse(Value v, const hcl::Traverser& step, const Scope& scope);
  Value index_value(const Value& v, const Value& key, Range r, std::string_view what);
  Value attr_value(const Value& v, std::string_view name, Range r);

  // References (references.cpp)
  Value eval_traversal(const hcl::Expr& e, const Scope& scope);
  Value eval_splat(const hcl::Expr& e, const Scope& scope);
  Value variable(ModuleState& m, std::string_view name, Range at);
  Value local(ModuleState& m, std::string_view name, Range at);
  Value output(ModuleState& m, std::string_view name, Range at);
  Value module_ref(ModuleCall& call, Range at);  // `module.x` as a whole
  Value instance_attribute(InstanceState& inst, std::string_view name, Range at);
  Value configured_attribute(InstanceState& inst, std::string_view name);  // Null when absent
  Value instance_object(InstanceState& inst, Range at);
  Value resource_collection(ResourceDecl& decl, Range at);  // `aws_x.y` with count/for_each
  Scope instance_scope(InstanceState& inst);
  Scope module_scope(ModuleState& m);
  // The scope of a module call's arguments: the parent module with the child's count/each.
  Scope call_scope(ModuleState& child);
  Value module_object(ModuleState& m, Range at);
  Value block_object(const BlockView& view, InstanceState& inst, Range at);
  ResourceDecl* find_decl(ModuleState& m, std::string_view local_address);

  // Expansion (expansion.cpp)
  void expand(ResourceDecl& decl);
  void expand(ModuleCall& call);
  std::vector<BlockView> blocks_of(const hcl::Body& body, InstanceState& inst,
                                   const std::vector<std::pair<std::string, Value>>& iterators,
                                   std::string_view type);
  Value block_attribute(const BlockView& view, InstanceState& inst, std::string_view name);
  Scope block_scope(const BlockView& view, InstanceState& inst);

  // Modules (module_loader.cpp)
  ModuleState* load_root(const std::string& dir, const Options& options);
  ModuleState* load_child(ModuleCall& call, Value count_index, Value each_key, Value each_value,
                          std::string address_suffix);

  // Providers (providers.cpp)
  void resolve_providers(ModuleState& m);
  std::string provider_of(const ResourceDecl& decl);  // "aws", "aws.x" as named in its module
  Value provider_region(ModuleState& m, std::string_view provider, Range at);
  std::string account(ModuleState& m);
  std::string partition(ModuleState& m, const Value& region);

  // Lookups
  InstanceState* find_instance(const Instance& i) const;
  ModuleState* state_of(const Module* m) const;

  // Reads a file of a module for file()/templatefile(); nullptr and a diagnostic when refused.
  const SourceFile* read_module_file(ModuleState& m, const std::string& path, Range at);

  // Recursion bound shared by every evaluation path.
  bool enter(Range r);
  void leave() { --depth_; }

  // The run's budget (kMaxEvaluationValues, kMaxInstances). charge_*() return false once it is
  // spent, after saying so at `r`; from then on eval() answers Unknown without evaluating.
  bool charge_value(const Value& v, Range r);
  bool charge_units(size_t n, Range r);
  bool charge_instances(size_t n, Range r);
  bool exhausted() const { return exhausted_; }
  Value budget_unknown(Range r) const;

  std::deque<Module> modules;
  std::deque<ModuleState> states;
  std::deque<InstanceState> instance_store;
  std::unordered_map<std::string, InstanceState*> by_address;
  std::unordered_map<const Module*, ModuleState*> state_by_module;
  std::map<std::string, std::shared_ptr<const std::vector<hcl::File>>> parsed_dirs;
  std::map<std::string, std::vector<const SourceFile*>> dir_sources;
  std::map<std::string, const SourceFile*> read_files;  // by canonical path
  std::set<std::string> said_functions;
  std::string root_dir;
  std::string known_account;  // Options::account

 private:
  SourceSet& sources_;
  Diagnostics* diags_;
  std::set<std::tuple<std::string, const SourceFile*, uint32_t>> said_;
  int errors_ = 0;
  int quiet_ = 0;
  int depth_ = 0;
  size_t values_built_ = 0;
  size_t instances_built_ = 0;
  bool exhausted_ = false;
  void exhaust(std::string message, Range r);
  Value eval_expr(const hcl::Expr& e, const Scope& scope);
};

// Guard for Engine::enter/leave.
class Depth {
 public:
  Depth(Engine& e, Range r) : e_(e), ok_(e.enter(r)) {}
  ~Depth() {
    if (ok_) e_.leave();
  }
  bool ok() const { return ok_; }
  Depth(const Depth&) = delete;
  Depth& operator=(const Depth&) = delete;

 private:
  Engine& e_;
  bool ok_;
};

}  // namespace threegate::tf::detail
