"""Uploads decoded before they are trusted: photos re-encoded under a pixel limit, spreadsheets
measured before they are unpacked.

* **Photos**: the bytes are opened with Pillow under ``MAX_PIXELS`` (a 100-megapixel PNG of 97 KB
  would otherwise cost ~400 MB to decode) and must be JPEG, PNG or WebP — whatever the file name
  says. The image is then re-encoded (metadata, scripts and trailing bytes do not survive) and stored
  under a name and extension the server chooses. ``.svg``/``.html`` never get through: they are not
  images Pillow decodes.
* **Spreadsheets**: size first; an ``.xlsx`` is a zip, so its members' uncompressed sizes and the
  compression ratio are read from the central directory before openpyxl unpacks anything (a 208 KB
  file that inflates to 200 MB is refused in milliseconds).
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from xiangcun.core.errors import ApplicationError, Msg

MAX_PIXELS = 40_000_000  # 40 megapixels: any phone photo, not a decompression bomb
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SHEET_BYTES = 20 * 1024 * 1024
MAX_SHEET_UNPACKED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image: its bytes, the server-chosen file name and a JPEG thumbnail."""

    data: bytes
    name: str
    thumbnail: bytes
    width: int
    height: int


def clean_image(
    data: bytes, *, field: str = "photo", thumbnail_size: tuple[int, int] = (320, 240)
) -> CleanImage:
    """Decode ``data`` as a JPEG/PNG/WebP photo and re-encode it, or raise ``ApplicationError``."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ApplicationError("照片不能超过 10 MB", field=field)
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as source:
            kind = source.format or ""
            if kind not in PHOTO_FORMATS:
                raise ApplicationError("只能上传 JPEG、PNG 或 WebP 格式的照片", field=field)
            width, height = source.size
            if width * height > MAX_PIXELS:
                raise ApplicationError(
                    Msg("照片像素过多（最多 {limit} 万像素）", limit=MAX_PIXELS // 10_000), field=field
                )
            source.load()
            image = source.convert("RGBA" if kind == "PNG" and source.mode in ("RGBA", "LA", "P") else "RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ApplicationError("上传的文件不是可识别的图片（JPEG/PNG/WebP）", field=field) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    image.info.clear()  # comments, EXIF (GPS), ICC and anything else the client put there
    out = io.BytesIO()
    extension = PHOTO_FORMATS[kind]
    if kind == "JPEG":
        image.save(out, format="JPEG", quality=88)
    elif kind == "PNG":
        image.save(out, format="PNG", optimize=True)
    else:
        image.save(out, format="WEBP", quality=88)
    thumb = image.convert("RGB")
    thumb.thumbnail(thumbnail_size)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, format="JPEG", quality=82)
    name = uuid.uuid4().hex
    return CleanImage(out.getvalue(), f"{name}.{extension}", thumb_out.getvalue(), width, height)


def check_spreadsheet(data: bytes, filename: str, *, field: str = "file") -> None:
    """Refuse a spreadsheet that is too large, or an .xlsx that would inflate far beyond its size."""
    if len(data) > MAX_SHEET_BYTES:
        raise ApplicationError(Msg("文件不能超过 {mb} MB", mb=MAX_SHEET_BYTES // 1024 // 1024), field=field)
    if not filename.lower().endswith(".xlsx"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ApplicationError(
            "文件不是有效的 Excel（.xlsx）文件，请用模板另存为 xlsx 后再上传", field=field
        ) from None
    if unpacked > MAX_SHEET_UNPACKED or unpacked > max(len(data), 1) * MAX_ZIP_RATIO:
        raise ApplicationError("文件解压后过大，请检查文件或分批导入", field=field)
