"""Trainers' verification queue: filter, then verify, return with a note, or reject."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassadors.models import Action, ActionDecision, Organisation
from ambassadors.programme import actions as programme_actions
from ambassadors.programme import services
from ambassadors.programme.forms import DecisionForm, ReviewFilterForm
from dianova_training.redirects import safe_next_url

PAGE_SIZE = 25


def _trainer_access(view):
    return login_required(
        permission_required("ambassadors.verify_action", raise_exception=True)(view)
    )


def _get_action_for_reviewer(request: HttpRequest, action_id: int) -> Action:
    """An action of a current member in an organisation I review (never my own); else 404."""
    reviewable = Organisation.objects.reviewable_by(request.user)
    return get_object_or_404(
        Action.objects.of_members()
        .filter(user__profile__organisation__in=reviewable)
        .exclude(user=request.user),
        pk=action_id,
    )


@_trainer_access
def review_queue(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.reviewable_by(request.user)
    form = ReviewFilterForm(request.GET or None, organisations=organisations)
    actions = Action.objects.awaiting_review_by(request.user)
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["organisation"]:
                actions = actions.filter(user__profile__organisation=data["organisation"])
            if data["language"]:
                actions = actions.filter(language=data["language"])
            if data["action_type"]:
                actions = actions.filter(action_type=data["action_type"])
        else:
            messages.error(request, _("Unknown filter value; showing everything you review."))
            form = ReviewFilterForm(organisations=organisations)
    actions = actions.select_related(
        "user__profile__organisation", "action_type", "platform", "campaign", "colleague"
    ).order_by("created_at", "pk")
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "ambassadors/review/queue.html",
        {
            "form": form,
            "page": page,
            "decision_form": DecisionForm(),
            "query": params.urlencode(),
        },
    )


@_trainer_access
@require_POST
def review_decide(request: HttpRequest, action: int) -> HttpResponse:
    action_obj = _get_action_for_reviewer(request, action)
    back = safe_next_url(request, request.POST.get("next"), default=reverse("ambassadors:review"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(back)
    try:
        decision = programme_actions.action_decide(
            action=action_obj,
            reviewer=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except services.AlreadyDecided:
        messages.warning(request, _("Another trainer has already decided on this action."))
        return HttpResponseRedirect(back)
    name = action_obj.user.get_full_name() or action_obj.user.username
    if decision.decision == ActionDecision.Decision.VERIFIED and action_obj.capped:
        messages.success(
            request,
            _("Verified. %(name)s reached the weekly cap for this type: no points this time.")
            % {"name": name},
        )
    else:
        messages.success(
            request,
            _("%(decision)s: %(name)s's action.")
            % {"decision": decision.get_decision_display(), "name": name},
        )
    return HttpResponseRedirect(back)
