"""mnist/digit_images.py and scripts/mnist_predict.py: image files of any form classified as the
checkpoint classifies the 784 floats they were made from; unreadable and blank files named."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from conftest import run_main
from digit_renderings import EXACT, RENDERINGS, write_renderings
from fashion_cnn import trained_cnn
from mnist import checkpoints, digit_images, input_data, serving, training, visualize
from mnist.digit_images import fit_in_field
from photo_renderings import (
    CONDITIONS,
    HEIGHT,
    PHONE_PAPER,
    SENSOR_NOISE,
    TRAIN_DIGITS,
    WIDTH,
    _grid,
    _phone_paper,
    agreement,
    clean,
    photo,
    real_digits,
    train_softmax,
)
from test_scripts import ROOT
from test_visualize import load_script

PREDICTION_LINE = r'^(?P<path>.+): (?P<name>\S+)   top 3: \S+ [01]\.\d{3}, \S+ [01]\.\d{3}, \S+ [01]\.\d{3}$'


def font_digit(digit, size=160, stroke=0, angle=0, canvas=(240, 260)):
    """A black `digit` in Pillow's default font on white, float [height, width] in [0, 1] (1 white)."""
    image = Image.new('L', canvas, 255)
    ImageDraw.Draw(image).text((canvas[0] // 2, canvas[1] // 2), str(digit), fill=0, anchor='mm',
                               font=ImageFont.load_default(size=size), stroke_width=stroke, stroke_fill=0)
    return np.asarray(image.rotate(angle, fillcolor=255), np.float32) / 255.0


def font_digits_data_sets():
    """Datasets of the ten digits in Pillow's font, in MNIST's form: 27 sizes, weights and slants each."""
    images, labels = [], []
    for digit in range(10):
        for size in (120, 160, 200):
            for stroke in (0, 3, 6):
                for angle in (-8, 0, 8):
                    images.append(digit_images.normalize(font_digit(digit, size, stroke, angle)))
                    labels.append(digit)
    images = np.round(np.stack(images) * 255).astype(np.uint8).reshape(-1, 28, 28, 1)
    labels = np.array(labels, np.uint8)
    make = lambda: input_data.DataSet(images, labels, seed=0)  # noqa: E731
    return input_data.Datasets(train=make(), validation=make(), test=make())


@pytest.fixture(scope='module')
def font_softmax(tmp_path_factory):
    """(log_dir, data_sets): softmax regression trained on font_digits_data_sets()."""
    log_dir = str(tmp_path_factory.mktemp('font_softmax'))
    data_sets = font_digits_data_sets()
    trained = run_main('mnist_softmax', ['--log_dir', log_dir, '--max_steps', 300, '--batch_size', 30,
                                         '--seed', 0, '--learning_rate', 0.1], data_sets)
    assert trained['test']['precision'] == 1.0
    return log_dir, data_sets


def checkpoint_classes(model, log_dir, images):
    with training.restored_model(model, log_dir) as restored:
        return serving.predict(restored, images).argmax(axis=1)


def run_predict(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'mnist_predict.py'), *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_normalize_fits_the_ink_in_20_pixels_centred_by_its_mass():
    for digit in (1, 4, 7):
        pixels = digit_images.normalize(font_digit(digit, size=200), name='seven')
        assert pixels.shape == (784,) and pixels.dtype == np.float32
        field = pixels.reshape(28, 28)
        rows, columns = np.flatnonzero(field.any(axis=1)), np.flatnonzero(field.any(axis=0))
        assert max(rows[-1] - rows[0], columns[-1] - columns[0]) + 1 == 20
        assert field.min() == 0.0 and field.max() == 1.0
        mass = field.sum()
        centre = [(np.arange(28) * field.sum(axis=axis)).sum() / mass for axis in (1, 0)]
        assert np.all(np.abs(np.array(centre) - 13.5) <= 0.5), centre
    # A '1' is tall and thin: the aspect ratio is kept.
    one = digit_images.normalize(font_digit(1)).reshape(28, 28)
    assert np.flatnonzero(one.any(axis=0)).size < 12


def test_normalizing_twice_is_nearly_a_fixed_point():
    once = np.stack([digit_images.normalize(font_digit(d, size, stroke))
                     for d in range(10) for size in (120, 200) for stroke in (0, 5)])
    twice = np.stack([digit_images.normalize(pixels.reshape(28, 28)) for pixels in once])
    assert np.mean(np.all(once == twice, axis=1)) >= 0.9
    assert np.abs(once - twice).mean() < 0.005


def test_every_rendering_reads_back_as_the_same_pixels(tmp_path):
    originals = np.stack([digit_images.normalize(font_digit(d)) for d in (2, 5, 8)])
    for rendering, paths in write_renderings(originals, str(tmp_path)).items():
        read = np.stack([digit_images.read_digit(path).pixels for path in paths])
        tolerance = 0.05 if rendering == 'smooth' else 0.01
        assert np.abs(read - originals).mean() < tolerance, rendering


def test_alpha_is_composited_against_the_inks_opposite(tmp_path):
    ink = (font_digit(3) < 0.5).astype(np.uint8) * 255
    black_strokes = Image.new('LA', (ink.shape[1], ink.shape[0]), (0, 0))
    black_strokes.putalpha(Image.fromarray(ink))
    black_strokes.save(tmp_path / 'la.png')
    palette = Image.fromarray(255 - ink).convert('P')
    palette.info['transparency'] = 255  # palette index of white: the paper is transparent
    palette.save(tmp_path / 'palette.png', transparency=palette.getpixel((0, 0)))
    expected = digit_images.normalize(font_digit(3) < 0.5)
    for name in ('la.png', 'palette.png'):
        picture = digit_images.read_grayscale(str(tmp_path / name))
        assert picture[0, 0] == 1.0, name  # the transparent background became white paper
        assert np.abs(digit_images.normalize(picture) - expected).mean() < 0.01, name


def bad_files(directory):
    """{path: the words its error must contain}: files mnist_predict.py cannot classify."""
    os.makedirs(directory, exist_ok=True)
    files = {}
    path = os.path.join(directory, 'notes.txt')
    with open(path, 'w') as f:
        f.write('not a picture\n')
    files[path] = 'is not an image file Pillow can read'
    path = os.path.join(directory, 'empty.png')
    open(path, 'wb').close()
    files[path] = 'is empty'
    path = os.path.join(directory, 'truncated.png')
    Image.fromarray((np.random.default_rng(0).random((200, 200)) * 255).astype(np.uint8)).save(path)
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    files[path] = 'cannot be read as an image'
    path = os.path.join(directory, 'blank.png')
    Image.new('RGB', (100, 80), (255, 255, 255)).save(path)
    files[path] = 'has no ink'
    path = os.path.join(directory, 'transparent.png')
    Image.new('RGBA', (50, 50), (0, 0, 0, 0)).save(path)
    files[path] = 'has no ink'
    files[os.path.join(directory, 'missing.png')] = 'No such file or directory'
    return files


def test_a_faint_digit_on_dim_paper_is_ink_not_refused():
    # The refused photo: pencil darker than the paper (0.40) by less than 0.1.
    images, _ = real_digits()
    for image in images[TRAIN_DIGITS:TRAIN_DIGITS + 5]:
        picture = 0.40 - 0.06 * (1.0 - clean(image))
        pixels = digit_images.normalize(picture)
        expected = digit_images.normalize(clean(image))
        assert np.abs(pixels - expected).mean() < 0.01
    with pytest.raises(digit_images.ImageError, match='has no ink'):
        digit_images.normalize(np.full([50, 60], 0.40, np.float32))


def test_find_ink_keeps_the_digit_and_drops_paper_lines_specks_and_other_marks():
    images, _ = real_digits()
    for index, condition in enumerate(['grid', 'ruled', 'specks', 'marks', 'photo', 'phone_squared',
                                       'phone_ruled']):
        image = images[TRAIN_DIGITS + index]
        strength = CONDITIONS[condition][-1]
        ink = digit_images.find_ink(photo(image, condition, strength, seed=index))
        # The same photo's digit alone, on plain paper: where the digit's strokes are.
        alone = digit_images.find_ink(photo(image, 'marks' if condition == 'marks' else 'gradient', 0,
                                            seed=index))
        digit = alone.kept & (alone.strength >= 0.5)
        assert ink.kept[digit].mean() > 0.97, condition
        near_digit = ndimage.binary_dilation(alone.kept, iterations=5)
        # Nothing far from it is kept: at most a speck that touches the digit.
        assert (ink.kept & ~near_digit).sum() < 30, condition
        dropped = (~ink.kept & (ink.strength >= 0.3)) | (ink.lines >= 0.3)
        assert dropped.sum() > 100, condition  # there was ink to drop
        assert ink.kept.shape == ink.strength.shape == ink.lines.shape == (HEIGHT, WIDTH)


@pytest.mark.parametrize('condition', PHONE_PAPER)
def test_on_squared_and_ruled_paper_the_input_is_the_digits_ink_alone(condition):
    images, _ = real_digits()
    for index in range(6):
        image = images[TRAIN_DIGITS + index]
        ink = digit_images.find_ink(photo(image, condition, CONDITIONS[condition][-1], seed=index))
        # The same photo without the paper's lines: the same light, shadow, noise and JPEG.
        alone = digit_images.find_ink(photo(image, condition, 0.0, seed=index))
        on_lines = ink.lines >= 0.2
        assert on_lines.mean() > 0.02  # the lines were found
        # No piece of a line is in the digit's ink, where it touches a stroke or not...
        beside_digit = ~ndimage.binary_dilation(alone.kept, iterations=2)
        assert ink.digit[beside_digit].sum() < 3, index
        # ...and a stroke keeps its ink where it crosses a line.
        crossing = on_lines & (alone.digit >= 0.5)
        assert crossing.sum() > 50 and np.mean(ink.digit[crossing] >= 0.4) > 0.9, index
        assert np.abs(fit_in_field(ink.digit) - fit_in_field(alone.digit)).mean() < 0.08, index


def test_paper_with_nothing_but_its_lines_has_no_ink():
    rng = np.random.default_rng(0)
    sheets = [_grid(40, 2, 1.0), _grid(32, 3, 0.0, vertical=False), _phone_paper(rng, 1.0, False, 60, 110)]
    for sheet in sheets:
        for darkness in (0.2, 0.5):
            picture = 0.9 * (1 - darkness * sheet) + rng.normal(0, SENSOR_NOISE, sheet.shape)
            with pytest.raises(digit_images.ImageError, match='^blank.jpg has no ink apart from the lines '
                                                                'of its paper'):
                digit_images.find_ink(np.clip(picture, 0, 1), name='blank.jpg')


def test_unreadable_and_blank_files_raise_one_line_naming_them(tmp_path):
    for path, words in bad_files(str(tmp_path)).items():
        with pytest.raises(digit_images.ImageError) as raised:
            digit_images.read_digit(path)
        message = str(raised.value)
        assert message.startswith(path) and words in message and '\n' not in message, message


@pytest.mark.parametrize('module, package', [('PIL', 'Pillow'), ('scipy', 'scipy'),
                                             ('skimage', 'scikit-image')])
def test_a_missing_image_package_is_one_line_naming_it(tmp_path, module, package):
    blocker = tmp_path / 'blocker' / module
    blocker.mkdir(parents=True)
    (blocker / '__init__.py').write_text('raise ModuleNotFoundError("No module named %r", name=%r)\n'
                                         % (module, module))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocker.parent), ROOT]))
    result = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'mnist_predict.py'), '--model',
                             'softmax', '--log_dir', str(tmp_path), 'digit.png'], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        'error: %s is not installed, and it reads and prepares the images: pip install -e ".[images]" '
        '(or pip install %s).' % (package, package))


