"""The ambassadors admin lives with each concern (Django's autodiscovery imports this module)."""

from .people import admin as people_admin  # noqa: F401 (registers the admin classes)
from .programme import admin as programme_admin  # noqa: F401
from .sso import admin as sso_admin  # noqa: F401
