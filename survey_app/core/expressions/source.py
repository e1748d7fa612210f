"""Where a reference sits in an expression's source text, for problem reports that point at it."""
from __future__ import annotations

import re


def reference_position(source: str, name: str) -> int | None:
    """0-based offset of ``${name}`` (spaces allowed inside the braces) in ``source``; None when it is not there."""
    match = re.search(r"\$\{\s*" + re.escape(name) + r"\s*\}", source)
    return match.start() if match else None
