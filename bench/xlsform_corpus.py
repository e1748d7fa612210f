"""XLSForm import over the third-party corpus in ../shared/xlsform-corpus/ (read from there, never copied).

    .venv/bin/python bench/xlsform_corpus.py [CORPUS_DIR]

For every workbook: pyxform's verdict (the reference converter: accepts / refuses), then ours:
  faithful    imported, and the definition's profile (questions by type, conditions, constraints, requirements,
              calculations, choice filters, repeats, languages) equals the one of pyxform's parsed form;
  refused     refused with a message naming sheet and row (the first one is printed);
  DIFFERENT   imported but the profiles differ (a silent change of behaviour: the goal is none);
  CRASH       anything else escaping the importer (the goal is none).
``lenient`` tells whether the lenient import (dropping the listed features) succeeds. The time of our import is
printed as a ratio to pyxform's own parse of the same files in the same run.
"""
from __future__ import annotations

import sys
import time
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyxform.xls2xform import convert

from survey_app.core.questionnaire import DefinitionError, definition_from_data, import_xlsform
from survey_app.core.questionnaire.xlsform_compare import definition_profile, pyxform_profile

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "xlsform-corpus"


def pyxform_verdict(path: Path) -> tuple[dict | None, str]:
    try:
        result = convert(xlsform=str(path))
    except Exception as exc:  # noqa: BLE001 - pyxform's refusal, whatever its class
        return None, f"refuses ({type(exc).__name__})"
    return result._pyxform, "accepts"


def our_verdict(path: Path, form: dict | None) -> tuple[str, str]:
    try:
        data, _ = import_xlsform(path)
        definition = definition_from_data(data, str(path))
    except DefinitionError as exc:
        return "refused", exc.errors[0].split(": ", 1)[-1][:110]
    except Exception as exc:  # noqa: BLE001 - the bench must report a crash, not stop on it
        return "CRASH", repr(exc)[:110]
    if form is None:
        return "imported", "(pyxform refuses it)"
    differences = pyxform_profile(form).differences(definition_profile(definition))
    return ("DIFFERENT", "; ".join(differences)[:110]) if differences else ("faithful", "")


def lenient_verdict(path: Path) -> str:
    try:
        import_xlsform(path, lenient=True)
    except DefinitionError:
        return "no"
    except Exception:  # noqa: BLE001
        return "CRASH"
    return "yes"


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    files = sorted(path for path in corpus.iterdir() if path.suffix.lower() in (".xls", ".xlsx", ".csv"))
    if not files:
        sys.exit(f"no workbook in {corpus}")
    warnings.simplefilter("ignore")
    counts: Counter = Counter()
    reference_seconds = ours_seconds = 0.0
    print(f"{'workbook':58} {'pyxform':22} {'ours':10} {'lenient':7} detail")
    for path in files:
        started = time.perf_counter()
        form, reference = pyxform_verdict(path)
        reference_seconds += time.perf_counter() - started
        started = time.perf_counter()
        verdict, detail = our_verdict(path, form)
        ours_seconds += time.perf_counter() - started
        lenient = lenient_verdict(path)
        counts[(form is not None, verdict)] += 1
        counts[("lenient", form is not None, lenient)] += 1
        print(f"{path.name[:58]:58} {reference:22} {verdict:10} {lenient:7} {detail}")
    accepted = sum(count for key, count in counts.items() if len(key) == 2 and key[0])
    faithful = counts[(True, "faithful")]
    print()
    print(f"{len(files)} workbooks; pyxform accepts {accepted}, refuses {len(files) - accepted}.")
    print(f"Of the {accepted} accepted: faithful {faithful}, refused with a message {counts[(True, 'refused')]}, "
          f"imported with a difference {counts[(True, 'DIFFERENT')]}, crashed {counts[(True, 'CRASH')]}; "
          f"lenient import succeeds for {counts[('lenient', True, 'yes')]}.")
    print(f"Of the {len(files) - accepted} pyxform refuses: refused {counts[(False, 'refused')]}, "
          f"imported {counts[(False, 'imported')]}, crashed {counts[(False, 'CRASH')]}.")
    print(f"SUMMARY faithful {faithful}/{accepted} = {100 * faithful / max(accepted, 1):.1f} % of the workbooks "
          f"pyxform accepts (goal 95 %); crashes {counts[(True, 'CRASH')] + counts[(False, 'CRASH')]}")
    print(f"time: our import {ours_seconds:.2f} s = {ours_seconds / max(reference_seconds, 1e-9):.2f}x pyxform's "
          f"conversion ({reference_seconds:.2f} s) of the same files")


if __name__ == "__main__":
    main()
