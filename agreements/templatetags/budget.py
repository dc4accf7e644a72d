"""Template helpers for amounts, shared by pages, reports and workbooks."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

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
