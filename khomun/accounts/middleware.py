"""Request gates that apply to every page once a user is logged in."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from khomun.accounts import policy

# Paths a user may reach while a gate is closed (to pass it, or to leave).
API_PREFIX = "/api/"
OPEN_PREFIXES = ("/static/", "/accounts/logout/", "/language/", API_PREFIX)


class UserLanguageMiddleware:
    """Activate the language the user chose (kept on the account and in the session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):  # the token's user chooses (api.auth)
            return self.get_response(request)
        language = request.session.get("khomun_language") if hasattr(request, "session") else None
        if language:
            request.COOKIES.setdefault("khomun_language", language)
            request.COOKIES["khomun_language"] = language
        return self.get_response(request)


class AccountGateMiddleware:
    """First the forced password change, then two-factor for admin roles."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user  # lazy: read from the session only past the open paths
        if not request.path.startswith(OPEN_PREFIXES) and user.is_authenticated:
            step = policy.pending_account_step(user)
            if step == "password" and request.path != "/accounts/password/":
                return redirect("password_change")
            if step == "two_factor" and not request.path.startswith("/accounts/two-factor/"):
                return redirect("two_factor")
        return self.get_response(request)
