"""Demo review data: submissions in every state in the demo supervisor's commune (Măng Cành, KT-KPL-01), sent and
reviewed through the real services, so a newcomer logging in as ``giamsat`` sees a working queue."""
from __future__ import annotations

import copy
import random
import uuid as uuid_module
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Area, Household, Submission, SurveyRound, User
from ..submissions import SubmissionPayload, correct, decide, save_submission

DEMO_ROUND = "RS2024"
DEMO_COMMUNE = "KT-KPL-01"
SURVEY_DAY = "2024-05-10"

_MEMBER = {"gioi_tinh": "nam", "quan_he": "chu_ho", "trinh_do": "tieu_hoc", "bhyt": "co",
           "viec_lam": "tu_san_xuat", "mat_kha_nang_lao_dong": "khong"}
_BASE = {
    "ngay_khao_sat": SURVEY_DAY, "khu_vuc": "nong_thon", "dan_toc_chu_ho": "xo_dang",
    "tinh_trang_dau_nam": "ngheo", "so_thanh_vien": 3,
    "duoc_tuyen_truyen": "co", "hinh_thuc_tuyen_truyen": ["hop_thon", "den_nha"],
    "hu_tuc_con_duy_tri": ["khong_con"], "phong_tuc_con_duy_tri": ["tha_rong"], "tao_hon_trong_nam": "khong",
    "can_huyet_trong_nam": "khong", "tu_nguyen_thoat_ngheo": "khong", "vay_von_san_xuat": "co",
    "nguon_von_vay": ["nhcsxh"], "tre_den_truong": "co", "kham_chua_benh": "co_so_y_te",
    "tham_gia_tap_huan": "co", "su_dung_giong_moi": "co", "ky_thuat_ap_dung": ["tiem_phong", "phan_bon"],
    "chuyen_doi_cay_con": "co", "cay_con_chuyen_doi": ["ca_phe"], "tiet_kiem_tai_dau_tu": "khong",
    "thu_nhap_binh_quan_thang": 1200000, "mo_hinh_on_dinh": "co", "loai_mo_hinh": ["chan_nuoi"],
    "loai_nha": "ban_kien_co", "dien_tich_nha": 36.5, "tai_san": ["ti_vi", "xe_may"], "dien_thoai": "thong_minh",
    "su_dung_internet": "co", "nguon_nuoc": "tu_chay_tap_trung", "nha_tieu": "tham_doi_nuoc",
    "nguon_dien": "luoi_quoc_gia", "tham_gia_to_hop_tac": "khong", "tham_gia_htx": "khong",
}

# What happens to the n-th household of the commune: the final state and how it gets there.
PLAN = ["draft", "submitted", "submitted", "submitted_fast", "submitted", "has_issues", "has_issues", "edited",
        "edited", "approved", "approved", "corrected", "rejected_duplicate", "submitted_income",
        "duplicate_pending"]


def household_answers(household: Household, rng: random.Random) -> dict:
    """A complete answer set for the campaign questionnaire, varied per household."""
    answers = copy.deepcopy(_BASE)
    answers["nguoi_tra_loi"] = household.head_name
    answers["dan_toc_chu_ho"] = household.ethnic_group_code if household.ethnic_group_code != "kinh" else "xo_dang"
    answers["thu_nhap_binh_quan_thang"] = rng.randrange(700_000, 1_700_000, 10_000)
    answers["dien_tich_nha"] = float(rng.randrange(20, 60))
    answers["tham_gia_to_hop_tac"] = rng.choice(["co", "khong"])
    if answers["tham_gia_to_hop_tac"] == "co":
        answers["ten_to_hop_tac"] = "Tổ hợp tác chăn nuôi bò"
    answers["thanh_vien"] = [
        {"ho_ten": household.head_name, "tuoi": rng.randint(31, 60), **_MEMBER},
        {"ho_ten": "Y Hmil", "tuoi": rng.randint(31, 55), **_MEMBER, "gioi_tinh": "nu", "quan_he": "vo_chong"},
        {"ho_ten": "A Rin", "tuoi": rng.randint(7, 13), "gioi_tinh": "nam", "quan_he": "con", "di_hoc": "dung_cap",
         "bhyt": "co", "suy_dinh_duong": "khong"},
    ]
    return answers


