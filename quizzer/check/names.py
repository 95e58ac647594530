"""The names the answer language knows: functions (with their arity), constants, keywords."""

from __future__ import annotations

# name -> (canonical function, min args, max args); aliases share a canonical name.
FUNCTIONS: dict[str, tuple[str, int, int]] = {
    "ln": ("log", 1, 1),
    "log": ("log", 1, 2),
    "log10": ("log10", 1, 1),
    "log2": ("log2", 1, 1),
    "exp": ("exp", 1, 1),
    "sqrt": ("sqrt", 1, 1),
    "abs": ("abs", 1, 1),
    "max": ("max", 2, 10),
    "min": ("min", 2, 10),
    "sin": ("sin", 1, 1),
    "cos": ("cos", 1, 1),
    "tan": ("tan", 1, 1),
    "sinh": ("sinh", 1, 1),
    "cosh": ("cosh", 1, 1),
    "tanh": ("tanh", 1, 1),
    "erf": ("erf", 1, 1),
    "sigmoid": ("sigmoid", 1, 1),
    "σ": ("sigmoid", 1, 1),
    "relu": ("relu", 1, 1),
    "ReLU": ("relu", 1, 1),
    "Heaviside": ("heaviside", 1, 1),
    "H": ("heaviside", 1, 1),
    "step": ("heaviside", 1, 1),
    "Phi": ("phi", 1, 1),
    "Φ": ("phi", 1, 1),
    "Piecewise": ("piecewise", 1, 10),
    "sign": ("sign", 1, 1),
    "sgn": ("sign", 1, 1),
    "atan": ("atan", 1, 1),
    "arctan": ("atan", 1, 1),
    "asin": ("asin", 1, 1),
    "arcsin": ("asin", 1, 1),
    "acos": ("acos", 1, 1),
    "arccos": ("acos", 1, 1),
    "floor": ("floor", 1, 1),
    "ceil": ("ceil", 1, 1),
    "ceiling": ("ceil", 1, 1),
    "binomial": ("binomial", 2, 2),
    "C": ("binomial", 2, 2),
    "factorial": ("factorial", 1, 1),
    "diff": ("diff", 2, 2),
}

CONSTANTS: dict[str, str] = {"e": "e", "pi": "pi", "π": "pi"}

# Python keywords the language uses; every other keyword is refused.
KEYWORDS = frozenset({"if", "else", "and", "or", "not", "True", "False"})
