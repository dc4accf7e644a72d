"""Export all of the application's data as JSON, for a backup or a move to another database.

Restore into an empty, migrated database with ``python manage.py loaddata FILE``.
See docs/operations.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Our apps, the history tables of django-simple-history (they belong to our apps), the
# users and groups with their permissions, and the admin's log. Left out on purpose: content
# types and permissions (migrate creates them; they are referred to by natural key),
# sessions (everyone logs in again) and django-axes' login attempts (short-lived).
EXPORT_LABELS = ["auth.group", "auth.user", "agreements", "milestones", "finance", "admin.logentry"]


class Command(BaseCommand):
    help = (
        "Eksporterer alle data (aftaler, opfølgninger, økonomi, historik og brugere) som JSON. "
        "Indlæses i en tom, migreret database med »manage.py loaddata FIL«."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="Filen der skrives (.json).")

    def handle(self, *args, output: str, **options):
        target = Path(output)
        # Written beside the target and renamed when complete: a failed export leaves no
        # half file that could be mistaken for a backup.
        partial = target.with_name(f".{target.name}.part")
        try:
            call_command(
                "dumpdata",
                *EXPORT_LABELS,
                natural_foreign=True,
                natural_primary=True,
                output=str(partial),
                verbosity=0,
            )
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(f"Alle data er eksporteret til {target}."))
