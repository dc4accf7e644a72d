from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Logging in and out: local passwords, single sign-on, lock-out and throttles.

    Who may do what once logged in is not decided here but in ``agreements/permissions.py``;
    single sign-on only sets the user's role from the provider's groups (``services.py``).
    """

    name = "accounts"
    verbose_name = _("Log ind")
