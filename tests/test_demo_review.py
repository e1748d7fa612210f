"""The demo data gives the demo supervisor a queue with submissions in every state."""
from sqlalchemy import select

from survey_app.core.review_states import STATES
from survey_app.demo.review import seed_review_demo
from survey_app.demo.seed import seed_demo
from survey_app.models import Submission, User
from survey_app.review.queue import parse_filters, queue_page


def test_demo_supervisor_sees_every_state(session):
    seed_demo(session, households_per_focus_village=8)  # seed-demo includes the review demo
    session.commit()
    states = {s.state for s in session.scalars(select(Submission))}
    assert states == set(STATES)
    supervisor = session.scalar(select(User).where(User.username == "giamsat"))
    page = queue_page(session, supervisor, parse_filters(session, supervisor, {"state": "all"}))
    assert {row.state for row in page.rows} == set(STATES) - {"draft"}
    flagged = {f["code"] for row in page.rows for f in row.flags}
    assert {"fast_completion", "duplicate_household", "income_outlier"} <= flagged
    assert seed_review_demo(session) is False
