"""Download and read MNIST: the TF 1.x `tensorflow.examples.tutorials.mnist.input_data`.

Same names, signatures and behaviour as the tutorial module, with three fixes:
every file is checked (size and SHA-256 for downloads, gzip and IDX structure
always) and a bad one fails with an error naming it; downloads are atomic,
give up on a stalled mirror and fall back to a second one; each DataSet
shuffles with its own RNG instead of reseeding numpy's global one. As in TF
1.x, a DataSet given no seed takes the graph-level seed (tf.set_random_seed)
when one is set.

MNIST already on disk is read in the forms users have it (see on_disk_names):
gzipped, uncompressed, or under the dotted names; and when nothing is there and
no download works, Keras's verified copy (keras_mnist_path()).

Every problem with the data raises one of three errors, each a one-line
message naming the directory, file, URL or value: DataFileError (a data
directory or file that cannot be used), DownloadError (no mirror delivered a
file) and DataSetError (a batch or validation size the data cannot serve).

Downloading (mirrors, verification, progress, stalls) is mnist.download's, as
TF 1.x kept it in datasets/base.py; its names are imported here, where the
tutorials import them from (maybe_download, DownloadError, ...).

This module does not import TensorFlow.
"""
import collections
import gzip
import hashlib
import math
import os
import struct
import sys
import zipfile
import zlib

import numpy as np

from mnist import download, platforms
from mnist.download import (  # noqa: F401 (the names users import from input_data)
    DEFAULT_SOURCE_URL,
    FILE_NAMES,
    MIRRORS,
    MNIST_FILES,
    STALL_BYTES,
    STALL_SECONDS,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    DataFileError,
    DownloadError,
)

# Keras's copy of MNIST (the same 60,000 + 10,000 digits, in the same order) and the SHA-256
# that keras.datasets.mnist.load_data checks it against.
KERAS_MNIST_SHA256 = '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1'

IMAGE_MAGIC = 2051
LABEL_MAGIC = 2049
NUM_CLASSES = 10
FAKE_NUM_EXAMPLES = 10000  # the size of every fake DataSet, as in the original

IMAGE_SIZE = 28  # the models take 28 x 28 images, flattened to 784 pixels

_CHUNK_BYTES = 1 << 20
# Deflate cannot compress better than about 1032:1, so a header that claims
# more data than that is lying; checking it avoids allocating absurd buffers.
_MAX_DEFLATE_RATIO = 1032
# Appended where a bad file on disk would simply be downloaded again.
_DELETE_HINT = ' Delete it and run again to download a fresh copy.'

Datasets = collections.namedtuple('Datasets', ['train', 'validation', 'test'])


class DataSetError(ValueError):
    """A batch_size or validation_size that the data cannot serve; the message gives the range."""


def image_dtype(dtype):
    """Returns np.float32 or np.uint8 for a numpy or TensorFlow dtype; TypeError otherwise."""
    as_numpy = getattr(dtype, 'as_numpy_dtype', dtype)  # a tf.DType
    try:
        resolved = np.dtype(as_numpy)
    except TypeError:
        resolved = None
    if resolved not in (np.dtype(np.float32), np.dtype(np.uint8)):
        raise TypeError('Invalid image dtype %r, expected uint8 or float32' % (dtype,))
    return resolved


def dense_to_one_hot(labels_dense, num_classes):
    """Converts class indices [N] to one-hot rows float64 [N, num_classes], as the original did."""
    labels_dense = np.asarray(labels_dense)
    one_hot = np.zeros((labels_dense.shape[0], num_classes))
    one_hot[np.arange(labels_dense.shape[0]), labels_dense] = 1
    return one_hot


def _gigabytes(num_bytes):
    return '%.1f GB' % (num_bytes / 1e9)


def _file_name(f):
    return getattr(f, 'name', '<stream>')


