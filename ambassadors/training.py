"""My training: the learner's home page."""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from ambassadors.models import LEVEL_COUNT, Level
from ambassadors.programme import services
from courses.family import with_family_progress
from courses.models import Course


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My training: courses in my language with my progress; assigned ones first, soonest
    due first, then the other published courses I may take on my own; and my ambassador
    level (brought up to date with my courses first, see programme.services.programme_sync)."""
    ambassador = services.programme_sync(user=request.user)
    level = (
        Level.objects.filter(rank=ambassador.level).first()
        if ambassador and ambassador.level
        else None
    )
    courses = list(
        with_family_progress(Course.objects.for_language(get_language()), request.user).order_by(
            F("assigned").desc(), F("due_date").asc(nulls_last=True), "title", "pk"
        )
    )
    return render(
        request,
        "ambassadors/dashboard.html",
        {"courses": courses, "ambassador": ambassador, "level": level, "level_count": LEVEL_COUNT},
    )
