"""The authentication backend of signed-in requests: the user and their profile in one query,
their permissions in one more (only on pages that check one)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class ProfileModelBackend(ModelBackend):
    """Django's ModelBackend, except that the user of a session comes with its StaffProfile
    and that the user's and their groups' permissions are read in one query, not two.

    Every signed-in request reads the profile (its language, then its organisation in the
    pages), so joining it saves a query per request. A user without a profile gets
    ``RelatedObjectDoesNotExist`` on ``user.profile`` without a further query.
    """

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("profile")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """ModelBackend's answer (and its per-request cache, ``_perm_cache``, which the
        plain ModelBackend then reuses) from one query over the user's and groups' grants."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).distinct()
            }
        return user_obj._perm_cache
