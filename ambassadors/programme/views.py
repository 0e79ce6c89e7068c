"""Pages of the ambassador programme for staff: my progress, charter, checklist, actions,
leaderboard. Thin: access helpers, forms, then services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ambassadors.models import (
    Action,
    ActionDecision,
    ActionType,
    AmbassadorProfile,
    BadgeAward,
    CharterAcceptance,
    CharterVersion,
    Level,
    Organisation,
)
from ambassadors.people.lesson_blocks import accounts_of, organisation_id_of
from ambassadors.programme import actions as programme_actions
from ambassadors.programme import ladder, leaderboard
from ambassadors.programme import services as programme_services
from ambassadors.programme.forms import (
    ActionForm,
    CharterAcceptForm,
    ChecklistForm,
    JoinForm,
    LeaderboardForm,
    LeaderboardVisibilityForm,
    LeaveForm,
)
from courses.models import Course

RECENT_ACTIONS = 100


def _get_member_for_user(request: HttpRequest) -> AmbassadorProfile | None:
    """The signed-in person's current membership, or None (not joined, or left)."""
    return (
        AmbassadorProfile.objects.active().select_related("user").filter(user=request.user).first()
    )


def _members_only(request: HttpRequest):
    messages.info(request, _("Join the ambassador programme first: it takes one click."))
    return redirect("ambassadors:programme")


def _what_members_get(request: HttpRequest, feature: str) -> HttpResponse:
    """A members' page opened by someone who has not joined: what it offers, and how to join
    (instead of bouncing them back)."""
    former = AmbassadorProfile.objects.filter(user=request.user).first()
    return render(
        request,
        "ambassadors/programme/members_only.html",
        {"feature": feature, "form": JoinForm(), "former": former},
    )


def _get_action_for_user(request: HttpRequest, action_id: int) -> Action:
    """One of my own actions; anyone else's (or a forged id) is a 404."""
    return get_object_or_404(
        Action.objects.select_related("action_type", "platform", "campaign", "colleague"),
        pk=action_id,
        user=request.user,
    )


def _core_course_url(levels: list[Level]) -> str:
    trained = next((lv for lv in levels if lv.rule == Level.Rule.TRAINED), None)
    if not trained or not trained.course_key:
        return ""
    course = (
        Course.objects.for_language(get_language())
        .filter(Q(key=trained.course_key) | Q(translation_of__key=trained.course_key))
        .first()
    )
    return course.get_absolute_url() if course else ""


def _points(user, since=None) -> int:
    actions = Action.objects.verified().filter(user=user)
    return actions.aggregate(
        total=Coalesce(Sum("points"), 0),
        month=Coalesce(Sum("points", filter=Q(verified_at__gte=since)), 0),
    )


@login_required
def programme(request: HttpRequest) -> HttpResponse:
    """My ambassador page: level, what the next level needs, actions, points, badges."""
    profile = programme_services.programme_sync(user=request.user)
    if profile is None:
        former = AmbassadorProfile.objects.filter(user=request.user).first()
        return render(
            request, "ambassadors/programme/join.html", {"form": JoinForm(), "former": former}
        )
    levels = list(Level.objects.all())
    facts = ladder.collect_facts(profile, levels)
    result = ladder.evaluate(levels, facts, course_url=_core_course_url(levels))
    if result.rank != profile.level:  # data changed outside the services (e.g. in the admin)
        programme_services.level_recompute(profile=profile)
    actions = list(
        Action.objects.filter(user=request.user)
        .select_related("action_type", "platform", "campaign")
        .prefetch_related(
            Prefetch("decisions", queryset=ActionDecision.objects.order_by("-decided_at"))
        )[:RECENT_ACTIONS]
    )
    month_start = leaderboard.period_start("month")
    return render(
        request,
        "ambassadors/programme/home.html",
        {
            "profile": profile,
            "ladder": result,
            "facts": facts,
            "actions": actions,
            "points": _points(request.user, month_start),
            "awards": list(
                BadgeAward.objects.filter(user=request.user).select_related("badge_class")
            ),
            "organisation": accounts_of(organisation_id_of(request.user)),
        },
    )


