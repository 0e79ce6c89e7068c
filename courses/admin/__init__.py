"""The courses admin, by concern (Django's autodiscovery imports this module)."""

from . import content, quizzes, records  # noqa: F401 (registers the admin classes)
