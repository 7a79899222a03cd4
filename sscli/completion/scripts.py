"""The bash, zsh and fish scripts that ask `sscli __complete` for candidates.

Each passes the words of the line and the index of the word under the cursor;
`sscli __complete` answers one candidate a line (zsh and fish: value TAB label).
When the sscli on PATH is a Python console script, a TAB runs its interpreter
on MAIN instead, which answers the same. completions/ holds these scripts as
files; tests/test_completion.py keeps them equal to script(shell).
"""

from __future__ import annotations

from sscli.completion import NO_SPACE

# What `sscli __complete` runs, for the scripts to run without the console script
# pip writes: its own imports (re, and through it enum and functools) cost a TAB
# more than the answer does. The cwd comes off sys.path, so that a directory
# named sscli where the TAB happens cannot stand in for the installed one.
MAIN = (
    "import sys; sys.path[:] = [p for p in sys.path if p]; "
    "from sscli.completion import main; sys.exit(main(sys.argv[1:]))"
)

BASH = r"""# bash completion for sscli; load with: eval "$(sscli completion bash)"
_sscli_command() {
    # Sets the caller's `run`: the Python on the first line of the sscli on PATH
    # when that is a plain path to a python, else `sscli __complete` (a shim,
    # `#!/usr/bin/env python3`, a frozen binary). Builtins only: no fork.
    local dir shebang py IFS=:
    run=(sscli __complete)
    for dir in $PATH; do
        [[ -f ${dir:-.}/sscli && -x ${dir:-.}/sscli ]] || continue
        IFS= read -r shebang < "${dir:-.}/sscli"
        [[ $shebang == '#!/'* && $shebang != *[[:space:]]* ]] || return 0
        py=${shebang#'#!'}
        [[ ${py##*/} == python* && -x $py ]] && run=("$py" -c '@MAIN@')
        return 0
    done
}
_sscli() {
    local line
    local -a run
    COMPREPLY=()
    _sscli_command
    while IFS= read -r line; do
        # A first line of NO_SPACE alone: the word goes on (`zoneid=` wants its
        # value, `filter=id` perhaps `,name`), so no space after it.
        if [[ $line == $'@NO_SPACE@' ]]; then
            type compopt &>/dev/null && compopt -o nospace 2>/dev/null
        else
            COMPREPLY+=("$line")
        fi
    done < <("${run[@]}" bash "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null)
    return 0
}
complete -F _sscli sscli
"""

ZSH = r"""#compdef sscli
# zsh completion for sscli; load with: source <(sscli completion zsh)
# or save as _sscli in a directory of $fpath.
_sscli_command() {
    # Sets the caller's `run`: the Python on the first line of the sscli on PATH
    # when that is a plain path to a python, else `sscli __complete`.
    local file=${commands[sscli]} shebang py
    run=(sscli __complete)
    [[ -n $file && -r $file ]] || return 0
    IFS= read -r shebang < $file
    [[ $shebang == '#!/'* && $shebang != *[[:space:]]* ]] || return 0
    py=${shebang#'#!'}
    [[ ${py:t} == python* && -x $py ]] && run=($py -c '@MAIN@')
    return 0
}
_sscli() {
    local -a found run suffix
    local value label
    _sscli_command
    while IFS=$'\t' read -r value label; do
        # A first line of NO_SPACE alone: the word goes on (`zoneid=` wants its
        # value, `filter=id` perhaps `,name`), so no space after it.
        if [[ $value == $'@NO_SPACE@' ]]; then
            suffix=(-S '')
            continue
        fi
        value=${value//:/\\:}
        found+=("$value${label:+:$label}")
    done < <("${run[@]}" zsh $((CURRENT - 1)) "${words[@]}" 2>/dev/null)
    compset -P '*='
    (( ${#found} )) && _describe -t values 'value' found "${suffix[@]}"
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
    # The Python on the first line of the sscli on PATH when that is a plain
    # path to a python, else `sscli __complete`; builtins only, no fork.
    set -l run sscli __complete
    set -l file (command -s sscli)
    if test -n "$file"; and read -l shebang <$file
        set -l py (string match -r -g '^#!(/\S*/python[^/\s]*)$' -- $shebang)
        and test -x "$py"
        and set run $py -c '@MAIN@'
    end
    $run fish (count $words) $words $current 2>/dev/null
end
complete -c sscli -f -a '(__sscli_complete)'
"""

# Filled into the scripts: spelt once, in Python, for the scripts and the answers.
FILLS = {"@MAIN@": MAIN, "@NO_SPACE@": f"\\x{ord(NO_SPACE):02x}"}
SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}
FILE_NAMES = {"bash": "sscli.bash", "zsh": "_sscli", "fish": "sscli.fish"}


def script(shell: str) -> str:
    try:
        text = SCRIPTS[shell]
    except KeyError:
        from sscli.errors import UsageError

        raise UsageError(
            f"no completion script for {shell!r}; choose bash, zsh or fish"
        ) from None
    for mark, fill in FILLS.items():
        text = text.replace(mark, fill)
    return text