def _read_idx(f, magic, num_dims, what, name=None, on_disk=True, image_size=None, copies=1):
    """Reads one IDX file, gzipped or not, into a uint8 array of the shape its header gives.

    Raises DataFileError, naming the file, for anything that is not exactly
    such a file: neither gzip nor IDX, truncated, wrong magic, or a header that
    disagrees with the amount of data. Before allocating anything it also refuses a
    header claiming more data than the file can hold (which also catches
    sizes whose product overflows) and data whose `copies` copies would not
    fit in available memory. With image_size, it requires at least one image
    of image_size x image_size pixels. on_disk adds the advice to delete a
    damaged file, which is wrong for a download that was never kept.
    """
    name = name or _file_name(f)
    hint = _DELETE_HINT if on_disk else ''
    start = f.read(64)
    compressed = start[:2] == b'\x1f\x8b'
    if not compressed and start[:3] != b'\x00\x00\x08':  # an IDX file of unsigned bytes
        looks_like = ''
        if start.lstrip()[:1] == b'<':
            looks_like = ' It looks like an HTML page, perhaps an error page saved in place of the data.'
        raise DataFileError('%s is not a %s file: it starts with %r.%s%s'
                            % (name, 'gzip' if name.endswith('.gz') else 'gzip or IDX', start[:32],
                               looks_like, hint))
    f.seek(0, os.SEEK_END)
    file_bytes = f.tell()
    f.seek(0)
    stream = gzip.GzipFile(fileobj=f, mode='rb') if compressed else f
    try:
        header = stream.read(4 * (1 + num_dims))
        if len(header) < 4 * (1 + num_dims):
            raise DataFileError('%s ends inside its IDX header (%d bytes of data).' % (name, len(header)))
        found_magic, *dims = struct.unpack('>%dI' % (1 + num_dims), header)
        if found_magic != magic:
            raise DataFileError('%s: invalid magic number %d, expected %d for an MNIST %s file.'
                                % (name, found_magic, magic, what))
        # Python integers: numpy's int64 product of three uint32 sizes can wrap around.
        expected_bytes = math.prod(dims)
        header_text = '%s header says %s' % (name, ' x '.join(str(d) for d in dims))
        if compressed and expected_bytes > _MAX_DEFLATE_RATIO * file_bytes:
            raise DataFileError('%s (%d bytes of data), more than a %d-byte gzip file can hold.'
                                % (header_text, expected_bytes, file_bytes))
        if not compressed and expected_bytes != file_bytes - len(header):
            raise DataFileError('%s (%d bytes of data), but the file holds %d.%s'
                                % (header_text, expected_bytes, file_bytes - len(header), hint))
        if image_size is not None:
            if dims[1:] != [image_size, image_size]:
                raise DataFileError('%s holds images of %d x %d pixels: expected %d x %d.'
                                    % (name, dims[1], dims[2], image_size, image_size))
            if dims[0] == 0:
                raise DataFileError('%s holds 0 images: expected at least one.' % name)
        memory = platforms.available_memory()
        if memory is not None and copies * expected_bytes > memory:
            raise DataFileError('%s: reading it needs %s of memory (%d bytes of data, held %d times '
                                'while converting), but only %s is available.'
                                % (header_text, _gigabytes(copies * expected_bytes), expected_bytes,
                                   copies, _gigabytes(memory)))
        try:
            data = np.empty(expected_bytes, dtype=np.uint8)
        except MemoryError:  # the check above knows only what the system reports
            raise DataFileError('%s: %s of memory for its %d bytes of data could not be allocated.'
                                % (header_text, _gigabytes(expected_bytes), expected_bytes)) from None
        view = memoryview(data)
        filled = 0
        while filled < expected_bytes:
            count = stream.readinto(view[filled:filled + _CHUNK_BYTES])
            if not count:
                break
            filled += count
        if filled < expected_bytes:
            raise DataFileError('%s (%d bytes of data), but the file holds only %d.'
                                % (header_text, expected_bytes, filled))
        if stream.read(1):
            raise DataFileError('%s (%d bytes of data), but the file holds more.'
                                % (header_text, expected_bytes))
    except EOFError as e:
        raise DataFileError('%s is truncated: the gzip stream ends early (%s).%s' % (name, e, hint)) from None
    except (OSError, zlib.error) as e:
        raise DataFileError('%s is a damaged %s file (%s).%s'
                            % (name, 'gzip' if compressed else 'IDX', e, hint)) from None
    return data.reshape(dims)


def extract_images(f):
    """Extracts images from an IDX file object, gzipped or not, into uint8 [N, rows, cols, 1]."""
    return _extract_images(f)


def _extract_images(f, image_size=None, copies=1):
    print('Extracting', _file_name(f))
    images = _read_idx(f, IMAGE_MAGIC, 3, 'image', image_size=image_size, copies=copies)
    return images.reshape(images.shape + (1,))


