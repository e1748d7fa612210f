"""What each job kind runs: "module:function" paths, imported only by the worker process.

A handler is called as ``handler(session, job, progress)`` and returns ``(output_path, download_name)``; it
reports progress with ``progress.start(total)`` and ``progress.advance()``, and raises ``JobFailure`` with a
Vietnamese message for failures the user should read.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable

KINDS = {
    "village_booklet": "survey_app.printing.booklet:run_booklet_job",
}


class JobFailure(Exception):
    """A failure whose message (Vietnamese) is shown to the user as it is."""


def handler_for(kind: str) -> Callable:
    if kind not in KINDS:
        raise JobFailure(f"Loại công việc không được hỗ trợ: {kind}.")
    module_name, _, function_name = KINDS[kind].partition(":")
    return getattr(importlib.import_module(module_name), function_name)
