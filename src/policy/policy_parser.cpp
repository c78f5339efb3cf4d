// JSON → Policy, with AWS's grammar checks reported as TG402 at the offending element.
#include <algorithm>
#include <cctype>

#include "threegate/policy_parse.hpp"

namespace threegate {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_resource_policy(PolicyKind k) {
  return k == PolicyKind::KeyPolicy || k == PolicyKind::SecretPolicy || k == PolicyKind::Rcp;
}
bool is_principal_less(PolicyKind k) {
  return k == PolicyKind::Identity || k == PolicyKind::Boundary || k == PolicyKind::Session || k == PolicyKind::Scp;
}

class PolicyReader {
 public:
  PolicyReader(PolicyKind kind, Diagnostics& diags) : kind_(kind), diags_(diags) {}

  std::optional<Policy> read(const JsonValue& doc, std::string name) {
    if (!doc.is_object()) {
      problem(doc.range, std::string("a policy document must be a JSON object, found ") + json_kind_name(doc.kind));
      return std::nullopt;
    }
    Policy policy;
    policy.kind = kind_;
    policy.name = std::move(name);
    policy.range = doc.range;
    check_duplicates(doc);
    const JsonValue* statements = nullptr;
    for (const auto& m : doc.members) {
      if (m.key == "Version") {
        if (auto t = text(m.value, "Version")) {
          if (t->value != "2012-10-17" && t->value != "2008-10-17") {
            problem(t->range, "Version must be \"2012-10-17\" or \"2008-10-17\", found \"" + t->value + "\"");
          }
          policy.version = std::move(t);
        }
      } else if (m.key == "Id") {
        policy.id = text(m.value, "Id");
      } else if (m.key == "Statement") {
        statements = &m.value;
      } else {
        problem(m.key_range, "unknown policy element \"" + m.key + "\"" + element_hint(m.key));
      }
    }
    if (!statements) {
      problem(doc.range, "policy has no Statement element");
      policy.valid = false;
      return policy;
    }
    if (statements->is_object()) {
      read_statement(*statements, policy);
    } else if (statements->is_array()) {
      if (statements->items.empty()) problem(statements->range, "Statement is an empty array");
      for (size_t i = 0; i < statements->items.size(); ++i) {
        if (i == kMaxStatementsPerPolicy) {
          problem(statements->items[i].range, "the policy has " + std::to_string(statements->items.size()) +
                                                  " statements, more than the limit of " +
                                                  std::to_string(kMaxStatementsPerPolicy) + "; the rest are not read");
          break;
        }
        read_statement(statements->items[i], policy);
      }
    } else {
      problem(statements->range,
              std::string("Statement must be an object or an array of objects, found ") + json_kind_name(statements->kind));
    }
    policy.valid = !had_error_;
    return policy;
  }

 private:
  static std::string element_hint(const std::string& key) {
    static const char* kKnown[] = {"Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal",
                                   "Action", "NotAction", "Resource", "NotResource", "Condition"};
    std::string k = lower(key);
    for (const char* known : kKnown) {
      if (k == lower(known) && key != known) return std::string(" (element names are case-sensitive: \"") + known + "\")";
    }
    return "";
  }

  void problem(const Range& r, std::string msg, Severity sev = Severity::Error) {
    if (sev == Severity::Error) had_error_ = true;
    diags_.push_back(Diagnostic{"TG402", sev, std::move(msg), r, {}});
  }

  void check_duplicates(const JsonValue& obj) {
    for (size_t i = 0; i < obj.members.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (obj.members[i].key == obj.members[j].key) {
          problem(obj.members[i].key_range, "duplicate element \"" + obj.members[i].key +
                                                "\": JSON parsers disagree on which one wins");
          break;
        }
      }
    }
  }

  std::optional<Text> text(const JsonValue& v, const char* what) {
    if (!v.is_string()) {
      problem(v.range, std::string(what) + " must be a string, found " + json_kind_name(v.kind));
      return std::nullopt;
    }
    return Text{v.text, v.range};
  }

