"""Allow ``python -m quizzer``."""

from quizzer.launcher import main

main()
