"""Issue 13 item 8, the register: new household codes in the register's format and unique under concurrency,
area labels with just enough path to be unique, questions pre-filled from the register, and the member count
of an approved survey written back with an audit entry. On SQLite and PostgreSQL."""
from __future__ import annotations

import copy
import threading

import pytest
from sqlalchemy import select

from survey_app.areas import area_label, area_labels
from survey_app.core.questionnaire import DefinitionError, definition_from_data, load_definition, register_answers
from survey_app.demo.seed import build_tree
from survey_app.households import codes
from survey_app.households.codes import following_code, next_household_code
from survey_app.models import Area, AuditEntry, Household
from survey_app.submissions.decisions import decide
from tests.conftest import csrf_from, login
from tests.support.fieldwork import ROUND_CODE, complete_answers
from tests.test_fieldwork_pages import save

FORM = load_definition("forms/ho_gia_dinh.yaml")


# -- household codes ---------------------------------------------------------------------------------------------

def test_the_next_code_follows_the_register_format_after_the_highest_number():
    village = "KT-KPL-01-01"
    assert following_code(village, []) == "KT-KPL-01-01-0001"  # an empty village: 4 digits
    assert following_code(village, [f"{village}-0117", f"{village}-0003"]) == "KT-KPL-01-01-0118"
    assert following_code(village, [f"{village}-0001", f"{village}-0009"]) == "KT-KPL-01-01-0010"  # a gap stays
    assert following_code(village, [f"{village}.07", f"{village}.12"]) == "KT-KPL-01-01.13"  # its separator, width
    assert following_code(village, [f"{village}-118", f"{village}-0117", f"{village}-0002"]) == "KT-KPL-01-01-0119"
    assert following_code(village, [f"{village}-9"]) == "KT-KPL-01-01-10"  # unpadded numbers stay unpadded


def test_codes_of_other_shapes_and_villages_are_ignored():
    village = "V1"
    others = ["V1-A12", "V1-0002-B", "V10-0050", "HV1-0900", "V1-ông", "X-9999"]
    assert following_code(village, [*others, "V1-0004"]) == "V1-0005"
    assert following_code(village, others) == "V1-0001"


def test_next_code_reads_the_village_households(session, world, factories):
    village = world.areas["V1"]
    for number in (1, 2, 117):
        factories.household(village, code=f"V1-{number:04d}")
    factories.household(village, code="V1-TAM")
    assert next_household_code(session, village) == "V1-0118"


