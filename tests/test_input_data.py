"""Tests for mnist/input_data.py: reading, batching, bad files and downloads.

Downloads go only to a local HTTP server on 127.0.0.1 that each test starts
and stops; an autouse guard fails any attempt to reach another address.
"""
import gzip
import hashlib
import http.server
import json
import math
import os
import pwd
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import types
import urllib.request
import zlib

import numpy as np
import pytest

from conftest import FILE_NAMES, mnist_file_bytes, write_idx, write_mnist_dir
from mnist import download, input_data

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS = FILE_NAMES
FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist'


@pytest.fixture(autouse=True)
def local_network_only(monkeypatch):
    """Fails the test if anything tries to download from an address other than 127.0.0.1."""
    real_urlopen = urllib.request.urlopen

    def urlopen(url, *args, **kwargs):
        full_url = getattr(url, 'full_url', url)
        if not full_url.startswith('http://127.0.0.1:'):
            raise AssertionError('a test tried to contact %s' % full_url)
        return real_urlopen(url, *args, **kwargs)

    monkeypatch.setattr(urllib.request, 'urlopen', urlopen)


@pytest.fixture(autouse=True)
def no_keras_copy(monkeypatch, tmp_path):
    """Points KERAS_HOME at an empty directory: a user's ~/.keras/datasets/mnist.npz plays no part."""
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'keras_home'))
    return tmp_path / 'keras_home' / 'datasets' / 'mnist.npz'


def read(directory, validation_size=10, **kwargs):
    """read_data_sets with a validation split that fits the tiny fixture data."""
    return input_data.read_data_sets(str(directory), validation_size=validation_size, **kwargs)


def scaled(images):
    """uint8 [N, 28, 28] -> float32 [N, 784], with the original tutorial's arithmetic.

    The original multiplied float32 pixels by 1.0 / 255.0 in float32; for
    about half of the values 0..255 that is one ulp away from the correctly
    rounded k / 255, so this pins the original's exact numbers.
    """
    return images.reshape(len(images), -1).astype(np.float32) * np.float32(1.0 / 255.0)


class FakeTFDType:
    """Stands in for tf.float32 / tf.uint8: read_data_sets only looks at as_numpy_dtype."""

    def __init__(self, numpy_dtype):
        self.as_numpy_dtype = numpy_dtype


# ---------------------------------------------------------------- read_data_sets

def test_splits_validation_off_the_front_of_train(mnist_dir):
    """Validation is the first validation_size training examples, train the rest."""
    data = read(mnist_dir.directory, validation_size=15)
    assert (data.train.num_examples, data.validation.num_examples, data.test.num_examples) == (45, 15, 20)
    np.testing.assert_array_equal(data.validation.images, scaled(mnist_dir.train_images[:15]))
    np.testing.assert_array_equal(data.validation.labels, mnist_dir.train_labels[:15])
    np.testing.assert_array_equal(data.train.images, scaled(mnist_dir.train_images[15:]))
    np.testing.assert_array_equal(data.train.labels, mnist_dir.train_labels[15:])
    np.testing.assert_array_equal(data.test.images, scaled(mnist_dir.test_images))
    np.testing.assert_array_equal(data.test.labels, mnist_dir.test_labels)
    assert data.train.labels.dtype == np.uint8


def test_float32_images_are_scaled_to_unit_range(mnist_dir):
    """Default float32 images are [N, 784] with pixel k stored as k / 255."""
    images = read(mnist_dir.directory).test.images
    assert images.dtype == np.float32 and images.shape == (20, 784)
    expected = scaled(mnist_dir.test_images)
    np.testing.assert_array_equal(images, expected)
    np.testing.assert_allclose(images, mnist_dir.test_images.reshape(20, -1) / 255.0, rtol=1e-7)
    assert images.min() >= 0 and images.max() <= 1
    assert scaled(np.array([[0, 255]]))[0].tolist() == [0.0, 1.0]


def test_uint8_images_keep_raw_pixels(mnist_dir):
    """dtype=uint8 keeps the file's 0..255 values."""
    images = read(mnist_dir.directory, dtype=np.uint8).test.images
    assert images.dtype == np.uint8
    np.testing.assert_array_equal(images, mnist_dir.test_images.reshape(20, 784))


@pytest.mark.parametrize('dtype, expected', [
    (np.float32, np.float32), ('float32', np.float32), (np.dtype('float32'), np.float32),
    (FakeTFDType(np.float32), np.float32),
    (np.uint8, np.uint8), ('uint8', np.uint8), (np.dtype('uint8'), np.uint8),
    (FakeTFDType(np.uint8), np.uint8),
])
def test_dtype_accepts_numpy_string_and_tensorflow_forms(mnist_dir, dtype, expected):
    """A numpy type, a dtype name, a np.dtype or a tf.DType-like object all work."""
    data = read(mnist_dir.directory, dtype=dtype)
    for split in data:
        assert split.images.dtype == expected


@pytest.mark.parametrize('dtype', [np.float64, np.int32, 'int8', None, object(),
                                   FakeTFDType(np.float16)])
def test_other_dtypes_raise_type_error(mnist_dir, dtype):
    """Only uint8 and float32 images are supported, as in the original."""
    with pytest.raises(TypeError, match='dtype'):
        read(mnist_dir.directory, dtype=dtype)


def test_reshape_false_keeps_image_shape(mnist_dir):
    """reshape=False gives [N, 28, 28, 1]."""
    data = read(mnist_dir.directory, reshape=False)
    assert data.train.images.shape == (50, 28, 28, 1)
    assert data.test.images.shape == (20, 28, 28, 1)
    np.testing.assert_array_equal(data.test.images.reshape(20, 784), scaled(mnist_dir.test_images))


def test_one_hot_labels(mnist_dir):
    """one_hot=True gives [N, 10] rows with a single 1 at the label, float64 as in the original."""
    data = read(mnist_dir.directory, one_hot=True)
    labels = data.test.labels
    assert labels.shape == (20, 10) and labels.dtype == np.float64
    np.testing.assert_array_equal(labels.sum(axis=1), 1)
    np.testing.assert_array_equal(labels.argmax(axis=1), mnist_dir.test_labels)
    np.testing.assert_array_equal(data.validation.labels.argmax(axis=1), mnist_dir.train_labels[:10])
    assert data.train.one_hot and data.train.next_batch(3)[1].shape == (3, 10)


@pytest.mark.parametrize('validation_size', [-1, 61])
def test_validation_size_outside_train_raises(mnist_dir, validation_size):
    """validation_size must lie in [0, number of training images]; the message says so."""
    with pytest.raises(input_data.DataSetError, match='validation_size %d' % validation_size) as e:
        read(mnist_dir.directory, validation_size=validation_size)
    assert '60' in str(e.value)


@pytest.mark.parametrize('validation_size, train_size', [(0, 60), (60, 0)])
def test_validation_size_bounds_are_accepted(mnist_dir, validation_size, train_size):
    """Both ends of the range work: no validation set, or no training set left."""
    data = read(mnist_dir.directory, validation_size=validation_size)
    assert data.validation.num_examples == validation_size
    assert data.train.num_examples == train_size


@pytest.mark.parametrize('one_hot, label', [(False, 0), (True, [1] + [0] * 9)])
def test_fake_data(tmp_path, one_hot, label):
    """fake_data gives 10000 all-ones images labelled 0 per split and never touches the disk."""
    directory = tmp_path / 'never_created'
    data = input_data.read_data_sets(str(directory), fake_data=True, one_hot=one_hot)
    assert not directory.exists()
    for split in data:
        assert split.num_examples == 10000
        for fake in (True, False):
            images, labels = split.next_batch(5, fake_data=fake)
            assert images.shape == (5, 784)
            np.testing.assert_array_equal(images, 1)
            assert labels.tolist() == [label] * 5


