"""A message's one attachment: a PDF or a PNG/JPEG image, its type read from its content (never
from its name or the browser's Content-Type), kept in the default storage under the portal's
folder and served only by a view that checks who asks."""

import os
import re
import secrets
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import connection

from tenants.images import ImageRejected, image_verify
from tenants.services import portal_files_folder

from .errors import ATTACHMENT_MAX_BYTES, QuestionError

PDF_MAGIC = b"%PDF-"
IMAGE_FORMATS = ("PNG", "JPEG")
# A camera's JPEG with several pictures (MPO) opens as JPEG and says MPO.
IMAGE_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"), "MPO": ("image/jpeg", "jpg")}
PDF_TYPE = ("application/pdf", "pdf")
IMAGE_REFUSALS = {
    ImageRejected.TOO_MANY_PIXELS: QuestionError.ATTACHMENT_TOO_MANY_PIXELS,
    ImageRejected.WEBP_TOO_MANY_PIXELS: QuestionError.ATTACHMENT_TOO_MANY_PIXELS,
    ImageRejected.DAMAGED: QuestionError.ATTACHMENT_DAMAGED,
}


@dataclass(frozen=True)
class Attachment:
    """An upload that passed the checks, not stored yet."""

    upload: object
    name: str
    content_type: str
    extension: str
    size: int


def attachment_check(upload) -> Attachment:
    """The upload if it is a PDF (by its first bytes) or a PNG/JPEG within the pixel limits
    (tenants.images.image_verify: the header's dimensions first, then a full decode), at most
    ATTACHMENT_MAX_BYTES; QuestionError otherwise."""
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise QuestionError(QuestionError.ATTACHMENT_TOO_LARGE)
    upload.seek(0)
    if upload.read(len(PDF_MAGIC)) == PDF_MAGIC:
        content_type, extension = PDF_TYPE
    else:
        upload.seek(0)
        try:
            image_format = image_verify(upload, formats=IMAGE_FORMATS)
        except ImageRejected as error:
            raise QuestionError(IMAGE_REFUSALS.get(error.code, QuestionError.ATTACHMENT_TYPE)) from error
        content_type, extension = IMAGE_TYPES[image_format]
    upload.seek(0)
    return Attachment(upload=upload, name=_display_name(upload.name, extension), content_type=content_type,
                      extension=extension, size=upload.size)


def _display_name(name: str, extension: str) -> str:
    """The name the download gets: the person's, made safe, with the extension of its real type."""
    stem = os.path.splitext(os.path.basename((name or "").replace("\\", "/")))[0]
    stem = re.sub(r"[^\w .()-]", "", stem).strip(" .")[:80] or "adjunto"
    return f"{stem}.{extension}"


def attachment_store(attachment: Attachment, *, question_id: int) -> str:
    """Saved under the portal's folder with an unguessable name. Returns its path in storage."""
    folder = f"{portal_files_folder(connection.schema_name)}consultas/{question_id}"
    path = f"{folder}/{secrets.token_hex(16)}.{attachment.extension}"
    return default_storage.save(path, attachment.upload)


def attachment_delete(path: str) -> None:
    if path:
        default_storage.delete(path)
