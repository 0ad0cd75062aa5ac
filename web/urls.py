"""Addresses of the pages, the report files, the council's review and dashboard, the API and the admin. Logging in
is `kiemchung.web.logins`'s, for the pages and the admin. Static files (style sheets, scripts) are served before
any of these, by WhiteNoise (settings.py)."""

from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import path

from kiemchung.web import api, logins, views

urlpatterns = [
    path("", views.units, name="units"),
    path("login/", logins.Login.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/", views.password, name="password"),
    path("units/<slug:code>/", views.unit, name="unit"),
    path("units/<slug:code>/upload/", views.upload, name="upload"),
    path("units/<slug:code>/lock/", views.lock, {"locked": True}, name="lock"),
    path("units/<slug:code>/unlock/", views.lock, {"locked": False}, name="unlock"),
    path("batch/lock/", views.lock_batch, {"locked": True}, name="lock_batch"),
    path("batch/unlock/", views.lock_batch, {"locked": False}, name="unlock_batch"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("submissions/<int:pk>/report/<str:name>", views.report_file, name="report_file"),
    path("submissions/<int:pk>/decide/", views.decide, name="decide"),
    path("submissions/<int:pk>/score/", views.score, name="score"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("api/v1/units", api.units, name="api_units"),
    path("api/v1/units/<slug:code>/submissions", api.submit, name="api_submit"),
    path("api/v1/submissions/<int:pk>", api.submission, name="api_submission"),
    path("api/v1/submissions/<int:pk>/decisions", api.decisions, name="api_decisions"),
    path("api/v1/submissions/<int:pk>/scores", api.scores, name="api_scores"),
    path("admin/", admin.site.urls),
]

handler400 = "kiemchung.web.views.bad_request"
handler404 = "kiemchung.web.views.not_found"
handler500 = "kiemchung.web.views.server_error"
