"""Printed paper: household profile sheets, village booklets (a background job) and the campaign report."""
from .views import bp

__all__ = ["bp"]
