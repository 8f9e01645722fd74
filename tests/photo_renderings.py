"""Phone photos of real handwritten digits on paper, made here, for the prediction tests.

The digits are scikit-learn's bundled copy of the UCI handwritten digits
(1797 digits by 43 people, 8x8, 17 grey levels; no download): each is
enlarged smoothly into pen strokes and drawn on synthetic paper with one
CONDITION of a photo at a given strength (light falling off across the
picture, a shadow, faint ink on dim paper, squared or ruled paper, blur,
noise, JPEG compression, specks, other marks beside an off-centre digit) or
all of them at once; or on squared or ruled paper as a hand-held phone sees
it (PHONE_PAPER), with all the other conditions at once.
"""
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from conftest import run_main
from mnist import digit_images, input_data, serving, training

HEIGHT, WIDTH = 240, 320    # the photo
DIGIT_HEIGHT = 120          # the digit in it
PEN = 0.8                   # the pen's ink takes 80% of the light
SENSOR_NOISE = 0.005        # the Gaussian noise in every photo (standard deviation)
TRAIN_DIGITS = 1297         # the first ones train the checkpoint; the rest are photographed
LINE_SPACING = 36           # between the lines of a phone's squared or ruled paper: 3 in a digit


def real_digits():
    """(images float [1797, 8, 8] in [0, 1], labels int [1797]); skips without scikit-learn."""
    datasets = pytest.importorskip('sklearn.datasets', reason='needs scikit-learn (pip install -e ".[test]")')
    digits = datasets.load_digits()
    return digits.images / 16.0, digits.target


def strokes(image, height=DIGIT_HEIGHT):
    """A digit float [8, 8] as pen strokes float [height, 0.8 * height] in [0, 1] (1 ink).

    Bicubic enlargement gives smooth blobs; mapping the grey levels 0.3..0.65
    onto 0..1 makes them strokes with soft edges.
    """
    size = (int(round(height * 0.8)), height)
    enlarged = Image.fromarray(np.asarray(image, np.float32), mode='F').resize(size, Image.Resampling.BICUBIC)
    return np.clip((np.asarray(enlarged, np.float32) - 0.3) / 0.35, 0.0, 1.0)


def clean(image):
    """The digit in black ink on white paper, float [height, width] (1 white)."""
    ink = strokes(image)
    paper = np.ones([ink.shape[0] + 40, ink.shape[1] + 40], np.float32)
    paper[20:-20, 20:-20] -= ink
    return paper


def training_data_sets():
    """input_data.Datasets of the first TRAIN_DIGITS real digits, clean and in MNIST's form."""
    images, labels = real_digits()
    pixels = np.stack([digit_images.normalize(clean(image)) for image in images[:TRAIN_DIGITS]])
    pixels = np.round(pixels * 255).astype(np.uint8).reshape(-1, 28, 28, 1)
    labels = labels[:TRAIN_DIGITS].astype(np.uint8)
    make = lambda: input_data.DataSet(pixels, labels, seed=0)  # noqa: E731
    return input_data.Datasets(train=make(), validation=make(), test=make())


