// Exported AWS accounts: the JSON the AWS CLI prints (get-account-authorization-details, kms,
// secretsmanager and organizations calls), laid out as scripts/collect writes it (README.md,
// "Auditing exported accounts"), read into the Inventory model; and the access matrix of every
// secret read from it.
//
// Any file may be missing (a partial export, a denied call). What is missing is a gap, named in
// the report, and what it leaves unknown is modelled as unknown, so that the reads it could change
// are undecided ("depends"), never silently allowed or denied.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "threegate/analysis.hpp"
#include "threegate/gates.hpp"
#include "threegate/inventory.hpp"

namespace threegate {

// Something the export lacks, and what that leaves unknown.
struct ExportGap {
  std::string path;     // the missing file (relative to the export folder), or the file concerned
  std::string message;  // "no get-key-policy.json for key …: its policy is unknown, reads through it are undecided"
  Range range;          // where it is referenced, when known
};

struct ExportSummary {
  std::vector<std::string> accounts;  // accounts/<id> folders read
  std::vector<std::string> regions;   // regions seen
  size_t keys = 0, secrets = 0, principals = 0;
};

// True when `dir` holds an accounts/ or organization/ folder.
bool is_export_folder(const std::string& dir);

// Reads the export below `dir` into a new scope of `analysis` (its label is `dir`), with every
// policy listed for the rules. Malformed files are TG401/TG403 diagnostics of `analysis`; missing
// ones are gaps. `usage_error` is set only when `dir` is not an export folder.
void load_export(const std::string& dir, Analysis& analysis, std::vector<ExportGap>& gaps, ExportSummary& summary,
                 std::string& usage_error);

// Decodes %XX escapes (RFC 3986, as IAM's API encodes policy documents). `map`, when given,
// receives for each decoded byte the offset of its first encoded byte, plus one final entry for
// the end. Returns false (and leaves `out` partial) on a malformed escape.
bool percent_decode(std::string_view encoded, std::string& out, std::vector<uint32_t>* map = nullptr);

// A policy document as the CLI prints it: an object, a JSON string, or a URL-encoded string
// ("%7B%22Version…"), whose ranges are mapped back into the encoded string. nullopt when there is
// none that could be read (diagnostics say why).
std::optional<Policy> parse_export_policy(const JsonValue& value, PolicyKind kind, std::string name, SourceSet& sources,
                                          Diagnostics& diagnostics);

// ---- the access matrix -------------------------------------------------------------------------

// Where a principal stands with one secret copy.
struct MatrixEntry {
  std::string principal;  // a role/user ARN, an account id, or "*" (principals outside the organization)
  std::string account;
  std::string label;      // for "*": which outsiders ("any principal outside the organization", "organization o-…")
  bool in_export = false;          // a role or user of the export, its IAM known
  bool in_organization = false;
  Decision decision = Decision::ImplicitDeny;
  std::vector<std::string> depends_on;
};

// An intended share that does not work, and the gate that fails it.
struct BrokenShare {
  std::string principal;
  ShareOrigin origin = ShareOrigin::Declared;
  std::string gate;    // "key_policy", "secret_policy", "caller_iam", "guardrail", "key_unusable"
  std::string reason;  // one line
  Range range;         // what declares the share
};

struct MatrixCell {
  const SecretRecord* secret = nullptr;
  std::string region, secret_arn, key;  // key: the key's ARN, or the reference when it is not in the export
  bool replica = false;
  std::vector<MatrixEntry> readers;    // can read: every gate open, guardrails passed (IAM known)
  std::vector<MatrixEntry> external;   // outside the organization, and the secret's side lets them read
  std::vector<MatrixEntry> undecided;  // might read: the answer depends on something unknown
  std::vector<BrokenShare> broken;
};

// An account the configuration (.threegate.yaml `accounts`) declares: its name, and whether it is
// in the organization or a trusted partner.
struct KnownAccount {
  std::string name;  // may be empty
  bool partner = false;
};

struct AccessMatrix {
  std::vector<MatrixCell> cells;  // by secret ARN, then region (primary first)
  size_t pairs_decided = 0;       // principal × secret copy pairs evaluated
  std::map<std::string, KnownAccount> known_accounts;  // MatrixOptions::known_accounts, for the outputs
};

// The configured name of an account ("" when none), and "NAME" or "NAME, partner" for reports.
std::string account_name(const AccessMatrix& matrix, std::string_view account);
std::string account_tag(const AccessMatrix& matrix, std::string_view account);

// The principals whose identity policies may allow one action on a resource, found by the
// literal prefix of each Allow statement's resource pattern (the text before its first
// wildcard or policy variable). Conditions, denies, boundaries and guardrails are not looked at:
// the index only rules out principals that no statement could let act, so that the gates are
// evaluated for the others alone.
class IdentityIndex {
 public:
  IdentityIndex(const Inventory& inventory, std::string_view action);
  // Appends to `out` (without duplicates) the principals of `account` ("" = every account)
  // whose identity policies have an Allow statement for the action on a pattern matching `arn`.
  void candidates(std::string_view arn, std::string_view account, std::vector<const PrincipalRecord*>& out) const;
  size_t entries() const { return entries_; }

