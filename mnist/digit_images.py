"""Image files made into MNIST inputs: scripts/mnist_predict.py's preprocessing.

MNIST's digits were scanned, size-normalized so that the ink fits a 20x20
box (keeping the aspect ratio, with grey levels from anti-aliasing), and
placed in a 28x28 field with their centre of mass at its centre; the ink is
bright (1.0) on a black (0.0) background. `normalize` does the same to a
picture of any size and polarity, and `read_digit` to an image file (PNG,
JPEG, anything Pillow reads; grayscale or colour, with or without alpha).

First `find_ink` tells the digit's ink from the paper. On a plain background
(drawn in a program, or MNIST's own form) the background's level is the
paper's and all the ink is the digit's. In a photo the paper's brightness is
estimated everywhere (light that changes across the picture, a shadow), and
long straight lines (squared or ruled paper), specks and marks apart from
the digit are dropped. Either way a pixel's ink is how much darker than the
paper there it is, relative to the paper, so a faint pencil digit on dim
paper is still ink; on squared or ruled paper, relative to the paper with its
lines, so that the lines are no ink and a stroke crossing a line is.

numpy, Pillow, scipy.ndimage and scikit-image's Hough transform; imports no TensorFlow.
"""
import dataclasses

import numpy as np

try:
    from PIL import Image, ImageOps, UnidentifiedImageError
    from scipy import ndimage
    from skimage.transform import hough_line
except ImportError as e:  # require_packages() says so in one line where a script starts
    MISSING_MODULE = e.name
else:
    MISSING_MODULE = None
PACKAGES = {'PIL': 'Pillow', 'scipy': 'scipy', 'skimage': 'scikit-image'}  # module: what pip installs

IMAGE_SIZE = 28          # the field, as mnist.layers.IMAGE_SIZE
BOX_SIZE = 20            # the longer side of the ink after scaling
# A pixel is ink when it stands out from the background by at least this share of the
# strongest ink: faint paper texture, shadows and JPEG ringing stay out of the bounding box.
INK_LEVEL = 0.1
# Below this contrast between the paper and the strongest ink, relative to the paper's
# brightness, the picture is blank: there is nothing to classify.
MIN_CONTRAST = 0.05
# The paper and the digit are found in a copy whose longer side is at most this many
# pixels: large photos are area-averaged down to it, which also averages out their noise.
WORK_SIZE = 400
# The paper's brightness is the picture with every dark mark narrower than this share of
# the picture's shorter side filled in (a closing): wider than any stroke, narrower than
# the changes of light.
PAPER_WINDOW = 0.3
# A picture whose border is at one level, to within PLAIN_LEVELS for PLAIN_SHARE of its
# pixels, has a plain background (drawn in a program, or MNIST's own form), and so has a
# picture smaller than PLAIN_SIZE: that level is the paper's everywhere, and all its ink is
# the digit's. A photo's paper, never quite even, is estimated and the digit picked out.
PLAIN_LEVELS = 0.5 / 255  # one 8-bit level
PLAIN_SHARE = 0.95
PLAIN_SIZE = 2 * IMAGE_SIZE
# A line of the paper (squared or ruled) is straight, tilted at most MAX_TILT degrees from
# level or upright (a hand-held phone; perspective makes the lines converge, each still
# straight), at most LINE_WIDTH of the picture's shorter side wide, and reaches an edge of
# the picture: a digit, however long its strokes, leaves a margin. Its ink covers at least
# LINE_COVER of the picture's width (height), and half of each of LINE_LENGTH of its tenths
# along it: a line may be broken, or fade out towards an edge.
MAX_TILT = 5.0
TILT_STEP = 0.25         # degrees between the tilts tried
LINE_WIDTH = 0.03
LINE_COVER = 0.4
LINE_LENGTH = 0.7
LINE_INK_LEVEL = INK_LEVEL / 2   # lines are looked for among fainter ink than the digit: light lines
EDGE = 0.03              # the margin of the picture where the paper's estimate, or a line, may leave ink
# Where a stroke crosses a line the two inks add up. Along a line, its own ink is the median
# of its strength over PAPER_WINDOW of its length (a stroke crossing it covers less of that),
# and at most LINE_CAP times its typical ink (a stroke may run along it for longer).
LINE_CAP = 1.5
# A separate piece of ink with less than this share of the digit's ink is a speck.
SPECK_SHARE = 0.03
# Pieces of ink within this share of the digit's size from it belong to it (a broken
# stroke, a 5's flag); pieces further away are other marks.
NEAR_SHARE = 0.15
# The picture is smoothed by a Gaussian of this sigma (pixels) before the paper is estimated.
PAPER_SMOOTHING = 1.2


