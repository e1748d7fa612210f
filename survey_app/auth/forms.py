from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = "Trường này bắt buộc."


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired(REQUIRED), Length(max=80)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Mật khẩu hiện tại", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField("Mật khẩu mới", validators=[DataRequired(REQUIRED), Length(min=8, message="Ít nhất 8 ký tự.")])
    confirm = PasswordField("Nhập lại mật khẩu mới",
                            validators=[DataRequired(REQUIRED), EqualTo("new_password", message="Hai mật khẩu không khớp.")])
