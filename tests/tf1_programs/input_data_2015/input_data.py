"""Reads MNIST: a copy of the TF 0.x tutorials' input_data.py as readers kept it beside their
program in 2015, written here in its style (its names, structure and defaults). Its _read32
returns a one-element array, which recent NumPy refuses as a size."""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import gzip
import os

import numpy
from six.moves import urllib
from six.moves import xrange  # pylint: disable=redefined-builtin

SOURCE_URL = 'http://yann.lecun.com/exdb/mnist/'


def maybe_download(filename, work_directory):
  """Downloads filename into work_directory unless it is there."""
  if not os.path.exists(work_directory):
    os.mkdir(work_directory)
  filepath = os.path.join(work_directory, filename)
  if not os.path.exists(filepath):
    filepath, _ = urllib.request.urlretrieve(SOURCE_URL + filename, filepath)
    print('Downloaded', filename, os.stat(filepath).st_size, 'bytes.')
  return filepath


def _read32(bytestream):
  big_endian = numpy.dtype(numpy.uint32).newbyteorder('>')
  return numpy.frombuffer(bytestream.read(4), dtype=big_endian)


def extract_images(filename):
  """The images of an IDX file as uint8 [index, y, x, depth]."""
  print('Extracting', filename)
  with gzip.open(filename) as bytestream:
    magic = _read32(bytestream)
    if magic != 2051:
      raise ValueError('Bad magic number %d in image file %s' % (magic, filename))
    count = _read32(bytestream)
    rows = _read32(bytestream)
    cols = _read32(bytestream)
    buf = bytestream.read(rows * cols * count)
    data = numpy.frombuffer(buf, dtype=numpy.uint8)
    return data.reshape(count, rows, cols, 1)


def dense_to_one_hot(labels_dense, num_classes=10):
  """Class indices to one-hot rows."""
  count = labels_dense.shape[0]
  offsets = numpy.arange(count) * num_classes
  one_hot = numpy.zeros((count, num_classes))
  one_hot.flat[offsets + labels_dense.ravel()] = 1
  return one_hot


def extract_labels(filename, one_hot=False):
  """The labels of an IDX file as uint8 [index]."""
  print('Extracting', filename)
  with gzip.open(filename) as bytestream:
    magic = _read32(bytestream)
    if magic != 2049:
      raise ValueError('Bad magic number %d in label file %s' % (magic, filename))
    count = _read32(bytestream)
    labels = numpy.frombuffer(bytestream.read(count), dtype=numpy.uint8)
    return dense_to_one_hot(labels) if one_hot else labels


class DataSet(object):

  def __init__(self, images, labels, fake_data=False):
    if fake_data:
      self._num_examples = 10000
    else:
      assert images.shape[0] == labels.shape[0]
      self._num_examples = images.shape[0]
      images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
      images = numpy.multiply(images.astype(numpy.float32), 1.0 / 255.0)
    self._images = images
    self._labels = labels
    self._epochs_completed = 0
    self._index_in_epoch = 0

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

  def next_batch(self, batch_size, fake_data=False):
    """The next batch_size examples, shuffled again after each epoch."""
    if fake_data:
      return [[1.0] * 784 for _ in xrange(batch_size)], [0] * batch_size
    start = self._index_in_epoch
    self._index_in_epoch += batch_size
    if self._index_in_epoch > self._num_examples:
      self._epochs_completed += 1
      order = numpy.arange(self._num_examples)
      numpy.random.shuffle(order)
      self._images = self._images[order]
      self._labels = self._labels[order]
      start = 0
      self._index_in_epoch = batch_size
    end = self._index_in_epoch
    return self._images[start:end], self._labels[start:end]


def read_data_sets(train_dir, fake_data=False, one_hot=False):
  class DataSets(object):
    pass
  data_sets = DataSets()
  if fake_data:
    data_sets.train = DataSet([], [], fake_data=True)
    data_sets.validation = DataSet([], [], fake_data=True)
    data_sets.test = DataSet([], [], fake_data=True)
    return data_sets
  validation_size = 5000
  train_images = extract_images(maybe_download('train-images-idx3-ubyte.gz', train_dir))
  train_labels = extract_labels(maybe_download('train-labels-idx1-ubyte.gz', train_dir), one_hot=one_hot)
  test_images = extract_images(maybe_download('t10k-images-idx3-ubyte.gz', train_dir))
  test_labels = extract_labels(maybe_download('t10k-labels-idx1-ubyte.gz', train_dir), one_hot=one_hot)
  data_sets.validation = DataSet(train_images[:validation_size], train_labels[:validation_size])
  data_sets.train = DataSet(train_images[validation_size:], train_labels[validation_size:])
  data_sets.test = DataSet(test_images, test_labels)
  return data_sets
