"""Image files made from MNIST-form images, in the ways people save digits, for the prediction tests."""
import os

import numpy as np
from PIL import Image

PAPER = (250, 245, 230)   # cream paper
BLUE_INK = (20, 40, 160)


def _enlarged(pixels, factor, resample=Image.Resampling.NEAREST):
    """pixels float [784] in [0, 1] as an 8-bit 'L' image factor times as large.

    NEAREST makes each pixel a factor x factor square, which the preprocessing's
    area averaging turns back into that pixel; smooth resampling blurs the
    picture a little for good (its strokes' edges get spread over more pixels).
    """
    image = Image.fromarray(np.round(pixels.reshape(28, 28) * 255).astype(np.uint8), mode='L')
    return image.resize((28 * factor, 28 * factor), resample)


def _dark_on_light(ink):
    return Image.fromarray(255 - np.asarray(ink), mode='L')


def _on_paper(ink, colour, paper):
    """An RGB picture: `colour` where the 'L' image `ink` is bright, `paper` where it is dark."""
    share = np.asarray(ink, np.float32)[..., None] / 255.0
    rgb = share * np.array(colour, np.float32) + (1 - share) * np.array(paper, np.float32)
    return Image.fromarray(np.round(rgb).astype(np.uint8), mode='RGB')


def _with_margins(image, size, position, fill):
    canvas = Image.new(image.mode, size, fill)
    canvas.paste(image, position)
    return canvas


def _alpha(ink, colour):
    """RGBA: `colour` strokes whose opacity is the 'L' image `ink`, on a transparent background."""
    rgba = Image.new('RGBA', ink.size, colour + (0,))
    rgba.putalpha(ink)
    return rgba


# name -> (extension, pixels float [784] -> PIL image)
RENDERINGS = {
    # The 28x28 image itself, 8-bit grayscale, light on dark as MNIST stores it.
    'grayscale': ('png', lambda p: _enlarged(p, 1)),
    # Ten times as large, dark ink on white paper.
    'enlarged_inverted': ('png', lambda p: _dark_on_light(_enlarged(p, 10))),
    # Blue ink on cream paper, off-centre with wide margins, RGB.
    'margins_rgb': ('png', lambda p: _with_margins(_on_paper(_enlarged(p, 4), BLUE_INK, PAPER),
                                                   (300, 220), (150, 40), PAPER)),
    # Black strokes on a transparent background, RGBA.
    'black_on_transparent': ('png', lambda p: _alpha(_enlarged(p, 6), (0, 0, 0))),
    # White strokes on a transparent background, RGBA, with margins.
    'white_on_transparent': ('png', lambda p: _with_margins(_alpha(_enlarged(p, 3), (255, 255, 255)),
                                                            (160, 120), (10, 30), (255, 255, 255, 0))),
    # A JPEG copy: dark on light, enlarged, lossy.
    'jpeg': ('jpg', lambda p: _dark_on_light(_enlarged(p, 8))),
    # Enlarged ten times with bicubic smoothing, dark on light: a slightly blurred copy.
    'smooth': ('png', lambda p: _dark_on_light(_enlarged(p, 10, Image.Resampling.BICUBIC))),
}
# The renderings the preprocessing turns back into (nearly) the same 784 floats.
EXACT = tuple(sorted(set(RENDERINGS) - {'smooth'}))


def write_renderings(images, directory, names=None):
    """Writes every image float [N, 784] in every RENDERING; returns {rendering: [path, ...]}."""
    os.makedirs(directory, exist_ok=True)
    files = {}
    for rendering, (extension, render) in sorted(RENDERINGS.items()):
        if names is not None and rendering not in names:
            continue
        files[rendering] = []
        for index, pixels in enumerate(images):
            path = os.path.join(directory, '%s_%04d.%s' % (rendering, index, extension))
            render(pixels).save(path, quality=90) if extension == 'jpg' else render(pixels).save(path)
            files[rendering].append(path)
    return files
