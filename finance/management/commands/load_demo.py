"""Load the Ballerup demo data and the three demo users. Safe to run again."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agreements.models import Committee, Role, StaffProfile
from finance import fixture_loader

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    # username, first name, last name, role (None = superuser), committee codes
    ("admin", "Anne", "Administrator", None, []),
    ("oekonomi", "Ole", "Økonomimedarbejder", Role.FINANCE, []),
    ("sekretaer", "Sara", "Sekretær", Role.SECRETARY, ["EBU"]),
]


class Command(BaseCommand):
    help = "Indlæser Ballerup Kommunes demodata (budget 2016, 2017 og 2019) og demobrugerne."

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="Opret ikke demobrugerne.")

    @transaction.atomic
    def handle(self, *args, no_users: bool = False, **options):
        fixture_loader.load_committees()
        actor = self._actor(no_users)
        for path in fixture_loader.agreement_fixture_paths():
            agreement = fixture_loader.load_agreement(path, actor)
            self.stdout.write(f"Indlæst {agreement.title} fra {path.name}")

    def _actor(self, no_users: bool):
        """Who opens the demo's open rounds: the demo administrator, or (with --no-users) an
        administrator who exists already."""
        if not no_users:
            self._create_users()
            return get_user_model().objects.get(username="admin")
        actor = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
        if actor is None:
            raise CommandError(
                "Der findes ingen administrator til at åbne demoens opfølgninger. Kør uden "
                "--no-users, eller opret en med »manage.py createsuperuser«."
            )
        return actor

    def _create_users(self) -> None:
        User = get_user_model()
        for username, first, last, role, codes in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_staff = role is None
            user.is_superuser = role is None
            user.save()
            if role is not None:
                profile, _ = StaffProfile.objects.update_or_create(
                    user=user, defaults={"role": role}
                )
                profile.committees.set(Committee.objects.filter(code__in=codes))
        self.stdout.write(
            self.style.SUCCESS(
                "Demobrugere (adgangskode »demo«): admin (administrator), "
                "oekonomi (Økonomi og Styring), sekretaer (sekretær for "
                "Erhvervs- og Beskæftigelsesudvalget)"
            )
        )