class ImageError(ValueError):
    """A file that cannot be read as a digit picture; the message names it and says why."""


class MissingPackageError(ImageError):
    """Pillow, scipy or scikit-image, which read and prepare the pictures, is not installed."""


def require_packages():
    """Raises MissingPackageError naming the package this module needs and lacks."""
    if MISSING_MODULE is not None:
        package = PACKAGES.get(MISSING_MODULE.partition('.')[0], MISSING_MODULE)
        raise MissingPackageError('%s is not installed, and it reads and prepares the images: '
                                  'pip install -e ".[images]" (or pip install %s).' % (package, package))


@dataclasses.dataclass
class Ink:
    """Where a picture's ink is, at the picture's size."""
    strength: np.ndarray  # float32 [height, width] in [0, 1]: 0 the paper, 1 the digit's strongest ink
    kept: np.ndarray      # bool [height, width]: the digit; the ink elsewhere (specks, marks) dropped
    lines: np.ndarray     # float32 [height, width] in [0, 1]: the paper's own lines, not in strength

    @property
    def digit(self):
        """float32 [height, width]: the digit's ink alone."""
        return np.where(self.kept, self.strength, 0.0).astype(np.float32)

    def picture(self):
        """What became ink, as uint8 RGB [height, width, 3]: the digit black, the ink dropped
        (lines of the paper, specks, other marks) red, the paper white; fainter ink paler."""
        strength = self.strength[..., None]
        digit = np.where(self.kept[..., None], strength, 0.0)
        dropped = np.where(self.kept[..., None], 0.0, strength) + self.lines[..., None]
        rgb = 1.0 - digit - dropped * np.array([0.1, 0.9, 0.9], np.float32)
        return np.round(np.clip(rgb, 0.0, 1.0) * 255).astype(np.uint8)


@dataclasses.dataclass
class Digit:
    """One image file made into an MNIST input."""
    path: str
    picture: np.ndarray   # float32 [height, width] in [0, 1], 0 black: the file in grayscale
    ink: Ink              # what in the picture became ink, and what of it was kept
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


def find_ink(picture, name='the picture'):
    """The ink of a grayscale picture float [height, width] in [0, 1], as an Ink.

    A plain background (_plain_background) is the paper's level everywhere,
    the ink on the side of it the picture reaches further to, and all the ink
    is kept. In a photo the ink is dark on light paper, or light on a dark
    background, whichever most pixels near the ink say (_ink_is_light); the
    paper's brightness is estimated everywhere by filling in the marks
    narrower than PAPER_WINDOW; the lines of squared or ruled paper are found
    (_paper_lines) and put on it; and the digit is picked out (_digit_mask):
    specks and other marks are dropped. A pixel's ink is how much darker
    than the paper (with its lines) it is, as a share of the paper's
    brightness (light ink: of its darkness), scaled so that the strongest of
    the digit is 1; the lines' own ink is kept apart, on the same scale.

    Raises ImageError naming `name` when the picture has no ink, or nothing
    but the lines of its paper.
    """
    picture = np.asarray(picture, np.float32)
    work = _resized(picture, _work_shape(picture.shape), Image.Resampling.BOX)
    background = _plain_background(picture)
    if background is None:
        light = _ink_is_light(work)
        paper = _paper(work, light)
    else:  # the ink is on the side the picture reaches further to
        light = bool(work.max() - background > background - work.min())
        paper = np.full(work.shape, background, np.float32)
    work_ink = _ink(work, paper, light)
    contrast = float(work_ink.max())
    if contrast < MIN_CONTRAST:
        raise ImageError('%s has no ink: nothing in it differs from its background (%.2f) by %d%% or more.'
                         % (name, float(np.median(paper)), round(MIN_CONTRAST * 100)))
    if background is None:
        lines = _paper_lines(work_ink)
        lined = _lined_paper(paper, lines, light)
        work_ink = _ink(work, lined, light)
        if _nothing_left(work_ink, lines):
            raise ImageError('%s has no ink apart from the lines of its paper: nothing else differs from '
                             'the paper by %d%% or more, or by half as much as the lines.'
                             % (name, round(MIN_CONTRAST * 100)))
        # What is left on a line of less than half its ink is the line's, not a stroke crossing it.
        kept = _digit_mask(work_ink / float(work_ink.max()), work_ink < lines / 2)
    else:
        lined, kept = paper, np.ones(work.shape, bool)
    paper = _resized(paper, picture.shape, Image.Resampling.BILINEAR)
    lined = _resized(lined, picture.shape, Image.Resampling.BILINEAR)
    kept = _resized(kept.astype(np.float32), picture.shape, Image.Resampling.NEAREST) > 0.5
    ink = _ink(picture, lined, light)
    strongest = float(ink[kept].max()) if kept.any() else 0.0
    if strongest <= 0.0:
        raise ImageError('%s has no ink: nothing in it stands out from its background.' % name)
    lines = _ink(lined, paper, light)
    return Ink(strength=np.clip(ink / strongest, 0.0, 1.0), kept=kept,
               lines=np.clip(lines / strongest, 0.0, 1.0))


