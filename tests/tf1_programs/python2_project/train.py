# -*- coding: latin-1 -*-
# Softmax regression on MNIST, Python 2 (2016), by José: a batcher of its own, a step-decayed
# learning rate from its helpers/ folder, and its weights pickled into a file opened with "w".
import cPickle
import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

from batcher import Batcher
from helpers import schedule, stats

mnist = input_data.read_data_sets(sys.argv[1] if len(sys.argv) > 1 else "MNIST_data", one_hot=True)
batch_size = 50
batches_per_epoch = mnist.train.num_examples / batch_size
print "%d batches of %d per epoch, from the middle batch on: %s" % (
    batches_per_epoch, batch_size, range(batches_per_epoch)[batches_per_epoch / 2:])
print "mean label %.2f, %s of the labels in the first batch" % (
    stats.mean_label(mnist.train.labels), stats.fraction(batch_size, mnist.train.num_examples))

x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
rate = tf.placeholder(tf.float32, [])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.matmul(x, W) + b
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train_step = tf.train.GradientDescentOptimizer(rate).minimize(cross_entropy)
correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

sess = tf.Session()
sess.run(tf.initialize_all_variables())
batches = Batcher(mnist.train.images, mnist.train.labels, batch_size)
for epoch in xrange(4):
    lr = schedule.learning_rate(0.5, epoch, 2)
    for i in xrange(batches_per_epoch):
        batch_xs, batch_ys = batches.next()
        _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys, rate: lr})
    print "step %d: learning rate %s, cross entropy %.4f" % (epoch, lr, loss)

right = sess.run(tf.reduce_sum(tf.cast(correct, tf.int32)), feed_dict={x: mnist.test.images, y_: mnist.test.labels})
print "%d of %d right: %d%%" % (right, mnist.test.num_examples, right * 100 / mnist.test.num_examples)
f = open("weights.pkl", "w")
cPickle.dump(sess.run([W, b]), f, 2)
f.close()
print "test accuracy %.4f" % sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
