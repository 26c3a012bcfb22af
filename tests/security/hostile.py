"""Hostile values for the no-5xx fuzzing: odd Unicode, NUL bytes, lone surrogates, huge and
negative numbers, strings up to a million characters, garbage files; and the request bodies
that carry them byte for byte (urlencoded and multipart, built by hand so that nothing on the
way cleans them)."""

import functools
import random
from urllib.parse import quote, quote_from_bytes

from hypothesis import strategies as st

MISSING = object()
NASTY = [
    "", " ", "\x00", "a\x00b", "\u202e\u200fمرحبا\u202c", "e\u0301\u0302\u0303\u0304\u0305", "😀👨‍👩‍👧‍👦🏳️‍🌈",
    "\r\n", "a\r\nBcc: x@y.test", "\ud800", "x\udfff\ud800", "\ufeff", "\uffff", "-1", "0", "-0",
    "99999999999999999999999999", "-99999999999999999999999999", "1e400", "NaN", "Infinity", "1.234,56",
    "1,2,3", "9" * 400, "0003-00001234", "99999-99999999", "31/12/9999", "00/00/0000", "29/02/2023",
    "0001-01-01", "9999-12-31", "c:1", "s:1", "c:99999999999999999999", "c:-1", "on", "csv", "xlsx", "json",
    "a@b", "@", "x@éxample.com", "x@" + "a" * 300 + ".com", "<script>alert(1)</script>", "' OR 1=1 --",
    "%00", "../../etc/passwd", "//evil.test/", "=HYPERLINK(\"http://x\")", "\t", "\\",
]
LONG_CHARS = ["a", "é", "😀", "\x00", "9", "-", "\r\n"]


def scalars(long_sizes):
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=30),
        st.integers(min_value=-10**40, max_value=10**40).map(str),
        st.builds(lambda char, size: char * size, st.sampled_from(LONG_CHARS), st.sampled_from(long_sizes)),
    )


# Bodies take strings up to a million characters (a 4 MB emoji string still fits in
# DATA_UPLOAD_MAX_MEMORY_SIZE once encoded... or answers its 400); a query string longer than a
# few kB never gets past the web server's request line limit.
POST_SCALAR, GET_SCALAR = scalars([10_000, 100_000, 1_000_000]), scalars([10_000])
FILES = st.sampled_from([
    ("vacio.png", b""),
    ("basura.png", bytes(random.Random(1).randrange(256) for _ in range(4096))),
    ("cabecera.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ("clientes.csv", b"email;razon social\r\n" + b"a;" * 200_000),
    ("latin1.csv", "razón social;ñandú\r\n".encode("latin-1")),
    ("utf16.csv", "razón social".encode("utf-16")),
    ("a\x00b.png", b"GIF89a"),
    ("😀" * 100 + ".png", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
    ("../../etc/passwd", b"root:x:0:0"),
    ("x" * 300 + ".png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
])


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")  # lone surrogates travel as the bytes no decoder accepts


@functools.lru_cache(maxsize=64)
def _quoted(value: bytes) -> str:
    return quote_from_bytes(value)  # pure Python: the few long values are encoded once


def _items(data: dict):
    for name, value in data.items():
        if value is MISSING:
            continue
        for item in value if isinstance(value, list) else [value]:
            yield name, _bytes(item)


def urlencoded(data: dict) -> str:
    return "&".join(f"{quote(name)}={_quoted(value)}" for name, value in _items(data))


BOUNDARY = b"----no5xxBoundary7MA4YWxkTrZu0gW"


def multipart(data: dict, files: dict) -> bytes:
    parts = [b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (name.encode(), value)
             for name, value in _items(data)]
    parts += [b'Content-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: image/png\r\n\r\n%s'
              % (name.encode(), _bytes(filename), content)
              for name, (filename, content) in ((n, u) for n, u in files.items() if u is not MISSING)]
    return b"".join(b"--" + BOUNDARY + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + BOUNDARY + b"--\r\n"
