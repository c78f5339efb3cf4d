#include <fmt/format.h>

#include "gate_support.hpp"

namespace threegate::rules {
namespace {
void run(const RuleContext& ctx, FindingSink& sink);
}

extern const RuleInfo kTG109;
const RuleInfo kTG109{
    "TG109",
    "share-undecided",
    Severity::Info,
    "gate",
    "whether an intended reader can read a secret depends on values the inputs do not give",
    {
        "Reports intended reads that no gate closes but that cannot be proven to work either: a condition on a "
        "key whose value is not known statically (a source IP, a tag, the secret version), a key or key policy "
        "missing from the inputs, a caller whose IAM is not in the inputs.",
        "threegate never guesses an AWS answer. A read that depends on such a value may work in one call and fail "
        "in the next; the finding names what it depends on so that it can be checked or added to the inputs.",
        R"({"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}})",
        R"({"Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}})",
        "Add the missing inputs (the key and its policy, the caller's IAM), or confirm that the named context "
        "values hold for the consumer's calls.",
    },
    &run,
};

namespace {
void run(const RuleContext& ctx, FindingSink& sink) {
  for_each_check(ctx, [&](const ShareResult& share, const ReadCheck& c) {
    if (c.decision != Decision::Depends) return;
    for (const GateVerdict* g : {&c.key_policy, &c.secret_policy, &c.caller_iam}) {
      if (g->state == GateState::Closed) return;  // a closed gate has its own finding
    }
    std::vector<std::string> why = c.depends_on;
    if (c.caller_iam.state == GateState::NotInInventory) why.push_back("the caller's IAM policies (not in the inputs)");
    Finding f = make_finding(kTG109,
                             fmt::format("whether {} can read {} depends on {}", describe_caller(c), c.secret_arn,
                                         why.empty() ? std::string("unknown values") : fmt::format("{}", fmt::join(why, ", "))),
                             share.share.range);
    f.principal = describe_caller(c);
    f.resource = c.secret_arn;
    add_gate_lines(c, f);
    sink.add(std::move(f));
  });
}
}  // namespace

}  // namespace threegate::rules
