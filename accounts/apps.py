from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Logging in and out: lock-out and throttles of failed logins.

    Who may do what once logged in is not decided here but in ``agreements/permissions.py``.
    """

    name = "accounts"
    verbose_name = _("Log ind")
