from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from eiso.accounts.models import User


class UsernameOrEmailBackend(ModelBackend):
    """Log in with either the username or the e-mail address (case-insensitive)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        users = list(User.objects.filter(Q(username__iexact=username) | Q(email__iexact=username))[:2])
        if len(users) != 1:
            User().set_password(password)  # same work as a real check: no timing hint that the name exists
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials) -> str:
    """The key django-axes counts failures under: the account's username when the typed name (or
    e-mail) names exactly one account, else the typed name folded to lower case."""
    typed = str((credentials or {}).get("username") or request.POST.get("username", "")).strip()
    matches = list(
        User.objects.filter(Q(username__iexact=typed) | Q(email__iexact=typed)).values_list(
            "username", flat=True
        )[:2]
    )
    return matches[0] if len(matches) == 1 else typed.lower()
