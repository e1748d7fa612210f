"""Report pages, exports and target editing (blueprint `reports`, /reports)."""
from .views import bp

__all__ = ["bp"]
