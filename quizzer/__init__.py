"""quizzer: a terminal trainer for the math behind ML interviews."""

__version__ = "0.1.0"
