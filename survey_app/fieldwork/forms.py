"""The short form for a household met in the field, and the code it suggests."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..models import Area, Household

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


def suggest_code(session: Session, village: Area) -> str:
    """The next free code ``<village code>-NNN`` after the highest number already used in that pattern."""
    prefix = f"{village.code}-"
    pattern = re.compile(re.escape(prefix) + r"(\d+)\Z")
    used = session.scalars(select(Household.code).where(Household.code.startswith(prefix, autoescape=True)))
    highest = max((int(m.group(1)) for code in used if (m := pattern.match(code))), default=0)
    return f"{prefix}{highest + 1:03d}"