def test_fake_data_follows_dtype_and_reshape(tmp_path):
    """Fake images take the requested dtype and shape; pixels stay 1 as in the original."""
    data = input_data.read_data_sets(str(tmp_path), fake_data=True, dtype=np.uint8, reshape=False)
    images, _ = data.train.next_batch(2, fake_data=True)
    assert images.shape == (2, 28, 28, 1) and images.dtype == np.uint8
    np.testing.assert_array_equal(images, 1)


def test_same_seed_gives_same_batches_from_read_data_sets(mnist_dir):
    """read_data_sets(seed=...) passes the seed to the DataSets: identical runs."""
    a, b = read(mnist_dir.directory, seed=7), read(mnist_dir.directory, seed=7)
    for _ in range(8):
        np.testing.assert_array_equal(a.train.next_batch(20)[1], b.train.next_batch(20)[1])


# ---------------------------------------------------------------- DataSet.next_batch

def indexed_dataset(n=10, **kwargs):
    """A uint8 DataSet whose example i has pixel i and label i, so a batch shows its indices."""
    images = np.arange(n, dtype=np.uint8).reshape(n, 1, 1, 1)
    return input_data.DataSet(images, np.arange(n), dtype=np.uint8, **kwargs)


def batch_indices(dataset, batch_size, **kwargs):
    """Returns the file indices of the next batch, checking images and labels moved together."""
    images, labels = dataset.next_batch(batch_size, **kwargs)
    np.testing.assert_array_equal(images.ravel(), labels)
    return labels.tolist()


def test_unshuffled_batches_follow_file_order():
    """shuffle=False serves the file order; a batch crossing the end wraps to the start."""
    ds = indexed_dataset(10)
    assert batch_indices(ds, 4, shuffle=False) == [0, 1, 2, 3]
    assert batch_indices(ds, 4, shuffle=False) == [4, 5, 6, 7]
    assert ds.epochs_completed == 0
    assert batch_indices(ds, 4, shuffle=False) == [8, 9, 0, 1]
    assert ds.epochs_completed == 1
    assert batch_indices(ds, 4, shuffle=False) == [2, 3, 4, 5]


def test_batch_larger_than_half_the_set():
    """A batch of 7 out of 10 takes the rest of the epoch and then the start of the next."""
    ds = indexed_dataset(10)
    assert batch_indices(ds, 7, shuffle=False) == [0, 1, 2, 3, 4, 5, 6]
    assert batch_indices(ds, 7, shuffle=False) == [7, 8, 9, 0, 1, 2, 3]
    assert batch_indices(ds, 7, shuffle=False) == [4, 5, 6, 7, 8, 9, 0]
    assert ds.epochs_completed == 2


def test_epochs_completed_counts_batches_that_cross_the_end():
    """A batch ending exactly at the end does not finish the epoch; the next batch does."""
    ds = indexed_dataset(10)
    counts = []
    for _ in range(5):
        ds.next_batch(5)
        counts.append(ds.epochs_completed)
    assert counts == [0, 0, 1, 1, 2]
    whole = indexed_dataset(10)
    whole.next_batch(10)
    assert whole.epochs_completed == 0
    whole.next_batch(10)
    assert whole.epochs_completed == 1


def test_shuffled_batch_crossing_the_end_finishes_the_old_epoch_first():
    """The crossing batch starts with exactly the examples the old epoch had not served yet."""
    ds = indexed_dataset(10, seed=3)
    first = batch_indices(ds, 7)
    second = batch_indices(ds, 7)
    assert ds.epochs_completed == 1
    assert sorted(second[:3]) == sorted(set(range(10)) - set(first))
    assert len(set(second[3:])) == 4


def test_shuffle_serves_every_example_once_per_epoch():
    """Cut into epochs, the stream of shuffled examples is a permutation per epoch."""
    ds = indexed_dataset(10, seed=5)
    served = np.concatenate([batch_indices(ds, 7) for _ in range(10)]).reshape(7, 10)
    for epoch in served:
        assert sorted(epoch) == list(range(10))
    assert len({tuple(epoch) for epoch in served}) > 1, 'expected a fresh shuffle each epoch'
    assert served[0].tolist() != list(range(10))
    assert ds.epochs_completed == 6


def test_same_seed_same_batches_different_seed_different_batches():
    """The seed alone fixes the batch sequence."""
    def sequence(seed):
        ds = indexed_dataset(50, seed=seed)
        return [batch_indices(ds, 13) for _ in range(12)]

    assert sequence(1) == sequence(1)
    assert sequence(1) != sequence(2)


@pytest.mark.parametrize('seed', [None, 0])
def test_next_batch_leaves_numpy_global_rng_alone(seed):
    """Each DataSet has its own RNG; np.random's global state is untouched."""
    np.random.seed(1234)
    before = np.random.get_state()
    ds = indexed_dataset(10, seed=seed)
    for _ in range(6):
        ds.next_batch(7)
    after = np.random.get_state()
    assert before[0] == after[0] and before[2:] == after[2:]
    np.testing.assert_array_equal(before[1], after[1])


@pytest.mark.parametrize('batch_size', [0, -1, 11])
def test_batch_size_outside_one_to_num_examples_raises(batch_size):
    """batch_size must be 1..num_examples; the DataSetError is a ValueError and gives the range."""
    with pytest.raises(input_data.DataSetError, match='batch_size %d: expected 1..10' % batch_size) as e:
        indexed_dataset(10).next_batch(batch_size)
    assert isinstance(e.value, ValueError)


def test_check_batch_size_speaks_of_the_training_split(mnist_dir):
    """What a script calls after read_data_sets: the message gives the flag's value and range."""
    data = read(mnist_dir.directory)
    for batch_size in (1, 50):
        input_data.check_batch_size(data.train, batch_size)
    for batch_size in (0, 51, 100):
        with pytest.raises(input_data.DataSetError) as e:
            input_data.check_batch_size(data.train, batch_size)
        assert str(e.value) == ('batch_size %d: expected 1..50, the number of training examples.'
                                % batch_size)


def test_images_and_labels_count_mismatch_raises():
    """A DataSet needs one label per image."""
    with pytest.raises(ValueError, match='labels'):
        input_data.DataSet(np.zeros((5, 28, 28, 1), np.uint8), np.zeros(4, np.uint8))


def test_next_batch_does_not_modify_the_dataset(mnist_dir):
    """Shuffling permutes an index: images and labels stay in file order, batches are copies."""
    given_images = mnist_dir.train_images.reshape(60, 28, 28, 1)
    given_copy = given_images.copy()
    ds = input_data.DataSet(given_images, mnist_dir.train_labels, seed=0)
    images_before, labels_before = ds.images.copy(), ds.labels.copy()
    for _ in range(7):
        images, labels = ds.next_batch(25)
        images[:] = 0
        labels[:] = 0
    np.testing.assert_array_equal(ds.images, images_before)
    np.testing.assert_array_equal(ds.labels, labels_before)
    np.testing.assert_array_equal(ds.images, scaled(mnist_dir.train_images))
    np.testing.assert_array_equal(given_images, given_copy)


# ---------------------------------------------------------------- bad files

HTML_PAGE = (b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error 404 '
             b'(Not Found)</title><style>body{margin:7% auto 0;max-width:390px;min-height:180px;'
             b'padding:30px 0 15px;font:15px/22px arial,sans-serif}</style></head><body>'
             + b'<p>The requested URL was not found on this server. That is all we know.</p>' * 7
             + b'</body></html>\n')


