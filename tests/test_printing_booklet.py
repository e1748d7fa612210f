"""Village booklet: its content (cover, summary, one sheet per household on new pages), both rendering paths,
and the whole background flow through the web pages, the queue and its worker."""
from __future__ import annotations

import time

import pytest

from survey_app.printing import booklet
from tests.conftest import csrf_token, login
from tests.support.job_worker import running_worker
from tests.support.pdf import have_poppler, pdf_pages, pdf_text
from tests.support.printing import PRINT_DAY, campaign_round, submit_household

pytestmark = pytest.mark.skipif(not have_poppler(("pdftotext", "pdfinfo", "pdfunite")), reason="poppler-utils (pdftotext, pdfunite) is not installed")


class RecordingProgress:
    def __init__(self):
        self.calls = []

    def start(self, total):
        self.calls.append(("start", total))

    def advance(self, count=1):
        self.calls.append(("advance", count))


def _village_with_households(world, session, factories):
    village = world.areas["V1"]
    factories.household(village, code="HV1-002", head_name="Y Brơm", statuses={2024: "can_ngheo"})
    factories.household(village, code="HV1-003", head_name="A Hưởng", statuses={2024: "ngheo"})
    survey_round = campaign_round(session)
    submit_household(session, world.users["dieutra"], world.households["in"], survey_round)
    session.commit()
    return village


@pytest.mark.parametrize("parallel", [True, False], ids=["pool+pdfunite", "in-process"])
def test_booklet_has_cover_summary_and_one_sheet_per_household(world, session, factories, tmp_path, monkeypatch,
                                                               parallel):
    village = _village_with_households(world, session, factories)
    if not parallel:
        monkeypatch.setattr(booklet.shutil, "which", lambda name: None)
    progress = RecordingProgress()
    path = booklet.build_booklet(session, village, output_path=tmp_path / "out" / "b.pdf", progress=progress,
                                 today=PRINT_DAY, processes=2)
    assert progress.calls == [("start", 3)] + [("advance", 1)] * 3
    pdf = path.read_bytes()
    text = pdf_text(pdf, tmp_path)
    pages = text.split("\f")
    assert "TẬP HỒ SƠ HỘ GIA ĐÌNH" in pages[0] and "Số hộ trong tập: 3" in pages[0]
    assert "Măng Cành, ngày 08 tháng 02 năm 2023" in pages[0]
    assert "DANH SÁCH HỘ TRONG TẬP" in pages[1]
    for code, name in (("HV1-001", "Đinh Văn Ằm"), ("HV1-002", "Y Brơm"), ("HV1-003", "A Hưởng")):
        assert code in pages[1] and name in pages[1]
        # each household's sheet starts on a page of its own, with its code in the footer of every page
        firsts = [p for p in pages if "HỒ SƠ HỘ GIA ĐÌNH" in p and f"Mã hộ: {code}" in p]
        assert len(firsts) == 1 and "Trang 1/" in firsts[0]
    assert "Chưa khảo sát" in pages[1] and "Đã gửi" in pages[1]
    assert pdf_pages(pdf, tmp_path) == len([p for p in pages if p.strip()])


def test_booklet_of_a_selection(world, session, factories, tmp_path):
    village = _village_with_households(world, session, factories)
    path = booklet.build_booklet(session, village, codes=["HV1-003"], output_path=tmp_path / "s.pdf",
                                 today=PRINT_DAY)
    text = pdf_text(path.read_bytes(), tmp_path)
    assert "A Hưởng" in text and "Y Brơm" not in text and "(các hộ được chọn)" in text


def _wait_for_end(client, url, seconds=120):
    deadline = time.monotonic() + seconds
    states = []
    while time.monotonic() < deadline:
        data = client.get(url).get_json()
        states.append(data["state"])
        if data["state"] in ("done", "failed"):
            return data, states
        time.sleep(0.3)
    raise AssertionError(f"job did not finish: {states[-5:]}")


def test_booklet_job_through_the_web_and_the_queue_worker(app, world, session, factories, client, tmp_path,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "storage"))
    _village_with_households(world, session, factories)
    login(client, "dieutra")
    form = client.get("/paper/booklets/new?village=V1")
    assert form.status_code == 200 and "Y Brơm" in form.get_data(as_text=True)
    response = client.post("/paper/booklets", data={"csrf_token": csrf_token(client), "village": "V1",
                                                    "scope": "all", "round": "R2024"})
    assert response.status_code == 303
    job_url = response.headers["Location"]
    page = client.get(job_url)
    assert page.status_code == 200 and "Tập hồ sơ hộ thôn Kon Tu Rằng 2" in page.get_data(as_text=True)
    job_id = int(job_url.rstrip("/").split("/")[-1])
    assert client.get(f"/paper/jobs/{job_id}/status").get_json()["state"] == "queued"  # no worker yet: it waits
    with running_worker(app):
        data, states = _wait_for_end(client, f"/paper/jobs/{job_id}/status")
    assert data["state"] == "done", data
    assert (data["done"], data["total"], data["percent"]) == (3, 3, 100)
    assert set(states) <= {"queued", "running", "done"}
    assert "Kon Tu Rằng 2" in client.get("/paper/jobs").get_data(as_text=True)
    assert (tmp_path / "storage" / "jobs" / f"job-{job_id}.pdf").is_file()  # in STORAGE_DIR, the shared volume
    download = client.get(data["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "Y Brơm" in pdf_text(download.data, tmp_path)
    # users outside the village see nothing of the job and cannot print the village
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, "giamsat2")
    assert client.get(f"/paper/jobs/{job_id}").status_code == 404
    assert client.get(f"/paper/jobs/{job_id}/status").status_code == 404
    assert client.get(f"/paper/jobs/{job_id}/download").status_code == 404
    token = csrf_token(client)
    assert client.post("/paper/booklets", data={"csrf_token": token, "village": "V1", "scope": "all"}).status_code == 404
    assert client.get("/paper/booklets/new?village=V1").status_code == 404


def test_booklet_form_checks_village_and_selection(world, session, client):
    login(client, "giamsat")
    token = csrf_token(client)
    assert client.post("/paper/booklets", data={"csrf_token": token, "village": "C1"}).status_code == 422
    assert client.post("/paper/booklets", data={"csrf_token": token, "village": "V1",
                                                "scope": "selection"}).status_code == 422
    assert client.post("/paper/booklets", data={"csrf_token": token, "village": "V1", "scope": "selection",
                                                "households": ["HV2-001"]}).status_code == 404
