"""Pictures of the data, the models and the runs, as PNG files: scripts/mnist_visualize.py.

Sample digits with their labels, the softmax model's ten weight maps, the
test digits a restored model gets wrong, its confusion matrix, and the loss
and accuracy curves in a log_dir's events files. The pictures can also go to
TensorBoard as image summaries.

Drawing needs matplotlib (the `plot` extra); it is imported only when a
picture is drawn, and its absence is a PlotError, not a traceback. Images
are float32 [N, 784] in [0, 1] and labels class indices [N], as
mnist.input_data gives them.
"""
import glob
import os
import re
import struct
import sys

import numpy as np
from google.protobuf import message

from mnist import checkpoints, input_data, paths, training
from mnist.layers import IMAGE_PIXELS, IMAGE_SIZE, NUM_CLASSES

import tensorflow as tf

v1 = tf.compat.v1

DPI = 100
COLUMNS = 10            # images per row in the digit grids
CELL_INCHES = 0.9       # width of one digit in a grid
CLASS_NAMES = {
    'digits': [str(digit) for digit in range(NUM_CLASSES)],
    'fashion': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
                'Sneaker', 'Bag', 'Ankle boot'],
}
SOFTMAX_WEIGHTS = 'softmax_linear/weights'
EVENTS_PATTERN = 'events.out.tfevents.*'
LOSS_TAGS = ('loss', 'cross_entropy')


class PlotError(Exception):
    """matplotlib is missing, or a log_dir has nothing to plot; the message says which."""


def pyplot():
    """matplotlib.pyplot on the Agg backend (no display needed)."""
    try:
        import matplotlib
    except ImportError:
        raise PlotError('matplotlib is not installed, and it draws the pictures: '
                        'pip install -e ".[plot]" (or pip install matplotlib).') from None
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def _save(figure, path):
    """Writes figure as a PNG of exactly its size in inches times DPI; returns path."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    figure.savefig(path, dpi=DPI, facecolor='white')
    pyplot().close(figure)
    return path


def png_size(path):
    """(width, height) in pixels, read from a PNG file's IHDR header."""
    with open(path, 'rb') as f:
        header = f.read(24)
    if header[:8] != b'\x89PNG\r\n\x1a\n' or header[12:16] != b'IHDR':
        raise ValueError('%s is not a PNG file' % path)
    return struct.unpack('>II', header[16:24])


