from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from agreements.models import BudgetAgreement, Initiative


class AgreementTable(tables.Table):
    title = tables.Column(linkify=True, verbose_name=_("Aftale"))
    year = tables.Column(verbose_name=_("Budgetår"))
    period_label = tables.Column(
        verbose_name=_("Periode"), accessor="period_label", orderable=False
    )
    signed_on = tables.DateColumn(verbose_name=_("Underskrevet"), format="j. F Y")
    chapter_count = tables.Column(verbose_name=_("Kapitler"))
    initiative_count = tables.Column(verbose_name=_("Indsatser"))

    class Meta:
        model = BudgetAgreement
        fields = ["title", "year", "period_label", "signed_on", "chapter_count", "initiative_count"]
        orderable = False
        attrs = {"class": "table"}


class InitiativeTable(tables.Table):
    agreement = tables.Column(
        verbose_name=_("Budgetår"),
        accessor="chapter__agreement__year",
        order_by=("-chapter__agreement__year",),
    )
    number = tables.Column(verbose_name=_("Nr."), order_by=("chapter__number", "sort_key", "part"))
    title = tables.Column(linkify=True, verbose_name=_("Indsats"))
    chapter = tables.Column(verbose_name=_("Kapitel"), order_by=("chapter__number",))
    kind = tables.Column(verbose_name=_("Type"))
    responsible_committee = tables.Column(verbose_name=_("Ansvarligt udvalg"))
    responsible_center = tables.Column(verbose_name=_("Ansvarligt center"))

    class Meta:
        model = Initiative
        fields = [
            "agreement",
            "number",
            "title",
            "chapter",
            "kind",
            "responsible_committee",
            "responsible_center",
        ]
        attrs = {"class": "table"}
        empty_text = _("Ingen indsatser matcher filtrene.")

    def render_title(self, record: Initiative, value: str) -> str:
        return f"{value} ({record.part})" if record.part else value
