# bash completion for sscli; load with: eval "$(sscli completion bash)"
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
        [[ ${py##*/} == python* && -x $py ]] && run=("$py" -c 'import sys; sys.path[:] = [p for p in sys.path if p]; from sscli.completion import main; sys.exit(main(sys.argv[1:]))')
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
        if [[ $line == $'\x1f' ]]; then
            type compopt &>/dev/null && compopt -o nospace 2>/dev/null
        else
            COMPREPLY+=("$line")
        fi
    done < <("${run[@]}" bash "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null)
    return 0
}
complete -F _sscli sscli
