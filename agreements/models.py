"""Budget agreements and what they are made of: committees, centers, chapters, initiatives."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements import text as normalized

# A budget agreement covers its budget year and the three years after (overslagsår).
PERIOD_LENGTH = 4

INITIATIVE_NUMBER_RE = re.compile(r"^\d+(\.\d+)*$")


class Committee(models.Model):
    """A standing committee of the city council (udvalg)."""

    name = normalized.CharField(_("navn"), max_length=120, unique=True)
    code = normalized.CharField(
        _("forkortelse"), max_length=10, unique=True, help_text=_("F.eks. ØKU, EBU, BSU.")
    )
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("udvalg")
        verbose_name_plural = _("udvalg")

    def __str__(self) -> str:
        return self.name


class Center(models.Model):
    """A department of the administration (center), e.g. Økonomi og Styring."""

    name = normalized.CharField(_("navn"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("center")
        verbose_name_plural = _("centre")

    def __str__(self) -> str:
        return self.name


class BudgetAgreement(models.Model):
    """The political agreement on one year's budget (Aftale om budget 2019)."""

    year = models.PositiveSmallIntegerField(
        _("budgetår"), unique=True, help_text=_("Perioden er budgetåret og de tre overslagsår.")
    )
    title = normalized.CharField(_("titel"), max_length=200)
    signed_on = models.DateField(_("underskrevet"), null=True, blank=True)
    parties = normalized.TextField(_("parter"), blank=True)

    milestone_green = normalized.CharField(_("indsats: grøn smiley"), max_length=300)
    milestone_yellow = normalized.CharField(_("indsats: gul smiley"), max_length=300)
    milestone_red = normalized.CharField(_("indsats: rød smiley"), max_length=300)
    economy_green = normalized.CharField(_("økonomi: grøn smiley"), max_length=300)
    economy_red = normalized.CharField(_("økonomi: rød smiley"), max_length=300)
    reading_guide = normalized.TextField(
        _("læsevejledning"), blank=True, help_text=_("Indledningen til rapportens læsevejledning.")
    )

    department = normalized.CharField(
        _("afsender (center)"), max_length=120, default="Økonomi og Styring"
    )
    contact_person = normalized.CharField(_("kontaktperson"), max_length=120, blank=True)
    phone = normalized.CharField(_("direkte telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    case_id = normalized.CharField(_("sagsid"), max_length=60, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("budgetaftale")
        verbose_name_plural = _("budgetaftaler")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2200), name="agreement_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_year(self) -> int:
        return self.year + PERIOD_LENGTH - 1

    @property
    def period_years(self) -> list[int]:
        return list(range(self.year, self.year + PERIOD_LENGTH))

    @property
    def period_label(self) -> str:
        return f"{self.year}-{self.last_year}"

    def milestone_definitions(self) -> dict[str, str]:
        return {
            "green": self.milestone_green,
            "yellow": self.milestone_yellow,
            "red": self.milestone_red,
        }

    def economy_definitions(self) -> dict[str, str]:
        return {"green": self.economy_green, "red": self.economy_red}


class Chapter(models.Model):
    """A numbered theme of the agreement (3. En stærk uddannelsesby)."""

    agreement = models.ForeignKey(
        BudgetAgreement,
        on_delete=models.CASCADE,
        related_name="chapters",
        verbose_name=_("budgetaftale"),
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = normalized.CharField(_("titel"), max_length=200)
    introduction = normalized.TextField(_("indledning"), blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("kapitel")
        verbose_name_plural = _("kapitler")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="chapter_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


def initiative_sort_key(number: str) -> str:
    """A string that sorts initiative numbers naturally: 3.9 < 3.10, 3.8 < 3.8.1 < 3.9.

    Unnumbered initiatives get "~", which sorts after every digit.
    """
    if not number:
        return "~"
    return ".".join(f"{int(part):05d}" if part.isdigit() else part for part in number.split("."))


class InitiativeKind(models.TextChoices):
    OPERATIONS = "drift", _("drift")
    CAPITAL = "anlaeg", _("anlæg")
    BOTH = "drift_og_anlaeg", _("drift og anlæg")
    OTHER_FUNDING = "oevrig_finansiering", _("øvrig finansiering")


class InitiativeQuerySet(models.QuerySet):
    def for_agreement(self, agreement: BudgetAgreement) -> InitiativeQuerySet:
        return self.filter(chapter__agreement=agreement)

    def active(self) -> InitiativeQuerySet:
        return self.filter(closed=False)


class Initiative(models.Model):
    """One element of the agreement (delelement / indsats), followed up on at every round."""

    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("kapitel")
    )
    number = normalized.CharField(
        _("nummer"), max_length=20, blank=True, help_text=_("F.eks. 3.8, 3.8.1 eller 5.08.2.")
    )
    part = normalized.CharField(_("del"), max_length=40, blank=True, help_text=_("F.eks. »del 1«."))
    title = normalized.CharField(_("titel"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=InitiativeKind.choices, blank=True)
    description = normalized.TextField(_("kort beskrivelse af indsatsen"), blank=True)
    responsible_center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("ansvarligt center"),
    )
    responsible_committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("ansvarligt udvalg"),
    )
    contributors = normalized.TextField(_("væsentlig bidragsyder"), blank=True)
    elaboration = normalized.TextField(_("uddybning"), blank=True)
    source_reference = normalized.CharField(
        _("kilde"), max_length=120, blank=True, help_text=_("F.eks. »Sparekataloget 3.01«.")
    )
    closed = models.BooleanField(
        _("afsluttet"),
        default=False,
        help_text=_("Afsluttede indsatser indgår ikke i opfølgningen fremadrettet."),
    )
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    sort_key = models.CharField(max_length=60, editable=False, db_index=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["chapter__number", "sort_key", "part", "order", "title"]
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        constraints = [
            models.UniqueConstraint(
                fields=["chapter", "number", "part"],
                condition=~Q(number=""),
                name="initiative_number_unique",
            ),
            models.UniqueConstraint(
                fields=["chapter", "title"],
                condition=Q(number=""),
                name="initiative_unnumbered_title_unique",
            ),
            models.CheckConstraint(
                condition=Q(number="") | Q(number__regex=r"^[0-9]+(\.[0-9]+)*$"),
                name="initiative_number_format",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        # The sort key is a cheap derived value, kept in the row so the database can sort.
        self.sort_key = initiative_sort_key(self.number)
        if kwargs.get("update_fields") is not None and "number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        parts = [self.number, self.title]
        if self.part:
            parts.append(f"({self.part})")
        return " ".join(p for p in parts if p)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.number and not INITIATIVE_NUMBER_RE.match(self.number):
            raise ValidationError(
                {"number": _("Nummeret skal bestå af tal adskilt af punktum, f.eks. 3.8.1.")}
            )


class Role(models.TextChoices):
    FINANCE = "finance", _("Økonomi og Styring")
    SECRETARY = "secretary", _("Udvalgssekretær")


class StaffProfile(models.Model):
    """What a user does in the application and for which committees.

    Finance staff with no committees work for every committee; a secretary sees only the
    committees listed. Superusers are administrators and need no profile.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("bruger"),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    committees = models.ManyToManyField(
        Committee,
        blank=True,
        related_name="staff",
        verbose_name=_("udvalg"),
        help_text=_("Økonomimedarbejdere uden udvalg arbejder for alle udvalg."),
    )

    class Meta:
        verbose_name = _("brugerprofil")
        verbose_name_plural = _("brugerprofiler")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class SsoGroupMapping(models.Model):
    """What a group of the single sign-on provider grants in the application.

    At every single sign-on login the groups in the user's group claim are looked up here (case
    and surrounding spaces do not matter) and what they grant is combined: administrator if any
    of them says so; the strongest of their roles (finance staff over secretary); the committees
    of the groups with that role. Groups that match nothing grant nothing: no role. A later kind
    of role (center staff) adds its field here next to ``committees`` (e.g. ``centers``).
    """

    group = normalized.CharField(
        _("gruppe"),
        max_length=255,
        unique=True,
        help_text=_("Gruppens navn eller id, som log ind-tjenesten sender det (gruppe-claimet)."),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, blank=True)
    is_administrator = models.BooleanField(
        _("administrator"),
        default=False,
        help_text=_("Fuld adgang til alt, også administrationen (superbruger)."),
    )
    committees = models.ManyToManyField(
        Committee,
        blank=True,
        related_name="sso_groups",
        verbose_name=_("udvalg"),
        help_text=_(
            "Udvalgene, rollen gælder for. Økonomimedarbejdere uden udvalg arbejder for alle "
            "udvalg."
        ),
    )

    class Meta:
        ordering = ["group"]
        verbose_name = _("SSO-gruppe")
        verbose_name_plural = _("SSO-grupper")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="") | Q(is_administrator=True),
                name="sso_group_grants_something",
            ),
        ]

    def __str__(self) -> str:
        return self.group

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        self.group = self.group.strip()
        if not self.role and not self.is_administrator:
            raise ValidationError(_("Vælg en rolle, eller gør gruppen til administratorer."))
        same = [
            other.group
            for other in SsoGroupMapping.objects.exclude(pk=self.pk).only("group")
            if other.group.strip().casefold() == self.group.casefold()
        ]
        if same:
            raise ValidationError(
                {"group": _("Gruppen findes allerede som »%(group)s«.") % {"group": same[0]}}
            )
