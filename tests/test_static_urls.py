"""Static URLs are worked out once per process (dianova_training/static_storage.py): pages
still link each file's hashed name from the manifest, which is served, and DEBUG still gets
the plain names."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import override_settings


@pytest.mark.django_db
def test_pages_link_the_hashed_files_which_are_served(learner_client):
    for _ in range(2):  # worked out, then from memory: the same links
        page = learner_client.get("/").content.decode()
        links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
        assert "/static/css/app.css" not in links
        assert any(re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", link) for link in links)
    for link in links:
        response = learner_client.get(link)
        assert response.status_code == 200, link


def test_the_url_follows_the_manifest_and_debug():
    hashed = staticfiles_storage.url("css/app.css")
    assert hashed == staticfiles_storage.url("css/app.css")
    assert hashed == "/static/" + staticfiles_storage.stored_name("css/app.css")
    assert hashed != "/static/css/app.css"
    with override_settings(DEBUG=True):
        assert staticfiles_storage.url("css/app.css") == "/static/css/app.css"
    assert staticfiles_storage.url("css/app.css") == hashed
    with pytest.raises(ValueError, match="manifest"):
        staticfiles_storage.url("css/missing-file.css")
