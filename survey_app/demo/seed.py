"""Demo data: the pre-2025 Kon Tum area tree with the communes the seed reports
name, a few hundred households, and one account per role (`flask seed-demo`)."""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..areas import add_area
from ..auth.service import create_user
from ..models import Area, EthnicGroup, Household, HouseholdStatus, User, record
from ..reports.summary import rebuild_summary

DEMO_PASSWORD = "matkhau123"

ETHNIC_GROUPS = [  # code, name, is_minority
    ("xo_dang", "Xơ Đăng", True), ("ba_na", "Ba Na", True), ("gia_rai", "Gia Rai", True),
    ("gie_trieng", "Giẻ-Triêng", True), ("hre", "Hrê", True), ("brau", "Brâu", True),
    ("ro_mam", "Rơ Măm", True), ("kinh", "Kinh", False), ("khac", "Dân tộc khác", True),
]

# District code, name, level, communes (the ones named in the seed reports come first).
KON_TUM = [
    ("KT-TP", "Kon Tum", "thành phố", ["Kroong", "Vinh Quang", "Đăk Cấm", "Ia Chim"]),
    ("KT-DHA", "Đăk Hà", "huyện", ["Đăk Mar", "Hà Mòn", "Ngọk Wang"]),
    ("KT-DTO", "Đăk Tô", "huyện", ["Kon Đào", "Diên Bình", "Pô Kô", "Tân Cảnh"]),
    ("KT-TMR", "Tu Mơ Rông", "huyện", ["Tu Mơ Rông", "Đăk Hà", "Ngọk Lây"]),
    ("KT-KRY", "Kon Rẫy", "huyện", ["Đăk Ruồng", "Tân Lập", "Đăk Pne"]),
    ("KT-KPL", "Kon Plông", "huyện", ["Măng Cành", "Măng Bút", "Hiếu", "Pờ Ê", "Đăk Tăng", "Ngọc Tem"]),
    ("KT-NHO", "Ngọc Hồi", "huyện", ["Bờ Y", "Đăk Dục", "Sa Loong"]),
    ("KT-DGL", "Đăk Glei", "huyện", ["Ngọc Linh", "Đăk Man", "Đăk Pét", "Đăk Plô", "Đăk Môn", "Đăk Long", "Mường Hoong"]),
    ("KT-STH", "Sa Thầy", "huyện", ["Hơ Moong", "Rờ Kơi", "Ya Xiêr"]),
    ("KT-IHD", "Ia H'Drai", "huyện", ["Ia Đal", "Ia Tơi", "Ia Dom"]),
]
VILLAGE_NAMES = ["Kon Tu Rằng 2", "Kon Chênh", "Đăk Lanh", "Kon Pring", "Plei Kơ Tu", "Đăk Xô", "Tu Rằng",
                 "Vi Glơng", "Kon Klùng", "Đăk Ba", "Plei Lang", "Kon Rlong", "Xốp Dùi", "Long Năng"]
NAMESAKE_COMMUNES = ("Măng Cành", "Măng Bút")  # both have a "Kon Tu Rằng 2", as real registers do
DISTRICT_GROUPS = {  # which minorities live where, roughly, for plausible names
    "KT-KPL": ["xo_dang"] * 8 + ["ba_na", "kinh"], "KT-DGL": ["gie_trieng"] * 5 + ["xo_dang"] * 4 + ["kinh"],
    "KT-STH": ["gia_rai"] * 4 + ["ro_mam", "kinh"], "KT-NHO": ["gie_trieng", "brau", "xo_dang", "kinh"],
    "KT-IHD": ["gia_rai", "kinh", "kinh", "khac"], "KT-TP": ["ba_na"] * 3 + ["gia_rai", "kinh", "kinh"],
    "KT-DHA": ["xo_dang", "ba_na", "kinh", "kinh"], "KT-DTO": ["xo_dang"] * 3 + ["kinh"],
    "KT-TMR": ["xo_dang"] * 6 + ["kinh"], "KT-KRY": ["xo_dang", "ba_na", "hre", "kinh"],
}
GIVEN_MALE = ["Hùng", "Tốt", "Dũng", "Thuôn", "Blưm", "Nhơn", "Khoa", "Sáu", "Bảy", "Rin", "Pếch", "Đen", "Lứt", "Hiền"]
GIVEN_FEMALE = ["Liên", "Hoa", "Hmil", "Nhung", "Bích", "Ngọc", "Xuân", "Hằng", "Thảo", "Rơi", "Dên", "Hrết"]
GIA_RAI_FAMILY = ["Rơ Châm", "Siu", "Ksor", "Rah Lan", "Nay", "Kpă"]
KINH_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng"]


