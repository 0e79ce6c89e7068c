"""The authentication backend of signed-in requests: the user, their profile and whether they
hold any permission at all, in one prepared query; their permissions in one more, only for
those who hold some and only on pages that check one."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q

from .prepared import PreparedQuery


def _session_user(user_id):
    """The session's user with their profile; ``_has_grants``: whether any permission reaches
    them, directly or through a group (without one, permission checks need no query)."""
    users = get_user_model()._default_manager
    direct = users.model.user_permissions.through.objects.filter(user=OuterRef("pk"))
    through_groups = Group.permissions.through.objects.filter(group__user=OuterRef("pk"))
    return (
        users.select_related("profile")
        .annotate(_has_grants=Q(Exists(direct)) | Q(Exists(through_groups)))
        .filter(pk=user_id)
    )


# Every signed-in request runs it: compiled once (dianova_training/prepared.py).
SESSION_USER = PreparedQuery(_session_user, user_id=-7_340_019)


class ProfileModelBackend(ModelBackend):
    """Django's ModelBackend, except that the user of a session comes with its StaffProfile
    and that the user's and their groups' permissions are read in one query, not two.

    Every signed-in request reads the profile (its language, then its organisation in the
    pages), so joining it saves a query per request. A user without a profile gets
    ``RelatedObjectDoesNotExist`` on ``user.profile`` without a further query.
    """

    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:  # a session holding something else than an id
            return None
        if user_id is None:
            return None
        user = SESSION_USER.first(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """ModelBackend's answer (and its per-request cache, ``_perm_cache``, which the
        plain ModelBackend then reuses) from one query over the user's and groups' grants;
        none for a user whom the session's query found without any grant."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if not user_obj.is_superuser and getattr(user_obj, "_has_grants", True) is False:
                user_obj._perm_cache = set()
                return user_obj._perm_cache
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
