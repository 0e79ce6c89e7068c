"""Admin of learning records and certificates."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses import services
from courses.models import (
    Certificate,
    CourseCompletion,
    Enrolment,
    LessonCompletion,
)


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "assigned", "due_date", "enrolled_at", "last_activity_at"]
    list_filter = ["assigned", "course"]
    list_select_related = ["user", "course"]
    search_fields = ["user__username", "user__email", "course__title"]
    raw_id_fields = ["user", "course"]


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "completed_at"]
    list_select_related = ["user", "lesson"]
    search_fields = ["user__username", "lesson__title"]
    raw_id_fields = ["user", "lesson"]


@admin.register(CourseCompletion)
class CourseCompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "completed_at"]
    list_filter = ["course"]
    list_select_related = ["user", "course"]
    search_fields = ["user__username", "course__title"]
    raw_id_fields = ["user", "course"]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=1000,
        help_text=_("Kept for the record; the public page only says the certificate is revoked."),
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["name", "course_title", "issued_at", "is_valid_display", "code"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "course"]
    list_select_related = ["user", "course"]
    search_fields = ["name", "code", "user__username", "user__email", "course_title"]
    date_hierarchy = "issued_at"
    readonly_fields = [
        "user",
        "course",
        "name",
        "course_title",
        "issued_at",
        "code",
        "verification_link",
        "revoked_at",
        "revoked_reason",
    ]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # read-only; revoking is the one change, through its action

    def has_delete_permission(self, request, obj=None) -> bool:
        # Revoked, never deleted: the public verification page must keep saying "revoked".
        return False

    @admin.display(description=_("valid"), boolean=True, ordering="revoked_at")
    def is_valid_display(self, obj: Certificate) -> bool:
        return obj.is_valid

    @admin.display(description=_("verification page"))
    def verification_link(self, obj: Certificate) -> str:
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=_("Revoke the selected certificates"), permissions=["revoke"])
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            revoked = 0
            for certificate in queryset:
                if certificate.is_valid:
                    services.certificate_revoke(
                        certificate=certificate, reason=form.cleaned_data["reason"]
                    )
                    revoked += 1
            self.message_user(
                request,
                ngettext(
                    "%(count)d certificate revoked.",
                    "%(count)d certificates revoked.",
                    revoked,
                )
                % {"count": revoked},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/courses/certificate/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Revoke certificates"),
                "opts": self.model._meta,
                "certificates": queryset,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def has_revoke_permission(self, request) -> bool:
        return request.user.is_superuser
