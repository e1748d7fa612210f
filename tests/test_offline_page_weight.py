"""Page weight of the offline app, measured in Chromium with the browser's network events (bench/page_weight.py
prints the same loads for the demo data): the first load under 150 KB compressed, a household opened after that
under 10 KB, a repeat load lighter than the first, and the package of a 300-household village compressed."""
from __future__ import annotations

import pytest

from bench.page_weight import measure, report
from tests.support.factories import PASSWORD
from tests.support.fieldwork import ROUND_CODE

pytestmark = pytest.mark.browser
KB = 1024


def test_the_offline_app_is_light_on_the_wire(live_server, chromium, campaign, factories, world, session, capsys):
    for n in range(2, 301):
        factories.household(world.areas["V1"], code=f"HV1-{n:03d}", head_name=f"Đinh Văn Hộ {n}")
    session.commit()
    found = measure(chromium._browser, live_server.url, "dieutra", PASSWORD, ROUND_CODE, ["HV1-001", "HV1-002"])
    with capsys.disabled():
        print("\n" + "\n".join(report(found)))
    first, repeat = found["app: first load"], found["app: repeat load"]
    assert 0 < first.wire < 150 * KB and first.package_wire > 0
    assert found["app: a household"].wire < 10 * KB and found["app: a second household"].wire < 10 * KB
    assert repeat.wire < first.wire / 2
    package = found["device package (full)"]
    assert package.package_decoded > 300 * 100 and package.package_wire < package.package_decoded / 4
