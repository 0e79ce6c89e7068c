from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = _("Ambassador programme")

    def ready(self):
        from .logs import forget_request_id

        # The request id stays set until the response is fully sent (Django logs 4xx/5xx and
        # streams bodies after the middleware returns), then is cleared for the next request.
        request_finished.connect(forget_request_id, dispatch_uid="ambassadors.forget_request_id")
