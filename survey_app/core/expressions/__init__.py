"""The questionnaire expression language (an XLSForm / ODK XPath subset).

Parsed once in Python into a JSON AST; evaluated by ``evaluate`` here and by
``survey_app/static/js/expr.js`` in the browser with identical semantics.
Language reference for form authors: docs/expressions.md.
"""

from .errors import ExpressionError
from .evaluator import evaluate
from .functions import FUNCTION_ARITY
from .parser import MAX_DEPTH, MAX_NODES, MAX_SOURCE_LENGTH, Expression, parse
from .source import reference_position
from .values import MAX_STRING_LENGTH, to_number, to_string, truthy

__all__ = [
    "Expression",
    "ExpressionError",
    "FUNCTION_ARITY",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_SOURCE_LENGTH",
    "MAX_STRING_LENGTH",
    "evaluate",
    "parse",
    "reference_position",
    "to_number",
    "to_string",
    "truthy",
]
