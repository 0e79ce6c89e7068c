"""Every model of the app, whatever package defines it: Django finds them here, and the app
label (``ambassadors``) and table names stay what they were. Add a model to its concern's
``models`` module (``people``, ``programme``, ``sso``) and export it here."""

from .people.models import (
    Assignment,
    AssignmentQuerySet,
    AuditEvent,
    Organisation,
    OrganisationQuerySet,
    ReminderLog,
    StaffProfile,
    country_code_validator,
    staff_in_scope,
)
from .programme.models.actions import (
    Action,
    ActionDecision,
    ActionQuerySet,
    ActionType,
    Campaign,
    CampaignQuerySet,
    Platform,
    PlatformDomain,
)
from .programme.models.badges import (
    BadgeAward,
    BadgeAwardQuerySet,
    BadgeClass,
    BadgeCriterion,
)
from .programme.models.charter import (
    CharterAcceptance,
    CharterText,
    CharterVersion,
    CharterVersionQuerySet,
)
from .programme.models.ladder import (
    LEVEL_COUNT,
    AmbassadorProfile,
    AmbassadorProfileQuerySet,
    Level,
    translated,
)
from .sso.models import EmailDomain

__all__ = [
    "LEVEL_COUNT",
    "Action",
    "ActionDecision",
    "ActionQuerySet",
    "ActionType",
    "AmbassadorProfile",
    "AmbassadorProfileQuerySet",
    "Assignment",
    "AssignmentQuerySet",
    "AuditEvent",
    "BadgeAward",
    "BadgeAwardQuerySet",
    "BadgeClass",
    "BadgeCriterion",
    "Campaign",
    "CampaignQuerySet",
    "CharterAcceptance",
    "CharterText",
    "CharterVersion",
    "CharterVersionQuerySet",
    "EmailDomain",
    "Level",
    "Organisation",
    "OrganisationQuerySet",
    "Platform",
    "PlatformDomain",
    "ReminderLog",
    "StaffProfile",
    "country_code_validator",
    "staff_in_scope",
    "translated",
]
