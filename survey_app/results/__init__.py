"""Stored scores (household_result), rescoring, ruleset versions and targets: the database side of scoring.
The pure engine is survey_app.core.scoring; the rollup queries are survey_app.reports.rollup."""
from .codec import decode, encode
from .rescore import RescoreReport, rescore_round
from .rulesets import RulesetLoadError, assign_ruleset, get_ruleset, load_directory, round_rulesets
from .store import StoredResult, household_record, store_score, stored_results, sync_states

__all__ = ["RescoreReport", "RulesetLoadError", "assign_ruleset", "decode", "encode",
           "get_ruleset", "household_record", "load_directory", "rescore_round", "round_rulesets", "store_score",
           "StoredResult", "stored_results", "sync_states"]
