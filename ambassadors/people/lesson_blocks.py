"""The course's live blocks that need organisation data (see courses/blocks.py).

``courses`` knows nothing about organisations; this module registers two providers with it (from
``AmbassadorsConfig.ready``), so a lesson can show the reader's organisation's communications
contact and the official accounts and hashtags of the network. Both are edited in the admin, on
the member organisation.
"""

from django.db.models import Prefetch
from django.http import HttpRequest
from django.template.loader import render_to_string

from ambassadors.models import OfficialAccount, Organisation
from courses import blocks
from courses.models import Lesson


def organisation_id_of(user) -> int | None:
    """The member organisation named on the user's staff profile, if any (no query)."""
    return getattr(getattr(user, "profile", None), "organisation_id", None)


def reader_organisation(request: HttpRequest) -> Organisation | None:
    organisation_id = organisation_id_of(request.user)
    if organisation_id is None:
        return None
    return Organisation.objects.filter(pk=organisation_id).first()


def accounts_of(organisation_id: int | None) -> Organisation | None:
    """One organisation with its official accounts (2 queries), or None."""
    if organisation_id is None:
        return None
    return Organisation.objects.filter(pk=organisation_id).prefetch_related(_accounts()).first()


def _accounts() -> Prefetch:
    return Prefetch(
        "official_accounts",
        queryset=OfficialAccount.objects.select_related("platform").order_by("order", "pk"),
    )


def network_accounts(own_id: int | None = None) -> list[Organisation]:
    """Organisations with official accounts or hashtags, the reader's own first (2 queries)."""
    organisations = [
        organisation
        for organisation in Organisation.objects.prefetch_related(_accounts())
        if organisation.official_accounts.all() or organisation.hashtag_list
    ]
    organisations.sort(key=lambda organisation: organisation.pk != own_id)
    return organisations


def communications_contact(request: HttpRequest, lesson: Lesson) -> str:
    return render_to_string(
        "ambassadors/blocks/communications_contact.html",
        {"organisation": reader_organisation(request)},
        request=request,
    )


def official_accounts(request: HttpRequest, lesson: Lesson) -> str:
    own_id = organisation_id_of(request.user)
    organisations = network_accounts(own_id)
    own = next((o for o in organisations if o.pk == own_id), None)
    return render_to_string(
        "ambassadors/blocks/official_accounts.html",
        {"own": own, "organisations": organisations},
        request=request,
    )


def register() -> None:
    blocks.register("communications-contact", communications_contact)
    blocks.register("official-accounts", official_accounts)
