"""Logging in and out: local passwords, single sign-on (OpenID Connect), lock-out and login
throttles, and the client's address behind the reverse proxy.

Who may do what once logged in is not decided here but in ``agreements/permissions.py``;
single sign-on only sets the user's role from the provider's groups (``services.py``, through
``SsoGroupMapping``).
"""
