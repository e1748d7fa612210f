"""Shared builders for the scoring tests: hand-built households (answers as the questionnaire stores them).

``base_answers()`` is a poor Xơ Đăng household of four in a rural commune that meets every campaign outcome and,
by the national standard, is near-poor (income under the threshold, 2 deprivations: no health insurance for one
member and an unhygienic latrine). Tests change one answer at a time from there.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FORM_PATH = ROOT / "forms" / "ho_gia_dinh.yaml"
CAMPAIGN_PATH = ROOT / "forms" / "rulesets" / "cuoc_van_dong.yaml"
NATIONAL_PATH = ROOT / "forms" / "rulesets" / "chuan_ngheo_quoc_gia.yaml"
DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "scoring"
TODAY = "2024-11-20"

_MEMBERS = [
    {"ho_ten": "A Diêu", "gioi_tinh": "nam", "tuoi": 42, "quan_he": "chu_ho", "trinh_do": "tieu_hoc",
     "bhyt": "co", "viec_lam": "tu_san_xuat", "mat_kha_nang_lao_dong": "khong"},
    {"ho_ten": "Y Hoa", "gioi_tinh": "nu", "tuoi": 38, "quan_he": "vo_chong", "trinh_do": "tieu_hoc",
     "bhyt": "khong", "viec_lam": "tu_san_xuat", "mat_kha_nang_lao_dong": "khong"},
    {"ho_ten": "A Thái", "gioi_tinh": "nam", "tuoi": 12, "quan_he": "con", "di_hoc": "dung_cap",
     "bhyt": "co", "suy_dinh_duong": "khong"},
    {"ho_ten": "Y Lan", "gioi_tinh": "nu", "tuoi": 4, "quan_he": "con", "di_mau_giao": "co",
     "bhyt": "co", "suy_dinh_duong": "khong"},
]

_RAW = {
    "ngay_khao_sat": "2024-11-15",
    "nguoi_tra_loi": "A Diêu",
    "khu_vuc": "nong_thon",
    "dan_toc_chu_ho": "xo_dang",
    "tinh_trang_dau_nam": "ngheo",
    "so_thanh_vien": 4,
    "thanh_vien": _MEMBERS,
    "duoc_tuyen_truyen": "co",
    "hinh_thuc_tuyen_truyen": ["hop_thon", "den_nha"],
    "hu_tuc_con_duy_tri": ["khong_con"],
    "phong_tuc_con_duy_tri": ["tha_rong", "ngu_ray"],
    "tao_hon_trong_nam": "khong",
    "can_huyet_trong_nam": "khong",
    "tu_nguyen_thoat_ngheo": "co",
    "vay_von_san_xuat": "co",
    "nguon_von_vay": ["nhcsxh"],
    "tre_den_truong": "co",
    "kham_chua_benh": "co_so_y_te",
    "tham_gia_tap_huan": "co",
    "su_dung_giong_moi": "co",
    "ky_thuat_ap_dung": ["chuong_trai", "tiem_phong"],
    "chuyen_doi_cay_con": "co",
    "cay_con_chuyen_doi": ["ca_phe", "bo"],
    "tiet_kiem_tai_dau_tu": "khong",
    "thu_nhap_binh_quan_thang": 1400000,
    "mo_hinh_on_dinh": "co",
    "loai_mo_hinh": ["vuon_ao_chuong"],
    "loai_nha": "kien_co",
    "dien_tich_nha": 48,
    "tai_san": ["ti_vi", "xe_may"],
    "dien_thoai": "thong_minh",
    "su_dung_internet": "co",
    "nguon_nuoc": "tu_chay_tap_trung",
    "nha_tieu": "khong_hop_ve_sinh",
    "nguon_dien": "luoi_quoc_gia",
    "tham_gia_to_hop_tac": "co",
    "ten_to_hop_tac": "Tổ hợp tác nuôi dê thôn Kon Tu Rằng 2",
    "tham_gia_htx": "co",
    "ten_htx": "HTX Nông nghiệp Măng Cành",
    "tinh_trang_cuoi_nam": "can_ngheo",
}

# The calculate values the questionnaire stores for _RAW (checked against the real questionnaire module in
# test_scoring_form.py), so that the engine tests do not depend on it.
_CALCULATED = {
    "so_tre_trong_do_tuoi_di_hoc": 1,
    "so_tre_bo_hoc": 0,
    "so_tre_thieu_hut_di_hoc": 0,
    "so_nguoi_thieu_hut_hoc_van": 0,
    "so_nguoi_thieu_bhyt": 1,
    "so_tre_suy_dinh_duong": 0,
    "so_nguoi_thieu_viec_lam": 0,
    "so_nguoi_phu_thuoc": 2,
    "so_nguoi_co_viec_lam_on_dinh": 2,
    "dien_tich_binh_quan": 12,
}


def raw_answers() -> dict[str, Any]:
    """The enumerator's answers without calculate values (as the web form posts them)."""
    return copy.deepcopy(_RAW)


def base_answers(**changes: Any) -> dict[str, Any]:
    """Stored answers (calculates included); keyword changes replace answers, None removes one."""
    answers = {**copy.deepcopy(_RAW), **_CALCULATED}
    for name, value in changes.items():
        if value is None:
            answers.pop(name, None)
        else:
            answers[name] = value
    return answers


def register(**changes: Any) -> dict[str, Any]:
    """The household's register record (official statuses)."""
    record = {"code": "KT-MC-0042", "ethnic_group": "xo_dang", "members": 4, "status_start": "ngheo",
              "status_end": "can_ngheo"}
    record.update(changes)
    return record