def test_two_devices_creating_a_household_in_one_village_get_two_codes(app, campaign, session, monkeypatch):
    """A barrier tries to hold both requests between computing the next code and inserting; the village lock taken
    with the code (PostgreSQL) and SQLite's writer lock queue them instead (the barrier then times out), so the
    second reads the first's code. Neither answer is a 500 or a "code already used"."""
    barrier = threading.Barrier(2, timeout=3)
    computed = next_household_code

    def held(db_session, village, **options):
        code = computed(db_session, village, **options)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return code

    monkeypatch.setattr("survey_app.fieldwork.views.next_household_code", held)
    url = f"/fieldwork/new-household?round={ROUND_CODE}"
    clients, tokens = [], []
    for _ in range(2):
        client = app.test_client()
        login(client, "dieutra")
        clients.append(client)
        tokens.append(csrf_from(client.get(url).get_data(as_text=True)))
    barrier.reset()
    statuses: list[int] = []

    def create(index: int) -> None:
        response = clients[index].post(url, data={"csrf_token": tokens[index], "village": "V1", "code": "",
                                                  "head_name": f"Hộ mới {index}", "ethnic_group": "ba_na",
                                                  "members": "3"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [302, 302]
    session.expire_all()
    created = sorted(session.scalars(select(Household.code).where(Household.head_name.like("Hộ mới %"))))
    assert created == ["V1-0001", "V1-0002"]
    assert codes.next_household_code(session, session.scalar(select(Area).where(Area.code == "V1"))) == "V1-0003"


# -- area labels -------------------------------------------------------------------------------------------------

def test_the_demo_namesakes_are_told_apart_by_their_commune(session):
    tree = build_tree(session)
    first, second = tree["KT-KPL-01-01"], tree["KT-KPL-02-01"]
    assert first.name == second.name == "Kon Tu Rằng 2"
    villages = [area for area in tree.values() if area.level == "thôn"]
    labels = area_labels(session, villages)
    assert labels[first.id] == "Kon Tu Rằng 2 (xã Măng Cành)"
    assert labels[second.id] == "Kon Tu Rằng 2 (xã Măng Bút)"
    assert len(set(labels.values())) == len(villages)  # every village of the demo has its own label
    unique = factories_free_village(session, tree["KT-KPL-01"])
    assert area_labels(session, [*villages, unique])[unique.id] == unique.name  # a unique name stays short
    assert area_labels(session, [first, unique])[first.id] == "Kon Tu Rằng 2"  # unique among those shown
    assert area_label(session, second, with_level=True) == "thôn Kon Tu Rằng 2 (xã Măng Bút)"


def factories_free_village(session, commune):
    from survey_app.areas import add_area

    return add_area(session, code="KT-KPL-01-09", name="Kon Pia Mới", level="thôn", parent=commune)


def test_namesakes_go_up_the_path_until_they_differ_then_use_the_code(session, world, factories):
    a = world.areas
    other_district = factories.area("D3", "Kon Rẫy", "huyện", a["P"])
    same_commune_name = factories.area("C3", "Măng Cành", "xã", other_district)
    far = factories.area("V3", "Kon Tu Rằng 2", "thôn", same_commune_name)
    twin = factories.area("V1C", "Kon Tu Rằng 2", "thôn", a["C1"])
    labels = area_labels(session, [a["V1"], far, twin, a["V2"]])
    assert labels[far.id] == "Kon Tu Rằng 2 (xã Măng Cành, huyện Kon Rẫy)"
    assert labels[a["V1"].id] == "Kon Tu Rằng 2 (xã Măng Cành, V1)"
    assert labels[twin.id] == "Kon Tu Rằng 2 (xã Măng Cành, V1C)"
    assert labels[a["V2"].id] == "Đăk Xô"


def test_pickers_tables_and_printed_sheets_show_the_unique_labels(app, campaign, session, world, factories):
    twin = factories.area("V3", "Kon Tu Rằng 2", "thôn", world.areas["C2"])
    factories.household(twin, code="HV3-001", head_name="A Thiên")
    session.commit()
    admin = app.test_client()
    login(admin, "admin")
    picker = admin.get(f"/fieldwork/new-household?round={ROUND_CODE}").get_data(as_text=True)
    assert ">Kon Tu Rằng 2 (xã Măng Cành)</option>" in picker and ">Kon Tu Rằng 2 (xã Đăk Man)</option>" in picker
    households = admin.get("/households/").get_data(as_text=True)
    assert "Kon Tu Rằng 2 (xã Măng Cành)" in households and "Kon Tu Rằng 2 (xã Đăk Man)" in households
    booklet = admin.get("/paper/booklets/new").get_data(as_text=True)
    assert ">Kon Tu Rằng 2 (xã Đăk Man)</option>" in booklet
    from survey_app.printing.sheet import sheet_context

    household = session.scalar(select(Household).where(Household.code == "HV3-001"))
    assert sheet_context(session, household)["issuer"] == "thôn Kon Tu Rằng 2 (xã Đăk Man)"


# -- pre-filled register answers ---------------------------------------------------------------------------------

def test_the_loader_checks_prefill_and_the_compiled_form_keeps_it():
    compiled = {q["name"]: q for s in FORM.compiled()["sections"] for q in s["questions"]}
    assert compiled["so_thanh_vien"]["prefill"] == "household.members"
    assert compiled["dan_toc_chu_ho"]["prefill"] == "household.ethnic_group"
    data = FORM.to_data()
    first = data["sections"][0]["questions"]
    for question, value, message in [
            ("ngay_khao_sat", "household.members", "chỉ dùng được cho câu kiểu 'integer'"),
            ("ngay_khao_sat", "household.tuoi", "'prefill' phải là một trong: household.ethnic_group, household.members"),
            ("nguoi_tra_loi", ["x"], "'prefill' phải là một trong")]:
        broken = copy.deepcopy(data)
        target = next(q for q in broken["sections"][0]["questions"] if q["name"] == question)
        target["prefill"] = value
        with pytest.raises(DefinitionError) as caught:
            definition_from_data(broken, "thu.yaml")
        assert message in str(caught.value)
    broken = copy.deepcopy(data)
    broken["sections"][0]["questions"].append({"name": "so_nguoi_2", "type": "integer", "label": "Số người",
                                               "prefill": "household.members"})
    with pytest.raises(DefinitionError, match="đã được dùng cho câu 'so_thanh_vien'"):
        definition_from_data(broken, "thu.yaml")
    assert first  # the campaign questionnaire itself loads (FORM above)


def test_register_answers_give_the_household_values_that_fit():
    register = {"household.members": 5, "household.ethnic_group": "ba_na"}
    assert register_answers(FORM, register) == {"so_thanh_vien": 5, "dan_toc_chu_ho": "ba_na"}
    assert register_answers(FORM, {"household.members": 3, "household.ethnic_group": "cham"}) == {"so_thanh_vien": 3}
    assert register_answers(FORM, {}) == {}


def test_a_new_submission_starts_with_the_register_answers_still_editable(client, campaign, session, world):
    household = world.households["in"]  # 4 members, Xơ Đăng
    login(client, "dieutra")
    html = client.get(f"/fieldwork/{ROUND_CODE}/{household.code}").get_data(as_text=True)
    assert 'name="so_thanh_vien"' in html and 'value="4"' in html
    assert '<input checked id="dan_toc_chu_ho-0" name="dan_toc_chu_ho" type="radio" value="xo_dang">' in html
    save(session, world.users["dieutra"], household.code, {"so_thanh_vien": 6}, submit=False)
    session.commit()
    html = client.get(f"/fieldwork/{ROUND_CODE}/{household.code}").get_data(as_text=True)
    assert 'value="6"' in html and 'value="4"' not in html  # the draft's answer, not the register's


# -- the member count written back -------------------------------------------------------------------------------

def _member_audits(session):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "household.members")))


def test_an_approved_survey_writes_its_member_count_back_with_an_audit_entry(session, campaign, world):
    household = world.households["in"]
    assert household.members == 4
    answers = complete_answers()  # two members
    submission = save(session, world.users["dieutra"], household.code, answers, submit=True)
    decide(session, world.users["giamsat"], submission, "has_issues", "Kiểm tra lại tuổi")
    assert household.members == 4 and _member_audits(session) == []  # a returned survey changes nothing
    submission = save(session, world.users["dieutra"], household.code, answers, submit=True)
    decide(session, world.users["giamsat"], submission, "approved")
    session.commit()
    session.expire_all()
    assert session.get(Household, household.id).members == 2
    [entry] = _member_audits(session)
    assert entry.user_id == world.users["giamsat"].id and entry.entity_id == household.code
    assert entry.before == {"members": 4} and entry.after["members"] == 2
    submission = session.get(type(submission), submission.id)
    decide(session, world.users["giamsat"], submission, "has_issues", "Xem lại")
    assert len(_member_audits(session)) == 1  # revisiting the decision does not write again
