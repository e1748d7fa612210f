"""Request plumbing shared by every blueprint: the transaction boundary, error
pages and template filters."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import Markup


def register_transaction_boundary(app: Flask, db) -> None:
    """One commit per request: commit a successful response, roll back anything else.

    Views never commit; they change the session and return. A response with an
    error status (including 422 validation failures) leaves nothing half-saved.
    """

    @app.after_request
    def _commit_or_rollback(response):
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


ERROR_TEXT = {
    400: "Yêu cầu không hợp lệ.",
    401: "Cần đăng nhập.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang hoặc dữ liệu (hoặc nó nằm ngoài địa bàn của bạn).",
    405: "Phương thức không được phép.",
    409: "Xung đột dữ liệu.",
    413: "Tệp tải lên quá lớn.",
    422: "Dữ liệu không hợp lệ.",
    500: "Lỗi máy chủ. Thao tác chưa được lưu.",
}


def register_error_pages(app: Flask) -> None:
    def render_error(code: int, message: str | None = None):
        text = message or ERROR_TEXT.get(code, "Lỗi.")
        if wants_json():
            return jsonify({"error": text, "status": code}), code
        return render_template("error.html", code=code, message=text), code

    @app.errorhandler(CSRFError)
    def _csrf_error(err):
        return render_error(400, "Phiên làm việc đã hết hạn hoặc thiếu mã bảo vệ (CSRF). Hãy tải lại trang và thử lại.")

    for code in (400, 401, 403, 404, 405, 409, 413, 422, 500):
        def handler(err, code=code):
            description = getattr(err, "description", None)
            custom = description if isinstance(description, str) and _is_vietnamese_message(description) else None
            return render_error(code, custom)

        app.register_error_handler(code, handler)


def _is_vietnamese_message(text: str) -> bool:
    """Our own abort() messages are Vietnamese; Werkzeug's English defaults are replaced."""
    return any(ch in text for ch in "ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵĂÂĐÊÔƠƯ")


def register_template_filters(app: Flask) -> None:
    from .core import formatting

    app.jinja_env.filters["vn_int"] = lambda v: "—" if v is None else formatting.format_int(v)
    app.jinja_env.filters["vn_decimal"] = lambda v, d=1: "—" if v is None else formatting.format_decimal(v, d)
    app.jinja_env.filters["vn_date"] = _vn_date
    app.jinja_env.filters["vn_datetime"] = _vn_datetime
    app.jinja_env.globals["nl2br"] = lambda s: Markup("<br>").join(str(s).splitlines())


def _vn_date(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def _vn_datetime(value) -> str:
    if value is None:
        return "—"
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        from datetime import timezone

        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")
