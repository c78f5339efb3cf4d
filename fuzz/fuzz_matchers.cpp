// The wildcard and condition matchers, pattern × input, symbols (symbol.hpp) included. Checks
// that the compiled patterns agree with the general matchers, and that symbolic matching of
// strings without an Unknown symbol never answers Unknown.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "eval/eval_internal.hpp"
#include "threegate/eval.hpp"
#include "threegate/policy.hpp"
#include "threegate/symbol.hpp"

using namespace threegate;

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  // Pattern and text are separated by the first NUL; bytes 0x10..0x13 in the input stand for a
  // whole symbol of each kind, so that the fuzzer reaches the symbolic paths easily.
  const size_t cut = rest.find('\0');
  auto expand = [](std::string_view s) {
    std::string out;
    for (char c : s) {
      switch (c) {
        case '\x10': out += make_symbol(SymbolKind::Unknown, "var.x"); break;
        case '\x11': out += make_symbol(SymbolKind::Fresh, "aws_kms_key.k.key_id"); break;
        case '\x12': out += make_symbol(SymbolKind::Account, "data.aws_caller_identity.a.account_id"); break;
        case '\x13': out += make_symbol(SymbolKind::Unknown, "a:b/*?$"); break;
        default: out += c;
      }
    }
    return out;
  };
  const std::string pattern = expand(rest.substr(0, cut));
  const std::string text = cut == std::string_view::npos ? std::string() : expand(rest.substr(cut + 1));
  const bool ci = (flags & 1) != 0;

  (void)glob_match(pattern, text, ci);
  const bool action = action_matches(pattern, text);
  if (compiled_action_matches(compile_action_pattern(pattern), lower(text)) != action) std::abort();
  const bool arn = arn_matches(pattern, text);
  if (pattern.find("${") == std::string::npos &&
      compiled_resource_matches(compile_resource_pattern(pattern), text) != arn)
    std::abort();
  (void)eval_detail::arn_matches_unknown_id(pattern, text);

  eval_detail::KeySink sink;
  const Tri g = eval_detail::symbolic_glob(pattern, text, ci, (flags & 2) != 0, &sink);
  const Tri e = eval_detail::symbolic_equal(pattern, text, ci, &sink);
  const Tri a = eval_detail::symbolic_arn(pattern, text, (flags & 2) != 0, &sink);
  if (!has_unknown_symbol(pattern) && !has_unknown_symbol(text) &&
      (g == Tri::Unknown || e == Tri::Unknown || a == Tri::Unknown))
    std::abort();
  (void)display_symbols(text);
  (void)symbols_in(pattern);
  return 0;
}
