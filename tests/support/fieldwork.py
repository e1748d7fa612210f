"""Shared data for the fieldwork tests: the campaign questionnaire loaded as a round over the test world, and a
complete valid household. Imported by the fieldwork test modules (holds no tests itself)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from survey_app.core.questionnaire import definition_from_data, load_definition
from survey_app.surveys.rounds import create_round
from survey_app.surveys.versions import store_definition

CAMPAIGN_FORM = Path(__file__).resolve().parents[2] / "forms" / "ho_gia_dinh.yaml"
ROUND_CODE = "KS2025"


# A small form with every widget variant the campaign does not use: a name clashing with a form attribute,
# a drop-down (minimal / long list), a text area, a read-only default, a repeat the enumerator sizes.
SMALL_FORM = {
    "form_id": "nho", "title": "Phiếu nhỏ", "version": "1",
    "choices": {
        "co_khong": [{"name": "co", "label": "Có"}, {"name": "khong", "label": "Không"}],
        "so": [{"name": str(n), "label": f"Số {n}"} for n in range(1, 13)],
    },
    "sections": [{"name": "chung", "label": "Chung", "questions": [
        {"name": "data", "type": "text", "label": "Tên trùng với thuộc tính của form", "default": "mặc định"},
        {"name": "ngan", "type": "select_one co_khong", "label": "Danh sách ngắn"},
        {"name": "gon", "type": "select_one co_khong", "label": "Kiểu thu gọn", "appearance": "minimal"},
        {"name": "dai", "type": "select_one so", "label": "Danh sách dài"},
        {"name": "ghi_chu", "type": "text", "label": "Ghi chú", "appearance": "multiline"},
        {"name": "co_dinh", "type": "integer", "label": "Cố định", "default": 5, "read_only": True},
        {"name": "nguoi", "type": "repeat", "label": "Người", "questions": [
            {"name": "ten", "type": "text", "label": "Tên"},
            {"name": "dong_y", "type": "select_multiple co_khong", "label": "Đồng ý"},
            {"name": "luong", "type": "decimal", "label": "Lương"},
        ]},
    ]}],
}


def make_campaign_round(session, *, code: str = ROUND_CODE, area_codes=("P",)):
    report = store_definition(session, load_definition(CAMPAIGN_FORM), source_name="forms/ho_gia_dinh.yaml",
                              actor="test")
    return create_round(session, None, code=code, name="Khảo sát hộ DTTS năm 2025",
                        questionnaire_version=report.questionnaire_version, period_start=date(2025, 1, 1),
                        period_end=date(2025, 12, 31), area_codes=list(area_codes), series="cuoc_van_dong",
                        actor="test")


def make_small_round(session, *, code: str = "KS-NHO", area_codes=("V1",)):
    report = store_definition(session, definition_from_data(SMALL_FORM, "nho.yaml"), source_name="nho.yaml",
                              actor="test")
    return create_round(session, None, code=code, name="Đợt thử phiếu nhỏ",
                        questionnaire_version=report.questionnaire_version, period_start=date(2025, 1, 1),
                        period_end=date(2025, 12, 31), area_codes=list(area_codes), series="", actor="test")


@pytest.fixture
def campaign(world, session):
    """The world of tests/conftest.py plus an open round of the campaign questionnaire over the province."""
    survey_round = make_campaign_round(session)
    session.commit()
    return survey_round


def household_members() -> list[dict]:
    return [
        {"ho_ten": "Đinh Văn Ằm", "gioi_tinh": "nam", "tuoi": 42, "quan_he": "chu_ho", "trinh_do": "tieu_hoc",
         "bhyt": "co", "viec_lam": "tu_san_xuat", "mat_kha_nang_lao_dong": "khong"},
        {"ho_ten": "Y Hlin", "gioi_tinh": "nu", "tuoi": 9, "quan_he": "con", "di_hoc": "dung_cap", "bhyt": "co",
         "suy_dinh_duong": "khong"},
    ]


def complete_answers() -> dict:
    """Every required answer of a two-person household, as a device would send them."""
    return {
        "ngay_khao_sat": "2025-03-10", "nguoi_tra_loi": "Đinh Văn Ằm", "khu_vuc": "nong_thon",
        "dan_toc_chu_ho": "xo_dang", "tinh_trang_dau_nam": "ngheo", "so_thanh_vien": 2,
        "thanh_vien": household_members(),
        "duoc_tuyen_truyen": "co", "hinh_thuc_tuyen_truyen": ["hop_thon", "den_nha"],
        "hu_tuc_con_duy_tri": ["khong_con"], "phong_tuc_con_duy_tri": ["tha_rong"], "tao_hon_trong_nam": "khong",
        "can_huyet_trong_nam": "khong", "tu_nguyen_thoat_ngheo": "khong", "vay_von_san_xuat": "co",
        "nguon_von_vay": ["nhcsxh"], "tre_den_truong": "co", "kham_chua_benh": "co_so_y_te",
        "tham_gia_tap_huan": "co", "su_dung_giong_moi": "co", "ky_thuat_ap_dung": ["tiem_phong"],
        "chuyen_doi_cay_con": "khong", "tiet_kiem_tai_dau_tu": "co",
        "thu_nhap_binh_quan_thang": 1200000, "mo_hinh_on_dinh": "khong", "loai_nha": "ban_kien_co",
        "dien_tich_nha": 40, "tai_san": ["ti_vi", "xe_may"], "dien_thoai": "thong_minh", "su_dung_internet": "co",
        "nguon_nuoc": "gieng_khoan", "nha_tieu": "tham_doi_nuoc", "nguon_dien": "luoi_quoc_gia",
        "tham_gia_to_hop_tac": "co", "ten_to_hop_tac": "Tổ trồng sâm", "tham_gia_htx": "khong",
    }


def form_post(answers: dict) -> list[tuple[str, str]]:
    """The answers as the questionnaire page posts them (field names, text values, one row marker per row)."""
    pairs: list[tuple[str, str]] = []
    for name, value in answers.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for index, row in enumerate(value):
                pairs.append((f"{name}-{index}--row", "1"))
                for child, child_value in row.items():
                    pairs.append((f"{name}-{index}-{child}", str(child_value)))
        elif isinstance(value, list):
            pairs.extend((name, str(item)) for item in value)
        else:
            pairs.append((name, str(value)))
    return pairs