@login_required
@require_POST
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST)
    if not form.is_valid():
        former = AmbassadorProfile.objects.filter(user=request.user).first()
        return render(request, "ambassadors/programme/join.html", {"form": form, "former": former})
    programme_services.programme_join(user=request.user)
    messages.success(request, _("Welcome to the ambassador programme!"))
    return redirect("ambassadors:programme")


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest) -> HttpResponse:
    profile = _get_member_for_user(request)
    if profile is None:
        return _members_only(request)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme_services.programme_leave(profile=profile)
        messages.success(
            request,
            _("You have left the programme. Your actions no longer appear anywhere."),
        )
        return redirect("ambassadors:programme")
    return render(request, "ambassadors/programme/leave.html", {"form": form})


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "ambassadors/programme/privacy.html")


@login_required
@require_http_methods(["GET", "POST"])
def charter(request: HttpRequest) -> HttpResponse:
    """The current charter in my language (French source as fallback); members accept it."""
    current = CharterVersion.objects.published().order_by("-version").prefetch_related("texts")
    current = current.first()
    profile = _get_member_for_user(request)
    accepted = (
        CharterAcceptance.objects.filter(user=request.user, charter=current).first()
        if current
        else None
    )
    form = CharterAcceptForm(
        request.POST or None, initial={"version": current.version if current else None}
    )
    if request.method == "POST":
        if profile is None:
            return _members_only(request)
        if current is None:
            raise Http404
        if form.is_valid():
            if form.cleaned_data["version"] != current.version:
                messages.warning(
                    request,
                    _("A new version was published while you were reading. Please read it."),
                )
                return redirect("ambassadors:charter")
            programme_services.charter_accept(
                profile=profile, charter=current, language=get_language()
            )
            messages.success(request, _("Thank you: you have accepted the charter."))
            return redirect("ambassadors:programme")
    return render(
        request,
        "ambassadors/programme/charter.html",
        {
            "charter": current,
            "text": current.text_for(get_language()) if current else None,
            "accepted": accepted,
            "profile": profile,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest) -> HttpResponse:
    profile = _get_member_for_user(request)
    if profile is None:
        return _members_only(request)
    initial = {
        "affiliation_added": profile.affiliation_added_at is not None,
        "privacy_reviewed": profile.privacy_reviewed_at is not None,
        "profile_link": profile.profile_link,
    }
    form = ChecklistForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            programme_services.checklist_update(profile=profile, **form.cleaned_data)
            messages.success(request, _("Your profile checklist is saved."))
            return redirect("ambassadors:programme")
        messages.error(request, _("Please correct the errors below; nothing was saved."))
    return render(request, "ambassadors/programme/checklist.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    profile = _get_member_for_user(request)
    if profile is None:
        if request.method == "GET":
            return _what_members_get(request, "actions")
        return _members_only(request)
    initial = {"language": getattr(getattr(request.user, "profile", None), "language", "en")}
    wanted = request.GET.get("type", "")
    if wanted:
        initial["action_type"] = (
            ActionType.objects.filter(key=wanted, automatic="", active=True)
            .values_list("pk", flat=True)
            .first()
        )
    form = ActionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                action = programme_actions.action_log(profile=profile, data=form.to_input())
            except programme_services.DuplicateAction as duplicate:
                form.add_error(None, duplicate.message)
            else:
                if action.status == Action.Status.VERIFIED:
                    messages.success(request, _("Logged. Thank you!"))
                else:
                    messages.success(request, _("Logged. A trainer will verify it soon."))
                return redirect("ambassadors:programme")
        messages.error(request, _("Please correct the errors below; nothing was saved."))
    return render(
        request,
        "ambassadors/programme/action_form.html",
        {"form": form, "action_types": form.fields["action_type"].queryset},
    )


@login_required
def action_detail(request: HttpRequest, action: int) -> HttpResponse:
    action_obj = _get_action_for_user(request, action)
    decisions = list(action_obj.decisions.select_related("decided_by"))
    return render(
        request,
        "ambassadors/programme/action_detail.html",
        {"action": action_obj, "decisions": decisions},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, action: int) -> HttpResponse:
    """Correct a returned action and send it back for verification (owner only)."""
    action_obj = _get_action_for_user(request, action)
    if not action_obj.editable or _get_member_for_user(request) is None:
        messages.info(request, _("Only an action returned for changes can be edited."))
        return redirect(action_obj)
    form = ActionForm(
        request.POST or None, user=request.user, initial=ActionForm.initial_from(action_obj)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                programme_actions.action_resubmit(
                    action=action_obj, user=request.user, data=form.to_input()
                )
            except programme_services.NotEditable:
                messages.info(request, _("Only an action returned for changes can be edited."))
                return redirect(action_obj)
            except programme_services.DuplicateAction as duplicate:
                form.add_error(None, duplicate.message)
            else:
                messages.success(request, _("Sent back for verification."))
                return redirect("ambassadors:programme")
        messages.error(request, _("Please correct the errors below; nothing was saved."))
    decisions = list(action_obj.decisions.select_related("decided_by"))
    return render(
        request,
        "ambassadors/programme/action_form.html",
        {
            "form": form,
            "action": action_obj,
            "decisions": decisions,
            "action_types": form.fields["action_type"].queryset,
        },
    )


@login_required
def leaderboard_page(request: HttpRequest) -> HttpResponse:
    """Team totals by organisation or country over a period, then the people who opted in."""
    profile = _get_member_for_user(request)
    if profile is None:
        return _what_members_get(request, "leaderboard")
    countries = list(
        Organisation.objects.order_by("country").values_list("country", flat=True).distinct()
    )
    form = LeaderboardForm(request.GET or None, countries=countries)
    if request.GET and not form.is_valid():
        messages.error(request, _("Unknown choice in the filters; showing the defaults."))
        form = LeaderboardForm(countries=countries)
    data = form.cleaned_data if form.is_bound else {}
    by = data.get("by") or "organisation"
    period = data.get("period") or "month"
    since = leaderboard.period_start(period)
    mine = getattr(getattr(request.user, "profile", None), "organisation", None)
    if by == "organisation":
        team = data.get("organisation") or mine
        team_name = team.name if team else ""
        people = leaderboard.people(organisation=team, since=since) if team else []
    else:
        country = data.get("country") or (mine.country if mine else "")
        team_name = country
        people = leaderboard.people(country=country, since=since) if country else []
    levels = {level.rank: level.label for level in Level.objects.all()}
    people = list(people)
    for person in people:
        person.level_label = levels.get(person.ambassador.level, "")
    return render(
        request,
        "ambassadors/programme/leaderboard.html",
        {
            "form": form,
            "by": by,
            "period": dict(LeaderboardForm.PERIODS)[period],
            "teams": leaderboard.team_totals(by=by, since=since),
            "team_name": team_name,
            "people": people,
            "profile": profile,
        },
    )


@login_required
@require_POST
def leaderboard_visibility(request: HttpRequest) -> HttpResponse:
    profile = _get_member_for_user(request)
    if profile is None:
        return _members_only(request)
    form = LeaderboardVisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown choice."))
    else:
        visible = form.cleaned_data["visible"]
        programme_services.leaderboard_visibility_set(profile=profile, visible=visible)
        if visible:
            messages.success(request, _("You now appear on the leaderboard."))
        else:
            messages.success(request, _("You are hidden from the leaderboard."))
    return redirect("ambassadors:leaderboard")