def person_name(rng: random.Random, group: str) -> str:
    female = rng.random() < 0.3
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    if group == "gia_rai":
        return f"{rng.choice(GIA_RAI_FAMILY)} {given}"
    if group == "kinh":
        return f"{rng.choice(KINH_FAMILY)} {'Thị' if female else 'Văn'} {given}"
    if group in ("xo_dang", "hre") and rng.random() < 0.5:
        return f"Đinh {'Thị' if female else 'Văn'} {given}"
    return f"{'Y' if female else 'A'} {given}"


def ensure_ethnic_groups(session: Session) -> None:
    for order, (code, name, minority) in enumerate(ETHNIC_GROUPS):
        if session.get(EthnicGroup, code) is None:
            session.add(EthnicGroup(code=code, name=name, is_minority=minority, sort_order=order))
    session.flush()


def build_tree(session: Session) -> dict[str, Area]:
    province = add_area(session, code="KT", name="Kon Tum", level="tỉnh", parent=None)
    areas = {"KT": province}
    for district_code, name, level, communes in KON_TUM:
        district = add_area(session, code=district_code, name=name, level=level, parent=province)
        areas[district_code] = district
        for index, commune_name in enumerate(communes, start=1):
            commune_code = f"{district_code}-{index:02d}"
            commune = add_area(session, code=commune_code, name=commune_name, level="xã", parent=district)
            areas[commune_code] = commune
            for v in range(1, 5):
                village_name = VILLAGE_NAMES[(index * 3 + v + len(name)) % len(VILLAGE_NAMES)]
                if commune_name in NAMESAKE_COMMUNES and v == 1:  # one village name in two communes
                    village_name = "Kon Tu Rằng 2"
                elif village_name == "Kon Tu Rằng 2":
                    village_name = f"Thôn {v}"
                code = f"{commune_code}-{v:02d}"
                areas[code] = add_area(session, code=code, name=village_name, level="thôn", parent=commune)
    return areas


def seed_demo(session: Session, *, households_per_focus_village: int = 25, seed: int = 2024) -> bool:
    """Load the demo data once. Returns False when it is already there (only the demo round is added if missing)."""
    if session.scalar(select(User).where(User.username == "admin")) or session.scalar(
            select(Area).where(Area.code == "KT")):
        ensure_demo_round(session)  # a database seeded before rounds existed gets its round
        _seed_submissions(session)
        return False
    rng = random.Random(seed)
    ensure_ethnic_groups(session)
    areas = build_tree(session)
    villages = [a for code, a in areas.items() if code.count("-") == 3]
    number = 0
    for village in villages:
        district_code = "-".join(village.code.split("-")[:2])
        commune_code = "-".join(village.code.split("-")[:3])
        if commune_code == "KT-KPL-01":
            count = households_per_focus_village
        elif district_code == "KT-KPL":
            count = 8
        else:
            count = 1 if rng.random() < 0.6 else 2
        for _ in range(count):
            number += 1
            group = rng.choice(DISTRICT_GROUPS[district_code])
            household = Household(code=f"{village.code}-{number:04d}", head_name=person_name(rng, group),
                                  ethnic_group_code=group, village_id=village.id, members=rng.randint(1, 9))
            start = rng.choices(["ngheo", "can_ngheo", "khong_ngheo"], [40, 22, 38])[0]
            later = start
            if start == "ngheo":
                later = rng.choices(["ngheo", "can_ngheo", "khong_ngheo"], [65, 20, 15])[0]
            elif start == "can_ngheo":
                later = rng.choices(["ngheo", "can_ngheo", "khong_ngheo"], [5, 70, 25])[0]
            # Statuses recognised by the commune at the end of 2023 and of 2024: the start and end of RS2024.
            household.statuses = [HouseholdStatus(year=2023, status=start), HouseholdStatus(year=2024, status=later)]
            session.add(household)
    session.flush()
    accounts = [
        ("admin", "Quản trị tỉnh Kon Tum", "admin", ["KT"]),
        ("giamsat", "Giám sát xã Măng Cành", "supervisor", ["KT-KPL-01"]),
        ("dieutra", "Điều tra viên thôn Kon Tu Rằng 2", "enumerator", ["KT-KPL-01-01", "KT-KPL-01-02"]),
        ("lanhdao", "Lãnh đạo huyện Kon Plông", "viewer", ["KT-KPL"]),
    ]
    for username, full_name, role, codes in accounts:
        create_user(session, username=username, password=DEMO_PASSWORD, role=role, area_codes=codes,
                    full_name=full_name, actor_name="seed-demo")
    ensure_demo_round(session)
    _seed_submissions(session)
    rebuild_summary(session)  # households were added to the register directly
    record(session, user=None, actor="seed-demo", action="demo.seed", entity_type="system", entity_id="demo",
           summary=f"Nạp dữ liệu mẫu: {len(areas)} địa bàn, {number} hộ")
    return True


