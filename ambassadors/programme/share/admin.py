"""The communications team's authoring of posts to share (permission: the Trainers group's
``add/change_sharepost`` by default), and read-only views of what was shared."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from dianova_training.bidi import check_link_direction

from .models import SharePost, SharePostText


class SharePostTextFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        languages = [
            form.cleaned_data.get("language")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        original = self.instance.original_language
        if original and original not in languages:
            raise forms.ValidationError(
                gettext("Write the text in the original language (%(language)s) first.")
                % {"language": self.instance.get_original_language_display()}
            )


class SharePostTextInline(admin.StackedInline):
    model = SharePostText
    formset = SharePostTextFormSet
    extra = 1
    max_num = 5
    fields = ["language", "title", "text", "image_alt"]


class SharePostForm(forms.ModelForm):
    class Meta:
        model = SharePost
        fields = ["link"]  # the admin adds the others from its fieldsets

    def clean_link(self) -> str:
        link = self.cleaned_data["link"]
        check_link_direction(link)  # shown to every member who shares it
        return link


@admin.register(SharePost)
class SharePostAdmin(admin.ModelAdmin):
    form = SharePostForm
    inlines = [SharePostTextInline]
    list_display = ["name", "status", "publish_at", "ends_at", "campaign", "original_language"]
    list_filter = ["status", "campaign", "original_language"]
    list_select_related = ["campaign"]
    search_fields = ["name", "texts__title", "link"]
    date_hierarchy = "publish_at"
    filter_horizontal = ["organisations", "platforms"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    actions = ["publish", "withdraw"]
    view_on_site = False
    fieldsets = [
        (None, {"fields": ["name", "status", "original_language", "link", "image"]}),
        (_("Where and when"), {"fields": ["campaign", "organisations", "platforms"]}),
        (_("Publication window"), {"fields": ["publish_at", "ends_at"]}),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset, status: str) -> int:
        count = queryset.exclude(status=status).update(status=status)
        return count

    @admin.action(description=_("Publish the selected posts"), permissions=["change"])
    def publish(self, request, queryset):
        count = self._set_status(request, queryset, SharePost.Status.PUBLISHED)
        self.message_user(
            request,
            ngettext("%(count)d post published.", "%(count)d posts published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw the selected posts"), permissions=["change"])
    def withdraw(self, request, queryset):
        count = self._set_status(request, queryset, SharePost.Status.WITHDRAWN)
        self.message_user(
            request,
            ngettext(
                "%(count)d post withdrawn: its links now say it is no longer shared.",
                "%(count)d posts withdrawn: their links now say they are no longer shared.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