def extract_labels(f, one_hot=False, num_classes=NUM_CLASSES):
    """Extracts labels from an IDX file object, gzipped or not.

    Returns uint8 [N] class indices, or float64 [N, num_classes] one-hot rows.
    """
    print('Extracting', _file_name(f))
    labels = _read_idx(f, LABEL_MAGIC, 1, 'label')
    if labels.size and labels.max() >= num_classes:
        raise DataFileError('%s holds label %d, expected labels 0..%d.'
                            % (_file_name(f), labels.max(), num_classes - 1))
    if not one_hot:
        return labels
    try:
        return dense_to_one_hot(labels, num_classes)
    except MemoryError:
        raise DataFileError('%s holds %d labels: their one-hot rows (float64 [%d, %d], %s) could not be '
                            'allocated.' % (_file_name(f), len(labels), len(labels), num_classes,
                                            _gigabytes(8 * num_classes * len(labels)))) from None


def check_batch_size(data_set, batch_size, examples='training examples'):
    """Raises DataSetError unless 1 <= batch_size <= data_set.num_examples.

    Scripts call it right after read_data_sets, so a --batch_size the
    training split cannot serve stops before the model is built.
    """
    if not 0 < batch_size <= data_set.num_examples:
        raise DataSetError('batch_size %d: expected 1..%d, the number of %s.'
                           % (batch_size, data_set.num_examples, examples))


class DataSet:
    """Images and labels of one split, served in shuffled mini-batches.

    images: uint8 [N, 28, 28, 1] as extract_images returns them. Stored as
    float32 [N, 784] scaled to [0, 1] by default; uint8 keeps 0..255, and
    reshape=False keeps [N, 28, 28, 1]. The DataSet holds its own copy and
    never changes it: shuffling permutes an index, so batches are fresh arrays
    and `images` keeps file order.
    """

    def __init__(self, images, labels, fake_data=False, one_hot=False,
                 dtype=np.float32, reshape=True, seed=None):
        dtype = image_dtype(dtype)
        self._rng = np.random.default_rng(_graph_seed() if seed is None else seed)
        if fake_data:
            images = np.ones((FAKE_NUM_EXAMPLES, 28, 28, 1), dtype=np.uint8)
            labels = np.zeros(FAKE_NUM_EXAMPLES, dtype=np.uint8)
            if one_hot:
                labels = dense_to_one_hot(labels, NUM_CLASSES)
        images = np.asarray(images)
        labels = np.asarray(labels)
        if images.shape[0] != labels.shape[0]:
            raise ValueError('images.shape: %s labels.shape: %s: expected as many images as labels'
                             % (images.shape, labels.shape))
        if reshape:
            if images.ndim == 4 and images.shape[3] != 1:
                raise ValueError('images.shape: %s: expected one channel' % (images.shape,))
            # Not -1: numpy cannot infer it for an empty split (validation_size=0).
            images = images.reshape(images.shape[0], int(np.prod(images.shape[1:])))
        if dtype == np.float32:
            converted = np.empty(images.shape, dtype=np.float32)
            # The original's fake pixels are 1, whatever the dtype.
            scale = np.float32(1.0 if fake_data else 1.0 / 255.0)
            np.multiply(images, scale, out=converted)
            images = converted
        else:
            images = np.array(images, dtype=np.uint8)
        self._images = images
        self._labels = np.array(labels)
        self._num_examples = images.shape[0]
        self._order = np.arange(self._num_examples)
        self._epochs_completed = 0
        self._index_in_epoch = 0
        self.fake_data = fake_data
        self.one_hot = one_hot if fake_data else labels.ndim == 2

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def _reorder(self, shuffle):
        if shuffle:
            self._order = self._rng.permutation(self._num_examples)

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """Returns the next `batch_size` (images, labels) of this epoch.

        The set is shuffled before the first epoch and at the end of each one.
        A batch that crosses the end of an epoch is the rest of the old epoch
        followed by the start of the new one.
        """
        if fake_data:
            rows = np.ones((batch_size,) + self._images.shape[1:], dtype=self._images.dtype)
            label = [1] + [0] * (NUM_CLASSES - 1) if self.one_hot else 0
            return rows, np.array([label] * batch_size, dtype=self._labels.dtype)
        check_batch_size(self, batch_size, examples='examples in this DataSet')
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0:
            self._reorder(shuffle)
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest_of_epoch = self._order[start:]
            self._reorder(shuffle)
            self._index_in_epoch = batch_size - len(rest_of_epoch)
            indices = np.concatenate([rest_of_epoch, self._order[:self._index_in_epoch]])
        else:
            self._index_in_epoch += batch_size
            indices = self._order[start:self._index_in_epoch]
        return self._images.take(indices, axis=0), self._labels.take(indices, axis=0)


