"""Where the questionnaire page opens and what it marks (issue 13), as the server renders it: the section a draft
was saved on, the sections seen, the first section of a refusal, the household list opened at the saved one."""
from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.models import Submission
from tests.conftest import login
from tests.support.factories import Factories
from tests.support.fieldwork import ROUND_CODE, complete_answers
from tests.test_fieldwork_pages import FORM_URL, open_form, post_form

SECTIONS = ["thong_tin_chung", "thanh_vien_ho", "tuyen_truyen", "nep_nghi", "khoa_hoc_ky_thuat", "dieu_kien_song",
            "to_chuc_san_xuat", "ket_qua_ra_soat"]


def form_attr(html, name):
    return re.search(rf'<form id="questionnaire"[^>]*{name}="([^"]*)"', html, re.S).group(1)


def test_a_new_form_opens_at_the_start_with_nothing_seen(client, campaign):
    login(client, "dieutra")
    html, _ = open_form(client)
    assert form_attr(html, "data-start-section") == "" and form_attr(html, "data-visited") == ""
    assert form_attr(html, "data-start-error") == "0"


def test_a_draft_keeps_its_section_and_reopens_there(client, campaign, session):
    login(client, "dieutra")
    response, submission_uuid = post_form(client, {"nguoi_tra_loi": "Đinh Văn Ằm"},
                                          extra=[("submission-section", "nep_nghi")])
    assert response.status_code == 302
    assert response.headers["Location"].endswith("at=HV1-001#hh-HV1-001")
    assert session.scalar(select(Submission)).draft_section == "nep_nghi"
    html, _ = open_form(client)
    assert form_attr(html, "data-start-section") == "nep_nghi"
    assert form_attr(html, "data-visited").split() == SECTIONS[:4]  # the sections up to where it stopped
    assert 'name="submission-section" value="nep_nghi"' in html

    # A section name the questionnaire does not have is not stored; the last good one stays.
    post_form(client, {"nguoi_tra_loi": "Y Hlin"}, extra=[("submission-section", "khong_co")])
    session.expire_all()
    assert session.scalar(select(Submission)).draft_section == "nep_nghi"


def test_a_refused_submit_opens_at_the_first_section_with_an_error_and_marks_all(client, campaign):
    login(client, "dieutra")
    answers = complete_answers()
    del answers["tham_gia_htx"], answers["hu_tuc_con_duy_tri"]  # sections 7 and 4, listed 7 first below
    response, _ = post_form(client, answers, action="submit", extra=[("submission-section", "ket_qua_ra_soat")])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert form_attr(html, "data-start-section") == "nep_nghi"  # in the questionnaire's order, not the errors'
    assert form_attr(html, "data-visited").split() == SECTIONS
    assert form_attr(html, "data-start-error") == "1"


def test_the_household_list_opens_at_the_page_of_the_saved_household(client, campaign, world, session, monkeypatch):
    from survey_app.fieldwork import views

    factories = Factories(session)
    for number in range(2, 6):
        factories.household(world.areas["V1"], code=f"HV1-00{number}", head_name=f"Y Hộ {number}")
    session.commit()
    monkeypatch.setattr(views, "HOUSEHOLDS_PER_PAGE", 2)
    login(client, "dieutra")
    html = client.get(f"/fieldwork/?round={ROUND_CODE}&at=HV1-004").get_data(as_text=True)
    assert "Trang 2/3" in html
    assert re.search(r'class="household-card[^"]* is-saved" data-household="HV1-004" id="hh-HV1-004"', html)
    assert html.count("is-saved") == 1
    html = client.get(f"/fieldwork/?round={ROUND_CODE}&at=HV1-004&page=3").get_data(as_text=True)
    assert "Trang 3/3" in html  # an explicit page wins
    html = client.get(f"/fieldwork/?round={ROUND_CODE}&at=HV2-001").get_data(as_text=True)
    assert "Trang 1/3" in html and "is-saved" not in html  # not in the list: the first page
    assert client.get(FORM_URL).status_code == 200
