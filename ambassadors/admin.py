from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Organisation, StaffProfile


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "language", "staff_count"]
    list_filter = ["country", "language"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_staff=Count("staff"))

    @admin.display(description=_("staff"), ordering="_staff")
    def staff_count(self, obj: Organisation) -> int:
        return obj._staff


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "language", "manages_whole_network"]
    list_filter = ["organisation", "language", "manages_whole_network"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]
    filter_horizontal = ["managed_organisations"]


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

    @admin.display(description=_("organisation"), ordering="profile__organisation__name")
    def organisation(self, obj) -> str:
        profile = getattr(obj, "profile", None)
        return str(profile.organisation) if profile and profile.organisation else "—"
