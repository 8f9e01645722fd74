"""Shared fixtures: tiny but real MNIST IDX gz files written on the fly.

Test files can use the `mnist_dir` fixture, or import the helpers
(`from conftest import write_mnist_dir`) to build directories of other sizes.
"""
import collections
import contextlib
import gzip
import os
import signal
import struct
import subprocess

import numpy as np
import pytest

IMAGE_MAGIC = 2051
LABEL_MAGIC = 2049
FILE_NAMES = ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
              't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')

# What write_mnist_dir wrote: images uint8 [N, 28, 28], labels uint8 [N].
MnistArrays = collections.namedtuple(
    'MnistArrays', ['directory', 'train_images', 'train_labels', 'test_images', 'test_labels'])


def idx_gz_bytes(array, magic=None, dims=None):
    """Returns the gzipped IDX encoding of a uint8 array.

    magic defaults to the MNIST one for the array's rank (2051 for
    [n, 28, 28], 2049 for [n]); dims defaults to the array's shape. Passing
    other values makes deliberately broken files.
    """
    array = np.asarray(array, dtype=np.uint8)
    if magic is None:
        magic = IMAGE_MAGIC if array.ndim == 3 else LABEL_MAGIC
    dims = array.shape if dims is None else dims
    header = struct.pack('>%dI' % (1 + len(dims)), magic, *dims)
    # mtime=0 makes the bytes reproducible, so served copies can be compared.
    return gzip.compress(header + array.tobytes(), mtime=0)


def write_idx(path, array, magic=None, dims=None):
    """Writes idx_gz_bytes(array, magic, dims) to path and returns the bytes."""
    data = idx_gz_bytes(array, magic, dims)
    with open(path, 'wb') as f:
        f.write(data)
    return data


def mnist_arrays(num_train=60, num_test=20, seed=0):
    """Returns (train_images, train_labels, test_images, test_labels), uint8, reproducible.

    Pixels are random 0..255, and every image's first pixel is its index in
    its file modulo 256, so a test can tell which example a batch row is.
    Labels cycle 0..9 after a seeded shuffle.
    """
    rng = np.random.default_rng(seed)
    arrays = []
    for n in (num_train, num_test):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[:, 0, 0] = np.arange(n) % 256
        labels = rng.permutation(np.arange(n) % 10).astype(np.uint8)
        arrays += [images, labels]
    return tuple(arrays)


def mnist_file_bytes(num_train=60, num_test=20, seed=0):
    """Returns ({file name: gz bytes}, arrays) for the four standard MNIST files."""
    arrays = mnist_arrays(num_train, num_test, seed)
    return {name: idx_gz_bytes(a) for name, a in zip(FILE_NAMES, arrays)}, arrays


def write_mnist_dir(directory, num_train=60, num_test=20, seed=0):
    """Writes the four standard MNIST files into directory (created if needed).

    Returns MnistArrays with the arrays written, images uint8 [N, 28, 28].
    """
    os.makedirs(directory, exist_ok=True)
    files, arrays = mnist_file_bytes(num_train, num_test, seed)
    for name, data in files.items():
        with open(os.path.join(directory, name), 'wb') as f:
            f.write(data)
    return MnistArrays(str(directory), *arrays)


def write_separable_mnist_dir(directory, num_train=5600, num_test=200):
    """Writes MNIST files of digits a model learns in a few steps into directory; returns MnistArrays.

    Digit c is a bright bar on rows 2c+4 and 2c+5 over faint noise. The 5600
    training images leave 600 once read_data_sets takes its 5000 for validation.
    """
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(0)
    arrays = []
    for count in (num_train, num_test):
        labels = rng.permutation(np.arange(count) % 10).astype(np.uint8)
        images = rng.integers(0, 40, size=(count, 28, 28), dtype=np.uint8)
        for row in range(2):
            images[np.arange(count), 2 * labels + 4 + row, 4:24] = 255
        arrays += [images, labels]
    for name, array in zip(FILE_NAMES, arrays):
        write_idx(os.path.join(directory, name), array)
    return MnistArrays(str(directory), *arrays)


@contextlib.contextmanager
def ctrl_c_as_from_a_terminal():
    """Children started in the block get SIGINT at its default, as from a terminal.

    For tests that send a child Ctrl-C (or another stop signal). A test run
    started with SIGINT ignored (`nohup`, `&` in a script, some CI runners)
    would pass SIG_IGN on to every child, and Python never installs its Ctrl-C
    handler where SIGINT is ignored. exec keeps SIG_IGN but resets a handler to
    the default, so the block sets Python's own handler.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def mnist_dir(tmp_path):
    """A directory with 60 training and 20 test examples; returns MnistArrays."""
    return write_mnist_dir(tmp_path / 'mnist_data')


@pytest.fixture
def make_separable_data_sets():
    """A factory of tiny Datasets that every model learns perfectly (see separable.py)."""
    from separable import separable_data_sets
    return separable_data_sets


@pytest.fixture
def separable_data_sets(make_separable_data_sets):
    """200 train, 50 validation and 100 test examples that every model can separate."""
    return make_separable_data_sets()


def run_main(name, argv, data_sets=None, **constants):
    """Calls scripts/<name>.py's main(argv, data_sets) in this process and returns its metrics.

    `constants` override the script's module constants first (e.g.
    LOG_EVERY=10, CHECKPOINT_EVERY=20), so a short test run logs and saves.
    """
    from mnist import cli
    script = cli.load_script(name)
    for constant, value in constants.items():
        assert hasattr(script, constant), constant
        setattr(script, constant, value)
    return script.main([str(arg) for arg in argv], data_sets)


@contextlib.contextmanager
def tmpfs(directory, options):
    """Mounts a tmpfs with `options` (e.g. 'ro', 'size=2m') on directory (created) for the block.

    Root ignores permissions, so a read-only or full file system is how a test
    makes a directory that cannot be written. Skips where mounting is not allowed.
    """
    os.makedirs(directory, exist_ok=True)
    mounted = subprocess.run(['mount', '-t', 'tmpfs', '-o', options, 'tmpfs', str(directory)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip('cannot mount a tmpfs here: %s' % (mounted.stderr.strip() or 'mount failed'))
    try:
        yield directory
    finally:
        subprocess.run(['umount', '-l', str(directory)], check=True)


@pytest.fixture
def read_only_dir(tmp_path):
    """An empty directory on a read-only tmpfs, unmounted after the test."""
    with tmpfs(tmp_path / 'read_only', 'ro') as directory:
        yield directory
