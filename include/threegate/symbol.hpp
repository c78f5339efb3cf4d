// Symbolic values inside strings. Terraform code names values that are not known before apply
// (a variable without a default, a new key's id, the deploying account); threegate keeps them
// as named symbols inside the strings of the policy model instead of making values up. The
// evaluator matches them in three values: a symbol equals itself, and where the answer depends
// on what an unknown symbol turns out to be, the answer is Unknown and the symbol is named.
//
// Encoding: "\x02" kind name "\x03" inside an ordinary string, e.g.
// "arn:aws:iam::\x02adata.aws_caller_identity.current.account_id\x03:root". The control
// characters cannot occur in an AWS policy (the policy reader rejects them), so a string
// without "\x02" is an ordinary value and every fast path stays as it is. (The evaluator uses
// "\x01" internally to escape substituted text in patterns.) Inside the name, the characters
// that mean something to matching (':' '/' '*' '?' '$') are stored as "\x04".."\x08", so that
// an encoded symbol never splits an ARN, a path, or acts as a wildcard or a policy variable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace threegate {

inline constexpr char kSymbolBegin = '\x02';
inline constexpr char kSymbolEnd = '\x03';

enum class SymbolKind : char {
  // A value nobody knows before apply (a variable without a default, a region or partition
  // data source, a registry module's output, an attribute computed by AWS): it may be equal to
  // any value, so a comparison that depends on it is Unknown.
  Unknown = 'u',
  // An identifier AWS makes when the resource is created (a new key's id, a secret's random
  // suffix): equal to itself only, never to a literal written elsewhere or to another symbol.
  Fresh = 'f',
  // The account the module deploys into (data.aws_caller_identity): equal to itself; taken to
  // differ from every account id written literally, which the module grants to as other accounts.
  // The CLI says so once when a module uses it.
  Account = 'a',
};

std::string make_symbol(SymbolKind kind, std::string_view name);

inline bool has_symbol(std::string_view s) { return s.find(kSymbolBegin) != std::string_view::npos; }

struct SymbolRef {
  SymbolKind kind;
  std::string name;   // decoded
  size_t begin, end;  // the encoded span in the string
};

// True when the whole of `s` is one symbol of that kind.
bool is_lone_symbol(std::string_view s, SymbolKind kind);

// True when `s` holds a symbol of kind Unknown (the only kind whose value may be anything).
bool has_unknown_symbol(std::string_view s);

// The decoded name of one encoded symbol span ("\x02u…\x03"); the text itself otherwise.
std::string symbol_name(std::string_view encoded);

// The symbols of a string, in order (malformed spans are ignored).
std::vector<SymbolRef> symbols_in(std::string_view s);

// The string as a user reads it: every symbol shown as "${name}".
std::string display_symbols(std::string_view s);

}  // namespace threegate
