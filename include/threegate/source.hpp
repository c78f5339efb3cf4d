// Source text and byte ranges. Every element of the policy model points back here so that
// findings can print path:line:col; line/column are computed only when printing.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace threegate {

struct LineCol {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in bytes
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // Line and column of a byte offset (offsets past the end clamp to the end).
  LineCol line_col(uint32_t offset) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// A half-open byte range [begin, end) in one source file. A default Range has no file
// (the element was synthesized, e.g. the modelled AWS-managed key policy).
struct Range {
  const SourceFile* file = nullptr;
  uint32_t begin = 0;
  uint32_t end = 0;
  bool known() const { return file != nullptr; }
};

// Larger input files are refused before they are read: no policy, inventory, .tf file or
// export file of a real account comes near it, and a parser's trees take several times the text.
inline constexpr uint64_t kMaxInputFileBytes = 64ull << 20;

// Owns every source file read during one run; ranges point into it, so it outlives the model.
class SourceSet {
 public:
  // Reads a file from disk. Returns nullptr and sets `error` when it cannot be read (missing,
  // unreadable, a folder, larger than kMaxInputFileBytes).
  const SourceFile* load(const std::string& path, std::string& error);
  const SourceFile* add(std::string path, std::string text);

 private:
  std::deque<std::unique_ptr<SourceFile>> files_;
};

}  // namespace threegate
