# A slim network as TF-Slim's MNIST examples wrote it: arg_scope over conv2d and fully_connected
# with batch_norm (moving averages updated through UPDATE_OPS by create_train_op), slim.losses,
# and the data through tf.contrib.learn.datasets.mnist.load_mnist.
import sys

import tensorflow as tf
import tensorflow.contrib.slim as slim
from tensorflow.contrib.framework import arg_scope


def lenet(images, is_training):
    net = tf.reshape(images, [-1, 28, 28, 1])
    with arg_scope([slim.conv2d, slim.fully_connected], normalizer_fn=slim.batch_norm,
                   normalizer_params={'is_training': is_training, 'decay': 0.9},
                   weights_initializer=slim.xavier_initializer(),
                   weights_regularizer=slim.l2_regularizer(1e-4)):
        net = slim.conv2d(net, 8, [5, 5], scope='conv1')
        net = slim.max_pool2d(net, [2, 2], scope='pool1')
        net = slim.flatten(net)
        net = slim.fully_connected(net, 32, scope='fc1')
        net = slim.dropout(net, 0.8, is_training=is_training, scope='dropout1')
        return slim.fully_connected(net, 10, activation_fn=None, normalizer_fn=None, scope='logits')


tf.set_random_seed(3)
mnist = tf.contrib.learn.datasets.mnist.load_mnist(sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data')
images = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.int64, [None])
is_training = tf.placeholder(tf.bool, [])
logits = lenet(images, is_training)
slim.losses.softmax_cross_entropy(logits, slim.one_hot_encoding(labels, 10))
total_loss = slim.losses.get_total_loss()
train_op = slim.learning.create_train_op(total_loss, tf.train.AdamOptimizer(0.01))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
moving_mean = [v for v in slim.get_variables('fc1') if 'moving_mean' in v.name][0]

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(60):
        xs, ys = mnist.train.next_batch(50)
        value = sess.run(train_op, {images: xs, labels: ys, is_training: True})
        if step % 20 == 0 or step == 59:
            print('step %d: loss %.4f' % (step, value))
    print('moving mean abs %.4f' % abs(sess.run(moving_mean)).mean())
    print('test accuracy %.4f' % sess.run(accuracy, {images: mnist.test.images,
                                                      labels: mnist.test.labels, is_training: False}))
