"""The beginners' model: softmax regression, y = x W + b, with W and b starting at zero.

Labels are class indices, int [batch_size] (see mnist.layers).
"""
# The other verbs are Mechanics 101's: mean cross entropy, gradient descent, top-1 count.
from mnist.fully_connected import evaluation, loss, optimizer, training  # noqa: F401
from mnist.layers import IMAGE_PIXELS, NUM_CLASSES  # noqa: F401 (part of the model's interface)

import tensorflow as tf

LEARNING_RATE = 0.5  # the tutorial's, for gradient descent


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
