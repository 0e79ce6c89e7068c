from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from . import (  # noqa: F401 - connect their signals
            drawing,  # a choice's edit marks its question edited
            structure,  # the structure version
        )
