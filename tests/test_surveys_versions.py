"""Questionnaire versions: loading a folder, reloading, refusing a changed file without a new version, all or
nothing, the definition cache, and the `questionnaires` CLI (load, XLSForm import)."""
from __future__ import annotations

import shutil

import openpyxl
import pytest
import yaml
from sqlalchemy import func, select

from survey_app.models import AuditEntry, QuestionnaireVersion
from survey_app.surveys.versions import (
    QuestionnaireLoadError,
    get_definition,
    latest_version,
    load_directory,
)
from tests.support.surveys import CAMPAIGN_FORM, SMALL_FORM_YAML, small_form_data


def write_form(folder, name, data):
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def forms_dir(tmp_path):
    folder = tmp_path / "forms"
    (folder / "rulesets").mkdir(parents=True)
    shutil.copy(CAMPAIGN_FORM, folder / "ho_gia_dinh.yaml")
    (folder / "phieu_thu.yaml").write_text(SMALL_FORM_YAML, encoding="utf-8")
    # A subfolder file is not a questionnaire (scoring rulesets live there) and must be left alone.
    (folder / "rulesets" / "not_a_form.yaml").write_text("ruleset: x\n", encoding="utf-8")
    return folder


def count_versions(session):
    return session.scalar(select(func.count(QuestionnaireVersion.id)))


def test_load_stores_each_yaml_file_once_with_audit(app, session, forms_dir):
    reports = load_directory(session, forms_dir)
    session.commit()
    assert [(r.form_id, r.status) for r in reports] == [("ho_gia_dinh", "new"), ("phieu_thu", "new")]
    stored = session.scalar(select(QuestionnaireVersion).where(QuestionnaireVersion.form_id == "ho_gia_dinh"))
    assert stored.version == "2024.3"
    assert stored.content_hash == reports[0].definition.content_hash
    assert stored.compiled["form_id"] == "ho_gia_dinh" and stored.compiled["sections"]
    assert stored.source_name.endswith("ho_gia_dinh.yaml")
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "questionnaire.load")).all()
    assert sorted(a.entity_id for a in audit) == sorted(str(r.questionnaire_version.id) for r in reports)

    again = load_directory(session, forms_dir)
    session.commit()
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert [r.status_label for r in again] == ["không đổi", "không đổi"]
    assert count_versions(session) == 2
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "questionnaire.load")) == 2


def test_changed_content_without_new_version_is_refused_naming_the_file(app, session, forms_dir):
    load_directory(session, forms_dir)
    session.commit()
    write_form(forms_dir, "phieu_thu.yaml", small_form_data(title="Phiếu thử (đã sửa tiêu đề)"))
    with pytest.raises(QuestionnaireLoadError) as caught:
        load_directory(session, forms_dir)
    refused = [r for r in caught.value.reports if r.status == "error"]
    assert len(refused) == 1
    assert "phieu_thu.yaml" in refused[0].message
    assert "đã thay đổi nội dung nhưng chưa đổi version" in refused[0].message

    # With a new version the same change is accepted, and becomes the latest version.
    write_form(forms_dir, "phieu_thu.yaml", small_form_data(version="2", title="Phiếu thử (đã sửa tiêu đề)"))
    reports = load_directory(session, forms_dir)
    session.commit()
    assert [r.status for r in reports] == ["unchanged", "new"]
    assert latest_version(session, "phieu_thu").version == "2"


def test_a_refused_file_means_nothing_of_the_run_is_written(app, session, forms_dir):
    (forms_dir / "phieu_thu.yaml").unlink()
    load_directory(session, forms_dir)
    session.commit()
    write_form(forms_dir, "phieu_moi.yaml", {**small_form_data(), "form_id": "phieu_moi"})  # valid and new
    (forms_dir / "phieu_hong.yaml").write_text("form_id: phieu_hong\ntitle: Hỏng\nversion: '1'\nsections: []\n",
                                              encoding="utf-8")
    with pytest.raises(QuestionnaireLoadError) as caught:
        load_directory(session, forms_dir)
    session.commit()
    statuses = {r.source.rsplit("/", 1)[-1]: r.status for r in caught.value.reports}
    assert statuses == {"ho_gia_dinh.yaml": "unchanged", "phieu_hong.yaml": "error", "phieu_moi.yaml": "new"}
    assert "phieu_hong.yaml" in caught.value.reports[1].message
    assert count_versions(session) == 1
    assert latest_version(session, "phieu_moi") is None


