"""Admin of the people side: organisations, staff profiles, users, assignments, reminders,
the audit trail and the admin's own log."""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from ambassadors.models import (
    Assignment,
    AuditEvent,
    OfficialAccount,
    Organisation,
    ReminderLog,
    StaffProfile,
)
from ambassadors.people import services


class OfficialAccountInline(admin.TabularInline):
    """The organisation's official accounts, shown in the course and on /ambassador/."""

    model = OfficialAccount
    extra = 1
    fields = ["platform", "url", "handle", "order"]


def _profile_save(profile: StaffProfile, save) -> None:
    """Save an admin form's staff profile, its organisation and language through
    ``profile_change`` (the one writer of both: it applies the assignments they imply).

    ``save()`` writes everything else, with the organisation and language still as stored
    (none and the default for a new profile)."""
    organisation, language = profile.organisation, profile.language
    stored = StaffProfile.objects.filter(pk=profile.pk).first() if profile.pk else None
    profile.organisation = stored.organisation if stored else None
    profile.language = stored.language if stored else StaffProfile().language
    save()
    changed = services.profile_change(
        user=profile.user, organisation=organisation, language=language
    )
    profile.organisation, profile.language = changed.organisation, changed.language


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record no one adds, changes or deletes through the admin (audit trails)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(TabbedTranslationAdmin):
    list_display = ["name", "country", "language", "staff_count"]
    list_filter = ["country", "language"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OfficialAccountInline]
    fieldsets = [
        (None, {"fields": ["name", "display_name", "slug", "country", "language"]}),
        (
            _("Communications contact"),
            {
                "fields": [
                    "communications_contact_name",
                    "communications_contact_email",
                    "communications_contact_phone",
                    "communications_out_of_hours",
                ]
            },
        ),
        (_("Official accounts and hashtags"), {"fields": ["hashtags"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_staff=Count("staff"))

    @admin.display(description=_("staff"), ordering="_staff")
    def staff_count(self, obj: Organisation) -> int:
        return obj._staff


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "language", "manages_whole_network", "optional_email"]
    list_filter = ["organisation", "language", "manages_whole_network", "optional_email"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]
    filter_horizontal = ["managed_organisations"]

    def save_model(self, request, obj, form, change):
        # A new organisation (or language) brings its assigned courses and due dates.
        _profile_save(
            obj, lambda: super(StaffProfileAdmin, self).save_model(request, obj, form, change)
        )


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Read-only history of reminders: what went to whom, for which week."""

    list_display = ["recipient", "kind", "period", "sent_at"]
    list_filter = ["kind", "period"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__email"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "period"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["managed_organisations"]


User = get_user_model()


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_staff"]
    list_select_related = ["profile__organisation"]
    list_filter = [*BaseUserAdmin.list_filter, "profile__organisation"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not StaffProfile:
            return super().save_formset(request, form, formset, change)
        # The profile inline: its organisation and language go through profile_change.
        for profile in formset.save(commit=False):
            _profile_save(profile, profile.save)
        formset.save_m2m()
        return None

    @admin.display(description=_("organisation"), ordering="profile__organisation__name")
    def organisation(self, obj) -> str:
        profile = getattr(obj, "profile", None)
        return str(profile.organisation) if profile and profile.organisation else "—"


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["course", "organisation", "user", "due_date", "assigned_by", "created_at"]
    list_filter = ["course", "organisation"]
    list_select_related = ["course", "organisation", "user", "assigned_by"]
    search_fields = ["course__title", "organisation__name", "user__username", "user__last_name"]
    autocomplete_fields = ["course"]
    raw_id_fields = ["user"]
    readonly_fields = ["assigned_by", "created_at"]
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change):
        previous = Assignment.objects.get(pk=obj.pk) if change else None
        if not change:
            obj.assigned_by = request.user
        services.assignment_save(assignment=obj, previous=previous)

    def delete_model(self, request, obj):
        services.assignment_delete(assignment=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset:
            services.assignment_delete(assignment=assignment, actor=request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail, read-only: exports, imports, assignments and verification decisions.
    Changes made in the admin itself are under "Admin log" below."""

    list_display = ["created_at", "actor_name", "verb", "target"]
    list_filter = ["verb"]
    search_fields = ["actor_name", "target"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "actor", "actor_name", "verb", "target", "details"]


@admin.register(LogEntry)
class AdminLogAdmin(ReadOnlyAdmin):
    """Every change made through the admin (Django's own log), read-only, for superusers."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag"]
    list_filter = ["action_flag", "content_type"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "user__username"]
    date_hierarchy = "action_time"

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
