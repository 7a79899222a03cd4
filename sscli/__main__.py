from sscli.cli import main

main()
