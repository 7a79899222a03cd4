# bash completion for sscli; load with: eval "$(sscli completion bash)"
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
