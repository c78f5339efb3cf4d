// threegate: the command line. Parsing only; the work is in the commands.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "threegate/catalog.hpp"

#ifndef THREEGATE_VERSION
#define THREEGATE_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  using namespace threegate::cli;
  CLI::App app{"threegate: checks that cross-account reads of AWS Secrets Manager secrets pass the three gates "
               "(KMS key policy, secret policy, caller IAM), offline"};
  app.set_version_flag("--version", std::string(THREEGATE_VERSION) + "\n" + threegate::catalog::version_line());
  app.require_subcommand(1);

  CheckArgs check;
  auto* c = app.add_subcommand("check", "check policies and inventories; report what fails, where, why and the fix");
  c->add_option("paths", check.paths, "policy files, inventory files, .tf files or folders (every *.json and Terraform module below)")
      ->required();
  add_output_flags(*c, check.output);
  c->add_option("--fail-on", check.fail_on, "exit 1 when a finding has this severity or higher (default: the "
                                           "configuration's fail-on, else warning)")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}));
  c->add_option("--config", check.config, "the configuration file (default: the nearest .threegate.yaml above the "
                                          "current directory)")
      ->type_name("FILE");
  c->add_flag("--no-config", check.no_config, "read no configuration file");
  c->add_flag("--show-suppressed", check.show_suppressed,
              "text and json: also list the suppressed findings, each with what silenced it");
  c->add_option("--baseline", check.baseline, "report only findings that are not in this baseline")->type_name("FILE");
  c->add_option("--write-baseline", check.write_baseline, "record the findings of this run as a baseline")
      ->type_name("FILE");
  c->add_option("--var-file", check.var_files, "Terraform: a variable definitions file, as terraform's -var-file");
  c->add_option("--source", check.plan_source,
                "Terraform plans: the folder of the plan's .tf files (default: the plan's folder, when it holds .tf "
                "files)")
      ->type_name("DIR");
  c->add_option("--var", check.vars, "Terraform: NAME=VALUE, as terraform's -var")->allow_extra_args(false);
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

  AuditArgs audit, who_can, can;
  auto* au = app.add_subcommand("audit", "audit an export of AWS accounts: who can read which secret, broken shares, "
                                         "secrets open outside the organization, what the export lacks");
  au->add_option("dir", audit.dir, "the export folder (scripts/collect writes it)")->required();
  au->add_option("--format", audit.format, "output format")->check(CLI::IsMember({"text", "json", "csv"}));
  au->add_option("--graph", audit.graph, "also draw the matrix as Graphviz FILE.dot (and FILE.svg when dot is installed)");
  auto* wc = app.add_subcommand("who-can", "who can read one secret of an export");
  wc->add_option("--secret", who_can.secret, "the secret's ARN (a replica's ARN for that region)")->required();
  wc->add_option("dir", who_can.dir, "the export folder")->required();
  wc->add_option("--format", who_can.format, "output format")->check(CLI::IsMember({"text", "json"}));
  auto* cn = app.add_subcommand("can", "which secrets of an export one principal can read");
  cn->add_option("--principal", can.principal, "the principal's ARN (or an account id)")->required();
  cn->add_option("dir", can.dir, "the export folder")->required();
  cn->add_option("--format", can.format, "output format")->check(CLI::IsMember({"text", "json"}));
  for (auto [command, args] : {std::pair{au, &audit}, std::pair{wc, &who_can}, std::pair{cn, &can}}) {
    command->add_option("--output", args->output, "write the report to FILE instead of stdout (\"-\": stdout)")
        ->type_name("FILE");
    command->add_flag("--quiet,-q", args->quiet, "text: no closing summary line");
    command->add_option("--config", args->config, "the configuration file (default: the nearest .threegate.yaml above "
                                                  "the current directory)")
        ->type_name("FILE");
    command->add_flag("--no-config", args->no_config, "read no configuration file");
  }
  au->add_option("--fail-on", audit.fail_on, "also exit 1 when a finding has this severity or higher (default: the "
                                             "configuration's fail-on when one applies; never: not even for broken "
                                             "or outside reads)")
      ->check(CLI::IsMember({"error", "warning", "info", "never"}));
  au->add_flag("--show-suppressed", audit.show_suppressed,
               "text and json: also list the suppressed findings, each with what silenced it");

  ConfigArgs config;
  auto* cf = app.add_subcommand("config", "show the configuration (.threegate.yaml) threegate reads");
  cf->add_flag("--dump", config.dump, "print the effective configuration, with every default, as YAML")->required();
  cf->add_option("--config", config.config, "the configuration file (default: the nearest .threegate.yaml)")
      ->type_name("FILE");
  cf->add_flag("--no-config", config.no_config, "read no configuration file (print the defaults)");

  std::string shell;
  auto* co = app.add_subcommand("completion", "print a shell completion script (source <(threegate completion bash))");
  co->add_option("shell", shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));

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
  if (au->parsed()) return run_audit(audit);
  if (wc->parsed()) return run_who_can(who_can);
  if (cn->parsed()) return run_can(can);
  if (cf->parsed()) return run_config(config);
  if (co->parsed()) return run_completion(shell);
  if (r->parsed()) return run_rules(rules_format);
  if (e->parsed()) return run_explain(explain_id);
  return 2;
}