def test_script_classifies_every_rendering_like_the_checkpoint(font_softmax, tmp_path):
    log_dir, data_sets = font_softmax
    # One of each digit, drawn in a size and weight the model was not trained on.
    originals = np.stack([digit_images.normalize(font_digit(d, size=180, stroke=2)) for d in range(10)])
    expected = checkpoint_classes('softmax', log_dir, originals)
    assert list(expected) == list(range(10))
    files = write_renderings(originals, str(tmp_path / 'images'))
    bad = bad_files(str(tmp_path / 'bad'))
    good = [path for paths in files.values() for path in paths]
    arguments = good[:30] + list(bad) + good[30:]
    show = str(tmp_path / 'shown' / 'predictions.png')
    result = run_predict('--model', 'softmax', '--log_dir', log_dir, '--show', show, *arguments)

    assert result.returncode == 1, result.stderr  # some files were not classified
    assert 'Traceback' not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith('error: ')]
    assert len(errors) == len(bad)
    for line, (path, words) in zip(errors, bad.items()):
        assert line.startswith('error: %s ' % path) and words in line, line
    lines = [re.match(PREDICTION_LINE, line) for line in result.stdout.splitlines()[:len(good)]]
    assert all(lines), result.stdout
    assert [m.group('path') for m in lines] == good[:30] + good[30:]
    predicted = {m.group('path'): int(m.group('name')) for m in lines}
    for rendering, paths in files.items():
        assert [predicted[path] for path in paths] == list(expected), rendering
    assert result.stdout.splitlines()[-1] == 'Wrote %s' % show
    assert visualize.png_size(show) == (800, 30 + 160 * len(good))