def normalize(picture, name='the picture'):
    """MNIST's normalization of a grayscale picture float [height, width] in [0, 1].

    The digit's ink (find_ink) is cropped to its bounding box (pixels at or
    above INK_LEVEL), scaled so that its longer side is BOX_SIZE pixels, and
    placed in the IMAGE_SIZE x IMAGE_SIZE field with its centre of mass at
    the centre (moved by whole pixels, and no further than keeps all of it in
    the field).

    Returns float32 [IMAGE_SIZE * IMAGE_SIZE] in [0, 1], bright ink on black.
    Raises ImageError naming `name` when the picture has no ink.
    """
    return fit_in_field(find_ink(picture, name).digit)


def fit_in_field(ink):
    """Ink float [height, width] in [0, 1] (1 the strongest) as float32 [784]: MNIST's box and field."""
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


def _work_shape(shape):
    scale = min(1.0, WORK_SIZE / max(shape))
    return max(1, round(shape[0] * scale)), max(1, round(shape[1] * scale))


def _resized(image, shape, resample):
    """float32 [height, width] resized to `shape` (rows, columns); unchanged when it has that shape."""
    if tuple(image.shape) == tuple(shape):
        return np.asarray(image, np.float32)
    resized = Image.fromarray(np.asarray(image, np.float32), mode='F').resize((shape[1], shape[0]), resample)
    return np.asarray(resized, np.float32)


def _border(image):
    return np.concatenate([image[0], image[-1], image[1:-1, 0], image[1:-1, -1]])


def _plain_background(picture):
    """The level of a plain background, or None for paper in a photo: the median of the border
    when the picture is smaller than PLAIN_SIZE or PLAIN_SHARE of the border is within
    PLAIN_LEVELS of it."""
    border = _border(picture)
    median = float(np.median(border))
    if min(picture.shape) < PLAIN_SIZE or np.mean(np.abs(border - median) <= PLAIN_LEVELS) >= PLAIN_SHARE:
        return median
    return None


def _ink_is_light(work):
    """Whether the ink in a photo is lighter than the paper.

    Around the ink, most pixels are paper: of the pixels whose neighbourhood
    (PAPER_WINDOW wide) holds clearly different levels, most are near its
    lightest level on light paper, near its darkest on a dark background.
    This holds under a shadow or a gradient, where the picture's extremes do not.
    """
    window = _window(work.shape)
    highest = ndimage.maximum_filter(work, window, mode='nearest')
    lowest = ndimage.minimum_filter(work, window, mode='nearest')
    spread = highest - lowest
    varied = spread > 0.2 * spread.max()
    if spread.max() <= 0:
        return False
    near_darkest = (work - lowest)[varied] < spread[varied] / 2
    return bool(near_darkest.mean() > 0.5)


def _window(shape):
    """PAPER_WINDOW of the shorter side in pixels, odd, at least 3."""
    return max(3, int(round(min(shape) * PAPER_WINDOW)) | 1)


def _paper(work, light):
    """The paper's brightness float32 [height, width]: the marks narrower than the window filled in.

    For dark ink a closing (the largest value nearby, then the smallest of
    those; for light ink the other way round, an opening) keeps the changes
    of light, a shadow's edge included, where they are; a slight smoothing
    after it takes off the steps it leaves.
    """
    window = _window(work.shape)
    fill_in = ndimage.grey_opening if light else ndimage.grey_closing
    # Filling in takes the extremes of the noise: smoothing first keeps the paper's level.
    smooth = ndimage.gaussian_filter(work, sigma=PAPER_SMOOTHING, mode='nearest')
    paper = fill_in(smooth, size=(window, window), mode='nearest')
    return ndimage.gaussian_filter(paper, sigma=1.0, mode='nearest')


