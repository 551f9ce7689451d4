"""`pa completion bash|zsh`: a completion script for the subcommands and their options."""

from __future__ import annotations

import argparse

from pa_tui.cli import build_parser


def _words() -> tuple[list[str], dict[str, list[str]]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = list(sub.choices)
    options: dict[str, list[str]] = {}
    for name, p in sub.choices.items():
        opts = [o for a in p._actions for o in a.option_strings if o.startswith("--")]
        choices = [c for a in p._actions if a.choices and not a.option_strings for c in a.choices]
        options[name] = choices + opts
    return commands, options


def run(args: argparse.Namespace) -> int:
    commands, options = _words()
    if args.shell == "bash":
        cases = "\n".join(
            f'        {c}) opts="{" ".join(map(str, o))}" ;;' for c, o in options.items()
        )
        print(
            f"""# bash completion for pa (pa-tui): eval "$(pa completion bash)"
_pa() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} cmd=${{COMP_WORDS[1]}} opts
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "{" ".join(commands)} --db --version --help" -- "$cur"))
        return
    fi
    case "$cmd" in
{cases}
        *) opts="" ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}}
complete -F _pa pa"""
        )
    else:
        cases = "\n".join(
            f"    {c}) compadd -- {' '.join(map(str, o))} ;;" for c, o in options.items()
        )
        print(
            f"""#compdef pa
# zsh completion for pa (pa-tui): pa completion zsh > "${{fpath[1]}}/_pa"
if (( CURRENT == 2 )); then
  compadd -- {" ".join(commands)} --db --version --help
  return
fi
case $words[2] in
{cases}
esac"""
        )
    return 0
