from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..areas import area_labels
from ..models import POVERTY_STATUS_LABELS, Area

REQUIRED = "Trường này bắt buộc."
STATUS_CHOICES = [SelectChoice("", "— chưa có —")] + [SelectChoice(k, v) for k, v in POVERTY_STATUS_LABELS.items()]


def village_choices(session, villages: list[Area]) -> list[SelectChoice]:
    """A village picker's options, each labelled uniquely among the villages offered (areas.area_labels)."""
    labels = area_labels(session, villages)
    return [SelectChoice(v.code, labels[v.id]) for v in villages]


class HouseholdForm(FlaskForm):
    code = StringField("Mã hộ", validators=[DataRequired(REQUIRED), Length(max=40, message="Tối đa 40 ký tự.")])
    head_name = StringField("Họ tên chủ hộ", validators=[DataRequired(REQUIRED), Length(max=200)])
    ethnic_group = SelectField("Dân tộc", validators=[DataRequired(REQUIRED)])
    village = SelectField("Thôn/làng", validators=[DataRequired(REQUIRED)])
    members = IntegerField("Số thành viên", validators=[InputRequired("Nhập số thành viên (số nguyên)."),
                                                      NumberRange(1, 60, "Số thành viên phải từ 1 đến 60.")])
    address = StringField("Địa chỉ", validators=[Optional(), Length(max=300)])
    status_year = IntegerField("Năm", validators=[Optional(), NumberRange(2000, 2100, "Năm không hợp lệ.")])
    status = SelectField("Tình trạng nghèo (xã công nhận)", choices=STATUS_CHOICES, validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField("Tệp CSV hoặc Excel (.xlsx)", validators=[
        FileRequired("Hãy chọn một tệp."), FileAllowed(["csv", "xlsx"], "Chỉ nhận tệp .csv hoặc .xlsx.")])
