from django.urls import path

from . import views

urlpatterns = [
    path("ambassador/share/", views.feed, name="share"),
    path("ambassador/share/<id:post>/", views.share, name="share-post"),
    path("ambassador/share/<id:post>/open/<slug:target>/", views.share_open, name="share-open"),
    path("ambassador/share/<id:post>/preview/", views.preview, name="share-preview"),
    # A tracked link's code is URL-safe base64, which is what a slug allows.
    path("s/<slug:code>", views.share_redirect, name="share-redirect"),
]
