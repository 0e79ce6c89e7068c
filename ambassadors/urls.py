from django.urls import path

from . import views

app_name = "ambassadors"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("language/", views.language_switch, name="language"),
    path("reports/", views.reports_overview, name="reports"),
    path("reports/courses/<slug:course>/", views.course_report, name="course-report"),
]
