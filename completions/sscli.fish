# fish completion for sscli; load with: sscli completion fish | source
# or save as ~/.config/fish/completions/sscli.fish
function __sscli_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    sscli __complete fish (count $words) $words $current 2>/dev/null
end
complete -c sscli -f -a '(__sscli_complete)'
