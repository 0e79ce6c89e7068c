from django.urls import include, path, register_converter

from . import training
from .people import views as people
from .programme import review_views
from .programme import views as programme
from .reports import views as reports


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
    path("", training.dashboard, name="dashboard"),
    path("language/", people.language_switch, name="language"),
    path("reports/", reports.reports_overview, name="reports"),
    path("reports/courses/<slug:course>/", reports.course_report, name="course-report"),
    path("reports/assignments/", people.assignments, name="assignments"),
    path(
        "reports/assignments/<int:assignment>/delete/",
        people.assignment_delete,
        name="assignment-delete",
    ),
    path("reports/people/<int:person>/", reports.person_report, name="person-report"),
    path("reports/reach/", reports.reach_report, name="reach"),
    path("reports/staff/import/", people.staff_import, name="staff-import"),
    path("reports/staff/import/preview/", people.staff_import_preview, name="staff-import-preview"),
    path("preferences/", people.preferences, name="preferences"),
    path("ambassador/", programme.programme, name="programme"),
    path("ambassador/join/", programme.join, name="join"),
    path("ambassador/leave/", programme.leave, name="leave"),
    path("ambassador/privacy/", programme.privacy, name="privacy"),
    path("ambassador/charter/", programme.charter, name="charter"),
    path("ambassador/checklist/", programme.checklist, name="checklist"),
    path("ambassador/actions/new/", programme.action_new, name="action-new"),
    path("ambassador/actions/<id:action>/", programme.action_detail, name="action"),
    path("ambassador/actions/<id:action>/edit/", programme.action_edit, name="action-edit"),
    path("ambassador/leaderboard/", programme.leaderboard_page, name="leaderboard"),
    path(
        "ambassador/leaderboard/visibility/",
        programme.leaderboard_visibility,
        name="leaderboard-visibility",
    ),
    path("ambassador/review/", review_views.review_queue, name="review"),
    path("ambassador/review/<id:action>/", review_views.review_decide, name="review-decide"),
    path("", include("ambassadors.programme.share.urls")),
]
