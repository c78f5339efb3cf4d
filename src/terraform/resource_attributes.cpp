// Attributes AWS computes, tied to their resource: ids made at creation are Fresh symbols named
// by address, and ARNs are built from them, the provider's region, and the module's account and
// partition, so that every reference to a resource yields exactly the same string.
#include <string_view>

#include "terraform/internal.hpp"

namespace threegate::tf {
namespace {

std::string fresh(const ComputedInputs& in, std::string_view attr) {
  return make_symbol(SymbolKind::Fresh, std::string(in.address) + "." + std::string(attr));
}

struct Ctx {
  const ComputedInputs& in;

  // A configured string attribute; nullopt when absent or not a string.
  std::optional<std::string> configured(std::string_view name) const { return in.configured(name); }
  // name, or name_prefix + a fresh suffix, or a fresh name.
  std::string name_or_fresh(std::string_view name_attr = "name") const {
    if (auto n = configured(name_attr)) return *n;
    if (auto p = configured("name_prefix")) return *p + fresh(in, "name_suffix");
    return fresh(in, name_attr);
  }
  std::string arn(std::string_view service, std::string_view rest, bool regional = true) const {
    return "arn:" + in.partition + ":" + std::string(service) + ":" + (regional ? in.region : "") + ":" + in.account +
           ":" + std::string(rest);
  }
};

// IAM paths: "/" by default; the ARN puts the path between the kind and the name.
std::string iam_path(const Ctx& c) {
  std::string p = c.configured("path").value_or("/");
  if (p.empty() || p.front() != '/') p.insert(p.begin(), '/');
  if (p.back() != '/') p += '/';
  return p;
}

// The key id inside a KMS key ARN ("…:key/<id>"), or the text when it is an id already.
std::string key_id_of(const std::string& arn_or_id) {
  auto k = arn_or_id.rfind(":key/");
  if (k != std::string::npos) return arn_or_id.substr(k + 5);
  return arn_or_id;
}

std::optional<std::string> managed(const Ctx& c, std::string_view type, std::string_view name) {
  const ComputedInputs& in = c.in;
  if (type == "aws_kms_key" || type == "aws_kms_external_key") {
    if (name == "key_id" || name == "id") return fresh(in, "key_id");
    if (name == "arn") return c.arn("kms", "key/" + fresh(in, "key_id"));
    return std::nullopt;
  }
  if (type == "aws_kms_replica_key" || type == "aws_kms_replica_external_key") {
    std::string id = fresh(in, "key_id");
    if (auto primary = c.configured("primary_key_arn")) id = key_id_of(*primary);
    if (name == "key_id" || name == "id") return id;
    if (name == "arn") return c.arn("kms", "key/" + id);
    return std::nullopt;
  }
  if (type == "aws_kms_alias") {
    const std::string alias = c.name_or_fresh();
    if (name == "name" || name == "id") return alias;
    if (name == "arn") return c.arn("kms", alias);
    if (name == "target_key_arn") {
      auto target = c.configured("target_key_id");
      if (!target) return std::nullopt;
      if (target->rfind("arn:", 0) == 0) return *target;
      return c.arn("kms", "key/" + *target);
    }
    return std::nullopt;
  }
  if (type == "aws_secretsmanager_secret") {
    const std::string secret = c.name_or_fresh();
    const std::string arn = c.arn("secretsmanager", "secret:" + secret + "-" + fresh(in, "arn_suffix"));
    if (name == "name") return secret;
    if (name == "arn" || name == "id") return arn;
    return std::nullopt;
  }
  if (type == "aws_secretsmanager_secret_policy") {
    if (name == "id") {
      if (auto s = c.configured("secret_arn")) return *s;
    }
    return std::nullopt;
  }
  if (type == "aws_iam_role" || type == "aws_iam_user" || type == "aws_iam_group") {
    const std::string kind(type.substr(8));  // role, user, group
    const std::string n = c.name_or_fresh();
    if (name == "name" || name == "id") return n;
    if (name == "arn") return c.arn("iam", kind + iam_path(c) + n, false);
    if (name == "unique_id") return fresh(in, "unique_id");
    if (name == "path") return iam_path(c);
    return std::nullopt;
  }
  if (type == "aws_iam_policy") {
    const std::string n = c.name_or_fresh();
    const std::string arn = c.arn("iam", "policy" + iam_path(c) + n, false);
    if (name == "name") return n;
    if (name == "arn" || name == "id") return arn;
    if (name == "policy_id") return fresh(in, "policy_id");
    if (name == "path") return iam_path(c);
    return std::nullopt;
  }
  if (type == "aws_iam_instance_profile") {
    const std::string n = c.name_or_fresh();
    if (name == "name" || name == "id") return n;
    if (name == "arn") return c.arn("iam", "instance-profile" + iam_path(c) + n, false);
    if (name == "unique_id") return fresh(in, "unique_id");
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> data(const Ctx& c, std::string_view type, std::string_view name) {
  const std::string addr(c.in.address);
  if (type == "aws_caller_identity") {
    if (name == "account_id" || name == "id") return c.in.account;
    return std::nullopt;  // arn, user_id: unknown, named by address
  }
  if (type == "aws_region") {
    if (name == "name" || name == "region" || name == "id") return c.in.region;
    return std::nullopt;
  }
  if (type == "aws_partition") {
    std::string p = partition_of_region(c.in.region);
    if (name == "partition" || name == "id") return p.empty() ? make_symbol(SymbolKind::Unknown, addr + ".partition") : p;
    if (name == "dns_suffix") {
      if (p.empty()) return make_symbol(SymbolKind::Unknown, addr + ".dns_suffix");
      return std::string(p == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com");
    }
    if (name == "reverse_dns_prefix") {
      if (p.empty()) return make_symbol(SymbolKind::Unknown, addr + ".reverse_dns_prefix");
      return std::string(p == "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws");
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> computed_attribute(std::string_view type, std::string_view name, const ComputedInputs& in) {
  const Ctx c{in};
  return in.data ? data(c, type, name) : managed(c, type, name);
}

std::vector<std::string> computed_attribute_names(std::string_view t, bool is_data) {
  if (is_data) {
    if (t == "aws_caller_identity") return {"account_id", "id"};
    if (t == "aws_region") return {"name", "region", "id"};
    if (t == "aws_partition") return {"partition", "dns_suffix", "id"};
    return {};
  }
  if (t == "aws_kms_key" || t == "aws_kms_replica_key" || t == "aws_kms_external_key" || t == "aws_kms_replica_external_key")
    return {"arn", "key_id", "id"};
  if (t == "aws_kms_alias") return {"arn", "name", "id", "target_key_arn"};
  if (t == "aws_secretsmanager_secret") return {"arn", "id", "name"};
  if (t == "aws_iam_role" || t == "aws_iam_user" || t == "aws_iam_group") return {"arn", "name", "id", "unique_id", "path"};
  if (t == "aws_iam_policy") return {"arn", "name", "id", "policy_id", "path"};
  if (t == "aws_iam_instance_profile") return {"arn", "name", "id", "unique_id"};
  return {};
}

namespace detail {

std::optional<Value> computed_attribute(Engine& e, InstanceState& inst, std::string_view name) {
  ModuleState& mod = *inst.decl->mod;
  // AWS provider 6 lets a resource name its own region (enhanced region support): it wins over
  // the provider's.
  Value region = inst.inst.provider_region;
  if (inst.inst.block && inst.inst.block->body.attribute("region")) {
    Value own = e.configured_attribute(inst, "region");
    if (own.kind == Value::Kind::String || own.kind == Value::Kind::Unknown) region = std::move(own);
  }
  ComputedInputs in;
  in.address = inst.inst.address;
  in.data = inst.decl->data;
  if (region.kind == Value::Kind::String) in.region = region.text;
  else if (region.kind == Value::Kind::Unknown) in.region = make_symbol(SymbolKind::Unknown, region.text);
  else in.region = make_symbol(SymbolKind::Unknown, "provider.aws.region");
  in.account = e.account(mod);
  in.partition = e.partition(mod, region);
  in.configured = [&](std::string_view attr) -> std::optional<std::string> {
    if (!inst.inst.block->body.attribute(attr)) return std::nullopt;
    Value v = e.configured_attribute(inst, attr);
    if (v.is_unknown()) return make_symbol(SymbolKind::Unknown, v.text);
    if (v.kind != Value::Kind::String) return std::nullopt;
    return v.text;
  };
  std::optional<std::string> text = tf::computed_attribute(inst.inst.type, name, in);
  if (!text) return std::nullopt;
  return string_value(std::move(*text), inst.inst.block->range);
}

std::vector<std::string> computed_attribute_names(const InstanceState& inst) {
  return tf::computed_attribute_names(inst.inst.type, inst.decl->data);
}

}  // namespace detail
}  // namespace threegate::tf
