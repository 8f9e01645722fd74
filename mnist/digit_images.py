"""Image files made into MNIST inputs: scripts/mnist_predict.py's preprocessing.

MNIST's digits were scanned, size-normalized so that the ink fits a 20x20
box (keeping the aspect ratio, with grey levels from anti-aliasing), and
placed in a 28x28 field with their centre of mass at its centre; the ink is
bright (1.0) on a black (0.0) background. `normalize` does the same to a
picture of any size and polarity, and `read_digit` to an image file (PNG,
JPEG, anything Pillow reads; grayscale or colour, with or without alpha).

Pure numpy and Pillow; imports no TensorFlow.
"""
import dataclasses

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_SIZE = 28          # the field, as mnist.layers.IMAGE_SIZE
BOX_SIZE = 20            # the longer side of the ink after scaling
# A pixel is ink when it stands out from the background by at least this share of the
# strongest ink: faint paper texture, shadows and JPEG ringing stay out of the bounding box.
INK_LEVEL = 0.1
# Below this contrast (on a 0..1 scale) between the background and the strongest ink,
# the picture is blank: there is nothing to classify.
MIN_CONTRAST = 0.1


class ImageError(ValueError):
    """A file that cannot be read as a digit picture; the message names it and says why."""


@dataclasses.dataclass
class Digit:
    """One image file made into an MNIST input."""
    path: str
    picture: np.ndarray   # float32 [height, width] in [0, 1], 0 black: the file in grayscale
    pixels: np.ndarray    # float32 [784] in [0, 1], bright ink on black, as MNIST's images


def read_grayscale(path):
    """The image file at `path` as float32 [height, width] in [0, 1] (0 black, 1 white).

    Colour becomes luminance. A transparent background becomes the colour
    opposite to the ink: the ink is what is opaque, so black strokes on a
    transparent background become black on white, and white ones white on
    black. EXIF orientation (photos from phones) is applied. Raises ImageError
    for a missing, empty, unreadable or truncated file.
    """
    try:
        with open(path, 'rb') as f:
            if not f.read(1):
                raise ImageError('%s is empty: expected an image file (PNG, JPEG, ...).' % path)
            f.seek(0)
            with Image.open(f) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except UnidentifiedImageError:
        raise ImageError('%s is not an image file Pillow can read: expected PNG, JPEG, ...' % path) from None
    except OSError as e:  # a missing file, a directory, or a truncated or corrupt image
        raise ImageError('%s cannot be read as an image: %s.' % (
            path, e.strerror or str(e).rstrip('.'))) from None
    if image.mode.startswith('I'):  # 16- or 32-bit grayscale, as 16-bit PNGs open
        return np.clip(np.asarray(image, np.float32) / 65535.0, 0.0, 1.0)
    if image.mode == 'F':
        return np.clip(np.asarray(image, np.float32), 0.0, 1.0)
    has_alpha = 'A' in image.getbands() or 'transparency' in image.info
    if not has_alpha:
        return np.asarray(image.convert('L'), np.float32) / 255.0
    image = image.convert('RGBA')
    luminance = np.asarray(image.convert('L'), np.float32) / 255.0
    alpha = np.asarray(image.getchannel('A'), np.float32) / 255.0
    ink_luminance = (alpha * luminance).sum() / max(alpha.sum(), 1e-6)
    background = 1.0 if ink_luminance < 0.5 else 0.0
    return alpha * luminance + (1.0 - alpha) * background


def normalize(picture, name='the picture'):
    """MNIST's normalization of a grayscale picture float [height, width] in [0, 1].

    The background is the median of the picture's outermost pixels; when it
    is light, the picture is inverted. The background level is subtracted and
    the strongest ink scaled to 1; the picture is cropped to the bounding box
    of the ink (pixels at or above INK_LEVEL), scaled so that its longer side
    is BOX_SIZE pixels, and placed in the IMAGE_SIZE x IMAGE_SIZE field with
    its centre of mass at the centre (moved by whole pixels, and no further
    than keeps all of it in the field).

    Returns float32 [IMAGE_SIZE * IMAGE_SIZE] in [0, 1], bright ink on black.
    Raises ImageError naming `name` when the picture has no ink.
    """
    picture = np.asarray(picture, np.float32)
    border = np.concatenate([picture[0], picture[-1], picture[1:-1, 0], picture[1:-1, -1]])
    background = float(np.median(border))
    ink = picture - background if background < 0.5 else background - picture
    contrast = float(ink.max())
    if contrast < MIN_CONTRAST:
        raise ImageError('%s has no ink: nothing in it differs from its background (%.2f) by %g or more.'
                         % (name, background, MIN_CONTRAST))
    ink = np.clip(ink / contrast, 0.0, 1.0)

    rows = np.flatnonzero((ink >= INK_LEVEL).any(axis=1))
    columns = np.flatnonzero((ink >= INK_LEVEL).any(axis=0))
    ink = ink[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]

    height, width = ink.shape
    scale = BOX_SIZE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # Shrinking by area averaging gives each pixel the share of it the ink covers,
    # MNIST's anti-aliasing; a picture smaller than the box is enlarged smoothly.
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    box = np.asarray(Image.fromarray(ink, mode='F').resize(size, resample), np.float32)
    box = np.clip(box / box.max(), 0.0, 1.0)

    field = np.zeros([IMAGE_SIZE, IMAGE_SIZE], np.float32)
    height, width = box.shape
    centre = (IMAGE_SIZE - 1) / 2.0
    top = _offset(centre - _centre_of_mass(box, axis=1), IMAGE_SIZE - height)
    left = _offset(centre - _centre_of_mass(box, axis=0), IMAGE_SIZE - width)
    field[top:top + height, left:left + width] = box
    return field.reshape(-1)


def _centre_of_mass(image, axis):
    """The mass-weighted mean pixel index of `image` along rows (axis=1) or columns (axis=0)."""
    mass = image.sum(axis=axis)
    return float((np.arange(len(mass)) * mass).sum() / mass.sum())


def _offset(shift, largest):
    """A whole-pixel shift, kept within 0..largest so the ink stays in the field."""
    return int(min(max(round(shift), 0), largest))


def read_digit(path):
    """The image file at `path` as a Digit; ImageError when it is unreadable or blank."""
    picture = read_grayscale(path)
    return Digit(path=path, picture=picture, pixels=normalize(picture, name=path))