def _check_idx(f, url):
    """Raises DataFileError unless f, downloaded from url, is an MNIST IDX file of its kind."""
    if 'images' in os.path.basename(url):
        _read_idx(f, IMAGE_MAGIC, 3, 'image', name=url, on_disk=False, image_size=IMAGE_SIZE)
    else:
        _read_idx(f, LABEL_MAGIC, 1, 'label', name=url, on_disk=False)


def maybe_download(filename, work_directory, source_url=DEFAULT_SOURCE_URL):
    """Returns the path of `filename` in `work_directory`, downloading it if it is not there.

    mnist.download.maybe_download (verified, atomic, from the mirrors), with the
    gzip and IDX structure of the four MNIST files checked before they are kept.
    """
    return download.maybe_download(filename, work_directory, source_url,
                                   check=_check_idx if filename in FILE_NAMES else None)


def on_disk_names(name):
    """The names under which read_data_sets finds `name` (one of FILE_NAMES), in the order tried.

    As downloaded ('train-images-idx3-ubyte.gz'), as gunzip leaves it and as
    torchvision keeps it in MNIST/raw/ ('train-images-idx3-ubyte'), and the
    dotted name of many copies ('train-images.idx3-ubyte').
    """
    uncompressed = name[:-len('.gz')]
    return name, uncompressed, uncompressed.replace('-idx', '.idx')


def _find_on_disk(directory, name):
    """The path of the first of on_disk_names(name) in directory, or None if none is there.

    Raises DataFileError for one that is there but is not a readable file.
    """
    for form in on_disk_names(name):
        path = os.path.join(directory, form)
        if download.data_file_exists(path):
            return path
    return None


def keras_mnist_path():
    """Where Keras keeps its copy of MNIST: $KERAS_HOME/datasets/mnist.npz, by default in ~/.keras."""
    home = os.environ.get('KERAS_HOME') or os.path.join(os.path.expanduser('~'), '.keras')
    return os.path.join(home, 'datasets', 'mnist.npz')


def _why_not_keras_copy(path):
    """'' if path is Keras's MNIST (its SHA-256 is KERAS_MNIST_SHA256); otherwise why it cannot serve."""
    kind = download.what_is(path)
    if kind != 'a file':
        return kind
    digest = hashlib.sha256()
    try:
        with open(path, 'rb') as f:
            for chunk in iter(lambda: f.read(_CHUNK_BYTES), b''):
                digest.update(chunk)
    except OSError as e:
        return 'cannot be read: %s' % (e.strerror or e)
    if digest.hexdigest() != KERAS_MNIST_SHA256:
        return 'SHA-256 %s, expected %s' % (digest.hexdigest(), KERAS_MNIST_SHA256)
    return ''


def _keras_splits(path, one_hot):
    """Yields (uint8 images [N, 28, 28, 1], labels) of the training split, then of the test split,
    of Keras's mnist.npz."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = [npz[key] for key in ('x_train', 'y_train', 'x_test', 'y_test')]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise DataFileError('%s cannot be read as Keras\'s MNIST: %s.' % (path, e)) from None
    for images, labels in (arrays[:2], arrays[2:]):
        yield images[..., np.newaxis], dense_to_one_hot(labels, NUM_CLASSES) if one_hot else labels


def _found_note(directory, used, why_not_keras):
    """'Found in DIR: NAME (why not read), ...': what directory holds that looks like MNIST data,
    and why Keras's copy was not used (unless why_not_keras is '' or 'missing')."""
    try:
        entries = sorted(os.listdir(directory))
    except OSError:
        entries = None  # a mistyped directory, removed again: the message names it already
    notes = []
    for entry in entries or ():
        path = os.path.join(directory, entry)
        lower = entry.lower()
        if path in used:
            notes.append('%s (read)' % entry)
        elif not any(word in lower for word in ('idx', 'ubyte', 'mnist', 'train', 't10k', '.npz')):
            continue
        elif os.path.isdir(path):
            notes.append('%s (a directory: not searched)' % entry)
        elif lower.endswith('.npz'):
            notes.append("%s (not read: only Keras's own copy, %s, is)" % (entry, keras_mnist_path()))
        else:
            notes.append('%s (not one of the names read, such as %s)'
                         % (entry, ', '.join(on_disk_names(TRAIN_IMAGES))))
    note = ''
    if entries is not None:
        note = ' Found in %s: %s.' % (directory, ', '.join(notes) or 'nothing that looks like MNIST data')
    if why_not_keras and why_not_keras != 'missing':
        note += " Keras's copy %s is not used: %s." % (keras_mnist_path(), why_not_keras)
    return note