  // A string or an array of strings.
  std::vector<Text> text_list(const JsonValue& v, const char* what) {
    std::vector<Text> out;
    auto add = [&](const JsonValue& item) {
      if (item.text.size() > kMaxPatternLength) {
        problem(item.range, std::string(what) + " entry has " + std::to_string(item.text.size()) +
                                " characters, more than the limit of " + std::to_string(kMaxPatternLength) + "; it is not read");
        return;
      }
      out.push_back(Text{item.text, item.range});
    };
    if (v.is_string()) {
      add(v);
    } else if (v.is_array()) {
      if (v.items.empty()) problem(v.range, std::string(what) + " is an empty array");
      for (const auto& item : v.items) {
        if (item.is_string()) {
          add(item);
        } else {
          problem(item.range, std::string(what) + " entries must be strings, found " + json_kind_name(item.kind));
        }
      }
    } else {
      problem(v.range, std::string(what) + " must be a string or an array of strings, found " + json_kind_name(v.kind));
    }
    return out;
  }

  void read_statement(const JsonValue& v, Policy& policy) {
    if (!v.is_object()) {
      problem(v.range, std::string("a statement must be an object, found ") + json_kind_name(v.kind));
      return;
    }
    check_duplicates(v);
    Statement st;
    st.range = v.range;
    bool have_effect = false, have_action = false;
    const JsonMember* principal = nullptr;
    const JsonMember* not_principal = nullptr;
    const JsonMember* action = nullptr;
    const JsonMember* not_action = nullptr;
    const JsonMember* resource = nullptr;
    const JsonMember* not_resource = nullptr;
    for (const auto& m : v.members) {
      if (m.key == "Sid") {
        if (m.value.is_string()) {
          st.sid = Text{m.value.text, m.value.range};
        } else {
          problem(m.value.range, std::string("Sid must be a string, found ") + json_kind_name(m.value.kind));
        }
      } else if (m.key == "Effect") {
        if (!m.value.is_string()) {
          problem(m.value.range, std::string("Effect must be \"Allow\" or \"Deny\", found ") + json_kind_name(m.value.kind));
        } else if (m.value.text == "Allow") {
          st.effect = Effect::Allow;
          have_effect = true;
        } else if (m.value.text == "Deny") {
          st.effect = Effect::Deny;
          have_effect = true;
        } else {
          problem(m.value.range, "Effect must be \"Allow\" or \"Deny\" (case-sensitive), found \"" + m.value.text + "\"");
        }
        st.effect_range = m.value.range;
      } else if (m.key == "Principal") {
        principal = &m;
      } else if (m.key == "NotPrincipal") {
        not_principal = &m;
      } else if (m.key == "Action") {
        action = &m;
      } else if (m.key == "NotAction") {
        not_action = &m;
      } else if (m.key == "Resource") {
        resource = &m;
      } else if (m.key == "NotResource") {
        not_resource = &m;
      } else if (m.key == "Condition") {
        st.condition_range = m.value.range;
        read_conditions(m.value, st);
      } else {
        problem(m.key_range, "unknown statement element \"" + m.key + "\"" + element_hint(m.key));
      }
    }
    if (!have_effect && st.effect_range.file == nullptr) problem(v.range, "statement has no Effect");

    if (principal && not_principal) {
      problem(not_principal->key_range, "a statement cannot have both Principal and NotPrincipal");
    }
    if (const JsonMember* p = principal ? principal : not_principal) {
      st.principal_field = principal ? PrincipalField::Principal : PrincipalField::NotPrincipal;
      st.principal_range = p->value.range;
      read_principals(p->value, st);
      if (is_principal_less(kind_)) {
        problem(p->key_range, std::string(policy_kind_name(kind_)) + " policies do not take a " + p->key + " element");
      }
    } else if (is_resource_policy(kind_)) {
      problem(v.range, std::string("a statement in a ") + policy_kind_name(kind_) + " policy needs a Principal");
    }

    if (action && not_action) {
      problem(not_action->key_range, "a statement cannot have both Action and NotAction");
    }
    if (const JsonMember* a = action ? action : not_action) {
      st.not_action = (a == not_action);
      st.action_range = a->value.range;
      st.actions = text_list(a->value, a->key.c_str());
      for (const auto& t : st.actions) {
        if (t.value != "*" && t.value.find(':') == std::string::npos) {
          problem(t.range, "action \"" + t.value + "\" must be \"*\" or \"service:Action\"");
        }
        st.actions_lower.push_back(lower(t.value));
      }
      have_action = !st.actions.empty();
    } else {
      problem(v.range, "statement has no Action or NotAction");
    }

    if (resource && not_resource) {
      problem(not_resource->key_range, "a statement cannot have both Resource and NotResource");
    }
    if (const JsonMember* r = resource ? resource : not_resource) {
      st.has_resource = true;
      st.not_resource = (r == not_resource);
      st.resource_range = r->value.range;
      st.resources = text_list(r->value, r->key.c_str());
    } else if (kind_ == PolicyKind::Identity || kind_ == PolicyKind::Boundary || kind_ == PolicyKind::Session) {
      problem(v.range, "statement has no Resource or NotResource");
    }

    // A statement without a valid Effect or Action cannot be evaluated: it is reported and left out.
    if (have_effect && have_action) {
      compile_statement(st);  // the evaluator's per-pattern facts, once
      policy.statements.push_back(std::move(st));
    }
  }

