from eiso.cli import main

main()
