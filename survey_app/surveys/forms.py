"""Round forms. Fields are plain text where the service validates, so every message is Vietnamese and names
its field (WTForms' own date and choice errors are English)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from ..core.denominators import DEFAULT_DENOMINATOR, DENOMINATOR_LABELS
from ..core.formatting import format_percent
from .rounds import FIELD_LABELS, PERCENT_RULE_CHOICES


class RoundEditForm(FlaskForm):
    name = StringField(FIELD_LABELS["name"], validators=[Length(max=200, message="Tên đợt: tối đa 200 ký tự.")])
    period_start = StringField(FIELD_LABELS["period_start"], render_kw={"type": "date"})
    period_end = StringField(FIELD_LABELS["period_end"], render_kw={"type": "date"})
    areas = StringField("Mã địa bàn (cách nhau bởi dấu phẩy)")
    is_open = BooleanField("Đang mở (điều tra viên được nhập và gửi phiếu)", default=True)
    count_only_approved = BooleanField("Báo cáo chỉ tính phiếu đã duyệt", default=True)
    percent_rule = SelectField(FIELD_LABELS["percent_rule"], default=PERCENT_RULE_CHOICES[0].setting,
                               choices=[SelectChoice(rule.setting, f"{rule.label} (ví dụ 1.714/2.598: "
                                                      f"{format_percent(1714, 2598, *rule)})")
                                         for rule in PERCENT_RULE_CHOICES],
                               validate_choice=False)
    denominator = SelectField(FIELD_LABELS["denominator"], default=DEFAULT_DENOMINATOR,
                              choices=[SelectChoice(rule, label) for rule, label in DENOMINATOR_LABELS.items()],
                              validate_choice=False)


class RoundCreateForm(RoundEditForm):
    code = StringField(FIELD_LABELS["code"])
    series = StringField(FIELD_LABELS["series"])
    questionnaire_version = SelectField(FIELD_LABELS["questionnaire_version"], validate_choice=False)
