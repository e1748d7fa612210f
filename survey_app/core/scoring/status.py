"""The provisional poverty status computed by a national-standard ruleset, and its comparison with the
official status of the commune's annual review.

Such a ruleset models the status as three met/not-met outcomes (``computed_poor``, ``computed_near_poor``,
``computed_average``); a household meeting none of them, all surely, is above the average-living-standard band.
"""

from __future__ import annotations

from survey_app.core.scoring.results import MET, NOT_MET, ScoreResult

POOR = "ngheo"
NEAR_POOR = "can_ngheo"
AVERAGE = "muc_song_trung_binh"
NOT_POOR = "khong_ngheo"

STATUS_OUTCOMES = (("computed_poor", POOR), ("computed_near_poor", NEAR_POOR), ("computed_average", AVERAGE))
COMPUTED_STATUS_LABELS = {
    POOR: "Hộ nghèo",
    NEAR_POOR: "Hộ cận nghèo",
    AVERAGE: "Hộ có mức sống trung bình",
    NOT_POOR: "Hộ không nghèo (trên mức sống trung bình)",
}


def computed_status(result: ScoreResult) -> str | None:
    """'ngheo', 'can_ngheo', 'muc_song_trung_binh', 'khong_ngheo', or None when missing answers leave it open
    (or the household is outside the ruleset's population). Raises KeyError if the ruleset lacks the outcomes."""
    outcomes = [(result.outcome(outcome_id), status) for outcome_id, status in STATUS_OUTCOMES]
    for outcome, status in outcomes:
        if outcome.status == MET:
            return status
    if all(outcome.status == NOT_MET and outcome.determined for outcome, _ in outcomes):
        return NOT_POOR
    return None


def official_equivalent(status: str | None) -> str | None:
    """The official register distinguishes only poor / near-poor / not poor: average living standard is not poor."""
    return NOT_POOR if status == AVERAGE else status


def disagrees_with_official(computed: str | None, official: str | None) -> bool | None:
    """True when the computed and the official status differ (to flag for review); None when either is unknown."""
    if computed is None or official is None:
        return None
    return official_equivalent(computed) != official_equivalent(official)