def test_two_files_with_one_version_but_different_content_are_refused(app, session, tmp_path):
    write_form(tmp_path, "a.yaml", small_form_data())
    write_form(tmp_path, "b.yaml", small_form_data(title="Khác"))
    with pytest.raises(QuestionnaireLoadError) as caught:
        load_directory(session, tmp_path)
    message = caught.value.reports[1].message
    assert "b.yaml" in message and "a.yaml" in message
    assert count_versions(session) == 0


def test_get_definition_rebuilds_the_stored_definition_and_caches_it(app, session, forms_dir):
    reports = load_directory(session, forms_dir)
    session.commit()
    qv = reports[0].questionnaire_version
    defn = get_definition(qv)
    assert defn.form_id == "ho_gia_dinh" and defn.content_hash == qv.content_hash
    assert get_definition(qv) is defn
    assert "thanh_vien" in defn.questions


def test_cli_load_prints_a_line_per_file_and_fails_on_a_changed_file(app, session, forms_dir):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["questionnaires", "load", str(forms_dir)])
    assert result.exit_code == 0, result.output
    assert "mới" in result.output and "ho_gia_dinh.yaml" in result.output
    result = runner.invoke(args=["questionnaires", "load", str(forms_dir)])
    assert result.exit_code == 0
    assert [line.split()[:2] for line in result.output.splitlines()[:2]] == [["không", "đổi"]] * 2
    assert "Đã nạp 0 phiên bản mới, 2 không đổi." in result.output

    write_form(forms_dir, "phieu_thu.yaml", small_form_data(title="Đổi mà không đổi version"))
    result = runner.invoke(args=["questionnaires", "load", str(forms_dir)])
    assert result.exit_code != 0
    assert "lỗi" in result.output and "đã thay đổi nội dung nhưng chưa đổi version" in result.output
    assert count_versions(session) == 2


def write_xlsform(path):
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    for row in (["type", "name", "label::Vietnamese (vi)", "required", "constraint"],
                ["begin group", "chung", "Thông tin chung", "", ""],
                ["integer", "so_nguoi", "Số người trong hộ", "yes", ". >= 1"],
                ["select_one co_khong", "co_vay", "Hộ có vay vốn không?", "yes", ""],
                ["geopoint", "vi_tri", "Vị trí nhà", "", ""],
                ["end group", "", "", "", ""]):
        survey.append(row)
    choices = workbook.create_sheet("choices")
    for row in (["list_name", "name", "label::Vietnamese (vi)"], ["co_khong", "co", "Có"],
                ["co_khong", "khong", "Không"]):
        choices.append(row)
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "form_title", "version"])
    settings.append(["phieu_kobo", "Phiếu từ Kobo", "2024052101"])
    workbook.save(path)
    return path


def test_cli_import_writes_yaml_prints_warnings_and_loads(app, session, tmp_path):
    workbook = write_xlsform(tmp_path / "phieu_kobo.xlsx")
    out = tmp_path / "forms" / "phieu_kobo.yaml"
    runner = app.test_cli_runner()
    strict = runner.invoke(args=["questionnaires", "import", str(workbook), "--out", str(out)])
    assert strict.exit_code != 0 and "survey dòng 5, cột type (vi_tri)" in strict.output  # geopoint: refused
    assert "--lenient" in strict.output and not out.exists()
    result = runner.invoke(args=["questionnaires", "import", str(workbook), "--out", str(out), "--lenient"])
    assert result.exit_code == 0, result.output
    assert "Cảnh báo:" in result.output and "vi_tri" in result.output  # dropped, and listed
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written["form_id"] == "phieu_kobo" and written["version"] == "2024052101"
    assert count_versions(session) == 0

    refused = runner.invoke(args=["questionnaires", "import", str(workbook), "--out", str(out), "--lenient"])
    assert refused.exit_code != 0 and "--force" in refused.output

    result = runner.invoke(args=["questionnaires", "import", str(workbook), "--out", str(out), "--force", "--load",
                                 "--lenient"])
    assert result.exit_code == 0, result.output
    assert "mới" in result.output
    assert latest_version(session, "phieu_kobo").version == "2024052101"
    # The written file is the same content: loading its folder finds it unchanged.
    reports = load_directory(session, out.parent)
    assert [r.status for r in reports] == ["unchanged"]


def test_cli_import_reports_rows_that_cannot_be_imported(app, tmp_path):
    workbook = write_xlsform(tmp_path / "hong.xlsx")
    book = openpyxl.load_workbook(workbook)
    book["survey"].append(["integer", "tuoi", "Tuổi", "", ". >= ${khong_co}"])
    book.save(workbook)
    result = app.test_cli_runner().invoke(args=["questionnaires", "import", str(workbook)])
    assert result.exit_code != 0
    assert "khong_co" in result.output
    assert not (tmp_path / "hong.yaml").exists()