def _send(session: Session, user: User, household: Household, answers: dict, *, uuid: str | None = None,
          minutes: float = 40, submit: bool = True, when: datetime) -> Submission:
    payload = SubmissionPayload(uuid=uuid or str(uuid_module.uuid4()), household_code=household.code,
                                round_code=DEMO_ROUND, form_version=None, answers=answers,
                                started_at=when - timedelta(minutes=minutes), finished_at=when, submit=submit,
                                source="web")
    return save_submission(session, user, payload, today=SURVEY_DAY).submission


def seed_review_demo(session: Session, *, seed: int = 4) -> bool:
    """Add the demo submissions once. Returns False (writing nothing) when the demo round, accounts or commune
    are missing, or when the commune already has submissions in the round."""
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == DEMO_ROUND))
    supervisor = session.scalar(select(User).where(User.username == "giamsat"))
    enumerator = session.scalar(select(User).where(User.username == "dieutra"))
    commune = session.scalar(select(Area).where(Area.code == DEMO_COMMUNE))
    if None in (survey_round, supervisor, enumerator, commune):
        return False
    villages = select(Area.id).where(Area.path.startswith(commune.path, autoescape=True))
    if session.scalar(select(Submission.id).where(Submission.round_id == survey_round.id,
                                                  Submission.village_id.in_(villages)).limit(1)) is not None:
        return False
    households = [h for h in session.scalars(select(Household).where(Household.village_id.in_(villages))
                                             .order_by(Household.code)) if enumerator.covers(h.village)]
    rng = random.Random(seed)
    start = datetime(2024, 5, 6, 1, 30, tzinfo=timezone.utc)
    for index, (plan, household) in enumerate(zip(PLAN, households)):
        when = start + timedelta(hours=3 * index)
        answers = household_answers(household, rng)
        if plan == "draft":
            _send(session, enumerator, household, answers, submit=False, when=when)
            continue
        if plan == "submitted_income":
            answers["thu_nhap_binh_quan_thang"] = 9_500_000
        submission = _send(session, enumerator, household, answers, minutes=3 if plan == "submitted_fast" else 40,
                           when=when)
        if plan in ("has_issues", "edited"):
            decide(session, supervisor, submission, "has_issues",
                   "Số nhân khẩu và danh sách thành viên chưa khớp sổ hộ khẩu; đề nghị hỏi lại chủ hộ.")
        if plan == "edited":
            answers["thanh_vien"][2]["tuoi"] += 1
            _send(session, enumerator, household, answers, uuid=submission.uuid, when=when + timedelta(days=1))
        if plan == "approved":
            decide(session, supervisor, submission, "approved", "")
        if plan == "corrected":
            correct(session, supervisor, submission, "dien_tich_nha", "42", "Điều tra viên gõ nhầm diện tích nhà "
                    "(đã gọi điện xác nhận 42 m²).", today=SURVEY_DAY)
            decide(session, supervisor, submission, "approved", "Đã sửa diện tích nhà, duyệt.")
        if plan == "rejected_duplicate":
            again = _send(session, supervisor, household, household_answers(household, rng), when=when)
            decide(session, supervisor, again, "rejected", "Hộ đã có phiếu của điều tra viên trong đợt; phiếu "
                   "nhập trùng.")
        if plan == "duplicate_pending":  # a second tablet sent the household too: the supervisor must choose
            _send(session, supervisor, household, household_answers(household, rng), when=when + timedelta(hours=3))
    session.flush()
    return True
