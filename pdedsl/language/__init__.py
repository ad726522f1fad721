"""Text in the `.pde` language -> a checked `Problem`. Imports no JAX."""

from .errors import PdeError, PdeWarning
from .problem import (
    Condition,
    Constant,
    Equation,
    Face,
    Mean,
    MeanCondition,
    NormalDerivative,
    PointCondition,
    Problem,
    Settings,
    Source,
    Unknown,
    Variable,
)
from .parser import parse, parse_file
from .verification import verify

__all__ = [
    "Condition", "Constant", "Equation", "Face", "Mean", "MeanCondition", "NormalDerivative",
    "PdeError", "PdeWarning", "PointCondition", "Problem", "Settings", "Source", "Unknown",
    "Variable", "parse", "parse_file", "verify",
]
