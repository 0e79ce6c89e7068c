from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = _("Ambassador programme")

    def ready(self):
        from .people import lesson_blocks

        # The course's live blocks that show organisation data (courses never imports us).
        lesson_blocks.register()