def test_main_returns_the_probabilities_and_exit_status_0(font_softmax, tmp_path):
    log_dir, _ = font_softmax
    path = str(tmp_path / 'seven.png')
    Image.fromarray(np.round(font_digit(7) * 255).astype(np.uint8)).save(path)
    script = load_script('mnist_predict.py')
    results = script.main(['--model', 'softmax', '--checkpoint', checkpoints.newest(log_dir), path])
    assert [(r['path'], r['class']) for r in results] == [(path, 7)]
    assert results[0]['probabilities'].shape == (10,)
    assert abs(float(results[0]['probabilities'].sum()) - 1.0) < 1e-5
    assert script.exit_status(results) == 0
    with pytest.raises(checkpoints.CheckpointError, match='No checkpoint in %s' % tmp_path):
        script.main(['--model', 'softmax', '--log_dir', str(tmp_path), path])


@pytest.fixture(scope='module')
def photo_softmax(tmp_path_factory):
    """log_dir: softmax regression trained on the first photo_renderings.TRAIN_DIGITS real digits, clean."""
    log_dir = str(tmp_path_factory.mktemp('photo_softmax'))
    assert train_softmax(log_dir)['test']['precision'] > 0.9  # a trained model, not chance
    return log_dir


@pytest.mark.parametrize('condition', sorted(CONDITIONS))
def test_photos_of_real_digits_get_the_clean_digits_class(photo_softmax, condition):
    for strength in CONDITIONS[condition]:
        agreeing, refused = agreement(photo_softmax, 40, condition, strength)
        assert refused == 0, (condition, strength)
        assert agreeing >= 38, (condition, strength, agreeing)


