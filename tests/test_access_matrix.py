"""The access-control matrix: EVERY rule of ``app.url_map`` (but static files), for each role and anonymous,
inside the account's area and, for rules that name an object, outside it.

200 (or the page's own answer) allowed, 403 role refused, 404 outside the area (existence not revealed); an
anonymous visitor is sent to the login page (302), or gets 401 from the API. A POST is "allowed" when it is not
refused (not 401/403/404): the bodies sent are incomplete on purpose, so the allowed ones answer 4xx and change
nothing. A rule without an entry in ``MATRIX`` fails ``test_matrix_covers_every_rule``: a new route must say
who may use it. State-changing requests without CSRF are refused (tests at the end)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from survey_app.access import PERMISSIONS, can, permission_required
from tests.conftest import csrf_token, login

ROLES = ["admin", "giamsat", "dieutra", "lanhdao"]  # admin P, supervisor C1, enumerator V1, viewer D1
ANON = "anonymous"
WHO = [*ROLES, ANON]
ALL = set(ROLES)
STAFF = {"admin", "giamsat", "dieutra"}
REVIEWERS = {"admin", "giamsat"}
ADMIN = {"admin"}
OK = "ok"  # a POST that was not refused: anything but 401, 403 and 404
REFUSED = {401, 403, 404}


@dataclass
class Rule:
    """One rule and method: an example URL inside every account's area (HV1-001, village V1) and, when the rule
    names an object, one outside (HV2-001, village V2, another district: only the province admin covers it)."""

    allowed: set[str]
    url: str
    out: str | None = None
    ok: int | str = 200  # the answer of an allowed request
    form: dict | None = None  # POST body (a CSRF token is added)
    json: dict | None = None
    out_form: dict | None = None
    out_json: dict | None = None
    override: dict[str, int | str] = field(default_factory=dict)  # role -> answer inside the area
    out_override: dict[str, int | str] = field(default_factory=dict)

    def expected(self, who: str, api: bool, outside: bool) -> int | str:
        if not outside and who in self.override:
            return self.override[who]
        if who == ANON:
            return 401 if api else 302
        if outside and who in self.out_override:
            return self.out_override[who]
        if who not in self.allowed:
            return 403
        return 404 if outside and who != "admin" else self.ok


BAD_UUID = {"uuid": "khong-phai-uuid", "household": "HV1-001", "round": "R2024", "form_version": "x", "answers": {}}

# (endpoint, method) -> Rule. {in_uuid}/{out_uuid}: submissions of HV1-001 (by dieutra) and HV2-001 (by giamsat2);
# {user}/{round}/{qv}/{in_job}/{out_job}: ids from the world below.
MATRIX: dict[tuple[str, str], Rule] = {
    ("home.index", "GET"): Rule(ALL, "/", override={"dieutra": 302}),  # an enumerator's home is the fieldwork page
    ("home.healthz", "GET"): Rule(ALL, "/healthz", override={ANON: 200}),  # for the load balancer: no login
    ("auth.login", "GET"): Rule(ALL, "/login", ok=OK, override={ANON: 200}),
    ("auth.login", "POST"): Rule(ALL, "/login", ok=OK, form={"username": "khong-co", "password": "x"},
                                 override={ANON: OK}),
    ("auth.logout", "POST"): Rule(ALL, "/logout", ok=302),
    ("auth.account", "GET"): Rule(ALL, "/account"),
    ("auth.account", "POST"): Rule(ALL, "/account", ok=OK, form={}),
    ("auth.tokens", "GET"): Rule(ALL, "/account/tokens"),
    ("auth.token_revoke", "POST"): Rule(ALL, "/account/tokens/999999/revoke", ok=404),  # only one's own tokens
    # households
    ("households.index", "GET"): Rule(ALL, "/households/?area=C1", out="/households/?area=C2",
                                      override={"dieutra": 404}),  # C1 is wider than the enumerator's V1
    ("households.show", "GET"): Rule(ALL, "/households/HV1-001", out="/households/HV2-001"),
    ("households.create", "GET"): Rule(STAFF, "/households/new"),
    ("households.create", "POST"): Rule(STAFF, "/households/new", ok=OK, form={}),
    ("households.edit", "GET"): Rule(STAFF, "/households/HV1-001/edit", out="/households/HV2-001/edit"),
    ("households.edit", "POST"): Rule(STAFF, "/households/HV1-001/edit", out="/households/HV2-001/edit", ok=OK,
                                      form={}, out_form={}),
    ("households.import_file", "GET"): Rule(REVIEWERS, "/households/import"),
    ("households.import_file", "POST"): Rule(REVIEWERS, "/households/import", ok=OK, form={}),
    ("printing.household_sheet", "GET"): Rule(ALL, "/households/HV1-001/sheet.pdf", out="/households/HV2-001/sheet.pdf"),
    # fieldwork
    ("fieldwork.home", "GET"): Rule(STAFF, "/fieldwork/"),
    # the offline app (the shell holds no data; the data come from the device package, area-limited there)
    ("offline_app.shell", "GET"): Rule(STAFF, "/app/"),
    ("offline_app.service_worker", "GET"): Rule(STAFF, "/app/sw.js"),
    ("offline_app.manifest", "GET"): Rule(STAFF, "/app/manifest.webmanifest"),
    ("offline_app.session_probe", "GET"): Rule(STAFF, "/app/session"),
    ("fieldwork.questionnaire", "GET"): Rule(STAFF, "/fieldwork/R2024/HV1-001", out="/fieldwork/R2024/HV2-001"),
    ("fieldwork.questionnaire", "POST"): Rule(STAFF, "/fieldwork/R2024/HV1-001", out="/fieldwork/R2024/HV2-001",
                                              ok=OK, form={"submission-uuid": "{in_uuid}"},
                                              out_form={"submission-uuid": "{out_uuid}"}),
    ("fieldwork.new_household", "GET"): Rule(STAFF, "/fieldwork/new-household?round=R2024"),
    ("fieldwork.new_household", "POST"): Rule(STAFF, "/fieldwork/new-household?round=R2024", ok=OK, form={}),
    # review
    ("review.queue", "GET"): Rule(REVIEWERS, "/review/"),
    ("review.show", "GET"): Rule(REVIEWERS, "/review/{in_uuid}", out="/review/{out_uuid}"),
    ("review.diff", "GET"): Rule(REVIEWERS, "/review/{in_uuid}/diff", out="/review/{out_uuid}/diff"),
    ("review.version", "GET"): Rule(REVIEWERS, "/review/{in_uuid}/versions/1", out="/review/{out_uuid}/versions/1"),
    ("review.correction", "GET"): Rule(REVIEWERS, "/review/{in_uuid}/correct?path=tham_gia_htx",
                                       out="/review/{out_uuid}/correct?path=tham_gia_htx"),
    ("review.correction", "POST"): Rule(REVIEWERS, "/review/{in_uuid}/correct", out="/review/{out_uuid}/correct",
                                        ok=OK, form={"path": "tham_gia_htx", "value": "khong-co"},
                                        out_form={"path": "tham_gia_htx", "value": "khong-co"}),
    ("review.decision", "POST"): Rule(REVIEWERS, "/review/{in_uuid}/decision", out="/review/{out_uuid}/decision",
                                      ok=OK, form={"state": "khong-co"}, out_form={"state": "khong-co"}),
    ("review.comment", "POST"): Rule(REVIEWERS, "/review/{in_uuid}/comments", out="/review/{out_uuid}/comments",
                                     ok=OK, form={"body": ""}, out_form={"body": ""}),
    ("review.count", "POST"): Rule(REVIEWERS, "/review/{in_uuid}/count", out="/review/{out_uuid}/count", ok=OK,
                                   form={}, out_form={}),
    ("review.bulk", "POST"): Rule(REVIEWERS, "/review/bulk-approve", ok=OK, form={}),
    ("review.bulk_confirm", "POST"): Rule(REVIEWERS, "/review/bulk-approve/confirm", ok=OK, form={}),
    ("review.bulk_undo", "POST"): Rule(REVIEWERS, "/review/bulk-approve/undo", ok=OK, form={}),
    # reports and printed documents
    ("reports.index", "GET"): Rule(ALL, "/reports/", override={"admin": 302, "lanhdao": 302, "dieutra": 302,
                                                                "giamsat": 302}),  # one area: straight to it
    ("reports.show", "GET"): Rule(ALL, "/reports/R2024/V1", out="/reports/R2024/V2"),
    ("reports.export_table", "GET"): Rule(ALL, "/reports/R2024/V1/bang.csv", out="/reports/R2024/V2/bang.csv"),
    ("reports.export_households", "GET"): Rule(ALL, "/reports/R2024/V1/ho.csv", out="/reports/R2024/V2/ho.csv"),
    ("reports.poverty_mismatches", "GET"): Rule(ALL, "/reports/R2024/V1/chenh-lech-tinh-trang",
                                                out="/reports/R2024/V2/chenh-lech-tinh-trang"),
    ("reports.targets", "GET"): Rule(ADMIN, "/reports/R2024/chi-tieu"),
    ("reports.targets", "POST"): Rule(ADMIN, "/reports/R2024/chi-tieu", ok=OK, form={"outcome_id": ""}),
    ("printing.campaign_report", "GET"): Rule(ALL, "/paper/reports/R2024/V1.pdf", out="/paper/reports/R2024/V2.pdf"),
    ("printing.booklet_new", "GET"): Rule(ALL, "/paper/booklets/new?village=V1", out="/paper/booklets/new?village=V2"),
    ("printing.booklet_create", "POST"): Rule(ALL, "/paper/booklets", ok=OK, form={"village": "V1", "scope": "selection"},
                                           out="/paper/booklets", out_form={"village": "V2", "scope": "selection"}),
    ("printing.jobs", "GET"): Rule(ALL, "/paper/jobs"),
    ("printing.job_page", "GET"): Rule(ALL, "/paper/jobs/{in_job}", out="/paper/jobs/{out_job}"),
    ("printing.job_status", "GET"): Rule(ALL, "/paper/jobs/{in_job}/status", out="/paper/jobs/{out_job}/status"),
    ("printing.job_download", "GET"): Rule(ALL, "/paper/jobs/{in_job}/download", out="/paper/jobs/{out_job}/download"),
    # administration
    ("admin.users", "GET"): Rule(ADMIN, "/admin/users"),
    ("admin.user_new", "GET"): Rule(ADMIN, "/admin/users/new"),
    ("admin.user_new", "POST"): Rule(ADMIN, "/admin/users/new", ok=OK, form={}),
    ("admin.user_edit", "GET"): Rule(ADMIN, "/admin/users/{user}"),
    ("admin.user_edit", "POST"): Rule(ADMIN, "/admin/users/{user}", ok=OK, form={"username": "doi-ten"}),
    ("admin.audit", "GET"): Rule(ADMIN, "/admin/audit"),
    ("rounds.index", "GET"): Rule(ADMIN, "/rounds/"),
    ("rounds.create", "GET"): Rule(ADMIN, "/rounds/new"),
    ("rounds.create", "POST"): Rule(ADMIN, "/rounds/new", ok=OK, form={}),
    ("rounds.edit", "GET"): Rule(ADMIN, "/rounds/{round}"),
    ("rounds.edit", "POST"): Rule(ADMIN, "/rounds/{round}", ok=OK, form={"name": ""}),
    # the JSON API
    ("api.me", "GET"): Rule(ALL, "/api/v1/me"),
    ("api.openapi", "GET"): Rule(ALL, "/api/v1/openapi.json"),  # the API document: any account
    ("api.rounds", "GET"): Rule(ALL, "/api/v1/rounds"),
    ("api.households", "GET"): Rule(ALL, "/api/v1/households?area=C1", out="/api/v1/households?area=C2",
                                    override={"dieutra": 404}),
    ("api.household", "GET"): Rule(ALL, "/api/v1/households/HV1-001", out="/api/v1/households/HV2-001"),
    ("api.rollup", "GET"): Rule(ALL, "/api/v1/rollup?area=V1&round=R2024", out="/api/v1/rollup?area=V2&round=R2024"),
    ("api.submission_list", "GET"): Rule(STAFF, "/api/v1/submissions"),
    ("api.submission_save", "POST"): Rule(STAFF, "/api/v1/submissions", ok=OK, json=BAD_UUID, out="/api/v1/submissions",
                                          out_json={**BAD_UUID, "uuid": "{out_uuid}", "household": "HV2-001",
                                                    "form_version": "{form_version}"}),
    ("api.submission_show", "GET"): Rule(ALL, "/api/v1/submissions/{in_uuid}", out="/api/v1/submissions/{out_uuid}"),
    ("api.submission_review", "POST"): Rule(REVIEWERS, "/api/v1/submissions/{in_uuid}/review", ok=OK,
                                            json={"state": "khong-co"}, out="/api/v1/submissions/{out_uuid}/review",
                                            out_json={"state": "khong-co"}),
    # offline fieldwork: the device package, a per-device credential, a questionnaire version's definition
    ("api.device_package_show", "GET"): Rule(STAFF, "/api/v1/device/package"),
    ("api.device_register", "POST"): Rule(STAFF, "/api/v1/device/register", ok=201, json={"label": "Máy thử"}),
    ("api.questionnaire_definition", "GET"): Rule(ALL, "/api/v1/questionnaires/{qv}/definition"),
    ("api.submission_count", "POST"): Rule(REVIEWERS, "/api/v1/submissions/{in_uuid}/count", ok=OK, json={},
                                           out="/api/v1/submissions/{out_uuid}/count", out_json={}),
}
LAST = {("auth.logout", "POST")}  # ends the session: asked last


def url_rules(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) of the app, static files aside."""
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" and not rule.endpoint.endswith(".static")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_matrix_covers_every_rule(app):
    rules = url_rules(app)
    missing = sorted(rules - MATRIX.keys())
    assert not missing, f"routes without an entry in the access matrix (say who may use them): {missing}"
    assert not sorted(MATRIX.keys() - rules), "entries for routes that no longer exist"


