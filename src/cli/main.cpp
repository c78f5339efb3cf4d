// threegate: the command line. Parsing only; the work is in the commands.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"

#ifndef THREEGATE_VERSION
#define THREEGATE_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  using namespace threegate::cli;
  CLI::App app{"threegate: checks that cross-account reads of AWS Secrets Manager secrets pass the three gates "
               "(KMS key policy, secret policy, caller IAM), offline"};
  app.set_version_flag("--version", THREEGATE_VERSION);
  app.require_subcommand(1);

  CheckArgs check;
  auto* c = app.add_subcommand("check", "check policies and inventories; report what fails, where, why and the fix");
  c->add_option("paths", check.paths, "policy files, inventory files or folders (every *.json below)")->required();
  c->add_option("--format", check.format, "output format")->check(CLI::IsMember({"text", "json"}));
  c->add_option("--fail-on", check.fail_on, "exit 1 when a finding has this severity or higher")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}));
  c->add_option("--kind", check.kind, "how standalone policy files are used (default: detected)")
      ->check(CLI::IsMember({"key", "secret", "identity", "scp", "rcp", "boundary", "session"}));

  SimulateArgs sim;
  auto* s = app.add_subcommand("simulate", "evaluate one request (--case) or the three gates of one read");
  s->add_option("--case", sim.case_file, "a request case file (JSON)");
  s->add_option("--principal", sim.principal, "the reading principal's ARN");
  s->add_option("--secret", sim.secret, "the secret's ARN");
  s->add_option("--key", sim.key, "the key's ARN, when the key policy is given as a standalone file");
  s->add_option("--region", sim.region, "only this region of the secret (default: primary and every replica)");
  s->add_option("--kind", sim.kind, "how standalone policy files are used (default: detected)")
      ->check(CLI::IsMember({"key", "secret", "identity", "scp", "rcp", "boundary", "session"}));
  s->add_option("paths", sim.paths, "inventories or policy files (with --principal/--secret)");
  s->add_option("--format", sim.format, "output format")->check(CLI::IsMember({"text", "json"}));

  std::string rules_format = "text";
  auto* r = app.add_subcommand("rules", "list the rules");
  r->add_option("--format", rules_format, "output format")->check(CLI::IsMember({"text", "markdown", "json"}));

  std::string explain_id;
  auto* e = app.add_subcommand("explain", "show a rule's documentation");
  e->add_option("rule", explain_id, "rule id or name, e.g. TG101 or aws-managed-key-cross-account")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    int code = app.exit(err);
    return code == 0 ? 0 : 2;
  }
  if (c->parsed()) return run_check(check);
  if (s->parsed()) return run_simulate(sim);
  if (r->parsed()) return run_rules(rules_format);
  if (e->parsed()) return run_explain(explain_id);
  return 2;
}