def _read_split(images_path, labels_path, one_hot, dtype):
    """Returns (uint8 images [N, 28, 28, 1], labels) of one split, checking their counts agree."""
    with download.open_data_file(images_path) as f:
        # The uint8 pixels and the DataSets' dtype copy of them are in memory together.
        images = _extract_images(f, IMAGE_SIZE, copies=1 + dtype.itemsize)
    with download.open_data_file(labels_path) as f:
        labels = extract_labels(f, one_hot=one_hot)
    if len(images) != len(labels):
        raise DataFileError('%s holds %d images but %s holds %d labels: expected as many labels '
                            'as images.' % (images_path, len(images), labels_path, len(labels)))
    return images, labels


def _splits(train_dir, source_url, one_hot, dtype):
    """Yields (uint8 images [N, 28, 28, 1], labels) of the training split, then of the test split.

    Read from the four files in train_dir, in any of their on_disk_names,
    downloading those missing; when none is there and no MNIST mirror delivers,
    from Keras's verified copy. One split at a time, so the uint8 training
    images are freed before the test file is read.
    """
    download.check_data_dir(train_dir)
    found = [_find_on_disk(train_dir, name) for name in FILE_NAMES]  # a bad entry fails before any download
    try:
        paths = [path or maybe_download(name, train_dir, source_url) for name, path in zip(FILE_NAMES, found)]
    except DownloadError as e:
        if any(found) or not download.sources(source_url)[1]:  # Keras's copy stands in for MNIST's four files
            raise DownloadError('%s%s' % (e, _found_note(train_dir, found, ''))) from None
        keras = keras_mnist_path()
        why_not_keras = _why_not_keras_copy(keras)
        if why_not_keras:
            raise DownloadError('%s%s' % (e, _found_note(train_dir, found, why_not_keras))) from None
        print("Could not download MNIST into %s: reading Keras's copy, %s (its SHA-256 matches)."
              % (train_dir, keras), file=sys.stderr)
        yield from _keras_splits(keras, one_hot)
        return
    yield _read_split(paths[0], paths[1], one_hot, dtype)
    yield _read_split(paths[2], paths[3], one_hot, dtype)


def _graph_seed():
    """The default graph's seed (tf.set_random_seed), or None: TF 1.x seeded an unseeded DataSet with it."""
    tf = sys.modules.get('tensorflow')  # never imported for this alone
    return None if tf is None else tf.compat.v1.get_seed(None)[0]


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=np.float32,
                   reshape=True, validation_size=5000, seed=None,
                   source_url=DEFAULT_SOURCE_URL):
    """Returns Datasets(train, validation, test) read from (or downloaded into) train_dir.

    Validation is the first `validation_size` training examples. Labels are
    uint8 [N] class indices, or float64 [N, 10] rows with one_hot=True (as the original).
    Images must be 28 x 28, at least one per file. Each file may be gzipped or
    not (see on_disk_names); with none there and no download, Keras's mnist.npz
    serves if its SHA-256 matches. Raises DataFileError, DownloadError or
    DataSetError with one line naming the problem (what the directory holds, for a download).
    """
    dtype = image_dtype(dtype)
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype,
                           reshape=reshape, seed=seed)
        return Datasets(train=fake(), validation=fake(), test=fake())

    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    # One split at a time, so the uint8 training images are freed before the
    # test file is read: peak memory stays near the float32 arrays themselves.
    splits = _splits(train_dir, source_url, one_hot, dtype)
    train_images, train_labels = next(splits)
    if not 0 <= validation_size <= len(train_images):
        raise DataSetError('validation_size %d: expected a value between 0 and %d, the number of '
                           'training images.' % (validation_size, len(train_images)))
    validation = DataSet(train_images[:validation_size], train_labels[:validation_size], **options)
    train = DataSet(train_images[validation_size:], train_labels[validation_size:], **options)
    del train_images, train_labels
    test = DataSet(*next(splits), **options)
    return Datasets(train=train, validation=validation, test=test)

