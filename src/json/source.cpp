#include "threegate/source.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace threegate {

SourceFile::SourceFile(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

LineCol SourceFile::line_col(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  auto line = static_cast<uint32_t>(it - line_starts_.begin());
  return LineCol{line, offset - line_starts_[line - 1] + 1};
}

const SourceFile* SourceSet::load(const std::string& path, std::string& error) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status)) {
    error = "cannot read " + path + ": it is a folder, not a file";
    return nullptr;
  }
  if (!ec && std::filesystem::is_regular_file(status)) {
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxInputFileBytes) {
      error = "cannot read " + path + ": the file has " + std::to_string(size) + " bytes, more than the limit of " +
              std::to_string(kMaxInputFileBytes >> 20) + " MiB";
      return nullptr;
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::string("cannot read ") + path + ": " + std::generic_category().message(errno);
    return nullptr;
  }
  // Bounded read: a file that grows, a pipe or a device is cut off at the same limit.
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxInputFileBytes) {
      error = "cannot read " + path + ": the file has more than the limit of " + std::to_string(kMaxInputFileBytes >> 20) +
              " MiB";
      return nullptr;
    }
  }
  if (in.bad()) {
    error = "cannot read " + path + ": " + std::generic_category().message(errno);
    return nullptr;
  }
  return add(path, std::move(text));
}

const SourceFile* SourceSet::add(std::string path, std::string text) {
  files_.push_back(std::make_unique<SourceFile>(std::move(path), std::move(text)));
  return files_.back().get();
}

}  // namespace threegate
