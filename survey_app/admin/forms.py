from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..models import ROLE_LABELS

REQUIRED = "Trường này bắt buộc."


class UserForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired(REQUIRED), Length(max=80)])
    full_name = StringField("Họ tên", validators=[Optional(), Length(max=200)])
    role = SelectField("Vai trò", choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()], validators=[DataRequired(REQUIRED)])
    areas = StringField("Mã địa bàn (cách nhau bởi dấu phẩy)", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Mật khẩu", validators=[Optional(), Length(min=8, message="Ít nhất 8 ký tự.")])
    active = BooleanField("Đang hoạt động", default=True)
