"""Checks of uploaded evidence files: an allowed type (by name and by content) and at most 10 MB.

The content is checked too, because a name alone proves nothing: an executable renamed to
.pdf must not be stored and later offered to colleagues as evidence.
"""

import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg", ".txt")


def _head(upload, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _zip_has(upload, folder: str) -> bool:
    """An Office Open XML file is a zip archive with the part folder of its kind (word/, xl/)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _is_text(upload) -> bool:
    upload.seek(0)
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    upload.seek(0)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")  # Windows text files from Notepad in older municipal setups
        except UnicodeDecodeError:
            return False
    return True


def _content_matches(upload, extension: str) -> bool:
    head = _head(upload)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".docx":
        return _zip_has(upload, "word/")
    if extension == ".xlsx":
        return _zip_has(upload, "xl/")
    return _is_text(upload)


def validate_evidence_file(upload) -> None:
    """Raise ValidationError unless `upload` is a PDF, Word, Excel, PNG, JPEG or text file of at most 10 MB."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Upload a PDF, Word (.docx), Excel (.xlsx), PNG, JPEG or text file; “%(name)s” is not one of those.")
            % {"name": PurePath(upload.name or "").name},
            code="file_type",
        )
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("The file is %(size)s; files of at most %(limit)s can be uploaded.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_EVIDENCE_BYTES)},
            code="file_size",
        )
    if not _content_matches(upload, extension):
        raise ValidationError(
            _("The content of “%(name)s” does not match its file type; upload the original document.")
            % {"name": PurePath(upload.name).name},
            code="file_content",
        )
