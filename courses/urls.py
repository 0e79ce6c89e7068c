from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("<slug:course>/", views.course_detail, name="course"),
    path("<slug:course>/continue/", views.course_continue, name="continue"),
    path("<slug:course>/lessons/<int:lesson>/", views.lesson_detail, name="lesson"),
    path(
        "<slug:course>/lessons/<int:lesson>/complete/",
        views.lesson_complete,
        name="lesson-complete",
    ),
    path("<slug:course>/quizzes/<int:quiz>/", views.quiz_detail, name="quiz"),
    path("<slug:course>/quizzes/<int:quiz>/start/", views.quiz_start, name="quiz-start"),
    path(
        "<slug:course>/quizzes/<int:quiz>/attempts/<uuid:attempt>/",
        views.attempt_detail,
        name="attempt",
    ),
    path(
        "<slug:course>/quizzes/<int:quiz>/attempts/<uuid:attempt>/answers/",
        views.attempt_autosave,
        name="attempt-autosave",
    ),
]
