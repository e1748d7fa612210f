"""The area tree: subtree queries in SQL, moving a commune with its history, CSV import."""
import pytest
from sqlalchemy import select

from survey_app.areas import AreaError, import_areas_csv, move_area, subtree
from survey_app.models import Area, AuditEntry, Household


def test_subtree_is_one_query(session, world):
    codes = {a.code for a in session.scalars(subtree(session, world.areas["D1"]))}
    assert codes == {"D1", "C1", "V1", "V1B"}


def test_move_commune_keeps_villages_and_history(session, world):
    c1, d2 = world.areas["C1"], world.areas["D2"]
    household_ids = {h.id for h in session.scalars(select(Household).where(Household.village_id == world.areas["V1"].id))}
    move_area(session, c1, d2, actor="test")
    session.commit()
    session.expire_all()
    moved = {a.code: a for a in session.scalars(subtree(session, session.get(Area, d2.id)))}
    assert {"D2", "C2", "V2", "C1", "V1", "V1B"} == set(moved)
    assert moved["V1"].path.startswith(moved["C1"].path) and moved["C1"].parent.code == "D2"
    assert moved["V1"].depth == 3
    # Households still point at the same village, now under the new district.
    assert {h.id for h in session.scalars(select(Household).where(Household.village_id == moved["V1"].id))} == household_ids
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "area.move")).before == {"parent": "D1"}
    # The supervisor of D1's viewer no longer covers it; the new district's tree does.
    assert not world.users["lanhdao"].covers(moved["V1"])


def test_cannot_move_into_own_subtree(session, world):
    with pytest.raises(AreaError):
        move_area(session, world.areas["D1"], world.areas["V1"])


def test_csv_import_new_tree_out_of_order(session):
    text = ("code,name,level,parent_code\n"
            "QN-X1-T1,Thôn 1,thôn,QN-X1\n"
            "QN,Quảng Ngãi,tỉnh,\n"
            "QN-X1,Xã Măng Đen,xã,QN\n")
    created, updated = import_areas_csv(session, text)
    session.commit()
    assert (created, updated) == (3, 0)
    village = session.scalar(select(Area).where(Area.code == "QN-X1-T1"))
    assert village.depth == 2 and village.parent.code == "QN-X1"


def test_csv_import_reorganisation_moves_existing(session, world):
    """July 2025: the district level goes; communes hang directly under the province."""
    text = "code,name,level,parent_code\nC1,Măng Cành,xã,P\nC2,Đăk Man,xã,P\n"
    import_areas_csv(session, text)
    session.commit()
    session.expire_all()
    c1 = session.scalar(select(Area).where(Area.code == "C1"))
    v1 = session.scalar(select(Area).where(Area.code == "V1"))
    assert c1.parent.code == "P" and c1.depth == 1 and v1.depth == 2 and v1.path.startswith(c1.path)


def test_csv_import_all_or_nothing_with_line_numbers(session, world):
    text = ("code,name,level,parent_code\n"
            "N1,Xã mới,xã,D1\n"
            "N2,,thôn,N1\n"
            "N3,Thôn 3,thôn,KHONGCO\n"
            "N1,Trùng,xã,D1\n")
    with pytest.raises(AreaError) as failure:
        import_areas_csv(session, text)
    message = str(failure.value)
    assert "Dòng 3: tên trống." in message
    assert "Dòng 4: không có địa bàn cha mã 'KHONGCO'." in message
    assert "Dòng 5: mã 'N1' trùng với dòng 2." in message
    session.rollback()
    assert session.scalar(select(Area).where(Area.code == "N1")) is None


def test_csv_import_detects_cycles(session):
    text = "code,name,level,parent_code\nA,A,x,B\nB,B,x,A\n"
    with pytest.raises(AreaError, match="vòng lặp"):
        import_areas_csv(session, text)


def test_cli_areas_import_and_move(app, world, tmp_path, session):
    path = tmp_path / "areas.csv"
    path.write_text("code,name,level,parent_code\nC3,Hiếu,xã,D1\nV3,Kon Plinh,thôn,C3\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["areas", "import", str(path)])
    assert result.exit_code == 0 and "Đã nhập 2 địa bàn mới" in result.output
    result = runner.invoke(args=["areas", "move", "C3", "D2"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.scalar(select(Area).where(Area.code == "V3")).path.startswith(
        session.scalar(select(Area).where(Area.code == "D2")).path)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nX,Y\n", encoding="utf-8")
    result = runner.invoke(args=["areas", "import", str(bad)])
    assert result.exit_code != 0 and "code, name, level, parent_code" in result.output
