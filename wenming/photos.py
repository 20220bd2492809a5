"""When a photo was taken, from its EXIF data: the one module that imports Pillow (PIL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath

# Formats whose EXIF Pillow reads; HEIC only where a plugin taught Pillow to open it.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".tif", ".tiff", ".heic", ".heif"})
_EXIF_IFD = 0x8769
_DATE_TIME_ORIGINAL = 36867


def is_photo(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in PHOTO_SUFFIXES


def taken_on(path: Path) -> date | None:
    """The EXIF DateTimeOriginal's day, or None when the file has none or cannot be read.

    Only the file's header is read, never its pixels (so a decompression bomb costs nothing)."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            value = image.getexif().get_ifd(_EXIF_IFD).get(_DATE_TIME_ORIGINAL)
    except Exception:  # a damaged or unknown image has no date, and Pillow raises many kinds
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    try:  # "YYYY:MM:DD HH:MM:SS"; cameras without a clock write "0000:00:00 00:00:00" or blanks
        return date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return None
