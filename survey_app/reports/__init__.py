"""Reports: the rollup by area subtree (``rollup.py``), a round's report (``report.py``), targets, the
computed-vs-official poverty check (``mismatches.py``), the pages and exports (blueprint ``reports``, /reports)."""
