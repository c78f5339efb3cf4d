#include "report/location.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace threegate {

namespace fs = std::filesystem;

uint32_t utf16_column(const SourceFile& file, uint32_t offset) {
  const std::string& text = file.text();
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  const uint32_t line_start = offset - (file.line_col(offset).column - 1);
  uint32_t units = 0;
  for (uint32_t i = line_start; i < offset;) {
    const auto b = static_cast<unsigned char>(text[i]);
    uint32_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    bool valid = len != 0 && i + len <= text.size();
    for (uint32_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      units += 1;
      i += 1;
      continue;
    }
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return units + 1;
}

namespace {

fs::path normalized(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path.empty() ? fs::path(".") : fs::path(path), ec), ec);
  if (ec) p = fs::absolute(path.empty() ? fs::path(".") : fs::path(path), ec).lexically_normal();
  return p;
}

// Percent-encodes all but RFC 3986's unreserved characters and '/', so that a file name with a
// space, '%', '#', ':' or non-ASCII bytes is still one valid URI reference.
std::string encode_path(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

// The path below root, or empty when it is not below it.
std::string below(const std::string& path, const std::string& root) {
  fs::path rel = normalized(path).lexically_relative(normalized(root));
  if (rel.empty() || rel == "." || *rel.begin() == "..") return {};
  return rel.generic_string();
}

}  // namespace

ArtifactUri artifact_uri(const std::string& path, const std::string& root) {
  std::string rel = below(path, root);
  if (!rel.empty()) return {encode_path(rel), true};
  return {"file://" + encode_path(normalized(path).generic_string()), false};
}

std::string root_uri(const std::string& root) {
  std::string p = normalized(root).generic_string();
  if (p.empty() || p.back() != '/') p += '/';
  return "file://" + encode_path(p);
}

std::string root_relative_path(const std::string& path, const std::string& root) {
  std::string rel = below(path, root);
  return rel.empty() ? path : rel;
}

}  // namespace threegate
