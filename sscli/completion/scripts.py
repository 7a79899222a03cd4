"""The bash, zsh and fish scripts that ask `sscli __complete` for candidates.

Each passes the words of the line and the index of the word under the cursor;
`sscli __complete` answers one candidate a line (zsh and fish: value TAB label).
completions/ holds these scripts as files; tests/test_completion.py keeps them
equal to script(shell).
"""

from __future__ import annotations

BASH = r"""# bash completion for sscli; load with: eval "$(sscli completion bash)"
_sscli() {
    local line
    COMPREPLY=()
    while IFS= read -r line; do
        COMPREPLY+=("$line")
    done < <(sscli __complete bash "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null)
    # `zoneid=` wants its value next to it, not after a space.
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
        type compopt &>/dev/null && compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -F _sscli sscli
"""

ZSH = r"""#compdef sscli
# zsh completion for sscli; load with: source <(sscli completion zsh)
# or save as _sscli in a directory of $fpath.
_sscli() {
    local -a spaced unspaced
    local value label
    while IFS=$'\t' read -r value label; do
        value=${value//:/\\:}
        if [[ $value == *= ]]; then
            unspaced+=("$value${label:+:$label}")
        else
            spaced+=("$value${label:+:$label}")
        fi
    done < <(sscli __complete zsh $((CURRENT - 1)) "${words[@]}" 2>/dev/null)
    compset -P '*='
    (( ${#unspaced} )) && _describe -t parameters 'parameter' unspaced -S ''
    (( ${#spaced} )) && _describe -t values 'value' spaced
    return 0
}
if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
    _sscli "$@"
else
    compdef _sscli sscli
fi
"""

FISH = r"""# fish completion for sscli; load with: sscli completion fish | source
# or save as ~/.config/fish/completions/sscli.fish
function __sscli_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    sscli __complete fish (count $words) $words $current 2>/dev/null
end
complete -c sscli -f -a '(__sscli_complete)'
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}
FILE_NAMES = {"bash": "sscli.bash", "zsh": "_sscli", "fish": "sscli.fish"}


def script(shell: str) -> str:
    try:
        return SCRIPTS[shell]
    except KeyError:
        from sscli.errors import UsageError

        raise UsageError(
            f"no completion script for {shell!r}; choose bash, zsh or fish"
        ) from None
