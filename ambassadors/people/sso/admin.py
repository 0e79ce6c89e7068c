from django.contrib import admin

from .models import EmailDomain


@admin.register(EmailDomain)
class EmailDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "organisation", "sso_required"]
    list_filter = ["sso_required", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["domain", "organisation__name"]
