"""Extensions, created unbound and attached in `create_app` with `init_app`."""
from flask_compress import Compress
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .database import Database

db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
