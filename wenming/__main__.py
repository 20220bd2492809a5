"""`python -m wenming`."""

from .cli import main

main()
