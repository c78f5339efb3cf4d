// `threegate completion bash|zsh|fish`: a completion script for the shell (CLI11 generates none).
// The lists below follow main.cpp; a test checks that each subcommand's --help names every flag.
#include <iostream>

#include "cli/commands.hpp"

namespace threegate::cli {
namespace {

constexpr const char* kBash = R"(# threegate bash completion: source <(threegate completion bash)
_threegate() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  cmd="${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "check simulate audit who-can can config rules explain completion --help --version" -- "$cur"))
    return
  fi
  case "$prev" in
    --format)
      case "$cmd" in
        check) COMPREPLY=($(compgen -W "text json sarif github junit" -- "$cur")) ;;
        audit) COMPREPLY=($(compgen -W "text json csv" -- "$cur")) ;;
        rules) COMPREPLY=($(compgen -W "text markdown json" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
      esac
      return ;;
    --fail-on) COMPREPLY=($(compgen -W "error warning info never" -- "$cur")); return ;;
    --kind) COMPREPLY=($(compgen -W "key secret identity scp rcp boundary session" -- "$cur")); return ;;
    --sarif-root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --output|--config|--baseline|--write-baseline|--var-file|--case|--graph) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --source) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac
  local flags=""
  case "$cmd" in
    check) flags="--format --output --sarif-root --quiet --fail-on --config --no-config --show-suppressed --baseline --write-baseline --var-file --var --source --kind" ;;
    simulate) flags="--case --principal --secret --key --region --kind --format" ;;
    audit) flags="--format --graph --output --quiet --config --no-config --fail-on --show-suppressed" ;;
    who-can) flags="--secret --format --output --quiet --config --no-config" ;;
    can) flags="--principal --format --output --quiet --config --no-config" ;;
    config) flags="--dump --config --no-config" ;;
    rules) flags="--format" ;;
    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags --help" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _threegate threegate
)";

constexpr const char* kFish = R"(# threegate fish completion: threegate completion fish | source
complete -c threegate -f -n __fish_use_subcommand -a 'check simulate audit who-can can config rules explain completion'
complete -c threegate -n '__fish_seen_subcommand_from check' -l format -xa 'text json sarif github junit'
complete -c threegate -n '__fish_seen_subcommand_from check' -l fail-on -xa 'error warning info never'
complete -c threegate -n '__fish_seen_subcommand_from check simulate' -l kind -xa 'key secret identity scp rcp boundary session'
complete -c threegate -n '__fish_seen_subcommand_from check' -l sarif-root -xa '(__fish_complete_directories)'
complete -c threegate -n '__fish_seen_subcommand_from check audit who-can can' -l output -rF
complete -c threegate -n '__fish_seen_subcommand_from check audit who-can can' -l quiet -s q
complete -c threegate -n '__fish_seen_subcommand_from check config' -l config -rF
complete -c threegate -n '__fish_seen_subcommand_from check config' -l no-config
complete -c threegate -n '__fish_seen_subcommand_from check' -l show-suppressed
complete -c threegate -n '__fish_seen_subcommand_from check' -l baseline -rF
complete -c threegate -n '__fish_seen_subcommand_from check' -l write-baseline -rF
complete -c threegate -n '__fish_seen_subcommand_from check' -l var-file -rF
complete -c threegate -n '__fish_seen_subcommand_from check' -l var -x
complete -c threegate -n '__fish_seen_subcommand_from check' -l source -xa '(__fish_complete_directories)'
complete -c threegate -n '__fish_seen_subcommand_from simulate' -l case -rF
complete -c threegate -n '__fish_seen_subcommand_from simulate' -l principal -x
complete -c threegate -n '__fish_seen_subcommand_from simulate who-can' -l secret -x
complete -c threegate -n '__fish_seen_subcommand_from simulate' -l key -x
complete -c threegate -n '__fish_seen_subcommand_from simulate' -l region -x
complete -c threegate -n '__fish_seen_subcommand_from simulate who-can can' -l format -xa 'text json'
complete -c threegate -n '__fish_seen_subcommand_from audit' -l format -xa 'text json csv'
complete -c threegate -n '__fish_seen_subcommand_from audit' -l graph -rF
complete -c threegate -n '__fish_seen_subcommand_from audit' -l fail-on -xa 'error warning info never'
complete -c threegate -n '__fish_seen_subcommand_from audit' -l show-suppressed
complete -c threegate -n '__fish_seen_subcommand_from audit who-can can' -l config -rF
complete -c threegate -n '__fish_seen_subcommand_from audit who-can can' -l no-config
complete -c threegate -n '__fish_seen_subcommand_from can' -l principal -x
complete -c threegate -n '__fish_seen_subcommand_from config' -l dump
complete -c threegate -n '__fish_seen_subcommand_from rules' -l format -xa 'text markdown json'
complete -c threegate -n '__fish_seen_subcommand_from completion' -xa 'bash zsh fish'
)";

}  // namespace

int run_completion(const std::string& shell) {
  if (shell == "bash") std::cout << kBash;
  // zsh runs the bash function through bashcompinit.
  else if (shell == "zsh")
    std::cout << "# threegate zsh completion: source <(threegate completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n"
              << kBash;
  else if (shell == "fish") std::cout << kFish;
  else return 2;
  return 0;
}

}  // namespace threegate::cli