@pytest.fixture
def surveyed(world, session, tmp_path, monkeypatch):
    """The world with a scored round R2024 over the province, one sent submission on each side, a finished
    print job on each side, and PDF rendering stubbed (the matrix checks who gets through, not the PDF)."""
    from survey_app.jobs.service import create_job
    from survey_app.printing import views as paper_views
    from tests.support.printing import campaign_round, submit_household

    survey_round = campaign_round(session)
    inside = submit_household(session, world.users["dieutra"], world.households["in"], survey_round)
    outside = submit_household(session, world.users["giamsat2"], world.households["out"], survey_round)
    jobs = {}
    for key, village in (("in_job", "V1"), ("out_job", "V2")):
        job = create_job(session, kind="village_booklet", title="Tập hồ sơ", user=world.users["admin"],
                         area=world.areas[village], params={}, output_dir=tmp_path)
        job.state = "done"
        Path(job.output_path).write_bytes(b"%PDF-1.4\n")
        jobs[key] = job.id
    session.commit()
    monkeypatch.setattr(paper_views, "render_template_pdf", lambda *args, **kwargs: b"%PDF-1.4\n")
    return {"in_uuid": inside.uuid, "out_uuid": outside.uuid, "round": survey_round.id,
            "user": world.users["giamsat"].id, "form_version": survey_round.questionnaire_version.version,
            "qv": survey_round.questionnaire_version_id, **jobs}


