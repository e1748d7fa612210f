"""The supervisor's home: the submissions awaiting review in their areas, per village with a link to the queue
filtered by it, and the oldest one with its age in days."""
from datetime import timedelta

from survey_app.core.clock import utc_now
from survey_app.review.waiting import waiting_for
from tests.conftest import login
from tests.support.review import send, small_round


def test_home_counts_waiting_per_village_in_the_supervisors_areas(client, session, world):
    small_round(session)
    send(session, world.users["dieutra"], world.households["in"])
    oldest = send(session, world.users["giamsat"], world.households["in_b"])
    oldest.submitted_at = utc_now() - timedelta(days=3, hours=1)
    send(session, world.users["giamsat2"], world.households["out"])  # another district: not the supervisor's
    session.commit()
    waiting = waiting_for(session, world.users["giamsat"])
    assert waiting.total == 2
    assert {v.code: v.count for v in waiting.villages} == {world.households["in"].village.code: 1,
                                                           world.households["in_b"].village.code: 1}
    assert (waiting.oldest.uuid, waiting.oldest.age_days) == (oldest.uuid, 3)
    login(client, "giamsat")
    html = client.get("/").get_data(as_text=True)
    assert "2 phiếu chờ duyệt" in html and "3 ngày trước" in html
    village = world.households["in_b"].village.code
    assert f"/review/?round=R2024&amp;area={village}" in html
    assert waiting_for(session, world.users["admin"]).total == 3


def test_home_with_nothing_waiting(client, session, world):
    small_round(session)
    session.commit()
    login(client, "giamsat")
    html = client.get("/").get_data(as_text=True)
    assert "0 phiếu chờ duyệt" in html and "Không còn phiếu nào chờ duyệt" in html