def read_error(directory):
    """Returns the message of the DataFileError that reading directory raises."""
    with pytest.raises(input_data.DataFileError) as e:
        read(directory)
    assert isinstance(e.value, ValueError)
    return str(e.value)


def test_html_page_instead_of_gzip(mnist_dir):
    """An error page saved under an MNIST name is reported as not gzip, probably HTML."""
    assert 650 < len(HTML_PAGE) < 800
    path = os.path.join(mnist_dir.directory, TRAIN_IMAGES)
    with open(path, 'wb') as f:
        f.write(HTML_PAGE)
    message = read_error(mnist_dir.directory)
    assert path in message and 'gzip' in message and 'HTML' in message


def test_empty_file(mnist_dir):
    """A zero-byte file is not a gzip file."""
    path = os.path.join(mnist_dir.directory, TEST_LABELS)
    open(path, 'wb').close()
    message = read_error(mnist_dir.directory)
    assert path in message and 'gzip' in message


def test_truncated_gzip(mnist_dir):
    """A download cut in half is reported as truncated, naming the file."""
    path = os.path.join(mnist_dir.directory, TRAIN_IMAGES)
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    message = read_error(mnist_dir.directory)
    assert path in message and 'truncated' in message


@pytest.mark.parametrize('name, found, expected', [(TRAIN_IMAGES, 2049, 2051),
                                                   (TEST_LABELS, 2051, 2049)])
def test_wrong_magic_number(mnist_dir, name, found, expected):
    """The message gives the magic number found and the one expected."""
    path = os.path.join(mnist_dir.directory, name)
    array = mnist_dir.train_images if name == TRAIN_IMAGES else mnist_dir.test_labels
    write_idx(path, array, magic=found)
    message = read_error(mnist_dir.directory)
    assert path in message and str(found) in message and str(expected) in message


@pytest.mark.parametrize('claimed, words', [(65, 'only'), (55, 'more')])
def test_header_count_disagrees_with_data(mnist_dir, claimed, words):
    """A header claiming more images than the data holds, or fewer (trailing data), fails."""
    path = os.path.join(mnist_dir.directory, TRAIN_IMAGES)
    write_idx(path, mnist_dir.train_images, dims=(claimed, 28, 28))
    message = read_error(mnist_dir.directory)
    assert path in message and str(claimed) in message and words in message


def test_image_and_label_counts_differ(mnist_dir):
    """59 labels for 60 images: the message names both files and both counts."""
    write_idx(os.path.join(mnist_dir.directory, TRAIN_LABELS), mnist_dir.train_labels[:59])
    message = read_error(mnist_dir.directory)
    assert TRAIN_IMAGES in message and TRAIN_LABELS in message
    assert '60' in message and '59' in message


def test_label_out_of_range(mnist_dir):
    """A label of 10 or more is not an MNIST class."""
    labels = mnist_dir.test_labels.copy()
    labels[3] = 10
    path = os.path.join(mnist_dir.directory, TEST_LABELS)
    write_idx(path, labels)
    message = read_error(mnist_dir.directory)
    assert path in message and '10' in message


@pytest.mark.parametrize('name', [TRAIN_IMAGES, TEST_IMAGES])
def test_images_that_are_not_28_by_28(mnist_dir, name):
    """The models take 28 x 28 images: other sizes fail from the header, naming file and size."""
    path = os.path.join(mnist_dir.directory, name)
    write_idx(path, np.zeros((60 if name == TRAIN_IMAGES else 20, 32, 30), np.uint8))
    message = read_error(mnist_dir.directory)
    assert message == '%s holds images of 32 x 30 pixels: expected 28 x 28.' % path


@pytest.mark.parametrize('images, labels', [(TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)])
def test_zero_images(mnist_dir, images, labels):
    """A split without images cannot train or evaluate anything."""
    path = os.path.join(mnist_dir.directory, images)
    write_idx(path, np.zeros((0, 28, 28), np.uint8))
    write_idx(os.path.join(mnist_dir.directory, labels), np.zeros(0, np.uint8))
    assert read_error(mnist_dir.directory) == '%s holds 0 images: expected at least one.' % path


@pytest.mark.parametrize('dims', [(2 ** 31, 2 ** 31, 4), (2 ** 32 - 1,) * 3, (2 ** 32 - 1, 28, 28)])
def test_header_sizes_that_overflow_or_are_absurd(mnist_dir, dims):
    """Sizes whose product wraps around in int64 (2^31 * 2^31 * 4 = 2^64 -> 0) or exceeds what the
    gzip file can hold are refused from the header, by read_data_sets and extract_images alike."""
    path = os.path.join(mnist_dir.directory, TRAIN_IMAGES)
    write_idx(path, mnist_dir.train_images, dims=dims)
    product = dims[0] * dims[1] * dims[2]
    for message in (read_error(mnist_dir.directory), extract_error(path)):
        assert message.startswith('%s header says %d x %d x %d (%d bytes of data), more than a '
                                  % ((path,) + dims + (product,)))
        assert 'gzip file can hold' in message


def extract_error(path):
    """The DataFileError message of extract_images on path."""
    with open(path, 'rb') as f, pytest.raises(input_data.DataFileError) as e:
        input_data.extract_images(f)
    return str(e.value)


def write_zero_images(path, count):
    """Writes a valid gzip IDX file of `count` all-zero 28 x 28 images; returns its size in bytes.

    Honest but huge once decompressed, yet quick to write: a 1 MiB run of
    zeros is deflated once, ending in a full flush so that the compressed
    block depends on nothing before it, and then repeated.
    """
    def deflate_alone(data):
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)

    header = struct.pack('>4I', input_data.IMAGE_MAGIC, count, 28, 28)
    zeros = bytes(1 << 20)
    whole_runs, rest = divmod(count * 28 * 28, len(zeros))
    run = deflate_alone(zeros)
    crc = zlib.crc32(header)
    with open(path, 'wb') as f:
        f.write(b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff')  # gzip, deflate, no name, mtime 0
        f.write(deflate_alone(header))
        for _ in range(whole_runs):
            f.write(run)
            crc = zlib.crc32(zeros, crc)
        f.write(deflate_alone(zeros[:rest]))
        crc = zlib.crc32(zeros[:rest], crc)
        f.write(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # the final, empty block
        f.write(struct.pack('<2I', crc, (len(header) + count * 28 * 28) & 0xFFFFFFFF))
        return f.tell()


def test_zero_images_writer_makes_a_valid_gzip(tmp_path):
    """The helper's trick gives a file that gzip reads back exactly, trailer checks included."""
    path = tmp_path / 'zeros.gz'
    write_zero_images(path, 3000)  # 2.2 MiB: two whole runs and a rest
    with gzip.open(path) as f:
        data = f.read()
    assert data[:16] == struct.pack('>4I', input_data.IMAGE_MAGIC, 3000, 28, 28)
    assert len(data) == 16 + 3000 * 784 and not any(data[16:])


def mem_available():
    with open('/proc/meminfo') as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith('MemAvailable:'))


@pytest.mark.skipif(not os.path.exists('/proc/meminfo'), reason='needs /proc/meminfo')
def test_data_larger_than_memory_is_refused_before_allocating(mnist_dir):
    """An honest file whose images need 1.5 x the available memory as float32 is refused from its header.

    The reader runs in a child limited to 4 GB of address space, so a reader
    that allocated anyway would fail with MemoryError there, not with this message.
    """
    count = math.ceil(1.5 * mem_available() / (5 * 784))  # uint8 pixels + their float32 copy
    path = os.path.join(mnist_dir.directory, TRAIN_IMAGES)
    compressed = write_zero_images(path, count)
    assert count * 784 <= input_data._MAX_DEFLATE_RATIO * compressed, 'the file must look honest'
    child = subprocess.run(
        [sys.executable, '-c', READ_CHILD, mnist_dir.directory], env=child_env(),
        capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)))
    assert child.returncode == 3, child.stderr
    message = child.stdout.strip().splitlines()[-1]
    assert message.startswith('DataFileError: %s header says %d x 28 x 28: reading it needs %.1f GB of '
                              'memory (%d bytes of data, held 5 times while converting), but only '
                              % (path, count, count * 784 * 5 / 1e9, count * 784))
    assert message.endswith(' GB is available.')