DEMO_ROUND_CODE = "RS2024"


def _seed_submissions(session: Session) -> None:
    """Submissions in every review state in the demo supervisor's commune (once), so the queue is not empty;
    then approved questionnaires for the households of every other village, so the reports show figures."""
    from .review import seed_review_demo

    if seed_review_demo(session):
        seed_approved_round(session)


ENUMERATOR_VILLAGES = ("KT-KPL-01-01", "KT-KPL-01-02")  # left for `dieutra` to survey


def seed_approved_round(session: Session, seed: int = 2024) -> int:
    """Approved RS2024 questionnaires for the demo households outside the enumerator's villages, drawn so that
    outcomes vary by district, saved and approved through the same services as real ones. Returns how many."""
    from datetime import timedelta

    from ..models import Submission, SurveyRound
    from ..submissions import SubmissionPayload, decide, save_submission
    from ..surveys.versions import get_definition
    from .answers import build_compositions, draw_answers, tier_of

    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == DEMO_ROUND_CODE))
    admin = session.scalar(select(User).where(User.username == "admin"))
    if survey_round is None or admin is None:
        return 0
    rng = random.Random(seed)
    pool = build_compositions(get_definition(survey_round.questionnaire_version), rng, "2024-10-01",
                              per_size_and_tier=2)
    surveyed = select(Submission.household_id).where(Submission.round_id == survey_round.id)
    households = session.scalars(select(Household).join(Area, Household.village_id == Area.id)
                                 .where(Household.id.not_in(surveyed), Area.code.not_in(ENUMERATOR_VILLAGES))
                                 .order_by(Household.code))
    district_quality = {code: 0.15 + 0.07 * i for i, (code, *_rest) in enumerate(KON_TUM)}
    count = 0
    for household in households:
        district = "-".join(household.village.code.split("-")[:2])
        q = min(0.95, max(0.05, district_quality[district] + rng.uniform(-0.2, 0.2)))
        size = min(max(household.members, 1), 9)
        names = [household.head_name] + [person_name(rng, household.ethnic_group_code) for _ in range(size - 1)]
        day = date(2024, 10, 1) + timedelta(days=rng.randint(0, 60))
        answers = draw_answers(rng, rng.choice(pool[(size, tier_of(q))]), names, q=q, survey_date=day.isoformat(),
                               ethnic_group=household.ethnic_group_code, status_start=household.status_for(2023),
                               status_end=household.status_for(2024), urban=False)
        started = datetime(day.year, day.month, day.day, 2, tzinfo=timezone.utc)
        outcome = save_submission(session, admin, SubmissionPayload(
            uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)), household_code=household.code,
            round_code=survey_round.code, form_version=None, answers=answers, started_at=started,
            finished_at=started + timedelta(minutes=rng.randint(25, 60)), submit=True), today="2024-12-15")
        decide(session, admin, outcome.submission, "approved", "Dữ liệu mẫu: đã duyệt.")
        count += 1
    return count


def ensure_demo_round(session: Session):
    """The open round RS2024 over the province KT with the latest `ho_gia_dinh` questionnaire (loading `forms/`
    when it is not loaded yet). Does nothing when the round exists or the demo province is missing."""
    from pathlib import Path

    from ..models import SurveyRound
    from ..surveys.rounds import create_round
    from ..surveys.versions import latest_version, load_directory

    existing = session.scalar(select(SurveyRound).where(SurveyRound.code == DEMO_ROUND_CODE))
    if existing is not None or session.scalar(select(Area).where(Area.code == "KT")) is None:
        return existing
    questionnaire = latest_version(session, "ho_gia_dinh")
    if questionnaire is None:
        load_directory(session, Path(__file__).resolve().parents[2] / "forms", actor="seed-demo")
        questionnaire = latest_version(session, "ho_gia_dinh")
    survey_round = create_round(session, None, DEMO_ROUND_CODE, "Rà soát hộ DTTS năm 2024", questionnaire,
                                date(2024, 1, 1), date(2024, 12, 31), ["KT"], "ra_soat", actor="seed-demo")
    from ..reports.targets import setup_demo_scoring

    setup_demo_scoring(session, survey_round)  # rulesets and the province's 2023 targets (survey_app/reports/targets.py)
    return survey_round


DEMO_LOGINS = [("admin", "quản trị, cả tỉnh"), ("giamsat", "giám sát xã Măng Cành"),
               ("dieutra", "điều tra viên 2 thôn của Măng Cành"), ("lanhdao", "lãnh đạo huyện Kon Plông, chỉ xem")]
