from django.urls import include, path, register_converter

from . import programme_views, review_views, views


class IdConverter:
    """A database id: digits only, short enough for a bigint (a longer forged id is a 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "ambassadors"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("language/", views.language_switch, name="language"),
    path("reports/", views.reports_overview, name="reports"),
    path("reports/courses/<slug:course>/", views.course_report, name="course-report"),
    path("reports/assignments/", views.assignments, name="assignments"),
    path(
        "reports/assignments/<int:assignment>/delete/",
        views.assignment_delete,
        name="assignment-delete",
    ),
    path("reports/people/<int:person>/", views.person_report, name="person-report"),
    path("reports/staff/import/", views.staff_import, name="staff-import"),
    path("reports/staff/import/preview/", views.staff_import_preview, name="staff-import-preview"),
    path("preferences/", views.preferences, name="preferences"),
    path("ambassador/", programme_views.programme, name="programme"),
    path("ambassador/join/", programme_views.join, name="join"),
    path("ambassador/leave/", programme_views.leave, name="leave"),
    path("ambassador/privacy/", programme_views.privacy, name="privacy"),
    path("ambassador/charter/", programme_views.charter, name="charter"),
    path("ambassador/checklist/", programme_views.checklist, name="checklist"),
    path("ambassador/actions/new/", programme_views.action_new, name="action-new"),
    path("ambassador/actions/<id:action>/", programme_views.action_detail, name="action"),
    path("ambassador/actions/<id:action>/edit/", programme_views.action_edit, name="action-edit"),
    path("ambassador/leaderboard/", programme_views.leaderboard_page, name="leaderboard"),
    path(
        "ambassador/leaderboard/visibility/",
        programme_views.leaderboard_visibility,
        name="leaderboard-visibility",
    ),
    path("ambassador/review/", review_views.review_queue, name="review"),
    path("ambassador/review/<id:action>/", review_views.review_decide, name="review-decide"),
    path("", include("ambassadors.programme.share.urls")),
]
