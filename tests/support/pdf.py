"""Reading rendered PDFs with poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm) in the printing tests."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

POPPLER = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo")


def have_poppler(tools: tuple[str, ...] = ("pdftotext", "pdfinfo")) -> bool:
    return all(shutil.which(tool) is not None for tool in tools)


needs_poppler = pytest.mark.skipif(
    not have_poppler(POPPLER),
    reason="poppler-utils (pdftotext, pdffonts, pdftoppm, pdfinfo) is not installed: apt-get install poppler-utils",
)


def write_pdf(pdf: bytes, folder: Path, name: str = "doc.pdf") -> Path:
    path = folder / (name if name.endswith(".pdf") else f"{name}.pdf")
    path.write_bytes(pdf)
    return path


def run(*command: str) -> str:
    """A poppler tool's standard output."""
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def page_count(path: Path) -> int:
    for line in run("pdfinfo", str(path)).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


def page_texts(path: Path) -> list[str]:
    return [run("pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-")
            for page in range(1, page_count(path) + 1)]


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "doc", *, layout: bool = True) -> str:
    """The PDF's text as `pdftotext` extracts it (`-layout`: lines as printed)."""
    return run("pdftotext", *(["-layout"] if layout else []), str(write_pdf(pdf, tmp_path, name)), "-")


def pdf_pages(pdf: bytes, tmp_path: Path, name: str = "doc") -> int:
    return page_count(write_pdf(pdf, tmp_path, name))
