"""The one text rule: how every text the application stores is normalised.

Browsers send line breaks as ``\\r\\n``, Excel as ``\\n`` or ``_x000D_``, a paste from Word may
bring a byte-order mark, non-breaking line separators or decomposed letters (``a`` + ring
instead of ``å``). If every path kept what it was given, the same words would be stored in
different bytes, and a comparison ("did the user change this field?") would see a change
where there is none. So there is one rule, applied at the model boundary by the text fields
below (every path that saves a model goes through them: pages, admin, Excel, commands, the
model API and bulk writes) and by the form field the models and forms share:

- Unicode normal form NFC (``å`` is one code point);
- every kind of line break becomes ``\\n``;
- control characters other than line feed and tab are removed (they are invisible, XML and
  PostgreSQL refuse some of them, and a NUL cannot be stored at all);
- blanks at the end of a line and around the whole text are removed;
- single-line fields (names, titles, codes) turn line breaks into one space.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core import validators
from django.db import models

# CR LF, CR, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR, vertical tab and form feed.
_LINE_BREAK = re.compile("\r\n|[\r\x85\u2028\u2029\x0b\x0c]")
# C0 controls except tab and line feed, DEL, C1 controls, lone surrogates, the byte-order mark
# (zero-width no-break space) and the two non-characters U+FFFE/U+FFFF.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_LINE_END_BLANKS = re.compile("[ \t]+\n")
_JOINED_LINES = re.compile("[ \t]*\n[ \t]*")


def normalize_text(value: Any, *, single_line: bool = False) -> str:
    """``value`` as the application stores it (see the module's docstring). None gives ""."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _LINE_BREAK.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _LINE_END_BLANKS.sub("\n", text)
    if single_line:
        text = _JOINED_LINES.sub(" ", text)
    return text.strip()


class NormalizedFormField(forms.CharField):
    """A form field that cleans its value by the text rule before any length check, so the
    limit counts what will be stored (a browser's ``\\r\\n`` is one character)."""

    def __init__(self, *, single_line: bool = False, **kwargs) -> None:
        self.single_line = single_line
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        return normalize_text(value, single_line=self.single_line)


class _NormalizedField:
    """Applies the text rule to the value saved (``pre_save``: ``save()``, ``bulk_create``),
    to every value sent to the database (``get_prep_value``: ``update()``, ``bulk_update``),
    and in ``full_clean`` (``to_python``)."""

    single_line = False

    def _normalize(self, value: Any) -> Any:
        if value is None or not isinstance(value, str):
            return value
        return normalize_text(value, single_line=self.single_line)

    def to_python(self, value: Any) -> Any:
        return self._normalize(super().to_python(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self._normalize(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        return self._normalize(super().get_prep_value(value))

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": NormalizedFormField, "single_line": self.single_line, **kwargs}
        )


class TextField(_NormalizedField, models.TextField):
    """A multi-line text under the text rule. ``max_length`` is enforced in ``full_clean``
    (Django's own TextField leaves it to the form)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))


class CharField(_NormalizedField, models.CharField):
    """A one-line text (name, title, code) under the text rule: line breaks become a space."""

    single_line = True


def normalize_stored_texts(apps, app_label: str) -> int:
    """For a data migration: apply the text rule to every stored value of the app's normalised
    text fields (not the history, which records what was stored at the time). Returns the
    number of rows changed. Rows are written with ``update()`` on the migration's plain
    managers, so a locked round's rows are normalised too: their words do not change."""
    changed = 0
    for model in apps.get_app_config(app_label).get_models():
        if model._meta.object_name.startswith("Historical"):
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, _NormalizedField)]
        if not fields:
            continue
        for row in model._base_manager.values("pk", *[f.attname for f in fields]).iterator():
            updates = {
                f.attname: normalize_text(row[f.attname], single_line=f.single_line)
                for f in fields
                if row[f.attname] is not None
            }
            updates = {name: value for name, value in updates.items() if value != row[name]}
            if updates:
                # ``update()`` sends the values through the fields, which normalise again: a
                # no-op, since they already are.
                model._base_manager.filter(pk=row["pk"]).update(**updates)
                changed += 1
    return changed


def text_digest(value: Any) -> str:
    """A short fingerprint of a value as stored, for a workbook to say which value a cell
    started from without carrying the text itself."""
    import hashlib

    return hashlib.sha256(normalize_text(value).encode()).hexdigest()[:16]
