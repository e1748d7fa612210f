"""SQLAlchemy 2.0 typed models. Importing this package registers every table on `Base.metadata`."""
from . import append_only  # noqa: E402,F401  (model rule: review comments are append-only)
from .accounts import ROLE_LABELS, ROLES, ApiToken, LoginThrottle, User, user_area
from .areas import Area
from .audit import AuditEntry, record, record_rows
from .base import Base
from .households import POVERTY_STATUS_LABELS, POVERTY_STATUSES, EthnicGroup, Household, HouseholdStatus
from .jobs import JOB_STATE_LABELS, JOB_STATES, Job
from .scoring import (
    TARGET_OPERATOR_LABELS,
    TARGET_OPERATORS,
    HouseholdResult,
    OutcomeTarget,
    RoundRuleset,
    RulesetVersion,
)
from .summary import VillageListSummary, VillageResultSummary
from .surveys import (
    STATE_LABELS,
    SUBMISSION_STATES,
    IncomeSummary,
    QuestionnaireVersion,
    Submission,
    SubmissionComment,
    SubmissionVersion,
    SurveyRound,
    round_area,
)

__all__ = [
    "ROLES", "ROLE_LABELS", "ApiToken", "LoginThrottle", "User", "user_area", "Area", "AuditEntry", "record", "record_rows", "Base",
    "STATE_LABELS", "SUBMISSION_STATES", "IncomeSummary", "QuestionnaireVersion", "Submission", "SubmissionComment",
    "SubmissionVersion", "SurveyRound", "round_area", "POVERTY_STATUSES", "POVERTY_STATUS_LABELS", "EthnicGroup", "Household", "HouseholdStatus",
    "TARGET_OPERATORS", "TARGET_OPERATOR_LABELS", "HouseholdResult", "OutcomeTarget", "RoundRuleset",
    "RulesetVersion", "VillageListSummary", "VillageResultSummary", "JOB_STATES", "JOB_STATE_LABELS", "Job",
]
