"""Tables of the ambassador programme (app label ``ambassadors``)."""

from .actions import (
    Action,
    ActionDecision,
    ActionQuerySet,
    ActionType,
    Campaign,
    CampaignQuerySet,
    Platform,
    PlatformDomain,
)
from .badges import (
    BadgeAward,
    BadgeAwardQuerySet,
    BadgeClass,
    BadgeCriterion,
)
from .charter import (
    CharterAcceptance,
    CharterText,
    CharterVersion,
    CharterVersionQuerySet,
)
from .ladder import (
    LEVEL_COUNT,
    AmbassadorProfile,
    AmbassadorProfileQuerySet,
    Level,
    translated,
)

__all__ = [
    "LEVEL_COUNT",
    "Action",
    "ActionDecision",
    "ActionQuerySet",
    "ActionType",
    "AmbassadorProfile",
    "AmbassadorProfileQuerySet",
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
    "Level",
    "Platform",
    "PlatformDomain",
    "translated",
]
