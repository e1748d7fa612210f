"""SQLAlchemy 2.0 typed models. Importing this package registers every table on `Base.metadata`."""
from .accounts import ROLE_LABELS, ROLES, ApiToken, User, user_area
from .areas import Area
from .audit import AuditEntry, record
from .base import Base, utcnow
from .surveys import (
    STATE_LABELS, SUBMISSION_STATES, QuestionnaireVersion, Submission, SubmissionComment, SubmissionVersion,
    SurveyRound, round_area,
)
from .households import POVERTY_STATUS_LABELS, POVERTY_STATUSES, EthnicGroup, Household, HouseholdStatus

__all__ = [
    "ROLES", "ROLE_LABELS", "ApiToken", "User", "user_area", "Area", "AuditEntry", "record", "Base", "utcnow",
    "STATE_LABELS", "SUBMISSION_STATES", "QuestionnaireVersion", "Submission", "SubmissionComment",
    "SubmissionVersion", "SurveyRound", "round_area", "POVERTY_STATUSES", "POVERTY_STATUS_LABELS", "EthnicGroup", "Household", "HouseholdStatus",
]
