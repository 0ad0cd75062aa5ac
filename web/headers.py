"""Security headers on every page: a Content-Security-Policy without inline script, and no caching of pages that
show a unit's evidence. Django's own middleware adds nosniff, the referrer policy and the frame options
(settings.py); static files are answered before this, by WhiteNoise, with their own cache headers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# The service's pages: its own style sheet and script files (and the admin's), never inline code, forms posting
# back to it, frames of its own report pages only.
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'"
)


class SecurityHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)  # a report page sets its own, stricter one
        response.headers.setdefault("Cache-Control", "no-store")
        return response