def _ink(picture, paper, light):
    """float32 [height, width] in [0, 1]: how far each pixel is from the paper towards the ink,
    as a share of the room there was (the paper's brightness for dark ink; for light ink, the
    paper's darkness), so that ink under a shadow counts as much as in the light."""
    if light:
        return np.clip((picture - paper) / np.maximum(1.0 - paper, 1e-3), 0.0, 1.0)
    return np.clip((paper - picture) / np.maximum(paper, 1e-3), 0.0, 1.0)


def _otsu_threshold(values):
    """The level that splits `values` (in [0, 1]) into two classes of the least spread (Otsu's)."""
    counts, edges = np.histogram(values, bins=64, range=(0.0, 1.0))
    centres = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts)
    weight_high = weight_low[-1] - weight_low
    mass_low = np.cumsum(counts * centres)
    mean_low = mass_low / np.maximum(weight_low, 1)
    mean_high = (mass_low[-1] - mass_low) / np.maximum(weight_high, 1)
    between = weight_low * weight_high * (mean_high - mean_low) ** 2
    return float(edges[1:][np.argmax(between)])


def _lined_paper(paper, lines, light):
    """The paper float32 [height, width] with its `lines` (ink float [height, width] in [0, 1]) on it."""
    if light:
        return paper + lines * (1.0 - paper)
    return paper * (1.0 - lines)


def _nothing_left(ink, lines):
    """Whether `ink` float [height, width], the paper's `lines` taken off, holds nothing: smoothed
    a little and away from the picture's edge (where a line may run along it, not found), at most
    MIN_CONTRAST, or half the lines' ink (what a line leaves where it is found a little off)."""
    margin = max(1, int(EDGE * min(ink.shape)))
    inside = ndimage.gaussian_filter(ink, sigma=1.0)[margin:-margin, margin:-margin]
    line_ink = float(np.percentile(lines[lines > 0], 90)) if lines.any() else 0.0
    return float(inside.max()) < max(MIN_CONTRAST, line_ink / 2)


def _smoothed(ink):
    """`ink` smoothed a little against the paper's noise, its strongest 1."""
    smooth = ndimage.gaussian_filter(ink, sigma=0.7)
    return smooth / max(float(smooth.max()), 1e-6)


def _faint(smooth):
    """bool [height, width]: the ink in `smooth` that stands out from the paper's noise: at least
    INK_LEVEL of the strongest, and 3 times the median pixel of the border, which is paper."""
    return smooth >= max(INK_LEVEL, 3 * float(np.median(_border(smooth))))


def _paper_lines(ink):
    """float32 [height, width]: the part of `ink` (float [height, width] in [0, 1]) that is the paper's lines.

    The lines are found among the faint ink as the straight lines with the
    most ink along them (a Hough transform over the tilts up to MAX_TILT from
    level and from upright), thin, reaching an edge and covering most of the
    picture. Each line's ink is its cross-section (the median across it at
    each distance from its centre line) times how strong it is along it (a
    fading or broken line), with the strokes crossing it taken off.
    """
    # The thin marks alone (a white top-hat): the paper's unevenness and wide strokes left out.
    smooth = _smoothed(ink)
    thin = smooth - ndimage.grey_opening(smooth, size=2 * int(LINE_WIDTH * min(ink.shape)) + 1)
    # Stands out from the paper's noise (a line may run along the border: the whole picture's
    # median), away from the picture's edge, where the paper's estimate leaves thin marks.
    faint = thin >= max(LINE_INK_LEVEL, 3 * float(np.median(thin)))
    margin = max(1, int(EDGE * min(ink.shape)))
    faint[:margin], faint[-margin:], faint[:, :margin], faint[:, -margin:] = False, False, False, False
    lines = np.zeros(ink.shape, np.float32)
    y, x = np.mgrid[0:ink.shape[0], 0:ink.shape[1]].astype(np.float32)
    for upright in (False, True):
        for tilt, offset, width in _straight_lines(faint, upright):
            across, along = _line_coordinates(y, x, tilt, upright)
            lines = np.maximum(lines, _line_ink(ink, across - offset, along, width, min(ink.shape)))
    return lines


