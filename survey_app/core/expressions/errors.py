"""The single exception type of the expression language."""

from __future__ import annotations


class ExpressionError(ValueError):
    """A source text that is not a valid expression, or a malformed compiled AST.

    ``message`` is the full Vietnamese sentence to show to a form author; ``position`` is the
    0-based character offset in the source where the problem was found (``None`` for problems
    not tied to a source text, such as a malformed AST). The sentence itself counts
    characters from 1, as people do: position 11 is shown as "vị trí 12".
    """

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return self.message


def syntax_error(position: int, detail: str) -> ExpressionError:
    """Build the standard "Lỗi cú pháp ở vị trí N: …" error for a 0-based position."""
    return ExpressionError(f"Lỗi cú pháp ở vị trí {position + 1}: {detail}", position)


def malformed_ast(detail: str) -> ExpressionError:
    """A compiled AST that the parser cannot have produced: a programming error."""
    return ExpressionError(f"Biểu thức đã biên dịch không hợp lệ: {detail}", None)
