"""The authentication backend of signed-in requests: the user and their profile in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileModelBackend(ModelBackend):
    """Django's ModelBackend, except that the user of a session comes with its StaffProfile.

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
