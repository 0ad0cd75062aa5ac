"""Logins refused for a while after too many failures for one name or from one address: the service's login
page and Django's admin login alike (`KIEMCHUNG_LOGIN_ATTEMPTS` failures within `KIEMCHUNG_LOGIN_WINDOW`
seconds, then 429 for the rest of the window).

Failures are counted where Django reports them, the `user_login_failed` signal that `authenticate` sends for
every wrong name or password whichever login form asked (connected in `apps.WebConfig.ready`), so the two
logins share one counter. Each login checks `blocked` before the password is read: a refused attempt is not
tried at all. The counter is in the cache, the memory of the one process `kiemchung serve` runs.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from kiemchung.web.uploads import refused


def count_failure(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
                  **kwargs: Any) -> None:
    """A failed login (the `user_login_failed` receiver); `authenticate` called outside a request is not one."""
    if request is None:
        return
    for key in _keys(request):
        cache.add(key, 0, settings.KIEMCHUNG_LOGIN_WINDOW)
        cache.incr(key)


def blocked(request: HttpRequest) -> bool:
    """Too many failures for the name posted or from the caller's address."""
    return any((cache.get(key) or 0) >= settings.KIEMCHUNG_LOGIN_ATTEMPTS for key in _keys(request))


def refusal() -> str:
    return f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {settings.KIEMCHUNG_LOGIN_WINDOW // 60} phút."


def _keys(request: HttpRequest) -> list[str]:
    name = request.POST.get("username", "").strip().lower()
    return [
        "login-failures:name:" + hashlib.sha256(name.encode()).hexdigest(),
        "login-failures:address:" + request.META.get("REMOTE_ADDR", ""),
    ]


class Login(LoginView):
    """The service's login page: Django's, refused (429, the form with why) while `blocked`."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if blocked(request):
            form = AuthenticationForm(request, data=request.POST)
            form.add_error(None, refusal())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class AdminSite(admin.AdminSite):
    """Django's admin (`apps.AdminConfig` makes it the default site), its login refused (429) while `blocked`."""

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "POST" and blocked(request):
            return refused(request, refusal(), 429)
        return super().login(request, extra_context)