def _line_coordinates(y, x, tilt, upright):
    """(across, along): where the points (y, x) are from and along the line through (0, 0) tilted
    by `tilt` (radians) from level, or from upright."""
    if upright:
        y, x, tilt = x, y, -tilt
    return y * np.cos(tilt) - x * np.sin(tilt), x * np.cos(tilt) + y * np.sin(tilt)


def _straight_lines(marks, upright):
    """(tilt, offset, width) of each line of the paper among the `marks` (bool [height, width]):
    the lines level (upright) to within MAX_TILT, as _line_coordinates has them, `width` pixels
    wide.

    Each tilt's votes count the marks at each whole-pixel offset (scikit-image's Hough
    transform, whose angle is the line's normal from the x axis); a line
    is a peak of them that covers LINE_COVER of the picture, stands out from the ink around it
    (a stroke beside it is wider), and covers LINE_LENGTH of the picture's tenths along it,
    the first or the last among them.
    """
    shape = marks.shape
    rows, columns = np.nonzero(marks)
    length = shape[0] if upright else shape[1]
    thickest = LINE_WIDTH * min(shape)
    tilts = np.radians(np.arange(-MAX_TILT, MAX_TILT + TILT_STEP / 2, TILT_STEP))
    votes, _, distances = hough_line(marks, tilts if upright else tilts + np.pi / 2)
    votes = votes.T.astype(np.int64)  # [tilt, offset]
    size = len(distances) // 2        # the offset 0
    # How far each offset stands out from the wider ink around it: a line stands out, also where
    # it runs along a stroke; a stroke alone does not.
    standing_out = votes - ndimage.grey_opening(votes, size=(1, 2 * int(thickest) + 1))
    peaks = ((standing_out == ndimage.maximum_filter(standing_out, size=(9, 9)))
             & (votes >= LINE_COVER * length) & (standing_out >= LINE_COVER * length / 2))
    found, middles = [], []
    indices, bins = np.nonzero(peaks)
    for index, bin_ in sorted(zip(indices, bins), key=lambda peak: -standing_out[peak]):
        # Where the line crosses the middle of the picture: one line is found once, at its best tilt.
        middle = (bin_ - size) * np.cos(tilts[index]) + length / 2 * np.sin(tilts[index])
        if any(abs(middle - other) <= thickest for other in middles):
            continue
        strong = standing_out[index] >= standing_out[index, bin_] / 2
        low, high = bin_, bin_
        while strong[low - 1]:
            low -= 1
        while strong[high + 1]:
            high += 1
        width = high - low + 1
        if width > thickest:
            continue
        across, _ = _line_coordinates(rows, columns, tilts[index], upright)
        on_line = np.abs(across - (bin_ - size)) <= width / 2
        # The line's ink in each tenth of the picture along it: most tenths, one at an edge.
        tenths = np.bincount((rows if upright else columns)[on_line] * 10 // length, minlength=10)
        covered = tenths >= length / 20
        if covered.mean() >= LINE_LENGTH and (covered[0] or covered[-1]):
            found.append((tilts[index], (low + high) / 2 - size, width))
            middles.append(middle)
    return found


def _line_ink(ink, across, along, width, side):
    """float32 [height, width]: the ink of the line `across` == 0, `width` pixels wide, in `ink`.

    The tilts tried are TILT_STEP apart: the line's centre is first fitted to its ink where it
    is alone (_line_alone). The line's ink is its cross-section, the median at each quarter
    pixel from its centre where it is alone, times how strong it is along its length relative
    to that (a line fading out, or broken), taken as LINE_CAP says.
    """
    reach = width / 2 + 2
    band = np.abs(across) <= reach + 2
    across, along, values = across[band], along[band], ink[band]
    positions = np.floor(along - along.min()).astype(int)
    alone = _line_alone(values, across, positions, width, reach)
    weights = values * (alone & (np.abs(across) <= width / 2 + 1))
    if weights.sum() > 0:
        centre_line = np.polyfit(along, across, 1, w=np.sqrt(weights) + 1e-6)
        across = across - np.polyval(centre_line, along)
    inside = np.abs(across) <= reach
    steps = np.round((across + reach) * 4).astype(int)
    filled = np.unique(steps[inside & alone])
    medians = [np.median(values[inside & alone & (steps == step)]) for step in filled]
    if not medians or max(medians) <= 0:
        return np.zeros(ink.shape, np.float32)
    section = np.where(inside, np.interp(across, filled / 4 - reach, medians), 0.0)
    centre = section >= max(medians) / 2
    share = (np.bincount(positions[centre], values[centre] / section[centre], positions.max() + 1)
             / np.maximum(np.bincount(positions[centre], minlength=positions.max() + 1), 1))
    share = ndimage.median_filter(share, size=_window((side, side)), mode='nearest')
    share = np.minimum(share, LINE_CAP)
    line = np.zeros(ink.shape, np.float32)
    line[band] = share[positions] * section
    return line


def _line_alone(values, across, positions, width, reach):
    """bool [n]: the pixels where the line is alone, the paper beside it blank: a stroke crossing
    it or running along it is wider than the line. All of them where it is hardly alone."""
    labels, index = positions + 1, np.arange(1, positions.max() + 2)
    beside = np.asarray(ndimage.maximum(values, labels * ((np.abs(across) > reach - 1)
                                                           & (np.abs(across) <= reach)), index))
    on = np.asarray(ndimage.maximum(values, labels * (np.abs(across) <= width / 2), index))
    alone = (beside < on / 2)[positions]
    return alone if alone.mean() >= 0.2 else np.ones_like(alone)


def _digit_mask(ink, left_of_lines):
    """bool [height, width]: the digit's pixels in `ink` float [height, width] in [0, 1].

    Smoothed a little, faint ink is what stands out from the paper's noise
    (_faint), except what is left of the paper's lines (`left_of_lines`, bool
    [height, width]), which the mask never holds; clear ink is the faint ink above Otsu's threshold among its
    levels. The digit starts from the piece of clear ink with the most ink,
    weighted towards the centre: it is the piece of faint ink that holds it
    (with the strokes' soft edges and faint parts), and the pieces near it
    with more than a speck of ink. The mask is widened by a pixel.
    """
    smooth = _smoothed(ink)
    faint = _faint(smooth) & ~left_of_lines
    if not faint.any():
        return smooth >= INK_LEVEL
    clear = faint & (smooth >= _otsu_threshold(smooth[faint]))
    clear_labels, _ = ndimage.label(clear, structure=np.ones((3, 3)))
    labels, count = ndimage.label(faint, structure=np.ones((3, 3)))
    pieces = np.arange(1, count + 1)
    mass = np.asarray(ndimage.sum(ink, labels, pieces))
    boxes = ndimage.find_objects(labels)
    start = labels[clear_labels == _central_piece(clear_labels, ink)][0] - 1
    chosen = _with_pieces_near(start, mass, boxes, ink.shape)
    kept = np.isin(labels, [piece + 1 for piece in chosen])
    return ndimage.binary_dilation(kept, structure=np.ones((3, 3))) & ~left_of_lines


def _central_piece(labels, ink):
    """The label of the piece with the most ink, weighted by 1 at the picture's centre to 0.3
    in its corners: people photograph the digit near the middle."""
    pieces = np.arange(1, labels.max() + 1)
    mass = np.asarray(ndimage.sum(ink, labels, pieces))
    height, width = ink.shape
    centres = np.array([[(b[0].start + b[0].stop) / 2 / height, (b[1].start + b[1].stop) / 2 / width]
                        for b in ndimage.find_objects(labels)])
    off_centre = np.hypot(centres[:, 0] - 0.5, centres[:, 1] - 0.5)
    return int(pieces[np.argmax(mass * (1.0 - off_centre))])


def _with_pieces_near(start, mass, boxes, shape):
    """The indices of piece `start` and of the pieces near it (NEAR_SHARE of its size, or 5% of
    the picture; again from each piece added) that hold more than a speck of ink (SPECK_SHARE)."""
    chosen = {start}
    top, bottom = boxes[start][0].start, boxes[start][0].stop
    left, right = boxes[start][1].start, boxes[start][1].stop
    grown = True
    while grown:
        grown = False
        margin = max(NEAR_SHARE * max(bottom - top, right - left), 0.05 * min(shape))
        for piece in np.argsort(-mass):
            if piece in chosen or mass[piece] < SPECK_SHARE * mass[start]:
                continue
            rows, columns = boxes[piece]
            if (rows.start < bottom + margin and rows.stop > top - margin
                    and columns.start < right + margin and columns.stop > left - margin):
                chosen.add(int(piece))
                top, bottom = min(top, rows.start), max(bottom, rows.stop)
                left, right = min(left, columns.start), max(right, columns.stop)
                grown = True
    return chosen


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
    ink = find_ink(picture, name=path)
    return Digit(path=path, picture=picture, ink=ink, pixels=fit_in_field(ink.digit))
