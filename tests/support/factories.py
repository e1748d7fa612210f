"""Factories for test data, built through the same operations the app uses."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from survey_app.areas import add_area
from survey_app.auth.service import create_user
from survey_app.models import Area, Household, HouseholdStatus, User
from survey_app.reports.summary import refresh_list

PASSWORD = "matkhau123"


@dataclass
class World:
    areas: dict[str, Area] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)


class Factories:
    def __init__(self, session):
        self.session = session
        self._n = count(1)

    def area(self, code: str, name: str, level: str, parent: Area | None = None) -> Area:
        return add_area(self.session, code=code, name=name, level=level, parent=parent)

    def user(self, username: str, role: str, *area_codes: str, full_name: str = "") -> User:
        return create_user(self.session, username=username, password=PASSWORD, role=role,
                           area_codes=list(area_codes), full_name=full_name or username, actor_name="test")

    def household(self, village: Area, *, code: str | None = None, head_name: str = "Đinh Văn Ằm",
                  ethnic_group: str = "xo_dang", members: int = 4, statuses: dict[int, str] | None = None) -> Household:
        household = Household(code=code or f"H{next(self._n):05d}", head_name=head_name,
                              ethnic_group_code=ethnic_group, village_id=village.id, members=members)
        household.statuses = [HouseholdStatus(year=y, status=s) for y, s in (statuses or {}).items()]
        self.session.add(household)
        self.session.flush()
        refresh_list(self.session, village_ids=[village.id])  # written past households/service, as an import does
        return household

    def world(self) -> World:
        """Province P > districts D1, D2 > communes C1 (D1), C2 (D2) > villages V1, V1B (C1), V2 (C2)."""
        w = World()
        a = w.areas
        a["P"] = self.area("P", "Kon Tum", "tỉnh")
        a["D1"] = self.area("D1", "Kon Plông", "huyện", a["P"])
        a["D2"] = self.area("D2", "Đăk Glei", "huyện", a["P"])
        a["C1"] = self.area("C1", "Măng Cành", "xã", a["D1"])
        a["C2"] = self.area("C2", "Đăk Man", "xã", a["D2"])
        a["V1"] = self.area("V1", "Kon Tu Rằng 2", "thôn", a["C1"])
        a["V1B"] = self.area("V1B", "Kon Chênh", "thôn", a["C1"])
        a["V2"] = self.area("V2", "Đăk Xô", "thôn", a["C2"])
        u = w.users
        u["admin"] = self.user("admin", "admin", "P")
        u["giamsat"] = self.user("giamsat", "supervisor", "C1")
        u["dieutra"] = self.user("dieutra", "enumerator", "V1")
        u["lanhdao"] = self.user("lanhdao", "viewer", "D1")
        u["giamsat2"] = self.user("giamsat2", "supervisor", "C2")
        h = w.households
        h["in"] = self.household(a["V1"], code="HV1-001", head_name="Đinh Văn Ằm", statuses={2024: "ngheo"})
        h["in_b"] = self.household(a["V1B"], code="HV1B-001", head_name="Y Nhung", ethnic_group="ba_na",
                                   statuses={2024: "can_ngheo"})
        h["out"] = self.household(a["V2"], code="HV2-001", head_name="A Blưm", ethnic_group="gie_trieng",
                                  statuses={2024: "ngheo"})
        return w