  void read_principals(const JsonValue& v, Statement& st) {
    if (v.is_string()) {
      if (v.text == "*") {
        st.principals.push_back(PrincipalRef{PrincipalKind::Any, "*", v.range});
      } else {
        problem(v.range, "Principal must be \"*\" or an object such as {\"AWS\": \"...\"}, found \"" + v.text + "\"");
      }
      return;
    }
    if (!v.is_object()) {
      problem(v.range, std::string("Principal must be \"*\" or an object, found ") + json_kind_name(v.kind));
      return;
    }
    if (v.members.empty()) problem(v.range, "Principal is an empty object");
    for (const auto& m : v.members) {
      PrincipalKind kind;
      if (m.key == "AWS") {
        kind = PrincipalKind::Aws;
      } else if (m.key == "Service") {
        kind = PrincipalKind::Service;
      } else if (m.key == "Federated") {
        kind = PrincipalKind::Federated;
      } else if (m.key == "CanonicalUser") {
        kind = PrincipalKind::CanonicalUser;
      } else {
        problem(m.key_range, "unknown principal type \"" + m.key + "\" (AWS, Service, Federated or CanonicalUser)");
        continue;
      }
      for (auto& t : text_list(m.value, "Principal")) {
        if (t.value.empty()) problem(t.range, "empty principal");
        st.principals.push_back(PrincipalRef{kind, std::move(t.value), t.range});
      }
    }
  }

  void read_conditions(const JsonValue& v, Statement& st) {
    if (!v.is_object()) {
      problem(v.range, std::string("Condition must be an object, found ") + json_kind_name(v.kind));
      return;
    }
    check_duplicates(v);
    for (const auto& op_member : v.members) {
      Condition proto;
      proto.operator_text = op_member.key;
      proto.operator_range = op_member.key_range;
      std::string_view name = op_member.key;
      if (name.rfind("ForAnyValue:", 0) == 0) {
        proto.set = SetOperator::ForAnyValue;
        name.remove_prefix(12);
      } else if (name.rfind("ForAllValues:", 0) == 0) {
        proto.set = SetOperator::ForAllValues;
        name.remove_prefix(13);
      }
      if (name.size() > 8 && name.substr(name.size() - 8) == "IfExists") {
        proto.if_exists = true;
        name.remove_suffix(8);
      }
      if (!parse_condition_operator(name, proto.op)) {
        problem(op_member.key_range, "unknown condition operator \"" + op_member.key + "\"");
        continue;
      }
      if (proto.op == ConditionOperator::Null && proto.if_exists) {
        problem(op_member.key_range, "the Null operator has no IfExists form");
        continue;
      }
      if (!op_member.value.is_object()) {
        problem(op_member.value.range,
                "condition operator " + op_member.key + " must map condition keys to values, found " +
                    json_kind_name(op_member.value.kind));
        continue;
      }
      check_duplicates(op_member.value);
      for (const auto& key_member : op_member.value.members) {
        Condition c = proto;
        c.key = key_member.key;
        c.key_lower = lower(key_member.key);
        c.key_range = key_member.key_range;
        c.range = Range{key_member.key_range.file, key_member.key_range.begin, key_member.value.range.end};
        if (c.key.empty()) {
          problem(key_member.key_range, "empty condition key");
          continue;
        }
        read_condition_values(key_member.value, c);
        if (c.values.empty()) continue;
        st.conditions.push_back(std::move(c));
      }
    }
  }

