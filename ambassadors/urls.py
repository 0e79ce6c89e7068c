from django.urls import path

from . import views

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
]
