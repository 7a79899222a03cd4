# fish completion for sscli; load with: sscli completion fish | source
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
        and set run $py -c 'import sys; sys.path[:] = [p for p in sys.path if p]; from sscli.completion import main; sys.exit(main(sys.argv[1:]))'
    end
    $run fish (count $words) $words $current 2>/dev/null
end
complete -c sscli -f -a '(__sscli_complete)'
