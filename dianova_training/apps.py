from django.apps import AppConfig
from django.core.signals import request_finished


class DianovaTrainingConfig(AppConfig):
    """The project itself as an app: infrastructure (request logs, the 503 page, backups, health
    checks) and the ``backup`` / ``restore`` commands. No models."""

    name = "dianova_training"
    verbose_name = "Dianova Training"

    def ready(self):
        from .logs import forget_request_id

        # The request id stays set until the response is fully sent (Django logs 4xx/5xx and
        # streams bodies after the middleware returns), then is cleared for the next request.
        request_finished.connect(forget_request_id, dispatch_uid="dianova.forget_request_id")
