"""A portal's stored files: everything of default storage under `portals/<schema>/` (logo,
profile image, ERP PDFs, cached PDFs, ZIPs), local or S3 alike through the Storage API."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from .archive import CHUNK


def storage_files(folder: str) -> list[str]:
    """Every file under `folder` (which ends in `/`), as paths relative to it."""
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:  # FileSystemStorage, a portal that never stored a file
        return []
    found = list(files)
    for directory in directories:
        found += [f"{directory}/{name}" for name in storage_files(f"{folder}{directory}/")]
    return sorted(found)


def files_export(*, folder: str, into: Path) -> int:
    """Copy every file under `folder` into `into`, keeping its relative path. Returns how many."""
    names = storage_files(folder)
    for name in names:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(folder + name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
    return len(names)


def files_import(*, source: Path, folder: str) -> int:
    """Save every file under `source` at the same relative path under `folder` (a new portal's,
    so empty). Returns how many."""
    count = 0
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        if not path.is_file():
            continue
        name = folder + path.relative_to(source).as_posix()
        with open(path, "rb") as content:
            saved = default_storage.save(name, File(content, name=path.name))
        if saved != name:  # the storage renamed it: something was already there
            raise FileExistsError(f"{name} is taken in storage (saved as {saved})")
        count += 1
    return count
