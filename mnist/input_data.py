"""Download and read MNIST: the TF 1.x `tensorflow.examples.tutorials.mnist.input_data`.

Same names, signatures and behaviour as the tutorial module, with three fixes:
every file is checked (size and SHA-256 for downloads, gzip and IDX structure
always) and a bad one fails with an error naming it; downloads are atomic and
fall back to a second mirror; each DataSet shuffles with its own RNG instead
of reseeding numpy's global one.

This module does not import TensorFlow.
"""
import collections
import contextlib
import gzip
import hashlib
import http.client
import os
import struct
import sys
import tempfile
import urllib.error
import urllib.request
import zlib

import numpy as np

DEFAULT_SOURCE_URL = 'https://storage.googleapis.com/cvdf-datasets/mnist/'
# Tried in order when source_url is one of them; files from them must match MNIST_FILES.
MIRRORS = (DEFAULT_SOURCE_URL, 'https://ossci-datasets.s3.amazonaws.com/mnist/')

TRAIN_IMAGES = 'train-images-idx3-ubyte.gz'
TRAIN_LABELS = 'train-labels-idx1-ubyte.gz'
TEST_IMAGES = 't10k-images-idx3-ubyte.gz'
TEST_LABELS = 't10k-labels-idx1-ubyte.gz'
FILE_NAMES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

