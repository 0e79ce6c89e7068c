"""Every model of the app, whatever package defines it: Django finds them here, and the app
label (``ambassadors``) and table names stay what they were. Add a model to its concern's
``models`` module (``people``, ``programme``) and export it here."""

from .people.contacts import OfficialAccount, hashtags_validator
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
from .people.sso.models import EmailDomain
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
from .programme.share.models import (
    Share,
    ShareClick,
    ShareDayKey,
    ShareLink,
    SharePost,
    SharePostText,
    ShareVisit,
)

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
    "OfficialAccount",
    "Organisation",
    "OrganisationQuerySet",
    "Platform",
    "PlatformDomain",
    "ReminderLog",
    "Share",
    "ShareClick",
    "ShareDayKey",
    "ShareLink",
    "SharePost",
    "SharePostText",
    "ShareVisit",
    "StaffProfile",
    "country_code_validator",
    "hashtags_validator",
    "staff_in_scope",
    "translated",
]
