"""Allow ``python -m quizzer``."""

from quizzer.cli import main

main()
