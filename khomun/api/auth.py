from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from khomun.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer TOKEN`, tokens made by `khomun token USERNAME`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        translation.activate(user.language)
        return user
