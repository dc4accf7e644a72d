"""Template helpers for amounts and smileys, shared by pages and reports."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.html import format_html

register = template.Library()


@register.filter
def amount(value: Decimal | int | None) -> str:
    """A Danish amount: 23.000, -100, 0,5, -0,025; blank for None."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def money2(value: Decimal | None) -> str:
    """Mio. kr. with two decimals as the savings catalogue prints them: -0,05; -12,40."""
    if value is None:
        return ""
    decimals = 3 if Decimal(value).normalize().as_tuple().exponent < -2 else 2
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.simple_tag(takes_context=True)
def smiley(context, value: str, label: str = "", size: int = 22) -> str:
    """A smiley pictogram whose shape differs per level, with the level in text.

    Pages (rendered with a request) reference the symbols defined once in base.html, which keeps
    a round page with hundreds of smileys small; PDFs (no request) get the full inline SVG with
    a <title>, which WeasyPrint needs for the figure's alternative text (PDF/UA).
    """
    from milestones.models import Smiley

    value = Smiley(value or Smiley.NOT_ASSESSED)
    label = label or value.label
    if context.get("request") is None:
        return render_to_string(
            "includes/smiley.html", {"value": value.value, "label": label, "size": size}
        )
    return format_html(
        '<span class="smiley smiley--{0}"><svg class="smiley__icon" width="{1}" height="{1}" '
        'aria-hidden="true" focusable="false"><use href="#smiley-{0}"></use></svg>'
        '<span class="smiley__label">{2}</span></span>',
        value.value,
        size,
        label,
    )