def _fill(value, names: dict):
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def _ask(client, token, method, url, form, json):
    if method == "GET":
        return client.get(url)
    if json is not None or url.startswith("/api/"):
        return client.post(url, json=json if json is not None else {}, headers={"X-CSRFToken": token or ""})
    return client.post(url, data={**(form or {}), "csrf_token": token or ""})


def _answers(expected, status: int) -> bool:
    return status not in REFUSED if expected == OK else status == expected


def test_every_rule_for_every_role(app, surveyed):
    clients, tokens = {}, {}
    for who in WHO:
        clients[who] = app.test_client()
        if who != ANON:
            login(clients[who], who)
            tokens[who] = csrf_token(clients[who])
        else:
            tokens[who] = csrf_token(clients[who], "/login")
    wrong = []
    for key in sorted(MATRIX, key=lambda k: k in LAST):
        method, rule = key[1], MATRIX[key]
        api = rule.url.startswith("/api/")
        cases = [(False, rule.url, rule.form, rule.json)]
        if rule.out:
            cases.append((True, rule.out, rule.out_form, rule.out_json))
        for outside, url, form, json in cases:
            url, form, json = _fill(url, surveyed), _fill(form, surveyed), _fill(json, surveyed)
            for who in WHO:
                expected = rule.expected(who, api, outside)
                status = _ask(clients[who], tokens[who], method, url, form, json).status_code
                if not _answers(expected, status):
                    wrong.append(f"{who} {method} {url}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_anonymous_is_sent_to_login(client, world):
    for (endpoint, method), rule in MATRIX.items():
        if method != "GET" or endpoint.startswith("auth.") or "{" in rule.url or ANON in rule.override:
            continue
        response = client.get(rule.url)
        if rule.url.startswith("/api/"):
            assert response.status_code == 401, rule.url
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"], rule.url


def test_enumerator_does_not_see_the_next_village(app, world):
    """Inside the supervisor's commune but outside the enumerator's village: 404 for the enumerator only."""
    for role, status in zip(ROLES, [200, 200, 404, 200]):
        client = app.test_client()
        login(client, role)
        assert client.get("/households/HV1B-001").status_code == status, role
        assert client.get("/api/v1/households/HV1B-001").status_code == status, role


def test_one_permission_table_drives_can():
    class Account:
        is_authenticated = True

        def __init__(self, role):
            self.role = role

    assert can(Account("supervisor"), "submission.review") and not can(Account("enumerator"), "submission.review")
    assert not can(Account("viewer"), "household.edit") and can(Account("viewer"), "report.view")

    class Anonymous:
        is_authenticated = False

    assert not any(can(Anonymous(), name) for name in PERMISSIONS)
    with pytest.raises(KeyError):
        can(Account("admin"), "khong.co")
    with pytest.raises(KeyError):
        permission_required("khong.co")


def test_menu_follows_the_permissions(app, world):
    expected = {"admin": {"Khảo sát", "Duyệt phiếu", "Đợt khảo sát", "Tài khoản", "Nhật ký"},
                "giamsat": {"Khảo sát", "Duyệt phiếu"}, "dieutra": {"Khảo sát"}, "lanhdao": set()}
    optional = {"Khảo sát", "Duyệt phiếu", "Đợt khảo sát", "Tài khoản", "Nhật ký"}
    for role, shown in expected.items():
        client = app.test_client()
        login(client, role)
        html = client.get("/account").get_data(as_text=True)
        nav = html[html.index('class="mainnav"'):html.index("</nav>")]
        assert {label for label in optional if f">{label}</a>" in nav} == shown, role
        assert ">Hộ gia đình</a>" in nav and ">Báo cáo</a>" in nav


def test_user_edit_page_limits(app, world):
    """An admin edits accounts inside the admin's area; others cannot reach the page."""
    giamsat_id = world.users["giamsat"].id
    for role, status in zip(ROLES, [200, 403, 403, 403]):
        client = app.test_client()
        login(client, role)
        assert client.get(f"/admin/users/{giamsat_id}").status_code == status


def test_district_admin_cannot_manage_accounts_elsewhere(client, world, factories, session):
    factories.user("admin_d1", "admin", "D1")
    session.commit()
    login(client, "admin_d1")
    assert client.get(f"/admin/users/{world.users['giamsat2'].id}").status_code == 404
    assert client.get(f"/admin/users/{world.users['giamsat'].id}").status_code == 200
    html = client.get("/admin/users").get_data(as_text=True)
    assert "giamsat2" not in html


STATE_CHANGING = [
    "/households/new", "/households/HV1-001/edit", "/households/import", "/admin/users/new", "/account", "/logout",
    "/rounds/new",
]


@pytest.mark.parametrize("url", STATE_CHANGING)
def test_post_without_csrf_is_refused(client, world, url):
    login(client, "admin")
    response = client.post(url, data={"code": "X", "head_name": "Y", "members": "2"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_admin_user_edit_without_csrf_is_refused(client, world):
    login(client, "admin")
    response = client.post(f"/admin/users/{world.users['giamsat'].id}", data={"role": "admin"})
    assert response.status_code == 400