def _digit_grid(images, titles, path, heading, title_lines=1, title_colors=None):
    """Draws images float32 [N, 784] in rows of COLUMNS, each under its title, with a heading on top.

    The PNG is 900 px wide and 40 + rows * (90 + 15 * title_lines) px high.
    """
    plt = pyplot()
    rows = max(1, -(-len(images) // COLUMNS))
    row_inches = CELL_INCHES + 0.15 * title_lines
    height = rows * row_inches + 0.4
    figure, axes = plt.subplots(rows, COLUMNS, squeeze=False, figsize=(COLUMNS * CELL_INCHES, height))
    for index, ax in enumerate(axes.flat):
        ax.axis('off')
        if index < len(images):
            # Nearest: each pixel a sharp square, as the model sees it (and it compresses well).
            ax.imshow(images[index].reshape(IMAGE_SIZE, IMAGE_SIZE), cmap='gray_r', vmin=0, vmax=1,
                      interpolation='nearest')
            ax.set_title(titles[index], fontsize=7,
                         color=title_colors[index] if title_colors else 'black')
    figure.suptitle(heading, fontsize=10)
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.01,
                           top=1 - (0.3 + 0.15 * title_lines) / height,
                           hspace=0.1 + 0.25 * title_lines, wspace=0.1)
    return _save(figure, path)


def plot_digits(images, labels, path, class_names=CLASS_NAMES['digits'], heading='Sample images'):
    """A grid of images float32 [N, 784], each titled with its label's name."""
    return _digit_grid(images, [class_names[label] for label in labels], path,
                       '%s with their labels' % heading)


def softmax_weights(checkpoint):
    """The softmax model's weights, float32 [784, 10], read from a checkpoint."""
    shape = checkpoints.variables(checkpoint).get(SOFTMAX_WEIGHTS)
    if shape != [IMAGE_PIXELS, NUM_CLASSES]:
        found = 'it has no %s' % SOFTMAX_WEIGHTS if shape is None else '%s is %s' % (
            SOFTMAX_WEIGHTS, shape)
        raise checkpoints.CheckpointError(
            '%s is not a softmax checkpoint: %s, expected [%d, %d]. The weight maps are those of '
            'scripts/mnist_softmax.py.' % (checkpoint, found, IMAGE_PIXELS, NUM_CLASSES))
    return checkpoints.read_tensor(checkpoint, SOFTMAX_WEIGHTS)


def plot_weights(weights, path, class_names=CLASS_NAMES['digits']):
    """The ten 28x28 maps of weights float32 [784, 10]: blue pixels are evidence for the class, red against.

    One color scale for all ten, centered at 0.
    """
    plt = pyplot()
    limit = float(np.abs(weights).max()) or 1.0
    figure, axes = plt.subplots(2, NUM_CLASSES // 2, figsize=(10, 4.6))
    for digit, ax in enumerate(axes.flat):
        shown = ax.imshow(weights[:, digit].reshape(IMAGE_SIZE, IMAGE_SIZE), cmap='RdBu',
                          vmin=-limit, vmax=limit)
        ax.set_title(class_names[digit], fontsize=10)
        ax.axis('off')
    figure.suptitle('Softmax weights per class (blue: evidence for, red: against)', fontsize=11)
    figure.subplots_adjust(left=0.01, right=0.88, bottom=0.02, top=0.86, wspace=0.08, hspace=0.2)
    figure.colorbar(shown, cax=figure.add_axes([0.9, 0.1, 0.02, 0.7]))
    return _save(figure, path)


def predict(model, checkpoint, images, batch_size=training.EVAL_BATCH_SIZE):
    """Restores `model` (a key of training.MODELS) and returns its classes int64 [N] for images [N, 784].

    Feeds batch_size images at a time. Raises CheckpointError for a checkpoint
    of another model, or a missing or corrupt one.
    """
    with training.restored_model(model, checkpoint=checkpoint) as restored:
        batches = [restored.session.run(restored.classes,
                                        {restored.graph.images: images[start:start + batch_size]})
                   for start in range(0, len(images), batch_size)]
    return np.concatenate(batches) if batches else np.zeros([0], np.int64)


def plot_mistakes(images, labels, predictions, path, class_names=CLASS_NAMES['digits'], count=30):
    """The first `count` images whose prediction [N] differs from the label [N], titled with both."""
    wrong = np.flatnonzero(np.asarray(predictions) != np.asarray(labels))
    shown = wrong[:count]
    titles = ['%s\n(%s)' % (class_names[predictions[i]], class_names[labels[i]]) for i in shown]
    heading = ('%d of %d test images misclassified: prediction (label)'
               % (len(wrong), len(labels)))
    return _digit_grid(images[shown], titles, path, heading, title_lines=2,
                       title_colors=['firebrick'] * len(shown))


def confusion_matrix(labels, predictions):
    """int64 [10, 10]: row = true class, column = predicted class."""
    matrix = np.zeros([NUM_CLASSES, NUM_CLASSES], np.int64)
    np.add.at(matrix, (np.asarray(labels, np.int64), np.asarray(predictions, np.int64)), 1)
    return matrix


def plot_confusion(matrix, path, class_names=CLASS_NAMES['digits']):
    """The confusion matrix int [10, 10] with its counts, the diagonal being the correct ones."""
    plt = pyplot()
    figure, ax = plt.subplots(figsize=(7, 6))
    ax.imshow(matrix, cmap='Blues')
    ticks = np.arange(NUM_CLASSES)
    ax.set_xticks(ticks, class_names, rotation=45, ha='right', fontsize=8)
    ax.set_yticks(ticks, class_names, fontsize=8)
    ax.set_xlabel('predicted')
    ax.set_ylabel('true label')
    half = matrix.max() / 2
    for (row, column), count in np.ndenumerate(matrix):
        ax.text(column, row, str(count), ha='center', va='center', fontsize=7,
                color='white' if count > half else 'black')
    total = matrix.sum()
    ax.set_title('Confusion matrix: %d of %d correct (%.2f%%)'
                 % (np.trace(matrix), total, 100.0 * np.trace(matrix) / max(total, 1)), fontsize=10)
    figure.subplots_adjust(left=0.17, right=0.98, bottom=0.17, top=0.93)
    return _save(figure, path)


def read_scalars(log_dir):
    """Every scalar in log_dir's events files: {run: {tag: [(step, value), ...]}} sorted by step.

    run is the subdirectory holding the events ('.' for log_dir itself,
    'train' and 'test' for mnist_with_summaries). Where runs wrote the same
    step twice, the newest file wins. A file with a broken record (a run killed
    mid-write) gives what precedes it and a warning. Raises PlotError when
    there are no events files.
    """
    paths = sorted(glob.glob(os.path.join(log_dir, '**', EVENTS_PATTERN), recursive=True),
                   key=os.path.basename)  # the name holds the creation time
    if not paths:
        raise PlotError('%s holds no events files (%s): expected the --log_dir of a training run.'
                        % (log_dir, EVENTS_PATTERN))
    runs = {}
    for path in paths:
        tags = runs.setdefault(os.path.relpath(os.path.dirname(path), log_dir), {})
        for event in _readable_events(path):
            for value in event.summary.value:
                if value.HasField('simple_value'):
                    tags.setdefault(value.tag, {})[event.step] = value.simple_value
    return {run: {tag: sorted(points.items()) for tag, points in tags.items()}
            for run, tags in runs.items() if tags}


def _readable_events(path):
    """Yields the events of one events file up to its first broken record, and then warns.

    TensorFlow's reader cannot go past a record whose length or checksum is
    wrong, so the rest of that file is skipped.
    """
    count = 0
    try:
        for event in v1.train.summary_iterator(path):
            yield event
            count += 1
    except (tf.errors.DataLossError, message.DecodeError) as e:
        # TensorFlow's message is e.g. "truncated record at 874' failed with Read less bytes ...".
        broken = re.search(r'(truncated|corrupted) record at (\d+)', str(e))
        what = ('a %s record at byte %s' % broken.groups() if broken
                else 'a broken record (%s)' % str(e).strip().splitlines()[0])
        print('warning: %s has %s; using the %d events before it and skipping the rest of the file.'
              % (path, what, count), file=sys.stderr)


def plot_curves(scalars, path, log_dir='the log_dir'):
    """Loss (or cross entropy) and accuracy against the step, a line per run and tag of read_scalars()."""
    plt = pyplot()
    panels = (('loss', lambda tag: tag in LOSS_TAGS),
              ('accuracy', lambda tag: tag == 'accuracy' or tag.startswith('accuracy/')))
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    drawn = 0
    for ax, (name, wanted) in zip(axes, panels):
        for run, tags in sorted(scalars.items()):
            for tag, points in sorted(tags.items()):
                if wanted(tag):
                    steps, values = zip(*points)
                    label = tag if run == '.' else '%s %s' % (run, tag)
                    sparse = len(steps) < 50  # evaluations: dots, drawn over the per-batch noise
                    ax.plot(steps, values, marker='.' if sparse else None, label=label,
                            linewidth=1, zorder=3 if sparse else 2)
                    drawn += 1
        ax.set_title(name)
        ax.set_xlabel('step')
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=8)
    if not drawn:
        pyplot().close(figure)
        found = sorted({tag for tags in scalars.values() for tag in tags})
        raise PlotError('%s has no loss, cross_entropy or accuracy scalars to plot (it has %s).'
                        % (log_dir, ', '.join(found[:10]) or 'none'))
    figure.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.92, wspace=0.15)
    return _save(figure, path)


