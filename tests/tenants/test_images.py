"""Uploaded images (profile image, company logo): sizes are checked from the header before
anything is decoded, animations keep their first frame, damaged files are refused in Spanish;
and clean_png called directly: PNG, JPEG and WebP in, a clean PNG out, everything else refused
with its code and message."""

import io
import struct

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image, PngImagePlugin

from portal_core.models import PortalSettings
from tenants.images import (
    IMAGE_MAX_BYTES,
    IMAGE_MAX_SIDE,
    WEBP_MAX_PIXELS,
    ImageRejected,
    clean_png,
)
from tests.conftest import PASSWORD, host_client

BOMB_MESSAGE = "La imagen es demasiado grande: como máximo 4096 × 4096 píxeles."
RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def encoded(image: Image.Image, format_name: str, **save_args) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format_name, **save_args)
    return buffer.getvalue()


def upload(content: bytes, name: str = "imagen.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def bomb() -> bytes:
    """About 20 KB of PNG that decodes to 13,000 x 13,000 pixels (1.6 GB once in RGBA)."""
    return encoded(Image.new("1", (13000, 13000)), "PNG")


def admin_client(company):
    client = host_client(company)
    client.post("/ingresar/", {"username": f"admin@{company.slug}.test", "password": PASSWORD})
    return client


def stored(folder: str) -> set[str]:
    try:
        return set(default_storage.listdir(folder)[1])
    except FileNotFoundError:
        return set()


def stored_image(path: str) -> Image.Image:
    with default_storage.open(path, "rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def test_the_bomb_is_small_but_decodes_to_a_huge_image():
    content = bomb()

    assert len(content) < 50_000
    assert content[12:16] == b"IHDR" and struct.unpack(">II", content[16:24]) == (13000, 13000)


def test_a_decompression_bomb_is_refused_as_a_profile_image_and_nothing_is_stored(alfa):
    folder = f"portals/{alfa.schema_name}/perfil"
    before = stored(folder)

    response = admin_client(alfa).post("/administrador/perfil/imagen/", {"imagen": upload(bomb())})

    assert response.status_code == 400
    assert BOMB_MESSAGE in response.content.decode()
    with tenant_context(alfa):
        assert not PortalSettings.objects.filter(profile_image__gt="").exists()
    assert stored(folder) == before


def test_a_decompression_bomb_is_refused_as_the_company_logo_and_nothing_changes(alfa):
    folder = f"portals/{alfa.schema_name}/logo"
    before = stored(folder)

    response = admin_client(alfa).post("/administrador/empresa/", {"trade_name": "Alfa Mayorista",
                                                                   "logo": upload(bomb(), "logo.png")})

    assert response.status_code == 400
    assert BOMB_MESSAGE in response.content.decode()
    alfa.refresh_from_db()
    assert alfa.logo == "" and alfa.trade_name == ""
    assert stored(folder) == before


@pytest.mark.parametrize("size", [(IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), (IMAGE_MAX_SIDE, 1), (1, IMAGE_MAX_SIDE)])
def test_an_image_of_exactly_the_largest_size_is_accepted(size):
    content = clean_png(upload(encoded(Image.new("1", size, 1), "PNG")), max_side=512)

    clean = Image.open(io.BytesIO(content))
    assert max(clean.size) == 512 and clean.mode == "RGBA"
    assert clean.getpixel((0, 0)) == (255, 255, 255, 255)


@pytest.mark.parametrize("size", [(IMAGE_MAX_SIDE + 1, 1), (1, IMAGE_MAX_SIDE + 1),
                                  (IMAGE_MAX_SIDE + 1, IMAGE_MAX_SIDE), (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE + 1)])
def test_one_pixel_more_than_the_largest_size_is_refused(size):
    with pytest.raises(ImageRejected) as refused:
        clean_png(upload(encoded(Image.new("1", size), "PNG")), max_side=512)

    assert refused.value.code == ImageRejected.TOO_MANY_PIXELS


def test_a_webp_has_a_smaller_pixel_budget_and_says_so(alfa):
    side = int(WEBP_MAX_PIXELS ** 0.5) + 1
    content = encoded(Image.new("RGB", (side, side), RED), "WEBP", lossless=True)

    response = admin_client(alfa).post("/administrador/perfil/imagen/", {"imagen": upload(content, "foto.webp")})

    assert response.status_code == 400
    assert "La imagen WebP es demasiado grande: como máximo 5 millones de píxeles" in response.content.decode()
    with tenant_context(alfa):
        assert not PortalSettings.objects.filter(profile_image__gt="").exists()


def animation(format_name: str) -> bytes:
    red, green, blue = (Image.new("RGB", (60, 40), color) for color in (RED, GREEN, BLUE))
    return encoded(red, format_name, save_all=True, append_images=[green, blue], duration=100, loop=0,
                   **({"lossless": True} if format_name == "WEBP" else {}))


@pytest.mark.parametrize(("format_name", "name"), [("PNG", "animada.png"), ("WEBP", "animada.webp")])
def test_an_animation_becomes_its_first_frame(alfa, format_name, name):
    content = animation(format_name)
    assert Image.open(io.BytesIO(content)).n_frames == 3

    response = admin_client(alfa).post("/administrador/perfil/imagen/", {"imagen": upload(content, name)})

    assert response.status_code == 302
    with tenant_context(alfa):
        clean = stored_image(PortalSettings.objects.get().profile_image)
    assert getattr(clean, "n_frames", 1) == 1 and clean.size == (60, 40)
    assert clean.getcolors() == [(60 * 40, (*RED, 255))]


def test_a_multi_picture_jpeg_becomes_its_first_picture():
    first, second = Image.new("RGB", (80, 60), RED), Image.new("RGB", (80, 60), BLUE)
    content = encoded(first, "MPO", save_all=True, append_images=[second], quality=95)

    clean = Image.open(io.BytesIO(clean_png(upload(content, "foto.jpg"), max_side=512)))

    red, green, blue, alpha = clean.getpixel((40, 30))
    assert red > 240 and green < 15 and blue < 15 and alpha == 255


def test_a_large_jpeg_is_decoded_reduced_to_the_final_size():
    content = encoded(Image.new("RGB", (4000, 3000), GREEN), "JPEG", quality=90)

    clean = Image.open(io.BytesIO(clean_png(upload(content, "foto.jpg"), max_side=400)))

    assert clean.size == (400, 300)


def test_a_photo_taken_sideways_comes_out_upright():
    # given: a landscape JPEG, red on its left half, that the camera marks "rotate 90° clockwise"
    image = Image.new("RGB", (800, 400), BLUE)
    image.paste(RED, (0, 0, 400, 400))
    exif = Image.Exif()
    exif[0x0112] = 6

    # when
    clean = Image.open(io.BytesIO(clean_png(upload(encoded(image, "JPEG", exif=exif), "foto.jpg"),
                                            max_side=400))).convert("RGB")

    # then: portrait, with what was on the left now on top
    assert clean.size == (200, 400)
    assert clean.getpixel((100, 50))[0] > 200 and clean.getpixel((100, 350))[2] > 200


def test_a_palette_png_with_transparency_keeps_it():
    image = Image.new("P", (2000, 1000), 0)
    image.putpalette([*RED, *BLUE])
    image.paste(1, (1000, 0, 2000, 1000))
    content = encoded(image, "PNG", transparency=1)

    clean = Image.open(io.BytesIO(clean_png(upload(content), max_side=400)))

    assert clean.size == (400, 200)
    assert clean.getpixel((10, 100)) == (*RED, 255) and clean.getpixel((390, 100))[3] == 0


def truncated(format_name: str) -> bytes:
    noise = Image.merge("RGB", [Image.effect_noise((300, 200), 60) for _ in range(3)])
    content = encoded(noise, format_name)
    return content[: len(content) // 2]


@pytest.mark.parametrize("format_name", ["PNG", "JPEG", "WEBP"])
def test_a_truncated_image_is_refused_as_damaged(format_name):
    with pytest.raises(ImageRejected) as refused:
        clean_png(upload(truncated(format_name), f"cortada.{format_name.lower()}"), max_side=512)

    assert refused.value.code == ImageRejected.DAMAGED


def test_a_truncated_image_is_explained_in_spanish_not_a_500(alfa):
    response = admin_client(alfa).post("/administrador/perfil/imagen/", {
        "imagen": upload(truncated("JPEG"), "cortada.jpg")})

    assert response.status_code == 400
    assert response.context["image_form"].has_error("imagen", ImageRejected.DAMAGED)
    with tenant_context(alfa):
        assert not PortalSettings.objects.filter(profile_image__gt="").exists()


def test_a_gif_is_refused_as_not_an_image():
    content = encoded(Image.new("RGB", (20, 20), RED), "GIF")

    with pytest.raises(ImageRejected) as refused:
        clean_png(upload(content, "logo.gif"), max_side=512)

    assert refused.value.code == ImageRejected.NOT_AN_IMAGE


# --- clean_png called directly ------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WHITE = (255, 255, 255)


@pytest.mark.parametrize(("format_name", "name", "save_args"), [
    ("PNG", "logo.png", {}), ("JPEG", "logo.jpg", {"quality": 95}), ("WEBP", "logo.webp", {"lossless": True})])
def test_png_jpeg_and_webp_are_accepted_and_come_out_as_png(format_name, name, save_args):
    # given
    content = encoded(Image.new("RGB", (40, 30), WHITE), format_name, **save_args)

    # when
    clean = clean_png(upload(content, name), max_side=512)

    # then
    assert clean.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(clean))
    assert (image.format, image.size, image.mode) == ("PNG", (40, 30), "RGBA")
    assert image.getcolors() == [(40 * 30, (*WHITE, 255))]


def test_a_large_image_is_shrunk_to_the_largest_side_keeping_its_proportions():
    content = encoded(Image.new("RGB", (1000, 500), GREEN), "PNG")

    image = Image.open(io.BytesIO(clean_png(upload(content), max_side=100)))

    assert image.size == (100, 50)
    assert image.getcolors() == [(100 * 50, (*GREEN, 255))]


def test_metadata_and_bytes_hidden_after_the_image_are_dropped():
    # given: a PNG with a text chunk, and something appended after its end
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secreto-del-autor")
    content = encoded(Image.new("RGB", (10, 10), BLUE), "PNG", pnginfo=info) + b"<?php system($_GET['c']); ?>"
    assert b"secreto-del-autor" in content

    # when
    clean = clean_png(upload(content), max_side=512)

    # then
    assert b"secreto-del-autor" not in clean and b"<?php" not in clean
    assert Image.open(io.BytesIO(clean)).info == {}


def test_a_file_over_2_mb_is_refused_before_it_is_read():
    with pytest.raises(ImageRejected) as refused:
        clean_png(upload(b"\x00" * (IMAGE_MAX_BYTES + 1)), max_side=512)

    assert refused.value.code == ImageRejected.TOO_LARGE == "image_too_large"
    assert refused.value.message == "La imagen supera los 2 MB: elija una más liviana."


def test_a_file_of_exactly_2_mb_is_not_refused_for_its_size():
    with pytest.raises(ImageRejected) as refused:
        clean_png(upload(b"\x00" * IMAGE_MAX_BYTES), max_side=512)

    assert refused.value.code == ImageRejected.NOT_AN_IMAGE  # read, and found not to be an image


def test_too_many_pixels_is_refused_with_its_code_and_message():
    with pytest.raises(ImageRejected) as refused:
        clean_png(upload(encoded(Image.new("1", (IMAGE_MAX_SIDE + 1, 1)), "PNG")), max_side=512)

    assert refused.value.code == "image_too_many_pixels"
    assert refused.value.message == BOMB_MESSAGE


def test_a_webp_over_its_pixel_budget_is_refused_with_its_code_and_message():
    side = int(WEBP_MAX_PIXELS ** 0.5) + 1
    content = encoded(Image.new("RGB", (side, side), RED), "WEBP", lossless=True)

    with pytest.raises(ImageRejected) as refused:
        clean_png(upload(content, "foto.webp"), max_side=512)

    assert refused.value.code == "image_webp_too_many_pixels"
    assert refused.value.message == (
        "La imagen WebP es demasiado grande: como máximo 5 millones de píxeles (por ejemplo, 2500 × 2000). "
        "Redúzcala o súbala como PNG o JPEG.")


@pytest.mark.parametrize(("content", "name"), [
    (b"", "vacia.png"),
    (b"hola, no soy una imagen", "texto.png"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
    (b"%PDF-1.4\n%%EOF\n", "documento.pdf"),
])
def test_what_is_not_an_image_is_refused_with_its_code_and_message(content, name):
    with pytest.raises(ImageRejected) as refused:
        clean_png(upload(content, name), max_side=512)

    assert refused.value.code == "image_invalid"
    assert refused.value.message == "El archivo no es una imagen PNG, JPEG o WebP válida."


def test_a_damaged_image_has_its_own_message():
    with pytest.raises(ImageRejected) as refused:
        clean_png(upload(truncated("PNG"), "cortada.png"), max_side=512)

    assert refused.value.code == "image_damaged"
    assert refused.value.message == (
        "La imagen está dañada o incompleta: vuelva a guardarla e intente de nuevo.")