 private:
  struct Entry {
    const PrincipalRecord* principal;
    std::string pattern;
    bool variable;  // holds "${": matched after substitution, so taken as a match here
  };
  std::unordered_map<std::string, std::vector<Entry>> by_prefix_;  // "account|prefix" and "|prefix"
  size_t entries_ = 0;
  mutable std::vector<const PrincipalRecord*> seen_;
};

struct MatrixOptions {
  // Evaluates every principal of the inventory against every secret copy instead of the
  // candidates the identity index and the resource policies give: the reference the indexed
  // matrix is tested against.
  bool exhaustive = false;
  // Called after each secret copy with (done, total), for a progress bar.
  std::function<void(size_t, size_t)> progress;
  // The accounts the configuration declares, by id. Their principals are never "outside the
  // organization": one whose IAM the export holds stays a reader; one the secret's side lets read
  // but whose IAM is not in the export is a reader "if its own IAM allows" (MatrixEntry
  // in_export false, decision allow) rather than external.
  std::map<std::string, KnownAccount> known_accounts;
};

// Decides, for every secret copy of the scope, who can read it: the principals of the inventory,
// those its key, secret and grant policies name, and principals outside the organization; plus
// the shares of `scope.shares` that fail. Run run_analysis() first (it fills the shares).
AccessMatrix build_access_matrix(Scope& scope, const MatrixOptions& options = {});

// One principal's standing with one secret copy. For a principal whose IAM the scope does not
// hold, the decision is the secret's side alone (the secret, its key, the resource guardrails):
// allow means its own IAM decides.
struct PrincipalAccess {
  const SecretRecord* secret = nullptr;
  std::string secret_arn, region;
  Decision decision = Decision::ImplicitDeny;
  std::vector<std::string> depends_on;
  std::string closed;  // for a denied read: "gate: reason"
};
// A principal outside the organization that the export does not place in another one is judged
// as one of an unnamed organization, and as one of each organization the policies name in
// aws:PrincipalOrgID: a read that only a named organization's principals get is undecided and
// says for which.
std::vector<PrincipalAccess> principal_access(Scope& scope, const RequestPrincipal& principal);

// ---- outputs -----------------------------------------------------------------------------------

// One CSV row (RFC 4180) per secret copy × principal: secret, region, replica, key, principal,
// account, verdict (reader, external, broken, undecided), gate, reason; and account_name (the
// configured name of the principal's account, else empty) when the matrix has known_accounts.
void write_matrix_csv(std::ostream& out, const AccessMatrix& matrix);
// Quotes one CSV field when it holds a comma, a quote, CR or LF (quotes doubled).
std::string csv_field(std::string_view value);

// A Graphviz graph: one cluster per account (labelled with its configured name, when it has one)
// with its principals, keys and secret copies; an edge
// principal → secret for each working read (through the key), a red dashed edge for each broken
// intended share.
void write_matrix_dot(std::ostream& out, const AccessMatrix& matrix);

}  // namespace threegate
