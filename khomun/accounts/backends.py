"""The password back end: Django's ModelBackend, with the signed-in user of every page
read by SQL built once per process (`lib.prepared`). Building the ORM's query for
that one row took about 5% of the app's CPU under deadline-day load."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from khomun.accounts.models import User
from khomun.lib.prepared import Prepared

_user_by_id = Prepared(lambda pk: User._default_manager.filter(pk=pk).order_by()[:1])


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        """As ModelBackend's: the active user with this id (the session keeps it as text)."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _user_by_id.first(pk)
        return user if user is not None and self.user_can_authenticate(user) else None
