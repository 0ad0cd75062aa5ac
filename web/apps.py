"""The Django app of the web service (its label `web` names its tables and migrations), and Django's admin
as the service runs it."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class WebConfig(AppConfig):
    name = "kiemchung.web"
    label = "web"
    verbose_name = "kiemchung"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from kiemchung.web.logins import count_failure

        user_login_failed.connect(count_failure, dispatch_uid="kiemchung-login-failures")


class AdminConfig(DjangoAdminConfig):
    """Django's admin on a site whose login is limited as the pages' is (`kiemchung.web.logins`)."""

    default_site = "kiemchung.web.logins.AdminSite"