def test_show_draws_a_photo_what_became_ink_and_the_input(photo_softmax, tmp_path):
    images, _ = real_digits()
    paths = []
    for condition in ('grid', 'photo'):
        path = str(tmp_path / ('%s.jpg' % condition))
        picture = photo(images[TRAIN_DIGITS], condition, CONDITIONS[condition][-1])
        Image.fromarray(np.round(picture * 255).astype(np.uint8)).save(path, quality=90)
        paths.append(path)
    show = str(tmp_path / 'shown.png')
    result = run_predict('--model', 'softmax', '--log_dir', photo_softmax, '--show', show, *paths)
    assert result.returncode == 0, result.stderr
    expected = checkpoint_classes('softmax', photo_softmax,
                                  digit_images.normalize(clean(images[TRAIN_DIGITS]))[None])
    lines = [re.match(PREDICTION_LINE, line) for line in result.stdout.splitlines()[:2]]
    assert [int(m.group('name')) for m in lines] == [expected[0]] * 2, result.stdout
    assert visualize.png_size(show) == (800, 30 + 160 * 2)
    # What became ink: the digit black, the squared paper's lines red.
    rgb = digit_images.read_digit(paths[0]).ink.picture()
    red = (rgb[..., 0] > 200) & (rgb[..., 1] < 150)
    black = (rgb.max(axis=-1) < 100)
    assert red.sum() > 1000 and black.sum() > 1000
    assert np.ptp(np.flatnonzero(black.any(axis=0))) < WIDTH / 2  # the digit alone, not the lines


@pytest.mark.slow
def test_cnn_classifies_rendered_fashion_images_like_the_checkpoint(tmp_path_factory, tmp_path):
    log_dir, data_dir = trained_cnn(tmp_path_factory)
    test = input_data.read_data_sets(data_dir, validation_size=0).test
    originals = test.images[:200]
    expected = checkpoint_classes('cnn', log_dir, originals)
    assert np.mean(expected == test.labels[:200]) > 0.6  # a trained model, not chance
    files = write_renderings(originals, str(tmp_path))
    result = run_predict('--model', 'cnn', '--log_dir', log_dir, '--class_names', 'digits',
                         *[path for paths in files.values() for path in paths])
    assert result.returncode == 0, result.stderr
    predicted = {}
    for line in result.stdout.splitlines():
        path, rest = line.split(': ', 1)
        predicted[path] = int(rest.split()[0])
    agreement = {rendering: np.mean([predicted[p] for p in paths] == expected)
                 for rendering, paths in files.items()}
    print(agreement)
    for rendering in EXACT:
        assert agreement[rendering] >= 0.97, agreement
    # Smoothing blurs the picture for good; a CNN of 300 steps is not robust to that.
    assert agreement['smooth'] >= 0.8, agreement
    assert set(agreement) == set(RENDERINGS)