def write_image_summaries(summary_dir, pictures):
    """Adds PNG files {tag: path} to an events file in summary_dir, for TensorBoard's Images tab."""
    with tf.Graph().as_default(), v1.summary.FileWriter(summary_dir) as writer:
        for tag, path in pictures.items():
            width, height = png_size(path)
            with open(path, 'rb') as f:
                image = v1.Summary.Image(height=height, width=width, colorspace=4,
                                         encoded_image_string=f.read())
            writer.add_summary(v1.Summary(value=[v1.Summary.Value(tag=tag, image=image)]), 0)


PICTURES = ('digits', 'weights', 'mistakes', 'confusion', 'curves')


def all_pictures(model):
    """The PICTURES a checkpoint of `model` can give: the weight maps are the softmax model's only."""
    return tuple(p for p in PICTURES if p != 'weights' or model == 'softmax')


def draw(pictures, out_dir, log_dir=None, model='softmax', checkpoint=None, data_dir='MNIST_data',
         class_names='digits', count=30, summary_dir=None):
    """Draws the named PICTURES as out_dir/<picture>.png and returns {picture: path}.

    digits reads data_dir's training set; weights, mistakes and confusion
    restore `model` from `checkpoint` (default: the newest in log_dir) and
    the latter two predict data_dir's test set; curves reads log_dir's events.
    With summary_dir, the PNGs also go there as image summaries 'pictures/<picture>'.
    """
    pyplot()  # a missing matplotlib fails before any data is read
    # The cheap checks first, before the data is read or a model restored.
    paths.writable_dir(out_dir, '--out_dir')
    if summary_dir:
        paths.writable_dir(summary_dir, '--summary_dir')
    if {'weights', 'mistakes', 'confusion'} & set(pictures):
        # The newest readable one, found from the files (a garbage state file does not matter).
        checkpoint = checkpoint or checkpoints.newest(log_dir)
        checkpoints.variables(checkpoint)  # CheckpointError for a missing or unreadable one
    scalars = read_scalars(log_dir) if 'curves' in pictures else None
    names = CLASS_NAMES[class_names]
    pngs = {picture: os.path.join(out_dir, picture + '.png') for picture in pictures}
    data_sets = None
    if {'digits', 'mistakes', 'confusion'} & set(pictures):
        data_sets = input_data.read_data_sets(data_dir, validation_size=0)
    if 'digits' in pictures:
        plot_digits(data_sets.train.images[:count], data_sets.train.labels[:count],
                    pngs['digits'], names, heading='Training images')
    if 'weights' in pictures:
        plot_weights(softmax_weights(checkpoint), pngs['weights'], names)
    if {'mistakes', 'confusion'} & set(pictures):
        test = data_sets.test
        predictions = predict(model, checkpoint, test.images)
        if 'mistakes' in pictures:
            plot_mistakes(test.images, test.labels, predictions, pngs['mistakes'], names, count)
        if 'confusion' in pictures:
            plot_confusion(confusion_matrix(test.labels, predictions), pngs['confusion'], names)
    if 'curves' in pictures:
        plot_curves(scalars, pngs['curves'], log_dir)
    for path in pngs.values():
        print('Wrote %s' % path)
    if summary_dir:
        write_image_summaries(summary_dir, {'pictures/' + p: path for p, path in pngs.items()})
        print('Added them to %s as image summaries for TensorBoard.' % summary_dir)
    return pngs


