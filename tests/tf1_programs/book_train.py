# Training in the style of the TF 1.x books of 2017 (mnist_train.py): the model comes from
# book_inference.py beside this file; L2 regularization from tf.contrib.layers, a decaying
# learning rate, moving averages of the weights, a Saver, and tf.app.run() calling main(argv).
import os
import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

import book_inference

BATCH_SIZE = 100
LEARNING_RATE_BASE = 0.8
LEARNING_RATE_DECAY = 0.99
REGULARIZATION_RATE = 0.0001
TRAINING_STEPS = 150
MOVING_AVERAGE_DECAY = 0.99
MODEL_SAVE_PATH = sys.argv[2] if len(sys.argv) > 2 else 'model/'
MODEL_NAME = 'model.ckpt'


def train(mnist):
    x = tf.placeholder(tf.float32, [None, book_inference.INPUT_NODE], name='x-input')
    y_ = tf.placeholder(tf.float32, [None, book_inference.OUTPUT_NODE], name='y-input')
    regularizer = tf.contrib.layers.l2_regularizer(REGULARIZATION_RATE)
    y = book_inference.inference(x, regularizer)
    global_step = tf.Variable(0, trainable=False)

    variable_averages = tf.train.ExponentialMovingAverage(MOVING_AVERAGE_DECAY, global_step)
    variables_averages_op = variable_averages.apply(tf.trainable_variables())
    cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
        logits=y, labels=tf.argmax(y_, 1))
    loss = tf.reduce_mean(cross_entropy) + tf.add_n(tf.get_collection('losses'))
    learning_rate = tf.train.exponential_decay(
        LEARNING_RATE_BASE, global_step, mnist.train.num_examples / BATCH_SIZE,
        LEARNING_RATE_DECAY, staircase=True)
    train_step = tf.train.GradientDescentOptimizer(learning_rate).minimize(
        loss, global_step=global_step)
    with tf.control_dependencies([train_step, variables_averages_op]):
        train_op = tf.no_op(name='train')

    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    saver = tf.train.Saver()
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        for i in range(TRAINING_STEPS):
            xs, ys = mnist.train.next_batch(BATCH_SIZE)
            _, loss_value, step = sess.run([train_op, loss, global_step], feed_dict={x: xs, y_: ys})
            if i % 50 == 0 or i == TRAINING_STEPS - 1:
                print('step %d: loss %g' % (step, loss_value))
                saver.save(sess, os.path.join(MODEL_SAVE_PATH, MODEL_NAME), global_step=global_step)
        print('averages of %d variables' % len(tf.trainable_variables()))
        print('test accuracy %g' % sess.run(accuracy, feed_dict={x: mnist.test.images,
                                                                 y_: mnist.test.labels}))


def main(argv=None):
    mnist = input_data.read_data_sets(sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data',
                                      one_hot=True)
    train(mnist)


if __name__ == '__main__':
    tf.app.run()
