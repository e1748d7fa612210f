"""A household moved to another commune takes its earlier submissions to the new supervisor's review queue and
out of the old supervisor's (review/queue.py scopes by the household's current village)."""
from survey_app.households.service import save_household
from survey_app.models import Area, Household, Submission, User
from tests.conftest import login
from tests.support.review import send, small_round


def test_a_moved_households_submissions_follow_it_to_the_new_supervisor(app, world, session):
    small_round(session)
    sent = send(session, world.users["dieutra"], world.households["in"])
    session.commit()
    old, new = app.test_client(), app.test_client()
    login(old, "giamsat")  # supervisor of C1, where the household lived when it was surveyed
    login(new, "giamsat2")  # supervisor of C2
    assert sent.uuid in old.get("/review/").get_data(as_text=True)
    assert sent.uuid not in new.get("/review/").get_data(as_text=True)

    household = session.get(Household, world.households["in"].id)  # after the requests: in this session
    save_household(session, session.get(User, world.users["admin"].id), household=household, code=household.code,
                   head_name=household.head_name, ethnic_group_code=household.ethnic_group_code,
                   village=session.get(Area, world.areas["V2"].id), members=household.members)
    session.commit()

    old_queue, new_queue = old.get("/review/").get_data(as_text=True), new.get("/review/").get_data(as_text=True)
    assert sent.uuid not in old_queue and household.code not in old_queue
    assert sent.uuid in new_queue and world.areas["V2"].name in new_queue  # shown under its current village
    assert old.get(f"/review/{sent.uuid}").status_code == 404
    assert new.get(f"/review/{sent.uuid}").status_code == 200
    assert session.get(Submission, sent.id).village_id == world.areas["V1"].id  # the village at receipt is kept (income statistics)


def test_the_supervisors_home_counts_a_moved_household_under_its_new_village(app, world, session):
    small_round(session)
    send(session, world.users["dieutra"], world.households["in"])
    household = session.get(Household, world.households["in"].id)
    save_household(session, session.get(User, world.users["admin"].id), household=household, code=household.code,
                   head_name=household.head_name, ethnic_group_code=household.ethnic_group_code,
                   village=session.get(Area, world.areas["V2"].id), members=household.members)
    session.commit()
    old, new = app.test_client(), app.test_client()
    login(old, "giamsat")
    login(new, "giamsat2")
    assert 'id="oldest-waiting"' not in old.get("/").get_data(as_text=True)  # nothing waits for the old supervisor
    home = new.get("/").get_data(as_text=True)
    assert f'data-village="{world.areas["V2"].code}"' in home and 'id="oldest-waiting"' in home