# Published size in bytes and SHA-256 of each MNIST file.
MNIST_FILES = {
    TRAIN_IMAGES: (9912422, '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609'),
    TRAIN_LABELS: (28881, '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c'),
    TEST_IMAGES: (1648877, '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6'),
    TEST_LABELS: (4542, 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6'),
}

IMAGE_MAGIC = 2051
LABEL_MAGIC = 2049
NUM_CLASSES = 10
FAKE_NUM_EXAMPLES = 10000  # the size of every fake DataSet, as in the original

DOWNLOAD_TIMEOUT_SECONDS = 60
_CHUNK_BYTES = 1 << 20
# Deflate cannot compress better than about 1032:1, so a header that claims
# more data than that is lying; checking it avoids allocating absurd buffers.
_MAX_DEFLATE_RATIO = 1032

Datasets = collections.namedtuple('Datasets', ['train', 'validation', 'test'])


class DataFileError(ValueError):
    """A file that is not a valid MNIST IDX gz file; the message names it."""


class DownloadError(OSError):
    """No mirror delivered a valid copy of a file; the message lists each attempt."""


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


def _file_name(f):
    return getattr(f, 'name', '<stream>')


def _read_idx(f, magic, num_dims, what, name=None):
    """Reads one gzipped IDX file into a uint8 array of the shape its header gives.

    Raises DataFileError, naming the file, for anything that is not exactly
    such a file: not gzip, truncated, wrong magic, or a header that disagrees
    with the amount of data.
    """
    name = name or _file_name(f)
    start = f.read(64)
    if start[:2] != b'\x1f\x8b':
        looks_like = ''
        if start.lstrip()[:1] == b'<':
            looks_like = ' It looks like an HTML page, perhaps an error page saved in place of the data.'
        raise DataFileError('%s is not a gzip file: it starts with %r.%s Delete it and run '
                            'again to download a fresh copy.' % (name, start[:32], looks_like))
    f.seek(0, os.SEEK_END)
    compressed_bytes = f.tell()
    f.seek(0)
    gz = gzip.GzipFile(fileobj=f, mode='rb')
    try:
        header = gz.read(4 * (1 + num_dims))
        if len(header) < 4 * (1 + num_dims):
            raise DataFileError('%s ends inside its IDX header (%d bytes of data).' % (name, len(header)))
        found_magic, *dims = struct.unpack('>%dI' % (1 + num_dims), header)
        if found_magic != magic:
            raise DataFileError('%s: invalid magic number %d, expected %d for an MNIST %s file.'
                                % (name, found_magic, magic, what))
        expected_bytes = int(np.prod(dims, dtype=np.int64))
        header_text = '%s header says %s' % (name, ' x '.join(str(d) for d in dims))
        if expected_bytes > _MAX_DEFLATE_RATIO * compressed_bytes:
            raise DataFileError('%s (%d bytes of data), more than a %d-byte gzip file can hold.'
                                % (header_text, expected_bytes, compressed_bytes))
        data = np.empty(expected_bytes, dtype=np.uint8)
        view = memoryview(data)
        filled = 0
        while filled < expected_bytes:
            count = gz.readinto(view[filled:filled + _CHUNK_BYTES])
            if not count:
                break
            filled += count
        if filled < expected_bytes:
            raise DataFileError('%s (%d bytes of data), but the file holds only %d.'
                                % (header_text, expected_bytes, filled))
        if gz.read(1):
            raise DataFileError('%s (%d bytes of data), but the file holds more.'
                                % (header_text, expected_bytes))
    except EOFError as e:
        raise DataFileError('%s is truncated: the gzip stream ends early (%s). Delete it and run '
                            'again to download a fresh copy.' % (name, e)) from None
    except (OSError, zlib.error) as e:
        raise DataFileError('%s is a damaged gzip file (%s). Delete it and run again to '
                            'download a fresh copy.' % (name, e)) from None
    return data.reshape(dims)


def extract_images(f):
    """Extracts images from a gzipped IDX file object into uint8 [N, rows, cols, 1]."""
    print('Extracting', _file_name(f))
    images = _read_idx(f, IMAGE_MAGIC, 3, 'image')
    return images.reshape(images.shape + (1,))


def extract_labels(f, one_hot=False, num_classes=NUM_CLASSES):
    """Extracts labels from a gzipped IDX file object.

    Returns uint8 [N] class indices, or float64 [N, num_classes] one-hot rows.
    """
    print('Extracting', _file_name(f))
    labels = _read_idx(f, LABEL_MAGIC, 1, 'label')
    if labels.size and labels.max() >= num_classes:
        raise DataFileError('%s holds label %d, expected labels 0..%d.'
                            % (_file_name(f), labels.max(), num_classes - 1))
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


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
        self._rng = np.random.default_rng(seed)
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
        if not 0 < batch_size <= self._num_examples:
            raise ValueError('batch_size %d: expected 1..%d, the number of examples'
                             % (batch_size, self._num_examples))
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


class _Progress:
    """Download progress on stderr: one updating line on a terminal, a line per 10% in a log."""

    def __init__(self, filename, total, stream=None):
        # Looked up per download, not at import, so a redirected sys.stderr gets the progress.
        self._stream = sys.stderr if stream is None else stream
        self._filename, self._total = filename, total
        self._shown = -1

    def update(self, received):
        tenths = 10 * received // self._total if self._total else 0
        if self._stream.isatty():
            done = '%3d%%' % (10 * tenths) if self._total else '%d bytes' % received
            self._stream.write('\rDownloading %s: %s' % (self._filename, done))
        elif tenths > self._shown:
            self._stream.write('Downloading %s: %d%%\n' % (self._filename, 10 * tenths))
        self._shown = tenths
        self._stream.flush()

    def close(self):
        if self._stream.isatty():
            self._stream.write('\n')


@contextlib.contextmanager
def _unnamed_file(directory):
    """Yields (file, publish): a file in `directory` that disappears unless publish(path) is called.

    On Linux the file has no name at all until it is published (O_TMPFILE),
    so even a process killed mid-download leaves nothing behind. Elsewhere a
    hidden temporary file is removed on any exception.
    """
    temp_path = None
    try:
        fd = os.open(directory, os.O_TMPFILE | os.O_RDWR, 0o644)
    except (AttributeError, OSError):
        fd, temp_path = tempfile.mkstemp(dir=directory, prefix='.download-', suffix='.part')
    f = os.fdopen(fd, 'w+b')

    def publish(path):
        f.flush()
        os.fsync(f.fileno())
        if temp_path is None:
            # os.link calls linkat(AT_SYMLINK_FOLLOW) only when given a dir_fd; plain
            # link() would link the /proc symlink itself and fail with EXDEV.
            dir_fd = os.open(os.path.dirname(path) or '.', os.O_RDONLY)
            try:
                os.link('/proc/self/fd/%d' % f.fileno(), os.path.basename(path),
                        dst_dir_fd=dir_fd, follow_symlinks=True)
            except FileExistsError:
                pass  # a concurrent download placed its verified copy first
            finally:
                os.close(dir_fd)
        else:
            os.chmod(temp_path, 0o644)
            os.replace(temp_path, path)

    try:
        yield f, publish
    finally:
        f.close()
        if temp_path is not None and os.path.exists(temp_path):
            os.remove(temp_path)


def _download(url, path, expected):
    """Downloads url into path, atomically, after checking size, digest and structure.

    expected is (size, sha256) or None. Raises DownloadError with the reason.
    """
    filename = os.path.basename(path)
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response, \
                _unnamed_file(os.path.dirname(path) or '.') as (f, publish):
            header_size = response.headers.get('Content-Length')
            total = expected[0] if expected else (int(header_size) if header_size else None)
            digest = hashlib.sha256()
            received = 0
            progress = _Progress(filename, total)
            while True:
                chunk = response.read(_CHUNK_BYTES // 16)
                if not chunk:
                    break
                f.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                progress.update(received)
            progress.close()
            if total is not None and received != total:
                raise DownloadError('received %d bytes, expected %d' % (received, total))
            if expected and digest.hexdigest() != expected[1]:
                raise DownloadError('SHA-256 mismatch: expected %s, got %s'
                                    % (expected[1], digest.hexdigest()))
            if filename in FILE_NAMES:
                f.flush()
                f.seek(0)
                if 'images' in filename:
                    _read_idx(f, IMAGE_MAGIC, 3, 'image', name=url)
                else:
                    _read_idx(f, LABEL_MAGIC, 1, 'label', name=url)
            publish(path)
    except DownloadError:
        raise
    except urllib.error.HTTPError as e:
        raise DownloadError('HTTP %d %s' % (e.code, e.reason)) from None
    except urllib.error.URLError as e:
        raise DownloadError(str(e.reason)) from None
    except (OSError, http.client.HTTPException, DataFileError) as e:
        raise DownloadError('%s: %s' % (type(e).__name__, e)) from None
    print('Successfully downloaded', filename, received, 'bytes.')


def _sources(source_url):
    """Returns (base URLs to try in order, whether MNIST_FILES checksums apply)."""
    normalized = source_url if source_url.endswith('/') else source_url + '/'
    if normalized in MIRRORS:
        return [normalized] + [m for m in MIRRORS if m != normalized], True
    return [normalized], False


def maybe_download(filename, work_directory, source_url=DEFAULT_SOURCE_URL):
    """Returns the path of `filename` in `work_directory`, downloading it if it is not there.

    A download is verified before it is moved into place: against the
    published size and SHA-256 when it comes from an MNIST mirror, against
    Content-Length otherwise, and for the four MNIST names its gzip and IDX
    structure. A failure tries the next mirror; when all fail, DownloadError
    lists each URL and why. Existing files are checked when they are read.
    """
    path = os.path.join(work_directory, filename)
    if os.path.exists(path):
        return path
    os.makedirs(work_directory, exist_ok=True)
    bases, checked = _sources(source_url)
    expected = MNIST_FILES.get(filename) if checked else None
    failures = []
    for base in bases:
        url = base + filename
        try:
            _download(url, path, expected)
            return path
        except DownloadError as e:
            failures.append('  %s: %s' % (url, e))
    raise DownloadError('Could not download %s into %s. Tried:\n%s\nWithout internet access, put '
                        'the four files (%s) in %s by hand.'
                        % (filename, work_directory, '\n'.join(failures),
                           ', '.join(FILE_NAMES), work_directory))


def _read_split(images_path, labels_path, one_hot):
    """Returns (uint8 images [N, rows, cols, 1], labels) of one split, checking their counts agree."""
    with open(images_path, 'rb') as f:
        images = extract_images(f)
    with open(labels_path, 'rb') as f:
        labels = extract_labels(f, one_hot=one_hot)
    if len(images) != len(labels):
        raise DataFileError('%s holds %d images but %s holds %d labels: expected as many labels '
                            'as images.' % (images_path, len(images), labels_path, len(labels)))
    return images, labels


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=np.float32,
                   reshape=True, validation_size=5000, seed=None,
                   source_url=DEFAULT_SOURCE_URL):
    """Returns Datasets(train, validation, test) read from (or downloaded into) train_dir.

    Validation is the first `validation_size` training examples. Labels are
    uint8 [N] class indices, or float64 [N, 10] rows with one_hot=True (as the original).
    """
    dtype = image_dtype(dtype)
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype,
                           reshape=reshape, seed=seed)
        return Datasets(train=fake(), validation=fake(), test=fake())

    paths = [maybe_download(name, train_dir, source_url) for name in FILE_NAMES]
    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    # One split at a time, so the uint8 training images are freed before the
    # test file is read: peak memory stays near the float32 arrays themselves.
    train_images, train_labels = _read_split(paths[0], paths[1], one_hot)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError('validation_size %d: expected a value between 0 and %d, the number of '
                         'training images.' % (validation_size, len(train_images)))
    validation = DataSet(train_images[:validation_size], train_labels[:validation_size], **options)
    train = DataSet(train_images[validation_size:], train_labels[validation_size:], **options)
    del train_images, train_labels
    test = DataSet(*_read_split(paths[2], paths[3], one_hot), **options)
    return Datasets(train=train, validation=validation, test=test)


def check_batch_size(data_set, batch_size):
    """Raises DataFileError unless 1 <= batch_size <= data_set.num_examples."""
    if not 1 <= batch_size <= data_set.num_examples:
        raise DataFileError('--batch_size %d: expected 1..%d, the number of training examples.'
                            % (batch_size, data_set.num_examples))