def _grid(spacing, thickness, angle_degrees, vertical=True):
    """float [HEIGHT, WIDTH] in [0, 1]: lines `spacing` pixels apart, tilted by `angle_degrees`."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    angle = np.radians(angle_degrees)
    lines = np.zeros([HEIGHT, WIDTH], np.float32)
    directions = [(x * np.sin(angle) + y * np.cos(angle))]
    if vertical:
        directions.append(x * np.cos(angle) - y * np.sin(angle))
    for across in directions:
        distance = np.abs((across % spacing) - spacing / 2)
        lines = np.maximum(lines, np.clip(thickness / 2 + 0.5 - (spacing / 2 - distance), 0, 1))
    return lines


def _phone_paper(rng, darkness, vertical, top, left):
    """float [HEIGHT, WIDTH] in [0, 1]: squared (or ruled) paper's lines as a hand-held phone sees them.

    Lines 2 to 4 pixels wide, LINE_SPACING apart, one of them along the digit's
    top (`top`, `left`: its corner) so that its strokes end on lines; the
    sheet tilted by up to 3 degrees and seen slightly from the side (the lines
    converge); a third of the lines broken once, and one family fading towards
    an edge to 30% of `darkness`.
    """
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    angle = np.radians(rng.uniform(-3, 3))
    y, x = y - top - 6, x - left - 6   # the strokes' ends, a few pixels inside the digit's box
    across = y * np.cos(angle) - x * np.sin(angle)   # the sheet's coordinates
    along = x * np.cos(angle) + y * np.sin(angle)
    width = rng.uniform(2, 4)
    lines = np.zeros([HEIGHT, WIDTH], np.float32)
    for family in ((across, along), (along, across))[:2 if vertical else 1]:
        position, length = family
        position = position / (1 + rng.uniform(-1.5e-4, 1.5e-4) * length)   # perspective: converging lines
        index = np.round(position / LINE_SPACING)
        distance = np.abs(position - index * LINE_SPACING)
        line = np.clip(width / 2 + 0.5 - distance, 0, 1)
        gaps = rng.uniform(-150, 150, 41) * (rng.random(41) < 1 / 3)   # where each line is broken, if it is
        gap = gaps[np.clip(index.astype(int) + 20, 0, 40)]
        line *= (gap == 0) | (np.abs(length - gap) > rng.uniform(4, 12))
        fade = rng.choice([-1, 1]) * length / (0.5 * max(HEIGHT, WIDTH))   # -1..1 across the picture
        line *= 1 - 0.7 * np.clip(fade, 0, 1)
        lines = np.maximum(lines, darkness * line)
    return lines


def _marks(rng, count, digit_box):
    """float [HEIGHT, WIDTH] in [0, 1]: `count` pen marks (short strokes, a loop) away from digit_box."""
    image = Image.new('L', (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    top, left, bottom, right = digit_box
    gap = 20   # between a mark's 60x55 box and the digit's
    places = [(x, y) for y in (5, HEIGHT - 60) for x in (5, 75, WIDTH - 140, WIDTH - 70)]
    places = [(x, y) for x, y in places
              if x > right + gap or x + 60 < left - gap or y > bottom + gap or y + 55 < top - gap]
    for index in range(count):
        x, y = places[index % len(places)]
        if index % 3 == 0:
            draw.line([(x, y + 40), (x + 55, y + 30 + rng.integers(0, 20))], fill=255, width=6)
        elif index % 3 == 1:
            draw.ellipse([x + 10, y + 5, x + 50, y + 45], outline=255, width=5)
        else:
            draw.line([(x + 10, y + 5), (x + 25, y + 50), (x + 50, y + 10)], fill=255, width=6)
    return np.asarray(image, np.float32) / 255.0


def photo(image, condition, strength, seed=0):
    """A photo of the real digit float [8, 8] under `condition` at `strength`: float [HEIGHT, WIDTH]."""
    rng = np.random.default_rng(seed)
    ink = np.zeros([HEIGHT, WIDTH], np.float32)
    digit = strokes(image)
    top = (HEIGHT - digit.shape[0]) // 2 + int(rng.integers(-10, 11))
    left = (WIDTH - digit.shape[1]) // 2 + int(rng.integers(-20, 21))
    if condition == 'marks':   # off-centre, beside other marks
        left += int(rng.choice([-1, 1])) * 60
    ink[top:top + digit.shape[0], left:left + digit.shape[1]] = digit
    pen = PEN
    light = np.ones([HEIGHT, WIDTH], np.float32)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    paper_lines = None
    everything = condition in ('photo',) + PHONE_PAPER
    if condition == 'gradient' or everything:   # light falling off across the picture
        fall = strength if not everything else 0.4
        light *= 1 - fall * (x / WIDTH * 0.7 + y / HEIGHT * 0.3)
    if condition == 'shadow' or everything:     # a soft-edged shadow across the digit
        depth = strength if not everything else 0.3
        edge = x * 0.8 + y * 0.6 - (WIDTH * 0.5 + rng.uniform(-30, 30))
        light *= 1 - depth * np.clip(edge / 20 + 0.5, 0, 1)
    if condition == 'faint':                    # pencil on dim paper
        light *= 0.45
        pen = strength
    if condition in PHONE_PAPER:
        paper_lines = _phone_paper(rng, strength, condition == 'phone_squared', top, left)
    elif condition == 'grid' or everything:     # squared paper, the phone tilted by a degree
        paper_lines = (strength if not everything else 0.3) * _grid(40, 2, 1.0)
    if condition == 'ruled':
        paper_lines = strength * _grid(32, 2, 1.0, vertical=False)
    if condition == 'marks':
        box = (top, left, top + digit.shape[0], left + digit.shape[1])
        ink = np.maximum(ink, _marks(rng, strength, box))
    if condition == 'specks':
        specks = Image.new('L', (WIDTH, HEIGHT), 0)
        draw = ImageDraw.Draw(specks)
        for _ in range(strength):
            cy, cx, radius = rng.integers(0, HEIGHT), rng.integers(0, WIDTH), rng.uniform(1.0, 2.5)
            draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=255)
        ink = np.maximum(ink, np.asarray(specks, np.float32) / 255.0)
    paper = light * 0.92
    if paper_lines is not None:
        paper = paper * (1 - paper_lines)
    picture = paper * (1 - pen * ink)
    if condition == 'blur' or everything:
        picture = ndimage.gaussian_filter(picture, sigma=strength if not everything else 1.0)
    # A camera's sensor always adds some noise.
    sigma = strength if condition == 'noise' else 0.03 if everything else SENSOR_NOISE
    picture = picture + rng.normal(0, sigma, picture.shape)
    picture = np.clip(picture, 0, 1)
    if condition == 'jpeg' or everything:
        quality = strength if not everything else 50
        buffer = io.BytesIO()
        eight_bit = Image.fromarray(np.round(picture * 255).astype(np.uint8), mode='L')
        eight_bit.save(buffer, 'JPEG', quality=quality)
        picture = np.asarray(Image.open(buffer), np.float32) / 255.0
    return picture.astype(np.float32)


# condition -> its strengths, mildest first
CONDITIONS = {
    'gradient': (0.3, 0.5, 0.7),      # the light falls off by this share across the picture
    'shadow': (0.3, 0.5, 0.7),        # a shadow takes this share of the light
    'faint': (0.3, 0.15, 0.08),       # pencil taking this share of the light, on paper at 0.41
    'grid': (0.2, 0.4, 0.6),          # squared paper whose lines take this share of the light
    'ruled': (0.2, 0.4, 0.6),         # ruled paper, the same
    'blur': (1.0, 2.0, 3.0),          # Gaussian blur of this sigma (pixels; strokes are ~12 wide)
    'noise': (0.03, 0.06, 0.1),       # Gaussian noise of this standard deviation
    'jpeg': (50, 25, 10),             # JPEG quality
    'specks': (20, 50, 100),          # this many dark specks, 2 to 5 pixels wide
    'marks': (1, 2, 3),               # an off-centre digit beside this many other pen marks
    'photo': (0,),                    # all at once, mildly: light 0.4, shadow 0.3, grid 0.3, ...
    'phone_squared': (0.2, 0.35, 0.5),  # squared paper seen by a phone (_phone_paper), lines taking
    'phone_ruled': (0.2, 0.35, 0.5),    # this share of the light, with the others as in photo
}
PHONE_PAPER = ('phone_squared', 'phone_ruled')


def train_softmax(log_dir):
    """Trains softmax regression on training_data_sets() into log_dir; returns its metrics."""
    return run_main('mnist_softmax', ['--log_dir', log_dir, '--max_steps', 500, '--batch_size', 50,
                                      '--seed', 0, '--learning_rate', 0.3], training_data_sets())


def agreement(log_dir, digits, condition, strength):
    """(agreeing, refused) of the photos of `digits` held-out real digits under `condition`.

    A photo agrees when the checkpoint gives it the class it gives the clean
    digit; a refused one (ImageError: no ink) disagrees.
    """
    images, _ = real_digits()
    chosen = images[TRAIN_DIGITS:TRAIN_DIGITS + digits]
    pixels, refused = [digit_images.normalize(clean(image)) for image in chosen], 0
    for index, image in enumerate(chosen):
        try:
            pixels.append(digit_images.normalize(photo(image, condition, strength, seed=index)))
        except digit_images.ImageError:
            pixels.append(np.zeros(784, np.float32))
            refused += 1
    with training.restored_model('softmax', log_dir) as model:
        classes = serving.predict(model, np.stack(pixels)).argmax(axis=1)
    agreeing = (classes[:digits] == classes[digits:]) & np.any(pixels[digits:], axis=1)
    return int(agreeing.sum()), refused
