// The project configuration, `.threegate.yaml`: known accounts, rule selection, severities,
// excludes, fail-on, declared intents and suppressions for JSON inputs and exports. Reading it
// never throws: unknown keys and bad values become TG407 findings at their file:line:col, and the
// rest of the file still applies.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "threegate/diagnostic.hpp"
#include "threegate/finding.hpp"
#include "threegate/inventory.hpp"

namespace threegate {

struct Analysis;

constexpr std::string_view kConfigFileName = ".threegate.yaml";

enum class AccountTrust { Organization, Partner };

struct ConfigAccount {
  std::string id;  // 12 digits
  std::string name;
  AccountTrust trust = AccountTrust::Organization;
  Range range;
};

// One entry of `suppress`: silences findings of `rule` that match every criterion given.
struct ConfigSuppression {
  std::string rule;      // a rule id
  std::string path;      // a path glob, relative to the configuration's folder ("" any)
  std::string resource;  // an ARN glob: the finding's resource, or the key or secret whose policy holds it
  std::string sid;       // the Sid of the statement that holds the finding
  std::string reason;
  std::string expires;   // YYYY-MM-DD; from the day after, the suppression no longer applies
  Range range;
};

struct Config {
  std::string path;  // the file read; empty when none applies (defaults only)
  std::string organization_id;
  std::vector<ConfigAccount> accounts;
  std::vector<std::string> select;  // rule ids, names, id prefixes or categories; empty: every rule
  std::vector<std::string> ignore;
  std::map<std::string, Severity> severity;  // rule id → severity
  std::vector<std::string> exclude;          // path globs: findings in those files are not reported
  std::string fail_on = "warning";           // error, warning, info, never
  bool fail_on_set = false;                  // the file says fail-on (audits fail on findings only then)
  std::vector<Intent> intents;
  std::vector<ConfigSuppression> suppressions;
  Diagnostics diagnostics;  // TG407

  const ConfigAccount* find_account(std::string_view id) const;
  // The folder relative to which globs are read: the file's folder, else the current directory.
  std::filesystem::path base_dir() const;
};

// The nearest .threegate.yaml in `start` or a folder above it; empty when there is none.
std::string find_config_file(const std::filesystem::path& start);

// Reads a configuration file; its text is kept in `sources` so that findings point into it.
Config load_config(const std::string& path, SourceSet& sources);
Config parse_config(const SourceFile& file);

// The effective configuration as YAML, every default written out.
std::string dump_config(const Config& config);

// Glob matching. Paths: `*` and `?` stay within one path segment, `**` spans segments, a glob
// without '/' matches a file or folder name anywhere, and a glob matching a folder covers what is
// below it. Other text (ARNs): `*` matches anything, `?` one character.
// Both are linear in the text for a given glob (no backtracking): a glob is the user's input.
bool path_glob_match(std::string_view glob, std::string_view path);
bool text_glob_match(std::string_view glob, std::string_view text);
// The whole of `text` against `glob`; `path` gives `*`/`?` their path meaning (not across '/') and
// `**` (across '/'; "**/" may match no folder). The two above are built on it.
bool config_glob_match(std::string_view glob, std::string_view text, bool path);

// What silenced a finding.
struct SuppressedFinding {
  Finding finding;
  bool inline_comment = false;  // a threegate:ignore comment; else an entry of the configuration
  std::string reason, expires;
  Range range;  // the configuration entry
};

// Before run_analysis: the declared intents and the organization go into every inventory scope
// they concern, and the rules see the configuration (TG206).
void apply_config_to_inputs(const Config& config, Analysis& analysis);

// After run_analysis: severity overrides, rule selection, excludes, then the configured
// suppressions (after the inline ones). Returns every suppressed finding, inline ones included.
// `today` is YYYY-MM-DD (expiry).
std::vector<SuppressedFinding> apply_config_to_findings(const Config& config, Analysis& analysis,
                                                        const std::string& today);

// Today's date in UTC, YYYY-MM-DD.
std::string today_utc();

}  // namespace threegate
