// Helpers for the Terraform evaluator tests: a module tree written to a temporary directory,
// loaded, and values rendered compactly for comparison.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "threegate/symbol.hpp"
#include "threegate/terraform.hpp"

namespace tf_test {

using namespace threegate;
using namespace threegate::tf;

// Values as compact text: strings quoted with symbols shown as ${kind:name}, Unknown as
// <unknown name>, objects with keys in their order.
inline std::string show(const Value& v) {
  auto str = [](const std::string& s) {
    std::string out = "\"";
    size_t at = 0;
    for (const auto& sym : symbols_in(s)) {
      out.append(s.substr(at, sym.begin - at));
      out += "${";
      out += static_cast<char>(sym.kind);
      out += ':';
      out.append(sym.name);
      out += '}';
      at = sym.end;
    }
    out.append(s.substr(at));
    return out + "\"";
  };
  switch (v.kind) {
    case Value::Kind::Null: return "null";
    case Value::Kind::Bool: return v.boolean ? "true" : "false";
    case Value::Kind::Number: return v.text;
    case Value::Kind::String: return str(v.text);
    case Value::Kind::Unknown: return "<unknown " + v.text + ">";
    case Value::Kind::List: {
      std::string out = "[";
      for (size_t i = 0; i < v.items.size(); ++i) out += (i ? "," : "") + show(v.items[i]);
      return out + "]";
    }
    case Value::Kind::Object: {
      std::string out = "{";
      for (size_t i = 0; i < v.members.size(); ++i) out += (i ? "," : "") + v.members[i].first + "=" + show(v.members[i].second);
      return out + "}";
    }
  }
  return "?";
}

inline std::string sym(SymbolKind k, const std::string& name) { return make_symbol(k, name); }

// The text a range covers.
inline std::string at(const Range& r) {
  if (!r.known()) return "<no range>";
  return r.file->text().substr(r.begin, r.end - r.begin);
}

inline int line_of(const Range& r) { return r.known() ? static_cast<int>(r.file->line_col(r.begin).line) : 0; }

class Tree {
 public:
  explicit Tree(std::initializer_list<std::pair<const std::string, std::string>> files) {
    std::random_device rd;
    dir_ = (std::filesystem::temp_directory_path() / ("tg-tf-" + std::to_string(rd()) + std::to_string(rd()))).string();
    for (const auto& [path, text] : files) write(path, text);
  }
  ~Tree() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  void write(const std::string& path, const std::string& text) {
    const auto p = std::filesystem::path(dir_) / path;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  const std::string& dir() const { return dir_; }

  const Configuration& load(const Options& options = {}, const std::string& sub = "") {
    diags.clear();
    cfg = Configuration::load(sub.empty() ? dir_ : dir_ + "/" + sub, options, sources, diags);
    REQUIRE(cfg);
    return *cfg;
  }
  // An output of the root module.
  Value out(const std::string& name) const {
    REQUIRE(cfg);
    REQUIRE(!cfg->modules().empty());
    return cfg->output(cfg->modules().front(), name);
  }
  std::string show_out(const std::string& name) const { return show(out(name)); }
  const Instance* instance(const std::string& address) const {
    for (const auto& i : cfg->instances())
      if (i.address == address) return &i;
    return nullptr;
  }
  std::vector<std::string> addresses() const {
    std::vector<std::string> out;
    for (const auto& i : cfg->instances()) out.push_back(i.address);
    return out;
  }
  std::string messages() const {
    std::string out;
    for (const auto& d : diags) {
      out += d.rule_id + " " + severity_name(d.severity) + " ";
      if (d.range.known()) out += std::to_string(line_of(d.range)) + ": ";
      out += d.message + "\n";
    }
    return out;
  }
  bool said(const std::string& part) const { return messages().find(part) != std::string::npos; }

  SourceSet sources;
  Diagnostics diags;
  std::unique_ptr<Configuration> cfg;

 private:
  std::string dir_;
};

}  // namespace tf_test
