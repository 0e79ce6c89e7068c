"""Admin of the ambassador programme."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from ambassadors.models import (
    Action,
    ActionDecision,
    ActionType,
    AmbassadorProfile,
    BadgeAward,
    BadgeClass,
    BadgeCriterion,
    Campaign,
    CharterAcceptance,
    CharterText,
    CharterVersion,
    Level,
    Platform,
    PlatformDomain,
)
from ambassadors.programme import actions, services


@admin.register(Level)
class LevelAdmin(TabbedTranslationAdmin):
    """Admins rename levels and set thresholds; the six rules themselves are fixed."""

    list_display = ["rank", "name", "rule", "required_count", "months"]
    readonly_fields = ["rank", "rule"]
    fields = [
        "rank",
        "rule",
        "name",
        "description",
        "course_key",
        "required_count",
        "months",
        "campaign_actions",
        "mentees",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The thresholds changed: every member's level is recomputed from the data.
        count = services.programme_recompute_all()
        self.message_user(
            request,
            ngettext(
                "Level recomputed for %(n)s member.", "Levels recomputed for %(n)s members.", count
            )
            % {"n": count},
        )


@admin.register(ActionType)
class ActionTypeAdmin(TabbedTranslationAdmin):
    list_display = [
        "name",
        "key",
        "points",
        "needs_verification",
        "evidence_required",
        "weekly_cap",
        "ladder_role",
        "automatic",
        "active",
    ]
    list_filter = ["active", "needs_verification", "ladder_role", "automatic"]
    list_editable = ["points", "weekly_cap", "active"]
    search_fields = ["name", "key"]

    def get_readonly_fields(self, request, obj=None):
        return ["key", "automatic"] if obj and obj.automatic else []

    def has_delete_permission(self, request, obj=None):
        return bool(obj is None or not obj.automatic) and super().has_delete_permission(
            request, obj
        )


class PlatformDomainInline(admin.TabularInline):
    model = PlatformDomain
    extra = 1


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "domain_list", "active", "order"]
    list_editable = ["active", "order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlatformDomainInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description=_("domains"))
    def domain_list(self, obj: Platform) -> str:
        return ", ".join(d.domain for d in obj.domains.all())


@admin.register(Campaign)
class CampaignAdmin(TabbedTranslationAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"


class CharterTextInline(admin.StackedInline):
    model = CharterText
    extra = 1


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at", "acceptance_count"]
    inlines = [CharterTextInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_acceptances=Count("acceptances"))

    @admin.display(description=_("acceptances"), ordering="_acceptances")
    def acceptance_count(self, obj) -> int:
        return obj._acceptances

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Publishing a version asks everyone to accept it again: recompute every level.
        services.programme_recompute_all()


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "charter", "language", "accepted_at"]
    list_filter = ["charter", "language"]
    list_select_related = ["user", "charter"]
    search_fields = ["user__username", "user__last_name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AmbassadorProfile)
class AmbassadorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "level", "joined_at", "left_at", "on_leaderboard"]
    list_filter = ["level", "on_leaderboard", ("left_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name", "user__email"]
    readonly_fields = ["user", "level", "level_changed_at", "joined_at", "left_at"]
    fields = [
        "user",
        "level",
        "level_changed_at",
        "joined_at",
        "left_at",
        "privacy_notice_version",
        "on_leaderboard",
        "affiliation_added_at",
        "privacy_reviewed_at",
        "profile_link",
    ]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.level_recompute(profile=obj)


class ActionDecisionInline(admin.TabularInline):
    model = ActionDecision
    extra = 0
    can_delete = False
    readonly_fields = ["submission", "decision", "decided_by", "decided_at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["user", "action_type", "status", "platform", "language", "points", "created_at"]
    list_filter = ["status", "action_type", "platform", "language", "campaign"]
    list_select_related = ["user", "action_type", "platform"]
    search_fields = ["user__username", "user__last_name", "url", "note"]
    raw_id_fields = ["user", "colleague"]
    date_hierarchy = "created_at"
    readonly_fields = ["status", "points", "capped", "submissions", "source_key", "verified_at"]
    inlines = [ActionDecisionInline]


class BadgeCriterionInline(TranslationStackedInline):
    """Criteria versions; once a badge is awarded, its criteria change only by a new version."""

    model = BadgeCriterion
    extra = 0
    filter_horizontal = ["action_types"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.awards.exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


@admin.register(BadgeClass)
class BadgeClassAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "kind", "active", "award_count"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BadgeCriterionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_awards=Count("awards"))

    @admin.display(description=_("awarded"), ordering="_awards")
    def award_count(self, obj) -> int:
        return obj._awards

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every published badge URL: frozen once awarded.
        return ["slug"] if obj and obj.awards.exists() else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj and obj.awards.exists() else self.prepopulated_fields


class BadgeAwardForm(forms.ModelForm):
    revoke = forms.BooleanField(
        label=_("Revoke this badge"),
        required=False,
        help_text=_("Its assertion then answers “revoked” to every backpack and verifier."),
    )

    class Meta:
        model = BadgeAward
        fields = ["revocation_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("revoke") and not cleaned.get("revocation_reason"):
            self.add_error("revocation_reason", _("Give the reason: it is published."))
        return cleaned


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin):
    form = BadgeAwardForm
    list_display = ["badge_class", "user", "issued_on", "criterion", "revoked_at"]
    list_filter = ["badge_class", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["badge_class", "user", "criterion__badge_class"]
    search_fields = ["user__username", "user__last_name", "badge_class__name"]
    readonly_fields = [
        "id",
        "badge_class",
        "criterion",
        "user",
        "issued_on",
        "recipient_identity",
        "revoked_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Revoked, never deleted: a deleted award's assertion would answer 404, and backpacks
        # and verifiers would never learn it is no longer valid (410 "revoked").
        return False

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("revoke") and obj.revoked_at is None:
            actions.badge_revoke(award=obj, reason=form.cleaned_data["revocation_reason"])
        else:
            super().save_model(request, obj, form, change)
