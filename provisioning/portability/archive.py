"""The archive of one portal: a tar.gz whose first member is `manifest.json`.

    manifest.json   format, created_at, the code's migration leaves, the source portal, each
                    table's columns and row count, the sequences, and the SHA-256 of every
                    other member
    public.json     the portal's public rows (Company, its Domain rows, its EmailSettings with
                    the SMTP password encrypted as stored), Django's JSON serialization
    data/<table>    each table of the portal schema in COPY text format
    files/<path>    each stored file, by its path under `portals/<schema>/`

Reading checks every member against the manifest while extracting it (and gzip checks its
CRC at the end), so a damaged archive is refused before anything is changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from .errors import PortabilityError

FORMAT = 1
MANIFEST = "manifest.json"
PUBLIC = "public.json"
DATA = "data"
FILES = "files"
CHUNK = 1 << 20
REQUIRED = {"migrations", "source", "tables", "sequences", "members"}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def archive_write(*, source_dir: Path, manifest: dict, path: Path) -> int:
    """Write the archive of `source_dir`'s files with `manifest` (completed with their checksums)
    beside `path`, then rename it: a failed export leaves no archive. Returns its size."""
    names = sorted(str(file.relative_to(source_dir).as_posix())
                   for file in source_dir.rglob("*") if file.is_file())
    manifest = {**manifest, "members": {name: sha256_file(source_dir / name) for name in names}}
    content = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True).encode()
    partial = path.with_name(path.name + ".partial")
    try:
        with tarfile.open(partial, "w:gz") as tar:
            info = _anonymous(tarfile.TarInfo(MANIFEST))
            info.size, info.mtime, info.mode = len(content), int(os.path.getmtime(source_dir)), 0o644
            tar.addfile(info, io.BytesIO(content))
            for name in names:
                tar.add(source_dir / name, arcname=name, recursive=False, filter=_anonymous)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path.stat().st_size


def archive_read(*, path: Path, into: Path) -> dict:
    """Extract the archive into `into` and return its manifest; PortabilityError ARCHIVE_DAMAGED
    when it cannot be read whole or a member is missing, unexpected or differs from its
    checksum; FORMAT_UNSUPPORTED when it was written in another format."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            manifest = _manifest(tar)
            _members_extract(tar, manifest["members"], into)
    except (OSError, EOFError, tarfile.TarError, zlib.error, ValueError, KeyError, TypeError) as error:
        raise PortabilityError(PortabilityError.ARCHIVE_DAMAGED, str(error)) from error
    return manifest


def _manifest(tar: tarfile.TarFile) -> dict:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise ValueError(f"the first member is not {MANIFEST}")
    manifest = json.loads(tar.extractfile(first).read())
    if not isinstance(manifest, dict):
        raise ValueError("the manifest is not an object")
    if manifest.get("format") != FORMAT:
        raise PortabilityError(PortabilityError.FORMAT_UNSUPPORTED, str(manifest.get("format")))
    if not isinstance(manifest.get("members"), dict) or not set(manifest) >= REQUIRED:
        raise ValueError("the manifest is incomplete")
    return manifest


def _members_extract(tar: tarfile.TarFile, expected: dict[str, str], into: Path) -> None:
    seen = set()
    while (member := tar.next()) is not None:
        name = member.name
        if name not in expected or name in seen or not member.isfile() or not _safe_name(name):
            raise ValueError(f"unexpected member {name!r}")
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tar.extractfile(member) as source, open(target, "wb") as out:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected[name]:
            raise ValueError(f"checksum mismatch: {name}")
        seen.add(name)
    if missing := sorted(set(expected) - seen):
        raise ValueError(f"missing members: {', '.join(missing[:5])}")


def _safe_name(name: str) -> bool:
    """Only the names this module writes, relative and without `..`."""
    parts = PurePosixPath(name).parts
    if name == PUBLIC:
        return True
    return (len(parts) >= 2 and parts[0] in (DATA, FILES) and ".." not in parts
            and not PurePosixPath(name).is_absolute() and "\\" not in name)
