# A TF 0.x (2016) program whose flags share names with absl's own: --log_dir, --v, --logtostderr.
# TF 0.x's tf.app.flags was its own argparse wrapper, so they were the program's.
from __future__ import print_function

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

flags = tf.app.flags
FLAGS = flags.FLAGS
flags.DEFINE_string('data_dir', 'MNIST_data', 'Directory for storing data')
flags.DEFINE_string('log_dir', '/tmp/mnist_logs', 'Summaries directory')
flags.DEFINE_integer('v', 0, 'How much to print: 1 prints every step.')
flags.DEFINE_boolean('logtostderr', False, 'Print the losses on stderr.')
flags.DEFINE_integer('max_steps', 60, 'Number of steps to run trainer.')


def main(argv):
    print('arguments left', argv[1:])
    print('log_dir', FLAGS.log_dir, 'v', FLAGS.v, 'logtostderr', FLAGS.logtostderr)
    np.random.seed(0)
    tf.set_random_seed(0)
    mnist_data = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.float32, [None, 10])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    y = tf.matmul(x, W) + b
    cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=y, labels=y_))
    tf.scalar_summary('cross entropy', cross_entropy)
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))
    merged = tf.merge_all_summaries()
    sess = tf.InteractiveSession()
    writer = tf.train.SummaryWriter(FLAGS.log_dir, sess.graph)
    tf.initialize_all_variables().run()
    for i in range(FLAGS.max_steps):
        batch_xs, batch_ys = mnist_data.train.next_batch(100)
        summary, _, loss = sess.run([merged, train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
        writer.add_summary(summary, i)
        if FLAGS.v >= 1 or i % 20 == 0:
            print('step %d: cross entropy %f' % (i, loss))
    writer.close()
    print('test accuracy', accuracy.eval({x: mnist_data.test.images, y_: mnist_data.test.labels}))


if __name__ == '__main__':
    tf.app.run()
