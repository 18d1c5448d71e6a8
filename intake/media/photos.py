"""A photo decoded in full and saved again as a plain JPEG: upright, sRGB, no metadata.

Runs inside the sandbox process (intake.media.sandbox). What is saved is built from the
decoded pixels only, so nothing of the upload's EXIF (GPS, make, model, serial), ICC, XMP
or comments can survive: Pillow's JPEG writer adds those only when asked (Pillow docs,
"Image file formats", JPEG saving options), and the image's info is emptied first.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pillow_heif
from PIL import Image, ImageCms, ImageFile, ImageOps

from intake.media.sniff import Sniffed

MAIN_EDGE = 2560
THUMB_EDGE = 480
QUALITY = 88
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "heif": "HEIF"}


class PhotoRefused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def process_photo(source: Path, sniffed: Sniffed, work_dir: Path, max_pixels: int) -> dict:
    """Write main.jpg and thumb.jpg into work_dir; the result for the parent."""
    image = _open_checked(source, sniffed, max_pixels)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise PhotoRefused("damaged") from error
    image = _upright_srgb(image)
    main, thumb = work_dir / "main.jpg", work_dir / "thumb.jpg"
    width, height = _save_clean(image, main, MAIN_EDGE)
    _save_clean(image, thumb, THUMB_EDGE)
    return {
        "width": width,
        "height": height,
        "duration_seconds": None,
        "transcoded": True,
        "outputs": [
            {"role": "main", "path": str(main), "content_type": "image/jpeg"},
            {"role": "thumb", "path": str(thumb), "content_type": "image/jpeg"},
        ],
    }


def _open_checked(source: Path, sniffed: Sniffed, max_pixels: int) -> Image.Image:
    """Read the header only, and refuse a size over max_pixels before any decoding."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    # Pillow's own guard then agrees: a warning past the limit, an error past twice it.
    Image.MAX_IMAGE_PIXELS = max_pixels
    pillow_heif.register_heif_opener()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source, formats=[_PILLOW_FORMATS[sniffed.format]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRefused("too_many_pixels") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise PhotoRefused("damaged") from error
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise PhotoRefused("too_many_pixels")
    return image


def _upright_srgb(image: Image.Image) -> Image.Image:
    """Turned as the EXIF Orientation says, then in sRGB, RGB, alpha laid on white."""
    icc = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = _on_white(image)
    if icc and image.mode in ("RGB", "L", "CMYK"):
        image = _to_srgb(image, icc)
    return image.convert("RGB")


def _on_white(image: Image.Image) -> Image.Image:
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """Colours converted from the embedded profile; a profile that LittleCMS cannot read
    is dropped rather than refusing the photo (the pixels are still the patient's)."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(image, source, srgb, outputMode="RGB") or image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _save_clean(image: Image.Image, path: Path, edge: int) -> tuple[int, int]:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    copy.info.clear()
    copy.save(path, "JPEG", quality=QUALITY, optimize=True, exif=b"", icc_profile=None, comment=b"")
    return copy.size
