"""Images uploaded by portal admins (profile image, company logo), made safe to serve."""

import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from PIL import Image, UnidentifiedImageError

IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}


class ImageRejected(ValueError):
    TOO_LARGE = "image_too_large"
    NOT_AN_IMAGE = "image_invalid"

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def clean_png(upload, *, max_side: int) -> bytes:
    """PNG, JPEG or WebP up to 2 MB, re-encoded as PNG of at most `max_side` pixels (which
    drops any metadata and anything hidden after the image data); anything else, SVG
    included, raises ImageRejected."""
    if upload.size > IMAGE_MAX_BYTES:
        raise ImageRejected(ImageRejected.TOO_LARGE)
    try:
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                raise ImageRejected(ImageRejected.NOT_AN_IMAGE)
            image.load()
            clean = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ImageRejected(ImageRejected.NOT_AN_IMAGE) from error
    clean.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    clean.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def png_store(content: bytes, *, folder: str) -> str:
    """Save a PNG under `folder`, named by its content. Returns its path in storage."""
    digest = hashlib.sha256(content).hexdigest()[:16]
    return default_storage.save(f"{folder}/{digest}.png", ContentFile(content))


def png_forget(previous: str, current: str) -> None:
    """Once the new image is saved where it is used, remove the one it replaced."""
    if previous and previous != current:
        default_storage.delete(previous)


def png_response(path: str) -> FileResponse:
    """A stored PNG, or 404 when there is none."""
    if not path:
        raise Http404
    try:
        return FileResponse(default_storage.open(path, "rb"), content_type="image/png")
    except FileNotFoundError as error:
        raise Http404 from error
