"""Shared helpers for the surveys tests (questionnaire versions, rounds, submissions). Imported, not collected
for tests: it holds none."""
from __future__ import annotations

import copy
import uuid as uuid_module
from datetime import date
from pathlib import Path

import yaml

from survey_app.core.questionnaire import definition_from_data, load_definition
from survey_app.surveys.rounds import create_round, update_round
from survey_app.surveys.versions import store_definition

CAMPAIGN_FORM = Path(__file__).resolve().parents[2] / "forms" / "ho_gia_dinh.yaml"

SMALL_FORM_YAML = """
form_id: phieu_thu
title: "Phiếu thử"
version: "1"
choices:
  co_khong:
    - {name: "co", label: "Có"}
    - {name: "khong", label: "Không"}
sections:
  - name: chung
    label: "Chung"
    questions:
      - {name: so_nguoi, type: integer, label: "Số người", required: true,
         constraint: ". >= 1 and . <= 30", constraint_message: "Số người từ 1 đến 30"}
      - {name: co_vay, type: select_one co_khong, label: "Có vay vốn?", required: true}
      - {name: so_tien, type: decimal, label: "Số tiền vay", relevant: "${co_vay} = 'co'"}
      - {name: ghi_chu, type: text, label: "Ghi chú"}
"""


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def small_form_data(version: str = "1", title: str = "Phiếu thử") -> dict:
    data = yaml.safe_load(SMALL_FORM_YAML)
    data["version"], data["title"] = version, title
    return data


def store_small_form(session, version: str = "1"):
    defn = definition_from_data(small_form_data(version), "phieu_thu.yaml")
    return store_definition(session, defn, source_name="phieu_thu.yaml", actor="test").questionnaire_version


def store_campaign_form(session):
    defn = load_definition(CAMPAIGN_FORM)
    return store_definition(session, defn, source_name=str(CAMPAIGN_FORM), actor="test").questionnaire_version


def make_round(session, qv, code: str = "R2024", areas=("P",), *, is_open: bool = True, series: str = "ra_soat"):
    survey_round = create_round(session, None, code, f"Đợt {code}", qv, date(2024, 1, 1), date(2024, 12, 31),
                                list(areas), series, actor="test")
    survey_round.is_open = is_open
    session.flush()
    return survey_round


_MEMBER_ADULT = {"gioi_tinh": "nam", "quan_he": "chu_ho", "trinh_do": "tieu_hoc", "bhyt": "co",
                 "viec_lam": "tu_san_xuat", "mat_kha_nang_lao_dong": "khong"}

_COMPLETE_HOUSEHOLD = {
    "ngay_khao_sat": "2024-05-10",
    "nguoi_tra_loi": "Đinh Văn Ằm",
    "khu_vuc": "nong_thon",
    "dan_toc_chu_ho": "xo_dang",
    "tinh_trang_dau_nam": "ngheo",
    "so_thanh_vien": 3,
    "thanh_vien": [
        {"ho_ten": "Đinh Văn Ằm", "tuoi": 40, **_MEMBER_ADULT},
        {"ho_ten": "Y Hmil", "tuoi": 35, **_MEMBER_ADULT, "gioi_tinh": "nu", "quan_he": "vo_chong"},
        {"ho_ten": "A Rin", "tuoi": 10, "gioi_tinh": "nam", "quan_he": "con", "di_hoc": "dung_cap", "bhyt": "co",
         "suy_dinh_duong": "khong"},
    ],
    "duoc_tuyen_truyen": "co",
    "hinh_thuc_tuyen_truyen": ["hop_thon", "den_nha"],
    "hu_tuc_con_duy_tri": ["khong_con"],
    "phong_tuc_con_duy_tri": ["tha_rong"],
    "tao_hon_trong_nam": "khong",
    "can_huyet_trong_nam": "khong",
    "tu_nguyen_thoat_ngheo": "khong",
    "vay_von_san_xuat": "co",
    "nguon_von_vay": ["nhcsxh"],
    "tre_den_truong": "co",
    "kham_chua_benh": "co_so_y_te",
    "tham_gia_tap_huan": "co",
    "su_dung_giong_moi": "co",
    "ky_thuat_ap_dung": ["tiem_phong", "phan_bon"],
    "chuyen_doi_cay_con": "co",
    "cay_con_chuyen_doi": ["ca_phe"],
    "tiet_kiem_tai_dau_tu": "khong",
    "thu_nhap_binh_quan_thang": 1200000,
    "mo_hinh_on_dinh": "co",
    "loai_mo_hinh": ["chan_nuoi"],
    "loai_nha": "ban_kien_co",
    "dien_tich_nha": 36.5,
    "tai_san": ["ti_vi", "xe_may"],
    "dien_thoai": "thong_minh",
    "su_dung_internet": "co",
    "nguon_nuoc": "tu_chay_tap_trung",
    "nha_tieu": "tham_doi_nuoc",
    "nguon_dien": "luoi_quoc_gia",
    "tham_gia_to_hop_tac": "co",
    "ten_to_hop_tac": "Tổ chăn nuôi bò thôn Kon Tu Rằng 2",
    "tham_gia_htx": "khong",
}


def complete_household_answers() -> dict:
    """A complete, valid answer set for forms/ho_gia_dinh.yaml (a poor 3-person Xơ Đăng household)."""
    return copy.deepcopy(_COMPLETE_HOUSEHOLD)


def not_informed_answers() -> dict:
    """The complete answer set of a household that was not informed about the campaign (outcome "informed" not met)."""
    answers = complete_household_answers()
    answers["duoc_tuyen_truyen"] = "khong"
    answers.pop("hinh_thuc_tuyen_truyen")
    return answers


def change_round(session, survey_round, **settings):
    """Save the round with `settings` (e.g. percent_rule="1:truncate", denominator="surveyed") changed through
    the service, everything else as it is, and commit."""
    update_round(session, None, survey_round, name=survey_round.name, period_start=survey_round.period_start,
                 period_end=survey_round.period_end, area_codes=[a.code for a in survey_round.areas],
                 is_open=survey_round.is_open, count_only_approved=survey_round.count_only_approved,
                 actor="test", **settings)
    session.commit()