# Reads a directory with one-hot labels under an address-space limit 512 MiB above what the child
# already holds (as `ulimit -v` would set it); a DataFileError prints its message and exits 3.
ONE_HOT_UNDER_A_LIMIT_CHILD = r"""
import resource, sys
from mnist import input_data
with open('/proc/self/status') as f:
    held = next(int(line.split()[1]) * 1024 for line in f if line.startswith('VmSize:'))
resource.setrlimit(resource.RLIMIT_AS, (held + (512 << 20), resource.RLIM_INFINITY))
try:
    input_data.read_data_sets(sys.argv[1], one_hot=True, validation_size=10)
except input_data.DataFileError as e:
    print(e)
    sys.exit(3)
"""


@pytest.mark.skipif(not os.path.exists('/proc/self/status'), reason='needs /proc/self/status')
def test_memory_error_while_reading_is_one_line_naming_the_allocation(mnist_dir):
    """20 million labels (an honest 20 MB of data) pass every check, but their one-hot rows need
    1.6 GB: under the limit that allocation really fails, and the MemoryError becomes one line."""
    count = 20_000_000
    path = os.path.join(mnist_dir.directory, TRAIN_LABELS)
    write_idx(path, np.random.default_rng(0).integers(0, 10, count, dtype=np.uint8))
    child = subprocess.run([sys.executable, '-c', ONE_HOT_UNDER_A_LIMIT_CHILD, mnist_dir.directory],
                           env=child_env(), capture_output=True, text=True, timeout=120)
    assert child.returncode == 3, child.stderr
    assert child.stdout.strip().splitlines()[-1] == (
        '%s holds %d labels: their one-hot rows (float64 [%d, 10], 1.6 GB) could not be allocated.'
        % (path, count, count))


# ---------------------------------------------------------------- bad directories and entries

# Reads a directory with read_data_sets, as the user id and group id given after it, if any
# (dropped after the imports: the interpreter may live where only root can reach it).
# A known error prints 'Class: message' and exits 3.
READ_CHILD = r"""
import os, sys
from mnist import input_data
if len(sys.argv) > 2:
    os.setgroups([])
    os.setgid(int(sys.argv[3]))
    os.setuid(int(sys.argv[2]))
try:
    input_data.read_data_sets(sys.argv[1], validation_size=10)
except (input_data.DataFileError, input_data.DownloadError) as e:
    print('%s: %s' % (type(e).__name__, e))
    sys.exit(3)
"""


