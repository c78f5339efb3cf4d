// JSON text from values (jsonencode, and Go's encoding as the AWS provider renders policy
// documents) and values from JSON text (jsondecode), with ranges mapped into the source.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "terraform/internal.hpp"

namespace threegate::tf::detail {
namespace {

// Go's encoding/json string escaping, which both Terraform and the AWS provider use.
void append_string(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '<': case '>': case '&':
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xF];
        continue;
      default: break;
    }
    if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9)
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  out += '"';
}

void encode_tf(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null: out += "null"; return;
    case Value::Kind::Bool: out += v.boolean ? "true" : "false"; return;
    case Value::Kind::Number: out += v.text; return;
    case Value::Kind::String: append_string(out, v.text); return;
    case Value::Kind::Unknown: append_string(out, make_symbol(SymbolKind::Unknown, v.text)); return;
    case Value::Kind::List:
      out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        encode_tf(out, v.items[i]);
      }
      out += ']';
      return;
    case Value::Kind::Object: {
      std::vector<size_t> order(v.members.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return v.members[a].first < v.members[b].first; });
      out += '{';
      bool first = true;
      for (size_t i : order) {
        if (!first) out += ',';
        first = false;
        append_string(out, v.members[i].first);
        out += ':';
        encode_tf(out, v.members[i].second);
      }
      out += '}';
      return;
    }
  }
}

void newline(std::string& out, bool indent, int level) {
  if (!indent) return;
  out += '\n';
  out.append(static_cast<size_t>(level) * 2, ' ');
}

void encode_go(std::string& out, const Value& v, bool indent, int level) {
  switch (v.kind) {
    case Value::Kind::List:
      if (v.items.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, level + 1);
        encode_go(out, v.items[i], indent, level + 1);
      }
      newline(out, indent, level);
      out += ']';
      return;
    case Value::Kind::Object:
      if (v.members.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (size_t i = 0; i < v.members.size(); ++i) {
        if (i) out += ',';
        newline(out, indent, level + 1);
        append_string(out, v.members[i].first);
        out += indent ? ": " : ":";
        encode_go(out, v.members[i].second, indent, level + 1);
      }
      newline(out, indent, level);
      out += '}';
      return;
    default: encode_tf(out, v); return;
  }
}

class Decoder {
 public:
  Decoder(std::string_view text, const SourceFile* file, uint32_t offset, Range fallback)
      : t_(text), file_(file), offset_(offset), fallback_(fallback) {}

  std::optional<Value> run(std::string& error) {
    skip_ws();
    auto v = value(0);
    if (v) {
      skip_ws();
      if (i_ != t_.size()) fail("unexpected content after the JSON value");
    }
    if (!error_.empty()) {
      error = error_ + " at byte " + std::to_string(i_);
      return std::nullopt;
    }
    return v;
  }

