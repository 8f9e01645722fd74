# The beginners' softmax regression as a Python 2 user wrote it in 2016: print statements
# (one to stderr), xrange, dict.iteritems and `except E, e`.
import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

np.random.seed(0)
tf.set_random_seed(0)
try:
    data_dir = sys.argv[1]
except IndexError, e:
    data_dir = 'MNIST_data'
mnist = input_data.read_data_sets(data_dir, one_hot=True)
print >>sys.stderr, "training on %d images" % mnist.train.num_examples

x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.nn.softmax(tf.matmul(x, W) + b)
cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y + 1e-10), reduction_indices=[1]))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))

sess = tf.Session()
sess.run(tf.initialize_all_variables())
for i in xrange(100):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    _, value = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    if i % 20 == 0 or i == 99:
        print "step %d: cross entropy %.4f" % (i, value)
sizes = {'train': mnist.train.num_examples, 'test': mnist.test.num_examples}
for name, size in sorted(sizes.iteritems()):
    print name, "examples:", size
print "test accuracy %.4f" % sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
