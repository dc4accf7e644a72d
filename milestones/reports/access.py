"""Who may download which report, on top of the rules in ``agreements.permissions``.

- The whole municipality's report shows every committee, so only users who read every
  committee get it: administrators and finance staff who are not restricted to some
  committees.
- A committee's report goes to whoever may read the committee: secretaries their own,
  finance staff and administrators every one. Another committee's report is a 404.
- A user without a role gets 403, as everywhere else.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from agreements.permissions import committee_ids, has_role


def can_read_whole_municipality(user) -> bool:
    return has_role(user) and committee_ids(user) is None


def ensure_can_read_whole_municipality(user) -> None:
    if not can_read_whole_municipality(user):
        raise PermissionDenied
