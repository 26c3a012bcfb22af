"""Image uploads through the real profile image view: peak memory and time of a ~1 MB photo
(JPEG), a 20 KB PNG of 13,000 x 13,000 pixels (a decompression bomb) and a ~2 MB WebP, beside
the bomb under the previous code (decoded whole, no header check) in the same run.

    .venv/bin/python bench/upload.py

Each case runs in a fresh process (this script with --case), so its peak resident memory is
its own: the peak is reset (or, where Linux cannot, read) after Django is up, the admin is
logged in and the view has served one upload, and read again after the measured upload.
Last line: JSON {"photo": {"peak_mb", "ms", "accepted"}, "bomb": ..., "webp": ...,
"baseline_bomb": ...}.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, django_with_fresh_database

PASSWORD = "bench1234"
CASES = {
    "photo": ("foto.jpg", "~1 MB JPEG photo, 3000 x 2000"),
    "bomb": ("bomba.png", "20 KB PNG of 13,000 x 13,000 pixels"),
    "webp": ("foto.webp", "~2 MB WebP photo, 2500 x 2000"),
    "baseline_bomb": ("bomba.png", "baseline (no header check): the same PNG, previous code"),
}
TARGETS = {"bomb": {"peak_mb": 50, "ms": 100}, "photo": {"peak_mb": 100}, "webp": {"peak_mb": 100}}


# --- The files (made once, in the parent process) ----------------------------------------

def _photo(size):
    """Gradients under strong noise: compresses about as badly as a real photo."""
    from PIL import Image

    bands = [Image.blend(Image.linear_gradient("L").rotate(60 * band).resize(size), Image.effect_noise(size, 40), 0.35)
             for band in range(3)]
    return Image.merge("RGB", bands)


def _largest_under(image, format_name: str, limit: int) -> bytes:
    """`image` encoded at the highest quality that stays under `limit` bytes."""
    best, low, high = b"", 30, 95
    while low <= high:
        quality = (low + high) // 2
        buffer = io.BytesIO()
        image.save(buffer, format=format_name, quality=quality)
        if buffer.tell() <= limit:
            best, low = buffer.getvalue(), quality + 1
        else:
            high = quality - 1
    return best


def make_files(folder: Path) -> dict[str, Path]:
    from PIL import Image

    contents = {
        "photo": _largest_under(_photo((3000, 2000)), "JPEG", 1_000_000),
        "bomb": _encoded(Image.new("1", (13000, 13000)), "PNG"),
        "webp": _largest_under(_photo((2500, 2000)), "WEBP", 2_000_000),
    }
    paths = {}
    for case, content in contents.items():
        paths[case] = folder / CASES[case][0]
        paths[case].write_bytes(content)
    paths["baseline_bomb"] = paths["bomb"]
    return paths


def _encoded(image, format_name: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format_name)
    return buffer.getvalue()


# --- One case (in its own process) --------------------------------------------------------

def _previous_clean_png(upload, *, max_side: int) -> bytes:
    """tenants.images.clean_png before the header check: decoded whole, then converted."""
    from PIL import Image, UnidentifiedImageError

    from tenants.images import IMAGE_FORMATS, IMAGE_MAX_BYTES, ImageRejected

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


def _peak_mb() -> float:
    """The peak resident size of this process. On Linux, VmHWM, which `_reset_peak` can bring
    down: ru_maxrss cannot be reset, and it starts at the resident size of the process that
    started this one (Linux carries it over at exec), which hides any smaller peak of ours."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    [line] = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(line.split()[1]) / 1024


def _reset_peak() -> bool:
    """Bring the peak resident size down to the current one (Linux: /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def run_case(case: str, path: Path, database: str, host: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from PIL import Image

    connection.settings_dict["NAME"] = database
    if case == "baseline_bomb":
        from portal_core.company import services

        Image.MAX_IMAGE_PIXELS = None
        services.clean_png = _previous_clean_png
    client = Client(HTTP_HOST=host)
    client.post("/ingresar/", {"username": "admin@upload.test", "password": PASSWORD})
    url = "/administrador/perfil/imagen/"
    warm = client.post(url, {"imagen": SimpleUploadedFile("p.png", _encoded(Image.new("RGB", (8, 8)), "PNG"))})
    refused = client.post(url, {"imagen": SimpleUploadedFile("p.png", b"no es una imagen")})
    assert (warm.status_code, refused.status_code) == (302, 400), (warm.status_code, refused.status_code)
    upload = SimpleUploadedFile(path.name, path.read_bytes())

    reset = _reset_peak()
    before = _peak_mb()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = client.post(url, {"imagen": upload})
    elapsed = (time.perf_counter() - started) * 1000
    peak = _peak_mb() - before
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - maxrss_before
    return {"peak_mb": round(peak, 1), "ms": round(elapsed, 1), "accepted": response.status_code == 302,
            "status": response.status_code, "bytes": path.stat().st_size, "peak_reset": reset,
            "ru_maxrss_mb": round(maxrss, 1)}


# --- The run -------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--database")
    parser.add_argument("--host")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.file, args.database, args.host)))
        return

    django_with_fresh_database("upload")
    from django.db import connection

    from provisioning.services import portal_create

    company = portal_create(name="Upload", email="admin@upload.test", password=PASSWORD)
    with tempfile.TemporaryDirectory() as folder:
        files = make_files(Path(folder))
        figures = {case: _in_fresh_process(case, files[case], connection.settings_dict["NAME"], company.hostname)
                   for case in CASES}
    _report(figures)


def _in_fresh_process(case: str, path: Path, database: str, host: str) -> dict:
    command = [sys.executable, __file__, "--case", case, "--file", str(path), "--database", database, "--host", host]
    done = subprocess.run(command, env=os.environ, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{case} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _report(figures: dict) -> None:
    for case, (_name, label) in CASES.items():
        result = figures[case]
        outcome = "accepted" if result["accepted"] else f"refused ({result['status']})"
        print(f"{label:58} {result['bytes'] / 1024:8.0f} KB  {outcome:14} "
              f"peak +{result['peak_mb']:7.1f} MB  {result['ms']:8.1f} ms  "
              f"(ru_maxrss +{result['ru_maxrss_mb']:.1f} MB)")
    if not all(result["peak_reset"] for result in figures.values()):
        print("(peak resident size could not be reset: figures are above the process's earlier peak)")
    for case, target in TARGETS.items():
        met = all(figures[case][key] < limit for key, limit in target.items())
        expected = case != "bomb"
        met = met and figures[case]["accepted"] == expected
        wanted = ", ".join(f"{key} < {limit}" for key, limit in target.items())
        print(f"target {case}: {'accepted' if expected else 'refused'}, {wanted}: {'met' if met else 'MISSED'}")
    print(json.dumps({case: {key: figures[case][key] for key in ("peak_mb", "ms", "accepted")} for case in CASES}))


if __name__ == "__main__":
    main()
