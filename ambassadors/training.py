"""My training: the learner's home page."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from ambassadors.models import LEVEL_COUNT
from ambassadors.programme import services, sync_queries
from courses.family import with_family_progress
from courses.models import Course
from dianova_training.prepared import PreparedQuery


def _my_courses(user_id: int, language: str, today: date):
    """Published courses in ``language`` with the learner's progress, assigned ones first,
    soonest due first, then by title."""
    courses = Course.objects.for_language(language)
    return with_family_progress(courses, user_id, today=today).order_by(
        F("assigned").desc(), F("due_date").asc(nulls_last=True), "title", "pk"
    )


# The learner's home page: compiled once (dianova_training/prepared.py).
MY_COURSES = PreparedQuery(
    _my_courses, user_id=-3_330_001, language="\x1flanguage\x1f", today=date(1901, 2, 3)
)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My training: courses in my language with my progress; assigned ones first, soonest
    due first, then the other published courses I may take on my own; and my ambassador
    level (brought up to date with my courses first, see programme.services.programme_sync)."""
    ambassador = services.programme_sync(user=request.user)
    level = (
        sync_queries.LEVEL.first(rank=ambassador.level) if ambassador and ambassador.level else None
    )
    courses = MY_COURSES.objects(
        user_id=request.user.pk,
        language=get_language(),
        today=timezone.localdate(),
    )
    return render(
        request,
        "ambassadors/dashboard.html",
        {"courses": courses, "ambassador": ambassador, "level": level, "level_count": LEVEL_COUNT},
    )
