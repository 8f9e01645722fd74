# Reading data with queue runners, in the style of TF 1.x's "Reading data" how-to (2016-2017):
# the training images go to a TFRecords file, and the training loop reads them back through
# a filename queue, a TFRecordReader and shuffle_batch, run by a Coordinator until the epochs
# are used up (OutOfRangeError). argparse flags are handed on to tf.app.run.
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse
import os
import sys

from six.moves import xrange  # pylint: disable=redefined-builtin
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

FLAGS = None
TRAIN_FILE = 'train.tfrecords'


def convert_to(data_set, filename):
    """Writes data_set's images (uint8 bytes) and labels as tf.train.Examples."""
    images = (data_set.images * 255).astype('uint8')
    writer = tf.python_io.TFRecordWriter(filename)
    for index in xrange(data_set.num_examples):
        example = tf.train.Example(features=tf.train.Features(feature={
            'label': tf.train.Feature(int64_list=tf.train.Int64List(value=[int(data_set.labels[index])])),
            'image_raw': tf.train.Feature(bytes_list=tf.train.BytesList(value=[images[index].tobytes()])),
        }))
        writer.write(example.SerializeToString())
    writer.close()


def read_and_decode(filename_queue):
    reader = tf.TFRecordReader()
    _, serialized_example = reader.read(filename_queue)
    features = tf.parse_single_example(serialized_example, features={
        'image_raw': tf.FixedLenFeature([], tf.string),
        'label': tf.FixedLenFeature([], tf.int64),
    })
    image = tf.decode_raw(features['image_raw'], tf.uint8)
    image.set_shape([784])
    image = tf.cast(image, tf.float32) * (1. / 255)
    label = tf.cast(features['label'], tf.int32)
    return image, label


def inputs(batch_size, num_epochs):
    filename = os.path.join(FLAGS.train_dir, TRAIN_FILE)
    with tf.name_scope('input'):
        filename_queue = tf.train.string_input_producer([filename], num_epochs=num_epochs)
        image, label = read_and_decode(filename_queue)
        return tf.train.shuffle_batch([image, label], batch_size=batch_size, num_threads=2,
                                      capacity=1000 + 3 * batch_size, min_after_dequeue=200)


def main(_):
    mnist = input_data.read_data_sets(FLAGS.data_dir)
    if not tf.gfile.Exists(FLAGS.train_dir):
        tf.gfile.MakeDirs(FLAGS.train_dir)
    convert_to(mnist.train, os.path.join(FLAGS.train_dir, TRAIN_FILE))

    images, labels = inputs(FLAGS.batch_size, FLAGS.num_epochs)
    weights = tf.Variable(tf.zeros([784, 10]))
    biases = tf.Variable(tf.zeros([10]))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=tf.matmul(images, weights) + biases))
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

    test_images = tf.placeholder(tf.float32, [None, 784])
    test_labels = tf.placeholder(tf.int64, [None])
    correct = tf.equal(tf.argmax(tf.matmul(test_images, weights) + biases, 1), test_labels)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

    # num_epochs counts in a local variable, hence the local initializer.
    init_op = tf.group(tf.global_variables_initializer(), tf.local_variables_initializer())
    with tf.Session() as sess:
        sess.run(init_op)
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        step = 0
        try:
            while not coord.should_stop():
                _, loss_value = sess.run([train_op, loss])
                if step % 10 == 0:
                    print('step %d: loss %.4f' % (step, loss_value))
                step += 1
        except tf.errors.OutOfRangeError:
            print('done training for %d epochs, %d steps' % (FLAGS.num_epochs, step))
        finally:
            coord.request_stop()
        coord.join(threads)
        print('test accuracy %g' % sess.run(accuracy, feed_dict={
            test_images: mnist.test.images, test_labels: mnist.test.labels}))


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--data_dir', type=str, default='/tmp/data', help='MNIST data directory')
    parser.add_argument('--train_dir', type=str, default='/tmp/data', help='Where the TFRecords go')
    parser.add_argument('--num_epochs', type=int, default=2, help='Epochs to read')
    parser.add_argument('--batch_size', type=int, default=20, help='Batch size')
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