def child_env():
    """The environment of a child Python that imports this checkout's mnist package."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        [REPO_ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p]))


def run_as_nobody(directory):
    """Runs READ_CHILD on directory as user nobody (root ignores permissions)."""
    try:
        nobody = pwd.getpwnam('nobody')
    except KeyError:
        pytest.skip('there is no user nobody to run without root permissions')
    return subprocess.run([sys.executable, '-c', READ_CHILD, str(directory), str(nobody.pw_uid),
                           str(nobody.pw_gid)], env=child_env(), capture_output=True, text=True,
                          timeout=60, cwd='/')


@pytest.fixture
def open_tmp():
    """A fresh directory that every user can reach (pytest's tmp_path is root's alone)."""
    directory = tempfile.mkdtemp(prefix='input-data-test-')
    os.chmod(directory, 0o755)
    yield directory
    shutil.rmtree(directory)


def data_error(directory, **kwargs):
    """The message of the DataFileError that read_data_sets raises on directory: one line, no
    advice to download by hand (the network is not the problem)."""
    with pytest.raises(input_data.DataFileError) as e:
        read(directory, **kwargs)
    message = str(e.value)
    assert '\n' not in message and 'by hand' not in message and 'Delete it' not in message
    return message


def test_data_dir_empty_string():
    assert data_error('') == ("The data directory is an empty string: expected the directory that holds "
                              "the MNIST files or is to receive them, such as 'MNIST_data'.")


def test_data_dir_is_a_file(tmp_path):
    path = tmp_path / 'data.gz'
    path.write_bytes(b'not a directory')
    assert data_error(path) == 'The data directory %s is a file, not a directory.' % path


@pytest.mark.parametrize('kind', ['dangling', 'loop'])
def test_data_dir_is_a_broken_symlink(tmp_path, kind):
    path = tmp_path / 'data'
    if kind == 'dangling':
        path.symlink_to(tmp_path / 'gone')
        expected = 'a symbolic link to %s, which does not exist' % (tmp_path / 'gone')
    else:
        path.symlink_to(tmp_path / 'data')
        expected = 'a symbolic link loop'
    assert data_error(path) == 'The data directory %s is %s, not a directory.' % (path, expected)
    assert os.path.islink(path)


def make_entry(path, kind, tmp_path):
    """Puts something other than a readable file at path; returns how the error describes it."""
    if kind == 'directory':
        os.mkdir(path)
        return 'a directory'
    if kind == 'dangling symlink':
        os.symlink(tmp_path / 'gone.gz', path)
        return 'a symbolic link to %s, which does not exist' % (tmp_path / 'gone.gz')
    if kind == 'symlink loop':
        os.symlink(os.path.basename(path), path)
        return 'a symbolic link loop'
    os.mkfifo(path)
    return 'a named pipe'


@pytest.mark.parametrize('kind', ['directory', 'dangling symlink', 'symlink loop', 'named pipe'])
def test_data_file_name_is_not_a_file(mirrors, mnist_dir, tmp_path, kind):
    """What is there is named, before anything is downloaded (train images are missing here)."""
    serve(mirrors.server, mirrors.urls[0], mirrors.files)
    os.remove(os.path.join(mnist_dir.directory, TRAIN_IMAGES))
    path = os.path.join(mnist_dir.directory, TEST_LABELS)
    os.remove(path)
    what = make_entry(path, kind, tmp_path)
    message = data_error(mnist_dir.directory, source_url=mirrors.urls[0])
    assert message == '%s is %s: expected an IDX file, or nothing there to download it.' % (path, what)
    assert mirrors.server.requests == []
    with pytest.raises(input_data.DataFileError, match=str(path)):
        input_data.maybe_download(TEST_LABELS, mnist_dir.directory, mirrors.urls[0])


def test_unreadable_data_dir(open_tmp):
    """A directory that user nobody may not enter gives one line naming it, not a download."""
    directory = os.path.join(open_tmp, 'data')
    write_mnist_dir(directory)
    os.chmod(directory, 0o700)
    child = run_as_nobody(directory)
    assert child.returncode == 3, child.stderr
    assert child.stdout == ('DataFileError: The data directory %s cannot be read: Permission denied.\n'
                            % directory)


def test_unreadable_data_file(open_tmp):
    """An unreadable test file is found before the training files are read."""
    directory = os.path.join(open_tmp, 'data')
    write_mnist_dir(directory)
    os.chmod(os.path.join(directory, TEST_IMAGES), 0o600)
    child = run_as_nobody(directory)
    assert child.returncode == 3, child.stderr
    assert child.stdout == ('DataFileError: Cannot read %s: Permission denied.\n'
                            % os.path.join(directory, TEST_IMAGES))


def test_missing_files_in_a_read_only_dir(mirrors, read_only_dir):
    """Nowhere to download to: one line saying why, and the mirrors are not even asked."""
    serve(mirrors.server, mirrors.urls[0], mirrors.files)
    message = data_error(read_only_dir, source_url=mirrors.urls[0])
    assert message == ('Cannot download %s into %s: Read-only file system.' % (TRAIN_IMAGES, read_only_dir))
    assert mirrors.server.requests == []


def test_new_data_dir_under_a_read_only_dir(mirrors, read_only_dir):
    serve(mirrors.server, mirrors.urls[0], mirrors.files)
    directory = read_only_dir / 'data'
    message = data_error(directory, source_url=mirrors.urls[0])
    assert message == 'Cannot create the data directory %s: Read-only file system.' % directory
    assert mirrors.server.requests == []


def test_mistyped_data_dir_leaves_no_tree_behind(mirrors, tmp_path):
    """A new directory tree whose first download fails is removed again; its existing parent stays."""
    directory = tmp_path / 'MNIST_dta' / 'deeper' / 'still'
    message = download_error(directory, mirrors.urls[0])
    assert str(directory) in message
    assert os.listdir(tmp_path) == []


def test_data_dir_kept_once_a_file_arrived(mirrors, tmp_path):
    """When one file downloaded and the next failed, the directory and that file stay."""
    serve(mirrors.server, mirrors.urls[0], {TRAIN_IMAGES: mirrors.files[TRAIN_IMAGES]})
    directory = tmp_path / 'new' / 'data'
    message = download_error(directory, mirrors.urls[0])
    assert 'Could not download %s' % TRAIN_LABELS in message
    assert os.listdir(directory) == [TRAIN_IMAGES]


# ---------------------------------------------------------------- downloads

class MirrorHandler(http.server.BaseHTTPRequestHandler):
    """Serves server.routes: URL path -> (body, behaviour). Anything else is a 404.

    Behaviours: 'full'; 'cut' (promises the whole body, sends half, hangs
    up); 'trickle' (sends some bytes, then one byte per 50 ms for at most
    5 s); 'together' (waits, at most 10 s, until a second request for a
    file arrives, so two clients download it at the same time); 'hold'
    (sends the headers, then the body only once server.release is set);
    'drip' (sends the headers, then one byte every 0.2 s).
    """

    def do_GET(self):
        server = self.server
        with server.lock:
            server.requests.append(self.path)
        body, behaviour = server.routes.get(self.path, (None, None))
        if body is None:
            self.send_error(404)
            return
        if behaviour == 'together':
            try:
                server.barrier.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        try:
            if behaviour == 'cut':
                self.wfile.write(body[:len(body) // 2])
            elif behaviour == 'trickle':
                self.wfile.write(body[:1000])
                self.wfile.flush()
                server.first_bytes_sent.set()
                deadline = time.monotonic() + 5
                for i in range(1000, len(body)):
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.05)
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
            elif behaviour == 'hold':
                self.wfile.flush()
                if server.release.wait(timeout=30):
                    self.wfile.write(body)
            elif behaviour == 'drip':
                for i in range(len(body)):
                    if server.release.wait(timeout=0.2):
                        break
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
            else:
                self.wfile.write(body)
        except OSError:
            pass  # the client went away

    def log_message(self, format, *args):
        pass


class LocalServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture
def server():
    """A threaded HTTP server on a free port of 127.0.0.1, stopped after the test."""
    httpd = LocalServer(('127.0.0.1', 0), MirrorHandler)
    httpd.base_url = 'http://127.0.0.1:%d/' % httpd.server_address[1]
    httpd.routes, httpd.requests, httpd.lock = {}, [], threading.Lock()
    httpd.first_bytes_sent, httpd.barrier = threading.Event(), threading.Barrier(2)
    httpd.release = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()  # ends 'hold' and 'drip' responses
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def mirrors(server, monkeypatch):
    """Two local mirrors, /m1/ and /m2/, standing in for download.MIRRORS.

    MNIST_FILES is patched to the size and SHA-256 of the tiny files in
    `files`; nothing is served until a test calls serve().
    """
    files, arrays = mnist_file_bytes()
    urls = (server.base_url + 'm1/', server.base_url + 'm2/')
    monkeypatch.setattr(download, 'MIRRORS', urls)
    monkeypatch.setattr(download, 'MNIST_FILES', {
        name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in files.items()})
    return types.SimpleNamespace(server=server, urls=urls, files=files, arrays=arrays)


def serve(server, url, files, behaviour='full'):
    """Serves files ({name: bytes}) under the base url with the given behaviour."""
    prefix = url[len(server.base_url) - 1:]
    for name, data in files.items():
        server.routes[prefix + name] = (data, behaviour)


def flipped(data):
    """The same number of bytes with the last one changed: same size, other SHA-256."""
    return data[:-1] + bytes([data[-1] ^ 0xFF])


def assert_holds(directory, files, arrays):
    """directory holds exactly the given files, and they read back as the given arrays."""
    assert sorted(os.listdir(directory)) == sorted(files)
    for name, data in files.items():
        with open(os.path.join(directory, name), 'rb') as f:
            assert f.read() == data, name
    data = read(directory, dtype=np.uint8, reshape=False)
    np.testing.assert_array_equal(data.train.images[..., 0], arrays[0][10:])
    np.testing.assert_array_equal(data.validation.labels, arrays[1][:10])
    np.testing.assert_array_equal(data.test.images[..., 0], arrays[2])
    np.testing.assert_array_equal(data.test.labels, arrays[3])


def download_error(directory, source_url):
    """Returns the message of the DownloadError that read_data_sets raises."""
    with pytest.raises(input_data.DownloadError) as e:
        read(directory, source_url=source_url)
    return str(e.value)


def test_download_success_then_no_requests(mirrors, tmp_path):
    """The four files land intact, with nothing else; a second call downloads nothing."""
    serve(mirrors.server, mirrors.urls[0], mirrors.files)
    directory = tmp_path / 'new' / 'data'
    read(directory, source_url=mirrors.urls[0])
    assert_holds(directory, mirrors.files, mirrors.arrays)
    assert sorted(mirrors.server.requests) == sorted('/m1/' + name for name in FILE_NAMES)
    read(directory, source_url=mirrors.urls[0])
    assert len(mirrors.server.requests) == 4


def test_checksum_mismatch_falls_back_to_second_mirror(mirrors, tmp_path):
    """Mirror 1 serves other bytes of the right size; mirror 2's verified copy is used."""
    serve(mirrors.server, mirrors.urls[0], {n: flipped(d) for n, d in mirrors.files.items()})
    serve(mirrors.server, mirrors.urls[1], mirrors.files)
    read(tmp_path, source_url=mirrors.urls[0])
    assert_holds(tmp_path, mirrors.files, mirrors.arrays)
    assert mirrors.server.requests[:2] == ['/m1/' + TRAIN_IMAGES, '/m2/' + TRAIN_IMAGES]


def test_source_url_mirror_is_tried_first(mirrors, tmp_path):
    """source_url picks which mirror goes first; the other is the fallback."""
    serve(mirrors.server, mirrors.urls[0], mirrors.files)
    read(tmp_path, source_url=mirrors.urls[1])
    assert_holds(tmp_path, mirrors.files, mirrors.arrays)
    assert mirrors.server.requests[:2] == ['/m2/' + TRAIN_IMAGES, '/m1/' + TRAIN_IMAGES]


