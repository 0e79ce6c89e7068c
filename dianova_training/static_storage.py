"""Static files: WhiteNoise's compressed, hashed storage, with each file's URL worked out once
per process. Every page asks for the same few URLs (stylesheets, scripts) and the manifest only
changes with a deployment, which starts new processes; the `{% static %}` lookups cost about
4 % of a learner's page (cProfile) before."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

_MAX_URLS = 1024  # far more than the app's files; past it, URLs are worked out each time


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple, str] = {}

    def url(self, name, force=False):
        key = (name, force, settings.DEBUG)  # DEBUG serves the unhashed names
        url = self._urls.get(key)
        if url is None:
            url = super().url(name, force)
            if len(self._urls) < _MAX_URLS:
                self._urls[key] = url
        return url
