"""The short form for a household met in the field."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

REQUIRED = "Trường này bắt buộc."


class WholeNumberField(IntegerField):
    """IntegerField whose parse error is Vietnamese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Phải là số nguyên.") from None


class NewHouseholdForm(FlaskForm):
    # Choices are checked by the view and by save_household, with Vietnamese messages.
    village = SelectField("Thôn/làng", validators=[DataRequired(REQUIRED)], validate_choice=False)
    code = StringField("Mã hộ", validators=[Optional(), Length(max=40, message="Tối đa 40 ký tự.")])
    head_name = StringField("Họ tên chủ hộ", validators=[DataRequired(REQUIRED), Length(max=200)])
    ethnic_group = SelectField("Dân tộc của chủ hộ", validators=[DataRequired(REQUIRED)], validate_choice=False)
    members = WholeNumberField("Số nhân khẩu", render_kw={"inputmode": "numeric"},
                           validators=[InputRequired("Nhập số nhân khẩu (số nguyên)."),
                                       NumberRange(1, 60, "Số nhân khẩu phải từ 1 đến 60.")])
