"""Images uploaded by portal admins (profile image, company logo), made safe to serve."""

import hashlib
import io
import math
import warnings
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, UnidentifiedImageError

from portal_core.errors import DomainError

IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP")
IMAGE_MAX_SIDE = 4096
IMAGE_MAX_PIXELS = IMAGE_MAX_SIDE * IMAGE_MAX_SIDE
# Decoding a WebP takes about 16 bytes a pixel (libwebp keeps two full canvases and Pillow copies
# the frame twice) against 4 for PNG, and it cannot be decoded reduced as JPEG can: a smaller
# budget keeps every accepted upload under 100 MB.
WEBP_MAX_PIXELS = 5_000_000

# Pillow compares every image it opens with this as soon as the header is read, before any
# decoding (for WebP, before the decoder allocates its canvas). Process-wide on purpose: setting
# it around each call would race between threads, and nothing here opens larger images.
Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS

# The transposition that shows a photo upright, by its EXIF orientation (as ImageOps.exif_transpose,
# but applied to the reduced image, not to a full-size copy).
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}

# Rows converted to RGBA at a time when an image is shrunk (see `_reduced_rgba`).
BAND_ROWS = 128


class ImageRejected(DomainError):
    """Why an upload was refused, for the admin who chose it (portal_core.errors' convention:
    the code, and `message` in Spanish)."""

    TOO_LARGE = "image_too_large"
    TOO_MANY_PIXELS = "image_too_many_pixels"
    WEBP_TOO_MANY_PIXELS = "image_webp_too_many_pixels"
    DAMAGED = "image_damaged"
    NOT_AN_IMAGE = "image_invalid"

    MESSAGES = {
        TOO_LARGE: _("La imagen supera los 2 MB: elija una más liviana."),
        TOO_MANY_PIXELS: _("La imagen es demasiado grande: como máximo %(side)d × %(side)d píxeles."),
        WEBP_TOO_MANY_PIXELS: _("La imagen WebP es demasiado grande: como máximo %(millions)d millones de píxeles "
                                "(por ejemplo, 2500 × 2000). Redúzcala o súbala como PNG o JPEG."),
        DAMAGED: _("La imagen está dañada o incompleta: vuelva a guardarla e intente de nuevo."),
        NOT_AN_IMAGE: _("El archivo no es una imagen PNG, JPEG o WebP válida."),
    }

    def __init__(self, code: str):
        super().__init__(code, side=IMAGE_MAX_SIDE, millions=WEBP_MAX_PIXELS // 1_000_000)


def clean_png(upload, *, max_side: int) -> bytes:
    """PNG, JPEG or WebP up to 2 MB and 4096 x 4096 pixels, re-encoded as PNG of at most
    `max_side` pixels, upright by its EXIF orientation (which drops any metadata and anything
    hidden after the image data); of an
    animation (APNG, animated WebP) only the first frame is kept. Anything else, SVG included,
    and a truncated file, raises ImageRejected.

    The size is checked from the header, before anything is decoded, so a small file that would
    decode to gigabytes costs nothing. What is accepted is decoded reduced where the format
    allows (JPEG) and never held as a full-size RGBA copy, which keeps an upload under 100 MB."""
    if upload.size > IMAGE_MAX_BYTES:
        raise ImageRejected(ImageRejected.TOO_LARGE)
    with _decoding(), Image.open(upload, formats=IMAGE_FORMATS) as image:
        _size_check(image)
        image.seek(0)
        if image.format in ("JPEG", "MPO"):
            image.draft(None, _draft_size(image.size, max_side))
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
        image.load()
        clean = _reduced_rgba(image, max_side)
    if orientation in UPRIGHT:  # a phone's photo taken sideways comes out upright
        clean = clean.transpose(UPRIGHT[orientation])
    buffer = io.BytesIO()
    clean.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def image_verify(upload, *, formats: tuple[str, ...]) -> str:
    """The format (one of `formats`) of an uploaded image that is within the pixel limits
    (read from its header, before anything is decoded) and decodes whole; ImageRejected
    otherwise. For an upload kept as it came (an attachment), where `clean_png` would re-encode.
    The caller checks the size in bytes, and seeks the upload back to read it."""
    with _decoding(), Image.open(upload, formats=formats) as image:
        _size_check(image)
        image_format = image.format
        image.load()  # within the limits just checked: at most IMAGE_MAX_PIXELS decoded
    return image_format


@contextmanager
def _decoding():
    """Pillow's failures while reading an upload, as the ImageRejected the person can act on."""
    try:
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; here it refuses. (The
        # explicit check in `_size_check` does not depend on this filter.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except ImageRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise ImageRejected(ImageRejected.TOO_MANY_PIXELS) from error
    except UnidentifiedImageError as error:
        raise ImageRejected(ImageRejected.NOT_AN_IMAGE) from error
    except (OSError, SyntaxError, EOFError, ValueError) as error:  # truncated or corrupt data
        raise ImageRejected(ImageRejected.DAMAGED) from error


def _size_check(image: Image.Image) -> None:
    width, height = image.size
    if max(width, height) > IMAGE_MAX_SIDE or width * height > IMAGE_MAX_PIXELS:
        raise ImageRejected(ImageRejected.TOO_MANY_PIXELS)
    if image.format == "WEBP" and width * height > WEBP_MAX_PIXELS:
        raise ImageRejected(ImageRejected.WEBP_TOO_MANY_PIXELS)


def _draft_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """Twice the final size, which is what `Image.thumbnail` asks a JPEG decoder for."""
    scale = max(size) / max_side
    return math.ceil(size[0] / scale * 2), math.ceil(size[1] / scale * 2)


def _reduced_rgba(image: Image.Image, max_side: int) -> Image.Image:
    """`image` in RGBA within `max_side` x `max_side`. A large image is first shrunk by a whole
    factor a band of rows at a time, so only bands are ever converted to RGBA (4 bytes a pixel,
    and `convert` may take that twice), then resized as `Image.thumbnail` does."""
    width, height = image.size
    factor = max(1, max(width, height) // (2 * max_side))
    if factor == 1:
        clean = image.convert("RGBA")
    else:
        clean = Image.new("RGBA", (math.ceil(width / factor), math.ceil(height / factor)))
        rows = factor * math.ceil(BAND_ROWS / factor)
        for top in range(0, height, rows):
            band = image.crop((0, top, width, min(top + rows, height)))
            clean.paste(band.convert("RGBA").reduce(factor), (0, top // factor))
    clean.thumbnail((max_side, max_side))
    return clean


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
