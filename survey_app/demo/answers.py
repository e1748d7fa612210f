"""Synthetic questionnaire answers for `flask demo generate`: valid against forms/ho_gia_dinh.yaml, drawn from a
household's "propensity" (0 = the campaign has not reached it, 1 = it has changed in every way) so that outcomes
vary by district and improve from one round to the next.

Members are the costly part (the questionnaire computes a dozen per-member fields): a few hundred member
compositions are built once per run and checked with the real `validate_answers`, which stores their calculated
fields exactly as a saved submission would; each household takes one and gets its own names. Every answer outside
the members is drawn per household and obeys the form's relevance and constraints (tests validate samples).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from survey_app.core.questionnaire import Definition, validate_answers

MEMBER_SIZES = range(1, 10)
TIERS = (0.2, 0.5, 0.8)  # propensity tiers of the compositions (schooling, health insurance, work)
PER_SIZE_AND_TIER = 12

HU_TUC = ["kieng_cu_chet_xau", "cung_om_dau", "kieng_ky_vat_nuoi", "thuoc_thu", "can_huyet", "tao_hon"]
PHONG_TUC = ["no_mieng", "an_uong_keo_dai", "tha_rong", "cui_hua_hon", "cho_nguoi_chet_an", "nguoi_chet_lo_thien",
             "sinh_de_tai_nha", "ngu_ray"]
KY_THUAT = ["chuong_trai", "tiem_phong", "phan_bon", "cham_soc_cay", "thuc_an_chan_nuoi", "tuoi_tiet_kiem"]
CAY_CON = ["ca_phe", "sam_ngoc_linh", "duong_quy", "duoc_lieu_khac", "cay_an_qua", "lua_nuoc", "bo", "de", "heo",
           "ca", "gia_cam"]
MO_HINH = ["trong_trot", "chan_nuoi", "vuon_ao_chuong", "trong_rung", "dich_vu"]
HINH_THUC = ["hop_thon", "loa_truyen_thanh", "so_tay", "den_nha", "mang_xa_hoi"]
OTHER_ASSETS = ["radio", "may_tinh", "tu_lanh", "may_nong_nghiep"]


@dataclass
class Composition:
    size: int
    answers: dict[str, Any]  # thanh_vien rows + the household figures computed from them + dien_tich_nha


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < max(0.0, min(1.0, p))


def _pick(rng: random.Random, options: list[str], k: int) -> list[str]:
    """k distinct choices, in the order the questionnaire lists them (as a saved answer stores them)."""
    chosen = set(rng.sample(options, k))
    return [name for name in options if name in chosen]


def _yes(rng: random.Random, p: float) -> str:
    return "co" if _chance(rng, p) else "khong"


def _member(rng: random.Random, age: int, relation: str, q: float) -> dict[str, Any]:
    row: dict[str, Any] = {"ho_ten": "-", "gioi_tinh": rng.choice(["nam", "nu"]), "tuoi": age, "quan_he": relation,
                           "bhyt": _yes(rng, 0.6 + 0.4 * q)}
    if 3 <= age < 6:
        row["di_mau_giao"] = _yes(rng, 0.5 + 0.5 * q)
    if 6 <= age <= 18:
        row["di_hoc"] = rng.choices(["dung_cap", "cham_cap", "bo_hoc", "hoc_xong"],
                                    [0.55 + 0.4 * q, 0.2, 0.25 - 0.2 * q, 0.05 if age >= 17 else 0])[0]
    if age >= 15:
        row["trinh_do"] = rng.choices(["chua_tieu_hoc", "tieu_hoc", "thcs", "thpt", "nghe"],
                                      [0.35 - 0.3 * q, 0.3, 0.2 + 0.1 * q, 0.1 + 0.2 * q, 0.05 + 0.05 * q])[0]
        row["viec_lam"] = rng.choices(["tu_san_xuat", "co_hop_dong", "khong_hop_dong", "thoi_vu", "that_nghiep",
                                       "ngoai_lao_dong"],
                                      [0.45 + 0.2 * q, 0.05 + 0.1 * q, 0.1, 0.2 - 0.15 * q, 0.05, 0.15])[0]
    if 19 <= age <= 30:
        row["dang_dao_tao"] = _yes(rng, 0.05 + 0.1 * q)
    if age < 16:
        row["suy_dinh_duong"] = _yes(rng, 0.35 - 0.3 * q)
    if 15 <= age < 60:
        row["mat_kha_nang_lao_dong"] = _yes(rng, 0.04)
    return row


def _members(rng: random.Random, size: int, q: float) -> list[dict[str, Any]]:
    head_age = rng.randint(22, 68)
    rows = [_member(rng, head_age, "chu_ho", q)]
    if size >= 2:
        rows.append(_member(rng, max(18, head_age + rng.randint(-6, 4)), "vo_chong", q))
    for _ in range(size - len(rows)):
        if head_age > 55 and _chance(rng, 0.4):
            rows.append(_member(rng, rng.randint(0, 14), "chau", q))
        elif _chance(rng, 0.12):
            rows.append(_member(rng, rng.randint(60, 85), "bo_me", q))
        else:
            rows.append(_member(rng, max(0, min(head_age - 16, rng.randint(0, 30))), "con", q))
    return rows


def _composition_base(size: int, members: list[dict], area: float) -> dict[str, Any]:
    """The least answer set that makes `validate_answers(submit=True)` accept the members (calculations run)."""
    return {"ngay_khao_sat": "2024-01-01", "nguoi_tra_loi": "-", "khu_vuc": "nong_thon", "dan_toc_chu_ho": "xo_dang",
            "tinh_trang_dau_nam": "ngheo", "so_thanh_vien": size, "thanh_vien": members, "dien_tich_nha": area}


COMPOSITION_KEYS = ("thanh_vien", "dien_tich_nha", "dien_tich_binh_quan", "so_tre_trong_do_tuoi_di_hoc",
                    "so_tre_bo_hoc", "so_tre_thieu_hut_di_hoc", "so_nguoi_thieu_hut_hoc_van", "so_nguoi_thieu_bhyt",
                    "so_tre_suy_dinh_duong", "so_nguoi_thieu_viec_lam", "so_nguoi_phu_thuoc",
                    "so_nguoi_co_viec_lam_on_dinh")


def build_compositions(defn: Definition, rng: random.Random, today: str,
                       per_size_and_tier: int = PER_SIZE_AND_TIER) -> dict[tuple[int, int], list[Composition]]:
    """{(size, tier index): compositions}, each with the calculated fields the questionnaire stores."""
    pool: dict[tuple[int, int], list[Composition]] = {}
    for size in MEMBER_SIZES:
        for tier, q in enumerate(TIERS):
            items = []
            for _ in range(per_size_and_tier):
                area = float(rng.choice([12, 18, 24, 30, 36, 42, 48, 56, 64, 80]) + (8 if q > 0.6 else 0))
                checked = validate_answers(defn, _composition_base(size, _members(rng, size, q), area), submit=False,
                                           today=today)
                if checked.errors:
                    raise AssertionError(f"demo member composition rejected: {checked.errors}")
                stored = {k: checked.answers[k] for k in COMPOSITION_KEYS if k in checked.answers}
                items.append(Composition(size, stored))
            pool[(size, tier)] = items
    return pool


def tier_of(q: float) -> int:
    return 0 if q < 0.35 else (1 if q < 0.65 else 2)


def draw_answers(rng: random.Random, composition: Composition, member_names: list[str], *, q: float,
                 survey_date: str, ethnic_group: str, status_start: str | None, status_end: str | None,
                 urban: bool) -> dict[str, Any]:
    """One household's full answer set, as `save_submission` would store it."""
    a: dict[str, Any] = dict(composition.answers)  # member rows hold scalars only: a shallow copy per row suffices
    a["thanh_vien"] = [{**row, "ho_ten": name} for row, name in zip(a["thanh_vien"], member_names)]
    a.update(ngay_khao_sat=survey_date, nguoi_tra_loi=member_names[0], khu_vuc="thanh_thi" if urban else "nong_thon",
             dan_toc_chu_ho=ethnic_group, tinh_trang_dau_nam=status_start or "khong_ngheo",
             so_thanh_vien=composition.size)
    a["duoc_tuyen_truyen"] = _yes(rng, 0.7 + 0.3 * q)
    if a["duoc_tuyen_truyen"] == "co":
        a["hinh_thuc_tuyen_truyen"] = _pick(rng, HINH_THUC, rng.randint(1, 3))
    if _chance(rng, 0.15 + 0.75 * q):
        a["hu_tuc_con_duy_tri"] = ["khong_con"]
    else:
        a["hu_tuc_con_duy_tri"] = _pick(rng, HU_TUC, rng.randint(1, 2))
    if _chance(rng, 0.1 + 0.5 * q):
        a["phong_tuc_con_duy_tri"] = ["khong_con"]
    else:
        a["phong_tuc_con_duy_tri"] = _pick(rng, PHONG_TUC, rng.randint(1, 5))
    a["tao_hon_trong_nam"] = "co" if "tao_hon" in a["hu_tuc_con_duy_tri"] and _chance(rng, 0.6) else "khong"
    a["can_huyet_trong_nam"] = "co" if "can_huyet" in a["hu_tuc_con_duy_tri"] and _chance(rng, 0.4) else "khong"
    if a["tinh_trang_dau_nam"] in ("ngheo", "can_ngheo"):
        a["tu_nguyen_thoat_ngheo"] = _yes(rng, 0.05 + 0.45 * q)
    a["vay_von_san_xuat"] = _yes(rng, 0.15 + 0.55 * q)
    if a["vay_von_san_xuat"] == "co":
        a["nguon_von_vay"] = _pick(rng, ["nhcsxh", "agribank", "quy_hoi"], rng.randint(1, 2))
    if (a.get("so_tre_trong_do_tuoi_di_hoc") or 0) > 0:
        a["tre_den_truong"] = "co" if a.get("so_tre_bo_hoc") == 0 and _chance(rng, 0.9) else "khong"
    a["kham_chua_benh"] = rng.choices(["co_so_y_te", "vua_cung_vua_kham", "cung_bai", "tu_chua"],
                                      [0.3 + 0.65 * q, 0.3, 0.2 - 0.15 * q, 0.1])[0]
    a["tham_gia_tap_huan"] = _yes(rng, 0.15 + 0.7 * q)
    a["su_dung_giong_moi"] = _yes(rng, 0.1 + 0.7 * q)
    if _chance(rng, 0.6 - 0.55 * q):
        a["ky_thuat_ap_dung"] = ["khong_ap_dung"]
    else:
        a["ky_thuat_ap_dung"] = _pick(rng, KY_THUAT, rng.randint(1, 3))
    a["chuyen_doi_cay_con"] = _yes(rng, 0.1 + 0.55 * q)
    if a["chuyen_doi_cay_con"] == "co":
        a["cay_con_chuyen_doi"] = _pick(rng, CAY_CON, rng.randint(1, 2))
    a["tiet_kiem_tai_dau_tu"] = _yes(rng, 0.1 + 0.6 * q)
    income = rng.lognormvariate(0, 0.35) * (800_000 + 2_000_000 * q)
    a["thu_nhap_binh_quan_thang"] = int(round(min(income, 20_000_000), -4))
    a["mo_hinh_on_dinh"] = _yes(rng, 0.1 + 0.7 * q)
    if a["mo_hinh_on_dinh"] == "co":
        a["loai_mo_hinh"] = _pick(rng, MO_HINH, rng.randint(1, 2))
    a["loai_nha"] = rng.choices(["kien_co", "ban_kien_co", "thieu_kien_co", "don_so"],
                                [0.05 + 0.55 * q, 0.3, 0.3 - 0.2 * q, 0.3 - 0.25 * q])[0]
    assets = [name for name, p in (("ti_vi", 0.3 + 0.65 * q), ("xe_may", 0.35 + 0.6 * q)) if _chance(rng, p)]
    assets += [name for name in OTHER_ASSETS if _chance(rng, 0.05 + 0.2 * q)]
    a["tai_san"] = assets or ["khong_co"]
    a["dien_thoai"] = rng.choices(["thong_minh", "thuong", "khong_co"], [0.3 + 0.6 * q, 0.4, 0.3 - 0.25 * q])[0]
    a["su_dung_internet"] = "co" if a["dien_thoai"] == "thong_minh" and _chance(rng, 0.8) else "khong"
    a["nguon_nuoc"] = rng.choices(["nuoc_may", "tu_chay_tap_trung", "gieng_khoan", "gieng_dao_bao_ve",
                                   "gieng_dao_khong_bao_ve", "song_suoi"],
                                  [0.05 + 0.2 * q, 0.35, 0.1, 0.15, 0.15, 0.2 - 0.15 * q])[0]
    a["nha_tieu"] = rng.choices(["tu_hoai", "tham_doi_nuoc", "hai_ngan", "khong_hop_ve_sinh", "khong_co"],
                                [0.05 + 0.4 * q, 0.15, 0.1, 0.35 - 0.2 * q, 0.3 - 0.25 * q])[0]
    a["nguon_dien"] = rng.choices(["luoi_quoc_gia", "nguon_khac", "khong_co"], [0.85, 0.1, 0.05])[0]
    a["tham_gia_to_hop_tac"] = _yes(rng, 0.03 + 0.6 * q * q)
    if a["tham_gia_to_hop_tac"] == "co" and _chance(rng, 0.5):
        a["ten_to_hop_tac"] = "Tổ hợp tác chăn nuôi của thôn"
    a["tham_gia_htx"] = _yes(rng, 0.01 + 0.2 * q * q)
    if a["tham_gia_htx"] == "co" and _chance(rng, 0.5):
        a["ten_htx"] = "Hợp tác xã nông nghiệp của xã"
    if status_end is not None and _chance(rng, 0.9):
        a["tinh_trang_cuoi_nam"] = status_end
    return a
