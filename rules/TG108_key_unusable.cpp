#include <fmt/format.h>

#include <set>

#include "gate_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG108;
const RuleInfo kTG108{
    "TG108",
    "key-unusable",
    Severity::Error,
    "key",
    "a secret's key is disabled, pending deletion, in another region or otherwise unusable",
    {
        "Reports keys that encrypt a secret of the inputs and whose state is not Enabled (Disabled, "
        "PendingDeletion, PendingReplicaDeletion, PendingImport, Unavailable), and secrets whose key is in "
        "another region than the secret (or the replica).",
        "KMS refuses every cryptographic operation on such a key whatever its policy says, so every read of the "
        "secret fails; a key pending deletion destroys the secret's value for good when the waiting period ends. "
        "Secrets Manager only uses a key of the secret's own region.",
        R"({"arn": "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", "state": "PendingDeletion"})",
        R"({"arn": "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", "state": "Enabled"})",
        "Enable the key (`aws kms enable-key`) or cancel its deletion (`aws kms cancel-key-deletion`), or "
        "re-encrypt the secret with a usable key of its region.",
    },
    &run,
};

namespace {
void run(const RuleContext& ctx, FindingSink& sink) {
  for (const auto& s : ctx.inventory.secrets) {
    std::set<const KeyRecord*> seen;
    auto check = [&](const std::string& ref, const std::string& region, const Range& ref_range) {
      const KeyRecord* k = ctx.inventory.resolve_key(ref, s.account, region, s.partition);
      if (!k) return;
      std::string where = region == s.region ? "" : " in " + region;
      if (k->region != region) {
        // Secrets Manager uses a key of the secret's own region (semantics 3.3).
        Finding f = make_finding(kTG108,
                                 fmt::format("key {} of secret {} is in {}, not in the secret's region {}: every read "
                                             "of the secret{} fails",
                                             k->arn, s.arn_in_region(region), k->region, region, where),
                                 ref_range);
        f.resource = s.arn_in_region(region);
        sink.add(std::move(f));
        return;
      }
      if (k->usable() || !seen.insert(k).second) return;
      Finding f = make_finding(kTG108,
                               fmt::format("key {} of secret {} is {}: every read of the secret{} fails", k->arn,
                                           s.arn_in_region(region), k->state, where),
                               k->range);
      f.resource = s.arn_in_region(region);
      sink.add(std::move(f));
    };
    check(s.kms_key, s.region, s.kms_key_range);
    for (const auto& r : s.replicas) check(r.kms_key, r.region, r.range);
  }
}
}  // namespace

}  // namespace threegate::rules
