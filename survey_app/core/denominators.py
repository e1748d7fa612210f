"""Who is in a report's denominator: a round's setting (`survey_round.denominator`).

* ``official`` (the default): the commune's recognised list at the start of the period ("danh sách được UBND xã
  công nhận"), i.e. the households whose register record puts them in the ruleset's population. A household of
  the list that was not surveyed, or whose submission does not count, counts as "not met". A counted household
  missing from the list (no status in the register: its answer was used) still counts, so the denominator is
  never below the counted households.
* ``surveyed``: only the households counted by the round's counting rule (the figures before the list was read).
"""
from __future__ import annotations

DENOMINATOR_LABELS = {
    "official": "Mẫu số là danh sách hộ đồng bào DTTS nghèo, cận nghèo đầu năm được UBND xã công nhận; "
                "hộ chưa khảo sát hoặc phiếu chưa được tính được tính là chưa đạt",
    "surveyed": "Mẫu số chỉ gồm các hộ đã khảo sát có phiếu được tính; hộ chưa khảo sát không tính",
}
DENOMINATOR_SHORT = {"official": "danh sách được UBND xã công nhận", "surveyed": "chỉ hộ đã khảo sát được tính"}
DENOMINATOR_RULES = tuple(DENOMINATOR_LABELS)
DEFAULT_DENOMINATOR = "official"


def effective_denominator(rule: str, counted: int, listed: int) -> int:
    """The denominator under `rule` of a population with `counted` counted households and `listed` on the list."""
    return max(counted, listed) if rule == "official" else counted
