#include <cstdint>
#include <cstdio>
#include <string>

#include "threegate/json.hpp"

namespace threegate {
namespace {

constexpr int kMaxDepth = 256;  // deeper documents are rejected, never recurse without bound

// Bytes a string literal copies as they are: printable ASCII other than '"' and '\\'.
constexpr bool plain_string_byte(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

std::string code_point_name(uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  return buf;
}

// Checks the UTF-8 sequence that starts at the non-ASCII byte text[pos], strictly as RFC 3629
// says (no overlong forms, no encoded surrogates, nothing above U+10FFFF, no truncation).
// Returns its length (2..4) and the code point; or 0, with the reason in `why` and the end of
// the bytes the error covers in `bad_end`. No allocation unless the sequence is invalid.
size_t check_utf8(std::string_view text, size_t pos, uint32_t& cp, std::string& why, size_t& bad_end) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char lead = s[pos];
  size_t len = 0;
  uint32_t min = 0;
  if (lead >= 0xC0 && lead <= 0xDF) {
    len = 2, cp = lead & 0x1Fu, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3, cp = lead & 0x0Fu, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF7) {
    len = 4, cp = lead & 0x07u, min = 0x10000;
  } else {
    bad_end = pos + 1;
    why = lead < 0xC0 ? "invalid UTF-8 (byte " + hex_byte(lead) + " is a continuation byte without a lead byte)"
                      : "invalid UTF-8 (byte " + hex_byte(lead) + " never occurs in UTF-8)";
    return 0;
  }
  size_t k = 1;
  for (; k < len && pos + k < text.size() && (s[pos + k] & 0xC0) == 0x80; ++k) cp = (cp << 6) | (s[pos + k] & 0x3Fu);
  if (k < len) {
    bad_end = pos + k;
    if (k == 1) {
      why = "invalid UTF-8 (byte " + hex_byte(lead) + " not followed by a continuation byte)";
    } else {
      why = "invalid UTF-8 (byte " + hex_byte(lead) + " starts a " + std::to_string(len) +
            "-byte sequence but only " + std::to_string(k - 1) + " continuation byte" + (k == 2 ? "" : "s") +
            " follow" + (k == 2 ? "s" : "") + ")";
    }
    if (pos + k >= text.size()) why.insert(why.size() - 1, ", cut short by the end of the input");
    return 0;
  }
  bad_end = pos + len;
  if (cp < min) {
    why = "invalid UTF-8 (overlong encoding: " + code_point_name(cp) + " written in " + std::to_string(len) + " bytes)";
    return 0;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    why = "invalid UTF-8 (the surrogate " + code_point_name(cp) + " is encoded; surrogates are not characters)";
    return 0;
  }
  if (cp > 0x10FFFF) {
    why = "invalid UTF-8 (" + code_point_name(cp) + " is above U+10FFFF, the largest code point)";
    return 0;
  }
  return len;
}

// Parses `text`; offsets are translated into the source file through `to_source`.
class Parser {
 public:
  Parser(const SourceFile& file, std::string_view text, const std::vector<uint32_t>* map, uint32_t base)
      : file_(file), text_(text), map_(map), base_(base) {}

  // Accepts the raw bytes of symbols inside strings (parse_json_mapped only).
  Parser& with_symbols() {
    symbols_ = true;
    return *this;
  }

  JsonParseResult run() {
    JsonParseResult result;
    skip_ws();
    JsonValue v;
    if (!value(v, 0)) return fail_result();
    skip_ws();
    if (pos_ != text_.size()) {
      if (!invalid_utf8_at(pos_)) error_at(pos_, pos_ + 1, "unexpected content after the JSON document");
      return fail_result();
    }
    result.value = std::move(v);
    return result;
  }

 private:
  uint32_t src(size_t i) const {
    if (map_) return (*map_)[std::min(i, map_->size() - 1)];
    return base_ + static_cast<uint32_t>(i);
  }
  Range range(size_t b, size_t e) const { return Range{&file_, src(b), e > b ? src(e - 1) + 1 : src(b)}; }

  void error_at(size_t b, size_t e, std::string msg) {
    if (!error_.empty()) return;
    error_ = std::move(msg);
    if (b > text_.size()) b = text_.size();
    if (e > text_.size()) e = text_.size();
    error_range_ = Range{&file_, src(b), e > b ? src(e - 1) + 1 : src(b)};
  }
  JsonParseResult fail_result() {
    JsonParseResult r;
    r.error = error_;
    r.error_range = error_range_;
    return r;
  }