 private:
  Range range(size_t b, size_t e) const {
    if (!file_) return fallback_;
    return Range{file_, offset_ + static_cast<uint32_t>(b), offset_ + static_cast<uint32_t>(e)};
  }
  void fail(std::string m) {
    if (error_.empty()) error_ = std::move(m);
  }
  void skip_ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t')) ++i_;
  }
  bool literal(std::string_view w) {
    if (t_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }

  std::optional<Value> value(int depth) {
    if (depth > 200) {
      fail("JSON nested too deeply");
      return std::nullopt;
    }
    if (i_ >= t_.size()) {
      fail("unexpected end of JSON input");
      return std::nullopt;
    }
    const size_t b = i_;
    const char c = t_[i_];
    if (c == '{') {
      ++i_;
      Members members;
      std::vector<Range> keys;
      skip_ws();
      if (i_ < t_.size() && t_[i_] == '}') {
        ++i_;
      } else {
        for (;;) {
          skip_ws();
          const size_t kb = i_;
          std::string key;
          if (!string(key)) return std::nullopt;
          const Range kr = range(kb, i_);
          skip_ws();
          if (i_ >= t_.size() || t_[i_] != ':') {
            fail("expected ':' in a JSON object");
            return std::nullopt;
          }
          ++i_;
          skip_ws();
          auto v = value(depth + 1);
          if (!v) return std::nullopt;
          members.emplace_back(std::move(key), std::move(*v));
          keys.push_back(kr);
          skip_ws();
          if (i_ < t_.size() && t_[i_] == ',') {
            ++i_;
            continue;
          }
          if (i_ < t_.size() && t_[i_] == '}') {
            ++i_;
            break;
          }
          fail("expected ',' or '}' in a JSON object");
          return std::nullopt;
        }
      }
      Value o = object_value(std::move(members), range(b, i_));
      o.key_ranges = std::move(keys);
      return o;
    }
    if (c == '[') {
      ++i_;
      std::vector<Value> items;
      skip_ws();
      if (i_ < t_.size() && t_[i_] == ']') {
        ++i_;
      } else {
        for (;;) {
          skip_ws();
          auto v = value(depth + 1);
          if (!v) return std::nullopt;
          items.push_back(std::move(*v));
          skip_ws();
          if (i_ < t_.size() && t_[i_] == ',') {
            ++i_;
            continue;
          }
          if (i_ < t_.size() && t_[i_] == ']') {
            ++i_;
            break;
          }
          fail("expected ',' or ']' in a JSON array");
          return std::nullopt;
        }
      }
      return list_value(std::move(items), range(b, i_));
    }
    if (c == '"') {
      std::string s;
      if (!string(s)) return std::nullopt;
      return string_value(std::move(s), range(b, i_));
    }
    if (literal("true")) return bool_value(true, range(b, i_));
    if (literal("false")) return bool_value(false, range(b, i_));
    if (literal("null")) return null_value(range(b, i_));
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t e = i_ + 1;
      while (e < t_.size() && (std::isdigit(static_cast<unsigned char>(t_[e])) || t_[e] == '.' || t_[e] == 'e' ||
                               t_[e] == 'E' || t_[e] == '+' || t_[e] == '-'))
        ++e;
      double d = 0;
      auto r = std::from_chars(t_.data() + i_, t_.data() + e, d);
      if (r.ec != std::errc() || r.ptr != t_.data() + e) {
        fail("invalid JSON number");
        return std::nullopt;
      }
      i_ = e;
      return number_value(d, range(b, i_));
    }
    fail("expected a JSON value");
    return std::nullopt;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(uint32_t& cp) {
    if (i_ + 4 > t_.size()) return false;
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = t_[i_ + k];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= h - '0';
      else if (h >= 'a' && h <= 'f') cp |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F') cp |= h - 'A' + 10;
      else return false;
    }
    i_ += 4;
    return true;
  }

  bool string(std::string& out) {
    if (i_ >= t_.size() || t_[i_] != '"') {
      fail("expected a JSON string");
      return false;
    }
    ++i_;
    while (i_ < t_.size()) {
      const char c = t_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= t_.size()) break;
      const char esc = t_[i_++];
      switch (esc) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(cp)) {
            fail("invalid \\u escape in a JSON string");
            return false;
          }
          if (cp >= 0xD800 && cp < 0xDC00 && t_.substr(i_, 2) == "\\u") {
            i_ += 2;
            uint32_t lo = 0;
            if (hex4(lo) && lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("invalid escape in a JSON string"); return false;
      }
    }
    fail("unterminated JSON string");
    return false;
  }

  std::string_view t_;
  const SourceFile* file_;
  uint32_t offset_;
  Range fallback_;
  size_t i_ = 0;
  std::string error_;
};

}  // namespace

std::string json_encode(const Value& v) {
  std::string out;
  encode_tf(out, v);
  return out;
}

std::string json_encode_go(const Value& v, bool indent) {
  std::string out;
  encode_go(out, v, indent, 0);
  return out;
}

std::optional<Value> json_decode(std::string_view text, const SourceFile* map_file, uint32_t map_offset,
                                 Range fallback, std::string& error) {
  Decoder d(text, map_file, map_offset, fallback);
  return d.run(error);
}

}  // namespace threegate::tf::detail
