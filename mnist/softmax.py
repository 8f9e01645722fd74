"""The beginners' model: softmax regression, y = x W + b, with W and b starting at zero.

Labels are class indices, int [batch_size] (see mnist.layers).
"""
import tensorflow as tf

from mnist import layers
from mnist.layers import IMAGE_PIXELS, NUM_CLASSES  # noqa: F401 (part of the model's interface)

v1 = tf.compat.v1


def inference(images):
    """Builds the linear model.

    Args:
      images: float32 [batch_size, IMAGE_PIXELS].
    Returns:
      logits: float32 [batch_size, NUM_CLASSES].
    """
    with tf.name_scope('softmax_linear'):
        weights = tf.Variable(tf.zeros([IMAGE_PIXELS, NUM_CLASSES]), name='weights')
        biases = tf.Variable(tf.zeros([NUM_CLASSES]), name='biases')
        return tf.matmul(images, weights) + biases


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