  void skip_ws() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  std::string describe_here() const {
    if (pos_ >= text_.size()) return "end of input";
    unsigned char c = static_cast<unsigned char>(text_[pos_]);
    char buf[32];
    if (c >= 0x20 && c < 0x7f) {
      std::snprintf(buf, sizeof buf, "'%c'", c);
    } else if (uint32_t cp = 0; c >= 0x80) {
      std::string why;
      size_t bad_end = 0;
      if (size_t len = check_utf8(text_, pos_, cp, why, bad_end))
        return "'" + std::string(text_.substr(pos_, len)) + "' (" + code_point_name(cp) + ")";
      std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
    } else {
      std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
    }
    return buf;
  }

  // Where a byte outside the JSON grammar stops the parser: when it starts invalid UTF-8, that
  // is the error to report (RFC 8259 requires UTF-8 everywhere, not only in strings).
  bool invalid_utf8_at(size_t at) {
    if (at >= text_.size() || static_cast<unsigned char>(text_[at]) < 0x80) return false;
    uint32_t cp = 0;
    std::string why;
    size_t bad_end = 0;
    if (check_utf8(text_, at, cp, why, bad_end)) return false;
    error_at(at, bad_end, std::move(why));
    return true;
  }

  bool value(JsonValue& out, int depth) {
    if (depth > kMaxDepth) {
      error_at(pos_, pos_ + 1, "JSON nested deeper than 256 levels");
      return false;
    }
    if (pos_ >= text_.size()) {
      error_at(pos_, pos_, "unexpected end of input, expected a value");
      return false;
    }
    size_t start = pos_;
    char c = text_[pos_];
    switch (c) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"':
        out.kind = JsonKind::String;
        if (!string(out.text)) return false;
        out.range = range(start, pos_);
        return true;
      case 't': return literal("true", out, JsonKind::Bool, true);
      case 'f': return literal("false", out, JsonKind::Bool, false);
      case 'n': return literal("null", out, JsonKind::Null, false);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number(out);
        if (!invalid_utf8_at(pos_)) error_at(pos_, pos_ + 1, "expected a value, found " + describe_here());
        return false;
    }
  }

