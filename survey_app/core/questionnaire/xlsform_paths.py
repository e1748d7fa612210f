"""XLSForm formulas as authors write them, turned into the ``${name}`` form our expression language reads.

Only rewrites that keep the meaning: typographic quotes become straight ones, a formula that is just ``yes`` /
``no`` becomes ``true()`` / ``false()``, and an XPath path to a question (``../x``, ``/data/group/x``,
``current()/../x``) becomes ``${x}`` when ``x`` names exactly one question (names are unique in our definitions).
Anything else is left for the parser, whose message then names the row.
"""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"})
_LITERALS = {"yes": "true()", "true": "true()", "no": "false()", "false": "false()"}
# A path outside quotes: ../x, ../../g/x, /root/g/x or current()/../x, ending at a question name.
_PATH = re.compile(r"(?:current\(\)\s*/\s*)?(?:(?:\.\./)+|/)(?:[A-Za-z_][\w.-]*/)*([A-Za-z_][\w.-]*)")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")


class PathProblem(ValueError):
    """A path that cannot be rewritten; the message is Vietnamese and says what to write instead."""


def normalise(source: str, names: set[str], root: str) -> str:
    text = source.translate(_QUOTES).strip()
    if text.lower() in _LITERALS:
        return _LITERALS[text.lower()]
    pieces: list[str] = []
    last = 0
    for string in _STRING.finditer(text):
        pieces.append(_rewrite_paths(text[last:string.start()], names, root))
        pieces.append(string.group())
        last = string.end()
    pieces.append(_rewrite_paths(text[last:], names, root))
    return "".join(pieces)


def _rewrite_paths(text: str, names: set[str], root: str) -> str:
    def replace(match: re.Match[str]) -> str:
        whole, name = match.group(), match.group(1)
        if whole.startswith("/") and not whole.startswith(f"/{root}/"):
            return whole  # a division such as "${a} / 2" is never followed by a name here; leave the rest to the parser
        if name in names:
            return "${" + name + "}"
        raise PathProblem(f"đường dẫn '{whole}' không trỏ tới câu hỏi nào; hãy viết ${{tên_câu}}")

    return _PATH.sub(replace, text)
