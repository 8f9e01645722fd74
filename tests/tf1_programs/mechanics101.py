# A "TensorFlow Mechanics 101" driver in the TF 1.x style: tf.app.flags, tf.app.run, the tutorial's mnist.py.
from __future__ import print_function
import time

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data
from tensorflow.examples.tutorials.mnist import mnist

flags = tf.app.flags
FLAGS = flags.FLAGS
flags.DEFINE_float('learning_rate', 0.01, 'Initial learning rate.')
flags.DEFINE_integer('max_steps', 30, 'Number of steps to run trainer.')
flags.DEFINE_integer('batch_size', 100, 'Batch size.')
flags.DEFINE_string('train_dir', 'MNIST_data', 'Directory to put the training data.')
flags.DEFINE_boolean('fake_data', True, 'If true, uses fake data for unit testing.')


def placeholder_inputs(batch_size):
    images_placeholder = tf.placeholder(tf.float32, shape=(batch_size, mnist.IMAGE_PIXELS))
    labels_placeholder = tf.placeholder(tf.int32, shape=(batch_size))
    return images_placeholder, labels_placeholder


def do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_set):
    true_count = 0
    steps_per_epoch = data_set.num_examples // FLAGS.batch_size
    num_examples = steps_per_epoch * FLAGS.batch_size
    for step in range(steps_per_epoch):
        images_feed, labels_feed = data_set.next_batch(FLAGS.batch_size, FLAGS.fake_data)
        true_count += sess.run(eval_correct, feed_dict={images_placeholder: images_feed,
                                                        labels_placeholder: labels_feed})
    precision = float(true_count) / num_examples
    print('  Num examples: %d  Num correct: %d  Precision @ 1: %0.04f' %
          (num_examples, true_count, precision))


def run_training():
    data_sets = input_data.read_data_sets(FLAGS.train_dir, FLAGS.fake_data)
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        images_placeholder, labels_placeholder = placeholder_inputs(FLAGS.batch_size)
        logits = mnist.inference(images_placeholder, 128, 32)
        loss = mnist.loss(logits, labels_placeholder)
        train_op = mnist.training(loss, FLAGS.learning_rate)
        eval_correct = mnist.evaluation(logits, labels_placeholder)
        sess = tf.Session()
        sess.run(tf.initialize_all_variables())
        for step in range(FLAGS.max_steps):
            start_time = time.time()
            images_feed, labels_feed = data_sets.train.next_batch(FLAGS.batch_size, FLAGS.fake_data)
            _, loss_value = sess.run([train_op, loss], feed_dict={images_placeholder: images_feed,
                                                                  labels_placeholder: labels_feed})
            if step % 10 == 0:
                print('Step %d: loss = %.4f' % (step, loss_value))
        print('Test Data Eval:')
        do_eval(sess, eval_correct, images_placeholder, labels_placeholder, data_sets.test)


def main(_):
    run_training()


if __name__ == '__main__':
    tf.app.run()