  bool literal(std::string_view word, JsonValue& out, JsonKind kind, bool b) {
    if (text_.substr(pos_, word.size()) != word) {
      size_t differ = pos_;
      while (differ < text_.size() && differ - pos_ < word.size() && text_[differ] == word[differ - pos_]) ++differ;
      if (invalid_utf8_at(differ)) return false;
      error_at(pos_, pos_ + 1, "expected a value, found " + describe_here());
      return false;
    }
    out.kind = kind;
    out.boolean = b;
    out.range = range(pos_, pos_ + word.size());
    pos_ += word.size();
    return true;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool number(JsonValue& out) {
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (pos_ < text_.size() && digit(text_[pos_])) {
      while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
    } else {
      if (!invalid_utf8_at(pos_)) error_at(start, pos_ + 1, "invalid number");
      return false;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (pos_ >= text_.size() || !digit(text_[pos_])) {
        if (!invalid_utf8_at(pos_)) error_at(start, pos_, "invalid number: digits expected after '.'");
        return false;
      }
      while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (pos_ >= text_.size() || !digit(text_[pos_])) {
        if (!invalid_utf8_at(pos_)) error_at(start, pos_, "invalid number: digits expected in the exponent");
        return false;
      }
      while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
    }
    out.kind = JsonKind::Number;
    out.text = std::string(text_.substr(start, pos_ - start));
    out.range = range(start, pos_);
    return true;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool hex4(size_t at, unsigned& cp) {
    if (at + 4 > text_.size()) return false;
    cp = 0;
    for (size_t i = 0; i < 4; ++i) {
      int h = hex(text_[at + i]);
      if (h < 0) return false;
      cp = cp * 16 + static_cast<unsigned>(h);
    }
    return true;
  }

  static void append_utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

 public:
  // Decodes the string literal at pos_ (which is '"'). When `offsets` is given, records for
  // every decoded byte the offset (in text_) of the character it came from.
  bool string(std::string& out, std::vector<uint32_t>* offsets = nullptr) {
    size_t start = pos_;
    ++pos_;
    out.clear();
    while (true) {
      if (pos_ >= text_.size()) {
        error_at(start, start + 1, "unterminated string");
        return false;
      }
      // ASCII fast path: a run of plain bytes is copied at once.
      if (plain_string_byte(static_cast<unsigned char>(text_[pos_]))) {
        size_t run = pos_ + 1;
        while (run < text_.size() && plain_string_byte(static_cast<unsigned char>(text_[run]))) ++run;
        out.append(text_.data() + pos_, run - pos_);
        if (offsets)
          for (size_t i = pos_; i < run; ++i) offsets->push_back(static_cast<uint32_t>(i));
        pos_ = run;
        continue;
      }
      char c = text_[pos_];
      if (static_cast<unsigned char>(c) >= 0x80) {
        uint32_t cp = 0;
        std::string why;
        size_t bad_end = 0;
        const size_t len = check_utf8(text_, pos_, cp, why, bad_end);
        if (len == 0) {
          error_at(pos_, bad_end, std::move(why));
          return false;
        }
        out.append(text_.data() + pos_, len);
        if (offsets)
          for (size_t i = pos_; i < pos_ + len; ++i) offsets->push_back(static_cast<uint32_t>(i));
        pos_ += len;
        continue;
      }
      if (c == '"') {
        ++pos_;
        if (offsets) offsets->push_back(static_cast<uint32_t>(pos_ - 1));
        return true;
      }
      // Symbols (symbol.hpp) in a document assembled from Terraform values travel as raw bytes.
      const bool symbol_byte = symbols_ && c >= '\x02' && c <= '\x08';
      if (static_cast<unsigned char>(c) < 0x20 && !symbol_byte) {
        error_at(pos_, pos_ + 1, "control character in string (write it as an escape such as \\n)");
        return false;
      }
      size_t here = pos_;
      if (c != '\\') {
        out += c;
        if (offsets) offsets->push_back(static_cast<uint32_t>(here));
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= text_.size()) {
        error_at(start, start + 1, "unterminated string");
        return false;
      }
      char e = text_[pos_ + 1];
      size_t before = out.size();
      switch (e) {
        case '"': out += '"'; pos_ += 2; break;
        case '\\': out += '\\'; pos_ += 2; break;
        case '/': out += '/'; pos_ += 2; break;
        case 'b': out += '\b'; pos_ += 2; break;
        case 'f': out += '\f'; pos_ += 2; break;
        case 'n': out += '\n'; pos_ += 2; break;
        case 'r': out += '\r'; pos_ += 2; break;
        case 't': out += '\t'; pos_ += 2; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(pos_ + 2, cp)) {
            error_at(pos_, pos_ + 2, "invalid \\u escape: four hex digits expected");
            return false;
          }
          pos_ += 6;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo = 0;
            if (pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u' && hex4(pos_ + 2, lo) &&
                lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              pos_ += 6;
            } else {
              // A lone surrogate is no character: its UTF-8 would be invalid (RFC 3629).
              error_at(here, here + 6, "invalid \\u escape: lone surrogate \\" + std::string(text_.substr(here + 1, 5)) +
                                           " (a high surrogate must be followed by a \\u escape of a low surrogate)");
              return false;
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            error_at(here, here + 6, "invalid \\u escape: lone surrogate \\" + std::string(text_.substr(here + 1, 5)) +
                                         " (a low surrogate must follow a \\u escape of a high surrogate)");
            return false;
          } else if (cp >= 0x01 && cp <= 0x08) {
            // The model uses these bytes internally (symbol.hpp, pattern escapes): no input
            // text may forge them. AWS accepts no such character in a policy either.
            cp = 0xFFFD;
          }
          append_utf8(out, cp);
          break;
        }
        default:
          error_at(pos_, pos_ + 2, std::string("invalid escape '\\") + e + "' in string");
          return false;
      }
      if (offsets) {
        for (size_t i = before; i < out.size(); ++i) offsets->push_back(static_cast<uint32_t>(here));
      }
    }
  }

 private:
  bool array(JsonValue& out, int depth) {
    size_t start = pos_;
    out.kind = JsonKind::Array;
    ++pos_;
    skip_ws();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      out.range = range(start, pos_);
      return true;
    }
    while (true) {
      skip_ws();
      JsonValue item;
      if (!value(item, depth + 1)) return false;
      out.items.push_back(std::move(item));
      skip_ws();
      if (pos_ >= text_.size()) {
        error_at(start, start + 1, "unterminated array: ']' expected");
        return false;
      }
      if (text_[pos_] == ',') {
        size_t comma = pos_++;
        skip_ws();
        if (pos_ < text_.size() && text_[pos_] == ']') {
          error_at(comma, comma + 1, "trailing comma before ']'");
          return false;
        }
        continue;
      }
      if (text_[pos_] == ']') {
        ++pos_;
        out.range = range(start, pos_);
        return true;
      }
      if (!invalid_utf8_at(pos_)) error_at(pos_, pos_ + 1, "expected ',' or ']' in array, found " + describe_here());
      return false;
    }
  }

