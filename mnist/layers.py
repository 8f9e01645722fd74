"""Graph pieces the three models share: variables, the loss, the train op, the correct count.

Labels, everywhere in this package, are class indices: int [batch_size] in
0..NUM_CLASSES-1, never one-hot rows.
"""
import math

import tensorflow as tf

v1 = tf.compat.v1

NUM_CLASSES = 10
IMAGE_SIZE = 28
IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE


def weights(shape, stddev, name='weights'):
    """A float32 variable of `shape`, truncated normal with `stddev`."""
    return tf.Variable(v1.truncated_normal(shape, stddev=stddev), name=name)


def fan_in_weights(fan_in, fan_out, name='weights'):
    """float32 [fan_in, fan_out], truncated normal with stddev 1/sqrt(fan_in)."""
    return weights([fan_in, fan_out], 1.0 / math.sqrt(float(fan_in)), name=name)


def constant_biases(size, value=0.0, name='biases'):
    """float32 [size], every entry `value`."""
    return tf.Variable(tf.constant(value, shape=[size]), name=name)


def loss(logits, labels):
    """Mean softmax cross entropy.

    Args:
      logits: float32 [batch_size, NUM_CLASSES].
      labels: int32 or int64 [batch_size], class indices.
    Returns:
      float32 scalar.
    """
    # Computed from the logits in one fused, numerically stable op. The
    # tutorials' -reduce_sum(y_ * log(softmax(y))) goes NaN as soon as one
    # softmax output underflows to 0 (log(0) = -inf, and 0 * -inf = NaN).
    cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(labels, tf.int64), logits=logits, name='xentropy')
    return tf.reduce_mean(cross_entropy, name='xentropy_mean')


def minimize(loss_tensor, optimizer):
    """Adds the `loss` scalar summary and the op that minimizes it, counting int64 `global_step`.

    Returns the train op.
    """
    v1.summary.scalar('loss', loss_tensor)
    return optimizer.minimize(loss_tensor, global_step=v1.train.get_or_create_global_step())


def correct_count(logits, labels):
    """int32 scalar: how many of the batch's top-1 predictions equal their label."""
    correct = tf.nn.in_top_k(predictions=logits, targets=tf.cast(labels, tf.int32), k=1)
    return tf.reduce_sum(tf.cast(correct, tf.int32), name='correct_count')
