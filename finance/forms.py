"""The upload form of the Excel imports, and the upload handler that enforces the size cap."""

from __future__ import annotations

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from finance.excel import MAX_UPLOAD_BYTES, XLSX_CONTENT_TYPE, megabytes
from finance.imports import refuse_file_name, too_big_message


class UploadSizeLimit(FileUploadHandler):
    """Stops storing an uploaded file as soon as it passes the cap.

    Django would otherwise write the whole file to a temporary file before the form sees its
    size. The request is marked, so the form can say the file was too big.
    """

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES:
            self.request.upload_too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_upload_size(request) -> None:
    """Put the size cap first among the request's upload handlers, if the body is unread."""
    # Setting handlers after the body has been parsed raises; then the form's size check holds.
    if not hasattr(request, "_files"):
        request.upload_handlers.insert(0, UploadSizeLimit(request))


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel-fil (.xlsx)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, too_big: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        self.fields["file"].help_text = _("En Excel-projektmappe (.xlsx) på højst %(max)s MB.") % {
            "max": megabytes(MAX_UPLOAD_BYTES)
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_big:
            raise forms.ValidationError(too_big_message())
        if not upload:
            raise forms.ValidationError(_("Vælg en fil at indlæse."))
        refusal = refuse_file_name(upload.name)
        if refusal:
            raise forms.ValidationError(refusal)
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_big_message(upload.size))
        return upload
