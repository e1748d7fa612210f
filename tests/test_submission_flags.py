"""Quality flags computed on arrival: income far above the commune's median, implausibly fast interviews, many
identical answer sets from one enumerator, a household surveyed twice in a round."""
import dataclasses

import pytest

from survey_app.core.questionnaire import QualitySettings
from survey_app.submissions import flags
from survey_app.submissions.flags import apply_flags, compute_flags
from survey_app.submissions.stats import rebuild_income_summaries
from tests.support.review import send, small_round

SETTINGS = QualitySettings(income_question="so_tien", income_factor=3.0, income_min_peers=5, seconds_per_answer=4.0,
                        identical_min=3)


def codes(flags):
    return sorted(f["code"] for f in flags)


@pytest.fixture
def commune(world, session, factories):
    """Six households in commune C1 (V1, V1B), one more in C2; the round covers the province."""
    small_round(session)
    households = [world.households["in"], world.households["in_b"]]
    households += [factories.household(world.areas["V1"], code=f"HV1-00{n}") for n in range(2, 6)]
    session.commit()
    return households


def _loan(amount, people=4, note=""):
    answers = {"so_nguoi": people, "co_vay": "co", "so_tien": amount}
    if note:
        answers["ghi_chu"] = note
    return answers


def test_income_far_above_the_communes_median(world, session, commune):
    giamsat = world.users["giamsat"]
    for index, household in enumerate(commune[:5]):
        send(session, giamsat, household, _loan(1_000_000 + index * 10_000, people=index + 1))
    far = send(session, giamsat, commune[5], _loan(5_000_000, people=9))
    # The summaries follow the questionnaire's income question; this small form calls it so_tien.
    assert rebuild_income_summaries(session, far.round_id, SETTINGS.income_question) == 6
    flags = compute_flags(session, far, SETTINGS)
    assert codes(flags) == ["income_outlier"]
    assert "5.000.000" in flags[0]["message"] and "trung vị của xã (1.020.000 đ)" in flags[0]["message"]
    # Another commune: no peers there.
    near = send(session, world.users["giamsat2"], world.households["out"], _loan(5_000_000, people=8))
    rebuild_income_summaries(session, far.round_id, SETTINGS.income_question)
    assert compute_flags(session, near, SETTINGS) == []


def test_income_needs_enough_peers(world, session, commune):
    giamsat = world.users["giamsat"]
    for index, household in enumerate(commune[:4]):
        send(session, giamsat, household, _loan(1_000_000, people=index + 1))
    far = send(session, giamsat, commune[5], _loan(9_000_000, people=9))
    rebuild_income_summaries(session, far.round_id, SETTINGS.income_question)
    assert compute_flags(session, far, SETTINGS) == []


def test_fast_completion_scales_with_the_answers(world, session, commune):
    giamsat = world.users["giamsat"]
    fast = send(session, giamsat, commune[0], _loan(1_000_000), minutes=0.1)  # 6 s for 3 answers
    slow = send(session, giamsat, commune[1], _loan(1_000_000, people=2), minutes=1)  # 60 s
    unknown = send(session, giamsat, commune[2], _loan(1_000_000, people=3), minutes=None)
    assert codes(compute_flags(session, fast, SETTINGS)) == ["fast_completion"]
    assert "3 câu trả lời" in compute_flags(session, fast, SETTINGS)[0]["message"]
    assert compute_flags(session, slow, SETTINGS) == []
    assert compute_flags(session, unknown, SETTINGS) == []


def test_identical_answer_sets_from_one_enumerator(world, session, commune):
    dieutra = world.users["dieutra"]
    village_one = [h for h in commune if h.village_id == world.areas["V1"].id]
    first = send(session, dieutra, village_one[0], _loan(800_000, note="Chủ hộ A"))
    second = send(session, dieutra, village_one[1], _loan(800_000, note="Chủ hộ B"))
    assert compute_flags(session, second, SETTINGS) == []  # two alike are not yet a pattern
    different = send(session, dieutra, village_one[2], _loan(700_000))
    third = send(session, dieutra, village_one[3], _loan(800_000))
    flags = apply_flags(session, third, SETTINGS)
    assert codes(flags) == ["identical_answers"] and "3 phiếu" in flags[0]["message"]
    session.commit()
    assert codes(first.flags) == ["identical_answers"] and codes(second.flags) == ["identical_answers"]
    assert different.flags == []


def test_household_surveyed_twice_flags_both_and_keeps_other_flags(world, session, commune):
    giamsat = world.users["giamsat"]
    first = send(session, giamsat, commune[0], _loan(1_000_000))
    first.flags = [{"code": "manual_note", "message": "Ghi chú khác"}]
    second = send(session, world.users["dieutra"], commune[0], _loan(1_000_000, people=3))
    assert second.is_current is False
    flags = apply_flags(session, second, SETTINGS)
    assert codes(flags) == ["duplicate_household"]
    session.commit()
    assert codes(first.flags) == ["duplicate_household", "manual_note"]
    assert codes(apply_flags(session, second, SETTINGS)) == ["duplicate_household"]  # idempotent


def test_drafts_have_no_flags(world, session, commune):
    draft = send(session, world.users["giamsat"], commune[0], _loan(1_000_000), minutes=0.01, submit=False)
    assert draft.state == "draft" and compute_flags(session, draft, SETTINGS) == []


def test_the_questionnaires_quality_block_decides(world, session, commune, monkeypatch):
    """Without explicit settings the flags follow the questionnaire: no ``income_question``, no income flag; with
    one, its thresholds apply."""
    giamsat = world.users["giamsat"]
    for index, household in enumerate(commune[:5]):
        send(session, giamsat, household, _loan(1_000_000 + index * 10_000, people=index + 1))
    far = send(session, giamsat, commune[5], _loan(5_000_000, people=9))
    rebuild_income_summaries(session, far.round_id, "so_tien")
    defn = flags.get_definition(far.questionnaire_version)
    assert defn.quality.income_question is None and compute_flags(session, far) == []
    configured = dataclasses.replace(defn, quality=QualitySettings(income_question="so_tien", income_factor=3.0))
    monkeypatch.setattr(flags, "get_definition", lambda _version: configured)
    assert codes(compute_flags(session, far)) == ["income_outlier"]
    stricter = dataclasses.replace(defn, quality=QualitySettings(income_question="so_tien", income_factor=6.0))
    monkeypatch.setattr(flags, "get_definition", lambda _version: stricter)
    assert compute_flags(session, far) == []
