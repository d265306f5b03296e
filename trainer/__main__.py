"""`python -m trainer` runs the command line, exactly as the `trainer` script does."""

from trainer.launch import main

main()
