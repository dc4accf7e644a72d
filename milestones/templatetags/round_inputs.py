"""Fast markup for the rows of a round page.

A round page lists every initiative of the round, a few hundred rows. Django renders each
widget through its own templates, which made up most of the page's time; these tags write the
same markup directly. Names, ids, values and checked state come from the bound form, so
validation and the plain form post are unchanged.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from milestones.forms import CONFLICTED
from milestones.models import TEXT_MAX_LENGTH, Smiley
from milestones.templatetags.smileys import smiley

register = template.Library()

MAX_LABEL = f"{TEXT_MAX_LENGTH:,}".replace(",", ".")


def _invalid(field: BoundField) -> SafeString:
    return mark_safe(' aria-invalid="true"') if field.errors else mark_safe("")


@register.simple_tag
def row_textarea(field: BoundField, rows: int = 2) -> SafeString:
    """A textarea that never cuts a paste: the limit is shown and checked, not enforced by the
    browser (``data-maxlength``; a ``maxlength`` would drop what is over it without a word)."""
    value = field.value()
    count_id = f"{field.auto_id}-count"
    return format_html(
        '<textarea name="{}" id="{}" rows="{}" data-maxlength="{}" aria-describedby="{}"{}>\n{}'
        "</textarea>"
        '<p class="field__count" id="{}" data-count-for="{}">{}</p>',
        field.html_name,
        field.auto_id,
        rows,
        TEXT_MAX_LENGTH,
        count_id,
        _invalid(field),
        "" if value is None else value,
        count_id,
        field.auto_id,
        _("Højst %(max)s tegn.") % {"max": MAX_LABEL},
    )


@register.simple_tag(takes_context=True)
def row_text_field(context, field: BoundField) -> SafeString:
    """Label, textarea with its character count, and errors."""
    label = field.label
    if field.name == "milestone_text" and context.get("round") is not None:
        label = _("Milepæl (%(round)s)") % {"round": context["round"].label}
    errors = format_html_join("", '<p class="field__error">{}</p>', ((e,) for e in field.errors))
    return format_html(
        '<div class="field"><label for="{}">{}</label>{}{}</div>',
        field.auto_id,
        label,
        row_textarea(field),
        errors,
    )


@register.simple_tag
def row_started_from(form) -> SafeString:
    """The hidden inputs with the value each field showed when the form was made, and the
    fields whose conflict the user is resolving."""
    parts = []
    for name in form.value_fields:
        field = form[name]
        initial = form.original(name) if form.is_bound else None
        if initial is None:
            initial = field.initial if field.initial is not None else ""
        parts.append(
            format_html(
                '<input type="hidden" name="{}" value="{}" id="initial-{}">',
                form.add_initial_prefix(name),
                initial,
                field.auto_id,
            )
        )
    if form.conflict_names:
        parts.append(
            format_html(
                '<input type="hidden" name="{}" value="{}">',
                form.add_prefix(CONFLICTED),
                ",".join(form.conflict_names),
            )
        )
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def row_smiley_radios(context, field: BoundField) -> SafeString:
    current = str(field.value() or "")
    parts = []
    for index, (value, _label) in enumerate(field.field.choices):
        input_id = f"{field.auto_id}_{index}"
        parts.append(
            format_html(
                '<label for="{0}" class="smiley-choice__option"><input type="radio" name="{1}" '
                'value="{2}" id="{0}"{3}{4}> {5}</label>',
                input_id,
                field.html_name,
                value,
                mark_safe(" checked") if value == current else "",
                _invalid(field),
                smiley(context, value),
            )
        )
    return mark_safe("".join(parts))


def _text(value: str) -> str:
    return linebreaksbr(escape(value)) if value else "–"


class _RowMarkup:
    """What every row of a page shares, worked out once per page: the translated labels, the
    smileys' markup and the URL patterns. The rows are then plain string formatting, which
    keeps a page of a few hundred rows fast."""

    def __init__(self, context) -> None:
        round_ = context["round"]
        self.labels = {
            key: escape(text)
            for key, text in {
                "missing": _("Mangler vurdering"),
                "milestone": _("Milepæl"),
                "smiley": _("Smiley"),
                "status": _("Status"),
                "economy": _("Økonomi"),
                "economy_smiley": _("Smiley for økonomien"),
                "economy_status": _("Status på økonomien"),
                "edit": _("Redigér"),
                "earlier": _("Tidligere opfølgninger"),
                "no_center": _("Intet ansvarligt center"),
                "closed": _("Afsluttet"),
            }.items()
        }
        self.smileys = {
            (value, small): str(smiley(context, value, size=16 if small else 22))
            for value in Smiley.values
            for small in (False, True)
        }
        # "/opfoelgning/7/indsats/0/" -> "/opfoelgning/7/indsats/{}/"
        self.row_url = reverse("milestones:row", args=[round_.pk, 0])[:-2] + "{}/"
        self.initiative_url = reverse("finance:initiative", args=[0])[:-2] + "{}/"

    @classmethod
    def of(cls, context) -> _RowMarkup:
        cache = context.render_context
        if "round_row_markup" not in cache:
            cache["round_row_markup"] = cls(context)
        return cache["round_row_markup"]

    def values(self, row) -> str:
        labels, status, economy = self.labels, row.status, row.economy
        parts = []
        if row.is_missing:
            parts.append(f'<p class="round-row__missing"><strong>{labels["missing"]}</strong></p>')
        parts.append('<dl class="round-row__values">')
        if status is not None:
            parts.append(
                f"<div><dt>{labels['milestone']}</dt><dd>{_text(status.milestone.text)}</dd></div>"
                f"<div><dt>{labels['smiley']}</dt><dd>{self.smileys[status.smiley, False]}</dd>"
                f"</div><div><dt>{labels['status']}</dt><dd>{_text(status.text)}</dd></div>"
            )
        if economy is not None:
            parts.append(
                f"<div><dt>{labels['economy']}</dt><dd>{_text(economy.text)}</dd></div>"
                f"<div><dt>{labels['economy_smiley']}</dt>"
                f"<dd>{self.smileys[economy.smiley, False]}</dd></div>"
                f"<div><dt>{labels['economy_status']}</dt><dd>{_text(economy.status_text)}</dd>"
                "</div>"
            )
        parts.append("</dl>")
        return "".join(parts)

    def edit_link(self, row) -> str:
        if not row.can_edit:
            return ""
        url = self.row_url.format(row.initiative.pk)
        return (
            f'<p class="round-row__actions"><a class="button button--secondary" href="{url}" '
            f'hx-get="{url}" data-row-edit>{self.labels["edit"]}<span class="visually-hidden"> '
            f"{escape(row.initiative.label)}</span></a></p>"
        )

    def body(self, row) -> str:
        missing = " round-row__body--missing" if row.is_missing else ""
        return (
            f'<div class="round-row__body{missing}" id="row-{row.initiative.pk}-body">'
            f"{self.values(row)}{self.edit_link(row)}</div>"
        )

    def row(self, row) -> str:
        initiative, labels = row.initiative, self.labels
        meta = (
            escape(initiative.responsible_center.name)
            if initiative.responsible_center
            else labels["no_center"]
        )
        if initiative.closed:
            meta += " · " + labels["closed"]
        earlier = "".join(
            f"<li>{escape(e.label)}: {self.smileys[e.smiley, True]}</li>"
            for e in row.earlier
            if e.smiley
        )
        if earlier:
            earlier = (
                f'<ul class="round-row__earlier" aria-label="{labels["earlier"]}">{earlier}</ul>'
            )
        pk = initiative.pk
        return (
            f'<article class="round-row" id="row-{pk}" aria-labelledby="row-{pk}-title">'
            f'<h4 class="round-row__title" id="row-{pk}-title">'
            f'<a href="{self.initiative_url.format(pk)}">{escape(initiative.label)}</a></h4>'
            f'<p class="round-row__meta">{meta}</p>{earlier}{self.body(row)}</article>'
        )


@register.simple_tag(takes_context=True)
def row_values(context, row) -> SafeString:
    """The row's stored values, compact: milestone, smiley and status; the economy line."""
    return mark_safe(_RowMarkup.of(context).values(row))


@register.simple_tag(takes_context=True)
def row_body(context, row) -> SafeString:
    """The row's body as stored (not editing): values, and "Redigér" for who may change it."""
    return mark_safe(_RowMarkup.of(context).body(row))


@register.simple_tag(takes_context=True)
def round_row(context, row) -> SafeString:
    """One initiative of the round, compact: title, center, earlier smileys and the body."""
    return mark_safe(_RowMarkup.of(context).row(row))
