"""The ambassadors admin lives with each concern (Django's autodiscovery imports this module)."""

from .people import admin as people_admin  # noqa: F401 (registers the admin classes)
from .people.sso import admin as sign_in_admin  # noqa: F401
from .programme import admin as programme_admin  # noqa: F401
from .programme.share import admin as share_admin  # noqa: F401