  bool object(JsonValue& out, int depth) {
    size_t start = pos_;
    out.kind = JsonKind::Object;
    ++pos_;
    skip_ws();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      out.range = range(start, pos_);
      return true;
    }
    while (true) {
      skip_ws();
      if (pos_ >= text_.size()) {
        error_at(start, start + 1, "unterminated object: '}' expected");
        return false;
      }
      if (text_[pos_] != '"') {
        if (!invalid_utf8_at(pos_)) error_at(pos_, pos_ + 1, "expected a member name in double quotes, found " + describe_here());
        return false;
      }
      JsonMember m;
      size_t key_start = pos_;
      if (!string(m.key)) return false;
      m.key_range = range(key_start, pos_);
      skip_ws();
      if (pos_ >= text_.size() || text_[pos_] != ':') {
        if (!invalid_utf8_at(pos_)) error_at(pos_, pos_ + 1, "expected ':' after member name, found " + describe_here());
        return false;
      }
      ++pos_;
      skip_ws();
      if (!value(m.value, depth + 1)) return false;
      out.members.push_back(std::move(m));
      skip_ws();
      if (pos_ >= text_.size()) {
        error_at(start, start + 1, "unterminated object: '}' expected");
        return false;
      }
      if (text_[pos_] == ',') {
        size_t comma = pos_++;
        skip_ws();
        if (pos_ < text_.size() && text_[pos_] == '}') {
          error_at(comma, comma + 1, "trailing comma before '}'");
          return false;
        }
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        out.range = range(start, pos_);
        return true;
      }
      if (!invalid_utf8_at(pos_)) error_at(pos_, pos_ + 1, "expected ',' or '}' in object, found " + describe_here());
      return false;
    }
  }

  bool symbols_ = false;
  const SourceFile& file_;
  std::string_view text_;
  const std::vector<uint32_t>* map_;
  uint32_t base_;
  size_t pos_ = 0;
  std::string error_;
  Range error_range_;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view key) const {
  const JsonMember* m = find_member(key);
  return m ? &m->value : nullptr;
}

const JsonMember* JsonValue::find_member(std::string_view key) const {
  for (const auto& m : members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

const char* json_kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::Null: return "null";
    case JsonKind::Bool: return "a boolean";
    case JsonKind::Number: return "a number";
    case JsonKind::String: return "a string";
    case JsonKind::Array: return "an array";
    case JsonKind::Object: return "an object";
  }
  return "a value";
}

JsonParseResult parse_json(const SourceFile& file) {
  std::string_view text = file.text();
  // A UTF-8 byte order mark is not JSON, but editors write it; skip it.
  uint32_t base = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
    base = 3;
  }
  return Parser(file, text, nullptr, base).run();
}

JsonParseResult parse_embedded_json(const JsonValue& string_value) {
  const SourceFile* file = string_value.range.file;
  if (!file || string_value.kind != JsonKind::String) {
    JsonParseResult r;
    r.error = "not a string value";
    r.error_range = string_value.range;
    return r;
  }
  // Re-decode the literal from the file to learn where each decoded byte came from.
  std::string_view literal(file->text().data() + string_value.range.begin,
                           string_value.range.end - string_value.range.begin);
  Parser literal_parser(*file, literal, nullptr, string_value.range.begin);
  std::string decoded;
  std::vector<uint32_t> offsets;
  if (!literal_parser.string(decoded, &offsets)) {
    // The range does not hold a literal (the value was synthesized): parse without mapping.
    SourceFile scratch("", string_value.text);
    JsonParseResult r = Parser(scratch, scratch.text(), nullptr, 0).run();
    JsonParseResult out;
    out.error = r.ok() ? "embedded document has no source location" : r.error;
    out.error_range = string_value.range;
    return out;
  }
  for (auto& o : offsets) o += string_value.range.begin;
  return Parser(*file, decoded, &offsets, 0).run();
}

JsonParseResult parse_json_mapped(const SourceFile& file, std::string_view text, std::vector<uint32_t> offsets) {
  // One entry per byte, and one at least: the end of an empty text maps somewhere too.
  const uint32_t fill = offsets.empty() ? 0 : offsets.back();
  offsets.resize(std::max<size_t>(text.size(), 1), fill);
  return Parser(file, text, &offsets, 0).with_symbols().run();
}

}  // namespace threegate
