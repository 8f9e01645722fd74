"""The "TensorFlow Mechanics 101" network (the tutorial's mnist.py): two ReLU layers, then linear.

Labels are class indices, int [batch_size] (see mnist.layers).
"""
from mnist import layers
from mnist.layers import IMAGE_PIXELS, IMAGE_SIZE, NUM_CLASSES  # noqa: F401 (the tutorial's constants)

import tensorflow as tf

v1 = tf.compat.v1

LEARNING_RATE = 0.01  # the tutorial's, for gradient descent


def inference(images, hidden1_units, hidden2_units):
    """Builds the network up to the logits.

    Args:
      images: float32 [batch_size, IMAGE_PIXELS].
      hidden1_units, hidden2_units: sizes of the two hidden layers.
    Returns:
      logits: float32 [batch_size, NUM_CLASSES].
    """
    with tf.name_scope('hidden1'):
        hidden1 = tf.nn.relu(tf.matmul(images, layers.fan_in_weights(IMAGE_PIXELS, hidden1_units))
                             + layers.constant_biases(hidden1_units))
    with tf.name_scope('hidden2'):
        hidden2 = tf.nn.relu(tf.matmul(hidden1, layers.fan_in_weights(hidden1_units, hidden2_units))
                             + layers.constant_biases(hidden2_units))
    with tf.name_scope('softmax_linear'):
        return (tf.matmul(hidden2, layers.fan_in_weights(hidden2_units, NUM_CLASSES))
                + layers.constant_biases(NUM_CLASSES))


def loss(logits, labels):
    """float32 scalar, the mean cross entropy of logits [batch_size, 10] and labels [batch_size]."""
    return layers.loss(logits, labels)


def optimizer(learning_rate):
    """The tutorial's optimizer: gradient descent."""
    return v1.train.GradientDescentOptimizer(learning_rate)


def training(loss, learning_rate):
    """Gradient descent on `loss`; returns the train op (adds `global_step` and the loss summary)."""
    return layers.minimize(loss, optimizer(learning_rate))


def evaluation(logits, labels):
    """int32 scalar: the number of examples whose top prediction is the label."""
    return layers.correct_count(logits, labels)