  void read_condition_value(const JsonValue& v, Condition& c) {
    switch (v.kind) {
      case JsonKind::String:
      case JsonKind::Number:
        c.values.push_back(Text{v.text, v.range});
        return;
      case JsonKind::Bool:
        c.values.push_back(Text{v.boolean ? "true" : "false", v.range});
        return;
      default:
        problem(v.range, "condition value for " + c.key + " must be a string, number or boolean, found " +
                             json_kind_name(v.kind));
    }
  }

  void read_condition_values(const JsonValue& v, Condition& c) {
    if (v.is_array()) {
      if (v.items.empty()) problem(v.range, "condition key " + c.key + " has an empty list of values");
      for (const auto& item : v.items) read_condition_value(item, c);
    } else {
      read_condition_value(v, c);
    }
  }

  PolicyKind kind_;
  Diagnostics& diags_;
  bool had_error_ = false;
};

}  // namespace

std::optional<Policy> parse_policy(const JsonValue& document, PolicyKind kind, std::string name,
                                   Diagnostics& diagnostics) {
  if (document.is_string()) {
    JsonParseResult inner = parse_embedded_json(document);
    if (!inner.ok()) {
      diagnostics.push_back(Diagnostic{"TG401", Severity::Error,
                                       "policy document in this string is not valid JSON: " + inner.error,
                                       inner.error_range, {}});
      return std::nullopt;
    }
    return PolicyReader(kind, diagnostics).read(*inner.value, std::move(name));
  }
  return PolicyReader(kind, diagnostics).read(document, std::move(name));
}

std::optional<Policy> parse_policy_file(const SourceFile& file, PolicyKind kind, Diagnostics& diagnostics) {
  JsonParseResult r = parse_json(file);
  if (!r.ok()) {
    diagnostics.push_back(Diagnostic{"TG401", Severity::Error, r.error, r.error_range, {}});
    return std::nullopt;
  }
  if (kind == PolicyKind::Unknown) kind = detect_policy_kind(*r.value);
  return parse_policy(*r.value, kind, file.path(), diagnostics);
}

std::optional<Policy> parse_policy_text(SourceSet& sources, std::string text, PolicyKind kind,
                                        Diagnostics& diagnostics, std::string name) {
  const SourceFile* file = sources.add(name, std::move(text));
  return parse_policy_file(*file, kind, diagnostics);
}

PolicyKind detect_policy_kind(const JsonValue& document) {
  const JsonValue* doc = &document;
  std::optional<JsonParseResult> inner;
  if (document.is_string()) {
    inner = parse_embedded_json(document);
    if (!inner->ok()) return PolicyKind::Unknown;
    doc = &*inner->value;
  }
  const JsonValue* statements = doc->find("Statement");
  if (!statements) return PolicyKind::Unknown;
  std::vector<const JsonValue*> list;
  if (statements->is_object()) list.push_back(statements);
  for (const auto& s : statements->items) list.push_back(&s);
  bool principal = false, kms = false, secrets = false;
  // RCPs are Deny statements for every principal ("*"); a usable key or secret policy allows something.
  bool all_deny_to_everyone = !list.empty();
  for (const JsonValue* s : list) {
    if (!s->is_object()) continue;
    if (s->find("Principal") || s->find("NotPrincipal")) principal = true;
    const JsonValue* effect = s->find("Effect");
    const JsonValue* who = s->find("Principal");
    bool everyone = who && ((who->is_string() && who->text == "*") ||
                            (who->is_object() && who->find("AWS") && who->find("AWS")->is_string() &&
                             who->find("AWS")->text == "*"));
    if (!effect || !effect->is_string() || effect->text != "Deny" || !everyone) all_deny_to_everyone = false;
    for (const char* field : {"Action", "NotAction"}) {
      const JsonValue* a = s->find(field);
      if (!a) continue;
      std::vector<const JsonValue*> actions;
      if (a->is_string()) actions.push_back(a);
      for (const auto& i : a->items) actions.push_back(&i);
      for (const JsonValue* act : actions) {
        std::string l = lower(act->text);
        if (l.rfind("kms:", 0) == 0) kms = true;
        if (l.rfind("secretsmanager:", 0) == 0) secrets = true;
      }
    }
  }
  if (!principal) return PolicyKind::Identity;
  if (all_deny_to_everyone) return PolicyKind::Rcp;
  if (kms && !secrets) return PolicyKind::KeyPolicy;
  if (secrets && !kms) return PolicyKind::SecretPolicy;
  return PolicyKind::Unknown;
}

}  // namespace threegate