def plot_predictions(digits, probabilities, path, class_names=CLASS_NAMES['digits']):
    """A row per image file: the file in grayscale, what in it became ink (the digit black, the
    ink dropped as paper lines, specks or other marks red), the 28x28 image the model got, and
    its probabilities.

    digits: mnist.digit_images.Digit [N]; probabilities: float [N, 10]. The
    PNG is 800 px wide and 30 + 160 px per image high.
    """
    plt = pyplot()
    rows = len(digits)
    height = rows * 1.6 + 0.3
    figure, axes = plt.subplots(rows, 4, squeeze=False, figsize=(8, height),
                                gridspec_kw={'width_ratios': [1, 1, 1, 1.8]})
    for (picture_ax, ink_ax, input_ax, bars_ax), digit, row in zip(axes, digits, probabilities):
        predicted = int(np.argmax(row))
        picture_ax.imshow(digit.picture, cmap='gray', vmin=0, vmax=1)
        picture_ax.set_title(os.path.basename(digit.path), fontsize=8)
        ink_ax.imshow(digit.ink.picture())
        ink_ax.set_title('ink (red: dropped)', fontsize=8)
        input_ax.imshow(digit.pixels.reshape(IMAGE_SIZE, IMAGE_SIZE), cmap='gray_r', vmin=0, vmax=1,
                        interpolation='nearest')
        input_ax.set_title('28x28 input', fontsize=8)
        for ax in (picture_ax, ink_ax, input_ax):
            ax.set_xticks([])
            ax.set_yticks([])
        colors = ['tab:blue' if c == predicted else 'lightgray' for c in range(NUM_CLASSES)]
        bars_ax.barh(np.arange(NUM_CLASSES), row, color=colors)
        bars_ax.set_yticks(np.arange(NUM_CLASSES), class_names, fontsize=7)
        bars_ax.invert_yaxis()
        bars_ax.set_xlim(0, 1)
        bars_ax.tick_params(axis='x', labelsize=7)
        bars_ax.set_title('%s (%.3f)' % (class_names[predicted], row[predicted]), fontsize=9)
    figure.subplots_adjust(left=0.02, right=0.98, bottom=0.15 / height,
                           top=1 - 0.3 / height, hspace=0.45, wspace=0.5)
    return _save(figure, path)