def test_checksum_mismatch_everywhere(mirrors, tmp_path):
    """The error names the file, both digests and both URLs, and suggests copying by hand."""
    bad = {n: flipped(d) for n, d in mirrors.files.items()}
    for url in mirrors.urls:
        serve(mirrors.server, url, bad)
    message = download_error(tmp_path, mirrors.urls[0])
    assert TRAIN_IMAGES in message
    assert download.MNIST_FILES[TRAIN_IMAGES][1] in message
    assert hashlib.sha256(bad[TRAIN_IMAGES]).hexdigest() in message
    for url in mirrors.urls:
        assert url + TRAIN_IMAGES in message
    assert 'by hand' in message and str(tmp_path) in message
    assert os.listdir(tmp_path) == []


def test_not_found_everywhere(mirrors, tmp_path):
    """404 on both mirrors: the error lists both URLs and the status; nothing is left."""
    message = download_error(tmp_path, mirrors.urls[0])
    assert '404' in message
    for url in mirrors.urls:
        assert url + TRAIN_IMAGES in message
    assert os.listdir(tmp_path) == []


def test_transfer_cut_short_everywhere(mirrors, tmp_path):
    """A connection closed after half of Content-Length fails; no partial file remains."""
    for url in mirrors.urls:
        serve(mirrors.server, url, mirrors.files, 'cut')
    message = download_error(tmp_path, mirrors.urls[0])
    size = len(mirrors.files[TRAIN_IMAGES])
    assert 'received %d bytes, expected %d' % (size // 2, size) in message
    for url in mirrors.urls:
        assert url + TRAIN_IMAGES in message
    assert os.listdir(tmp_path) == []


def test_transfer_cut_short_falls_back_to_second_mirror(mirrors, tmp_path):
    """Mirror 1 hangs up halfway; mirror 2 delivers."""
    serve(mirrors.server, mirrors.urls[0], mirrors.files, 'cut')
    serve(mirrors.server, mirrors.urls[1], mirrors.files)
    read(tmp_path, source_url=mirrors.urls[0])
    assert_holds(tmp_path, mirrors.files, mirrors.arrays)


def test_custom_source_url_skips_checksums_and_mirrors(mirrors, tmp_path):
    """Files from a URL that is not a known mirror need not match MNIST_FILES."""
    other_files, other_arrays = mnist_file_bytes(seed=1)
    serve(mirrors.server, mirrors.urls[0], mirrors.files)
    serve(mirrors.server, mirrors.server.base_url + 'custom/', other_files)
    read(tmp_path, source_url=mirrors.server.base_url + 'custom')
    assert_holds(tmp_path, other_files, other_arrays)
    assert all(path.startswith('/custom/') for path in mirrors.server.requests)


def test_custom_source_url_html_page_is_rejected(mirrors, tmp_path, capsys):
    """Without checksums the gzip/IDX check still rejects an HTML page, and only that URL is tried.

    Nothing was kept, so the message does not ask to delete a file.
    """
    custom = mirrors.server.base_url + 'custom/'
    serve(mirrors.server, custom, {TRAIN_IMAGES: HTML_PAGE})
    serve(mirrors.server, mirrors.urls[1], mirrors.files)
    message = download_error(tmp_path, custom)
    assert custom + TRAIN_IMAGES in message
    assert 'not a gzip file' in message and 'HTML' in message
    assert 'Delete it' not in message and 'Successfully' not in capsys.readouterr().out
    assert mirrors.server.requests == ['/custom/' + TRAIN_IMAGES]
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize('behaviour', ['full', 'cut'])
def test_fallback_without_o_tmpfile_leaves_no_part_file(mirrors, tmp_path, monkeypatch, behaviour):
    """Where O_TMPFILE is missing, the hidden .part file is renamed into place or removed."""
    monkeypatch.delattr(os, 'O_TMPFILE', raising=False)
    serve(mirrors.server, mirrors.urls[0], mirrors.files, behaviour)
    if behaviour == 'full':
        read(tmp_path, source_url=mirrors.urls[0])
        assert_holds(tmp_path, mirrors.files, mirrors.arrays)
        assert all(os.stat(tmp_path / name).st_mode & 0o777 == 0o644 for name in FILE_NAMES)
    else:
        download_error(tmp_path, mirrors.urls[0])
        assert os.listdir(tmp_path) == []


def test_download_progress_goes_to_stderr(mirrors, tmp_path, capsys):
    """Each download reports its progress on stderr, naming the file."""
    serve(mirrors.server, mirrors.urls[0], mirrors.files)
    read(tmp_path, source_url=mirrors.urls[0])
    err = capsys.readouterr().err
    for name in FILE_NAMES:
        assert 'Downloading %s: 100%%' % name in err


def test_failed_mirror_is_reported_before_the_next_is_tried(mirrors, tmp_path, capsys):
    """Each abandoned mirror gets a line naming its URL and why, then the next one is asked."""
    serve(mirrors.server, mirrors.urls[1], mirrors.files)
    read(tmp_path, source_url=mirrors.urls[0])
    err = capsys.readouterr().err.splitlines()
    url = mirrors.urls[0] + TRAIN_IMAGES
    assert err[:3] == ['Downloading %s from %s' % (TRAIN_IMAGES, url),
                       'Giving up on %s: HTTP 404 Not Found. Trying the next mirror.' % url,
                       'Downloading %s from %s' % (TRAIN_IMAGES, mirrors.urls[1] + TRAIN_IMAGES)]


def test_network_failure_gives_one_line_with_the_by_hand_hint(mirrors, tmp_path):
    """Where the network is the problem, one line lists each URL and suggests copying by hand."""
    message = download_error(tmp_path, mirrors.urls[0])
    assert '\n' not in message
    assert message == ('Could not download %s into %s (%s: HTTP 404 Not Found; %s: HTTP 404 Not Found). '
                       'Without internet access, put the four files (%s), gzipped or not, in %s by hand. '
                       'Found in %s: nothing that looks like MNIST data.'
                       % (TRAIN_IMAGES, tmp_path, mirrors.urls[0] + TRAIN_IMAGES,
                          mirrors.urls[1] + TRAIN_IMAGES, ', '.join(FILE_NAMES), tmp_path, tmp_path))


def test_downloaded_images_of_the_wrong_size_are_not_kept(mirrors, tmp_path, capsys):
    """A custom source serving 32 x 32 images: refused at download, never 'Successfully downloaded'."""
    custom = mirrors.server.base_url + 'custom/'
    serve(mirrors.server, custom, {TRAIN_IMAGES: write_idx(tmp_path / 'big.gz', np.zeros((5, 32, 32)))})
    directory = tmp_path / 'data'
    directory.mkdir()
    message = download_error(directory, custom)
    assert '%s holds images of 32 x 32 pixels: expected 28 x 28.' % (custom + TRAIN_IMAGES) in message
    assert 'Delete it' not in message
    assert 'Successfully' not in capsys.readouterr().out
    assert os.listdir(directory) == []


@pytest.mark.parametrize('behaviour', ['hold', 'drip'])
def test_stalled_mirror_is_abandoned_for_the_next(mirrors, tmp_path, monkeypatch, capsys, behaviour):
    """Silence ('hold') or one byte every 0.2 s ('drip') for STALL_SECONDS abandons the mirror."""
    monkeypatch.setattr(download, 'STALL_SECONDS', 1)
    serve(mirrors.server, mirrors.urls[0], mirrors.files)
    serve(mirrors.server, mirrors.urls[0], {TRAIN_IMAGES: mirrors.files[TRAIN_IMAGES]}, behaviour)
    serve(mirrors.server, mirrors.urls[1], mirrors.files)
    read(tmp_path, source_url=mirrors.urls[0])
    assert_holds(tmp_path, mirrors.files, mirrors.arrays)
    err = capsys.readouterr().err
    abandoned = 'Giving up on %s: stalled: ' % (mirrors.urls[0] + TRAIN_IMAGES)
    assert abandoned in err
    line = next(line for line in err.splitlines() if line.startswith(abandoned))
    assert ('bytes in 1 s, expected at least 65536 (received ' in line
            and 'of %d). Trying the next mirror.' % len(mirrors.files[TRAIN_IMAGES]) in line)
    assert mirrors.server.requests[:2] == ['/m1/' + TRAIN_IMAGES, '/m2/' + TRAIN_IMAGES]


def test_stall_everywhere_names_every_url(mirrors, tmp_path, monkeypatch):
    """When every mirror stalls, the error lists each URL as stalled, and nothing is left."""
    monkeypatch.setattr(download, 'STALL_SECONDS', 1)
    for url in mirrors.urls:
        serve(mirrors.server, url, mirrors.files, 'hold')
    message = download_error(tmp_path, mirrors.urls[0])
    for url in mirrors.urls:
        assert '%s: stalled: 0 bytes in 1 s' % (url + TRAIN_IMAGES) in message
    assert 'by hand' in message
    assert os.listdir(tmp_path) == []


CHILD = r'''
import json, sys
from mnist import download, input_data
args = json.loads(sys.argv[1])
download.MIRRORS = tuple(args['mirrors'])
download.MNIST_FILES = {name: tuple(value) for name, value in args['files'].items()}
if args['call'] == 'maybe_download':
    input_data.maybe_download(args['name'], args['directory'], source_url=args['mirrors'][0])
else:
    input_data.read_data_sets(args['directory'], validation_size=10, source_url=args['mirrors'][0])
'''


def start_child(mirrors, directory, call, name=None):
    """Starts a Python process that runs maybe_download or read_data_sets against the mirrors."""
    args = dict(call=call, name=name, directory=str(directory), mirrors=mirrors.urls,
                files=download.MNIST_FILES)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [REPO_ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    return subprocess.Popen([sys.executable, '-c', CHILD, json.dumps(args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def files_open_in(pid, directory):
    """The targets of the process's open file descriptors that lie in directory."""
    found = []
    fd_dir = '/proc/%d/fd' % pid
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.startswith(str(directory) + os.sep):
            found.append(target)
    return found


def supports_o_tmpfile(directory):
    try:
        os.close(os.open(directory, os.O_TMPFILE | os.O_RDWR, 0o600))
        return True
    except (AttributeError, OSError):
        return False


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='needs /proc and O_TMPFILE')
def test_killed_download_leaves_nothing(mirrors, tmp_path):
    """SIGKILL in the middle of a transfer leaves no file, not even a hidden partial one."""
    if not supports_o_tmpfile(tmp_path):
        pytest.skip('%s does not support O_TMPFILE, so the fallback .part file would stay' % tmp_path)
    serve(mirrors.server, mirrors.urls[0], mirrors.files, 'trickle')
    child = start_child(mirrors, tmp_path, 'maybe_download', TRAIN_IMAGES)
    try:
        assert mirrors.server.first_bytes_sent.wait(timeout=20), 'the child never connected'
        # Wait until the child holds its download file open, so the checks are not vacuous.
        deadline = time.monotonic() + 10
        while not files_open_in(child.pid, tmp_path):
            assert time.monotonic() < deadline and child.poll() is None, child.communicate()
            time.sleep(0.02)
        assert os.listdir(tmp_path) == []
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert os.listdir(tmp_path) == []


def read_line(stream, timeout):
    """The next line of a child's pipe, or None after timeout seconds without one."""
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline().decode() if ready else None


def test_progress_shows_before_the_first_byte(mirrors, tmp_path):
    """While the server holds back the body, the child has already said what it downloads from where."""
    serve(mirrors.server, mirrors.urls[0], mirrors.files, 'hold')
    child = start_child(mirrors, tmp_path, 'maybe_download', TRAIN_IMAGES)
    try:
        first, second = read_line(child.stderr, 20), read_line(child.stderr, 20)
        assert first == 'Downloading %s from %s\n' % (TRAIN_IMAGES, mirrors.urls[0] + TRAIN_IMAGES)
        assert second == 'Downloading %s: 0%%\n' % TRAIN_IMAGES
        assert child.poll() is None and os.listdir(tmp_path) == []
        mirrors.server.release.set()
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate(timeout=10)
    assert child.returncode == 0, err.decode()
    assert 'Downloading %s: 100%%' % TRAIN_IMAGES in err.decode()
    assert os.listdir(tmp_path) == [TRAIN_IMAGES]


def test_two_processes_download_into_the_same_directory(mirrors, tmp_path):
    """Two read_data_sets racing on one empty directory both succeed with intact files."""
    serve(mirrors.server, mirrors.urls[0], mirrors.files, 'together')
    children = [start_child(mirrors, tmp_path, 'read_data_sets') for _ in range(2)]
    try:
        for child in children:
            out, err = child.communicate(timeout=60)
            assert child.returncode == 0, err.decode()
            for name in FILE_NAMES:
                assert 'Downloading %s' % name in err.decode()
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate(timeout=10)
    assert not mirrors.server.barrier.broken, 'the two downloads did not overlap'
    assert len(mirrors.server.requests) == 8
    assert_holds(tmp_path, mirrors.files, mirrors.arrays)


# ---------------------------------------------------------------- through a script

@pytest.mark.parametrize('fault', ['dangling symlink', '32 x 32 images'])
def test_script_prints_one_error_line(mnist_dir, tmp_path, fault):
    """mnist_softmax.py on bad data: exit 1, one 'error:' line naming the file, no traceback."""
    path = os.path.join(mnist_dir.directory, TEST_LABELS if fault == 'dangling symlink' else TRAIN_IMAGES)
    os.remove(path)
    if fault == 'dangling symlink':
        os.symlink(tmp_path / 'gone.gz', path)
    else:
        write_idx(path, np.zeros((60, 32, 32), np.uint8))
    child = subprocess.run([sys.executable, os.path.join(REPO_ROOT, 'scripts', 'mnist_softmax.py'),
                            '--data_dir', mnist_dir.directory, '--log_dir', str(tmp_path / 'log')],
                           env=child_env(), capture_output=True, text=True, timeout=120)
    assert child.returncode == 1, child.stderr
    assert 'Traceback' not in child.stderr
    errors = [line for line in child.stderr.splitlines() if line.startswith('error:')]
    assert len(errors) == 1 and path in errors[0], child.stderr
    assert 'by hand' not in errors[0]


# ---------------------------------------------------------------- the real data

@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir(FASHION_MNIST_DIR),
                    reason='Fashion-MNIST is not installed at %s' % FASHION_MNIST_DIR)
def test_fashion_mnist():
    """The installed Fashion-MNIST reads with the standard split, range and balanced classes."""
    data = input_data.read_data_sets(FASHION_MNIST_DIR, one_hot=True)
    for split, n in zip(data, (55000, 5000, 10000)):
        assert split.images.shape == (n, 784) and split.labels.shape == (n, 10)
    assert data.train.images.min() == 0 and data.train.images.max() == 1
    train_share = data.train.labels.sum(axis=0) / 55000
    assert np.all((train_share > 0.09) & (train_share < 0.11)), train_share
    np.testing.assert_array_equal(data.test.labels.sum(axis=0), 1000)


# ---------------------------------------------------------------- MNIST already on disk, in other forms

def gunzip_into(directory, source, rename):
    """Writes each of the four gz files of `source` into directory uncompressed, as rename(name) names it."""
    os.makedirs(directory, exist_ok=True)
    for name in FILE_NAMES:
        with gzip.open(os.path.join(source, name)) as f:
            (directory / rename(name)).write_bytes(f.read())


def assert_reads_as(data, arrays):
    np.testing.assert_array_equal(data.validation.images[..., 0], arrays.train_images[:10])
    np.testing.assert_array_equal(data.train.images[..., 0], arrays.train_images[10:])
    np.testing.assert_array_equal(data.train.labels, arrays.train_labels[10:])
    np.testing.assert_array_equal(data.test.images[..., 0], arrays.test_images)
    np.testing.assert_array_equal(data.test.labels, arrays.test_labels)


@pytest.mark.parametrize('form', [1, 2], ids=['uncompressed', 'dotted'])
def test_uncompressed_and_dotted_names_are_read_without_a_download(form, mirrors, mnist_dir, tmp_path):
    directory = tmp_path / 'raw'
    gunzip_into(directory, mnist_dir.directory, lambda name: input_data.on_disk_names(name)[form])
    names = [input_data.on_disk_names(name)[form] for name in FILE_NAMES]
    assert sorted(os.listdir(directory)) == sorted(names)
    assert_reads_as(read(directory, dtype=np.uint8, reshape=False), mnist_dir)
    assert mirrors.server.requests == []


def test_a_torchvision_raw_directory_is_read(mirrors, mnist_dir, tmp_path):
    """torchvision's MNIST/raw/ holds each file both gzipped and not; the other forms mix, file by file."""
    raw = tmp_path / 'MNIST' / 'raw'
    gunzip_into(raw, mnist_dir.directory, lambda name: name[:-len('.gz')])
    for name in FILE_NAMES:
        shutil.copy(os.path.join(mnist_dir.directory, name), raw)
    assert_reads_as(read(raw, dtype=np.uint8, reshape=False), mnist_dir)
    mixed = tmp_path / 'mixed'
    gunzip_into(mixed, mnist_dir.directory, lambda name: input_data.on_disk_names(name)[2])
    os.remove(mixed / input_data.on_disk_names(TEST_IMAGES)[2])
    shutil.copy(os.path.join(mnist_dir.directory, TEST_IMAGES), mixed)
    assert_reads_as(read(mixed, dtype=np.uint8, reshape=False), mnist_dir)
    assert mirrors.server.requests == []


def test_a_truncated_uncompressed_file_is_one_line_from_its_header(mnist_dir, tmp_path):
    directory = tmp_path / 'raw'
    gunzip_into(directory, mnist_dir.directory, lambda name: name[:-len('.gz')])
    path = directory / 'train-images-idx3-ubyte'
    path.write_bytes(path.read_bytes()[:-100])
    assert read_error(directory) == (
        '%s header says 60 x 28 x 28 (47040 bytes of data), but the file holds 46940. Delete it and '
        'run again to download a fresh copy.' % path)
    path.write_bytes(b'<html>Not found</html>')
    assert read_error(directory).startswith("%s is not a gzip or IDX file: it starts with b'<html>" % path)


def test_a_failed_download_lists_what_the_directory_holds_and_why_it_was_not_read(mirrors, mnist_dir,
                                                                                 tmp_path):
    directory = tmp_path / 'data'
    os.makedirs(directory / 'MNIST' / 'raw')  # torchvision's root given instead of its MNIST/raw
    shutil.copy(os.path.join(mnist_dir.directory, TRAIN_LABELS), directory)
    (directory / 'train-images-idx3-ubyte.zip').write_bytes(b'PK')
    (directory / 'mnist.npz').write_bytes(b'PK')
    (directory / 'notes.txt').write_text('unrelated')
    message = download_error(directory, mirrors.urls[0])
    assert message.endswith(
        'Found in %s: MNIST (a directory: not searched), mnist.npz (not read: only Keras\'s own copy, %s, '
        'is), train-images-idx3-ubyte.zip (not one of the names read, such as train-images-idx3-ubyte.gz, '
        'train-images-idx3-ubyte, train-images.idx3-ubyte), train-labels-idx1-ubyte.gz (read).'
        % (directory, input_data.keras_mnist_path()))


def write_keras_npz(path, arrays):
    """Writes arrays (MnistArrays) as Keras's mnist.npz lays them out; returns the file's SHA-256."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        np.savez_compressed(f, x_train=arrays.train_images, y_train=arrays.train_labels,
                            x_test=arrays.test_images, y_test=arrays.test_labels)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_keras_copy_serves_when_nothing_is_there_and_no_download_works(mirrors, mnist_dir, no_keras_copy,
                                                                      tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(input_data, 'KERAS_MNIST_SHA256', write_keras_npz(no_keras_copy, mnist_dir))
    directory = tmp_path / 'new' / 'data'
    data = read(directory, dtype=np.uint8, reshape=False, source_url=mirrors.urls[0])
    assert_reads_as(data, mnist_dir)
    assert capsys.readouterr().err.splitlines()[-1] == (
        "Could not download MNIST into %s: reading Keras's copy, %s (its SHA-256 matches)."
        % (directory, no_keras_copy))
    assert not os.path.exists(tmp_path / 'new')  # the directories made for the download are gone
    one_hot = read(directory, one_hot=True, source_url=mirrors.urls[0])
    np.testing.assert_array_equal(one_hot.test.labels.argmax(axis=1), mnist_dir.test_labels)
    assert one_hot.test.images.shape == (20, 784) and one_hot.test.images.max() <= 1


def test_keras_copy_with_another_checksum_is_not_used_and_named(mirrors, mnist_dir, no_keras_copy, tmp_path):
    digest = write_keras_npz(no_keras_copy, mnist_dir)
    message = download_error(tmp_path / 'data', mirrors.urls[0])
    assert message.endswith("Keras's copy %s is not used: SHA-256 %s, expected %s."
                            % (no_keras_copy, digest, input_data.KERAS_MNIST_SHA256))


def test_keras_copy_does_not_stand_in_for_some_files_or_for_other_data(mirrors, mnist_dir, no_keras_copy,
                                                                        tmp_path, monkeypatch):
    monkeypatch.setattr(input_data, 'KERAS_MNIST_SHA256', write_keras_npz(no_keras_copy, mnist_dir))
    directory = tmp_path / 'data'
    directory.mkdir()
    shutil.copy(os.path.join(mnist_dir.directory, TRAIN_IMAGES), directory)
    assert 'Keras' not in download_error(directory, mirrors.urls[0]).split('Found in')[0]
    with pytest.raises(input_data.DownloadError):
        read(tmp_path / 'other', source_url=mirrors.server.base_url + 'fashion/')


def test_unseeded_dataset_takes_the_graph_level_seed_as_tf1_did():
    """tf.set_random_seed before read_data_sets fixes the batch order; no seed set leaves it free."""
    import tensorflow as tf

    def sequence():
        ds = indexed_dataset(50)
        return [batch_indices(ds, 13) for _ in range(12)]

    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(3)
        seeded = sequence()
        assert sequence() == seeded
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(3)
        assert sequence() == seeded
    with tf.Graph().as_default():
        assert sequence() != sequence()
