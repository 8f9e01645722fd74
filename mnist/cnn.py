"""The "Deep MNIST for experts" network: two conv + max-pool layers, 1024 ReLU units, dropout.

Labels are class indices, int [batch_size] (see mnist.layers).
"""
from mnist import layers
from mnist.layers import IMAGE_PIXELS, IMAGE_SIZE, NUM_CLASSES  # noqa: F401 (part of the model's interface)

import tensorflow as tf

v1 = tf.compat.v1

LEARNING_RATE = 1e-4  # the tutorial's, for Adam


def _conv_pool(inputs, in_channels, out_channels):
    """5x5 'SAME' convolution, ReLU, then 2x2 max-pool: [b, h, w, in] -> [b, h/2, w/2, out]."""
    kernel = layers.weights([5, 5, in_channels, out_channels], stddev=0.1)
    biases = layers.constant_biases(out_channels, 0.1)
    conv = tf.nn.relu(tf.nn.conv2d(inputs, kernel, strides=[1, 1, 1, 1], padding='SAME') + biases)
    return tf.nn.max_pool2d(conv, ksize=2, strides=2, padding='SAME')


def inference(images, keep_prob):
    """Builds the network up to the logits.

    Args:
      images: float32 [batch_size, IMAGE_PIXELS].
      keep_prob: float32 scalar, the probability of keeping each of the 1024
        features (0.5 to train, 1.0 to evaluate).
    Returns:
      logits: float32 [batch_size, NUM_CLASSES].
    """
    x_image = tf.reshape(images, [-1, IMAGE_SIZE, IMAGE_SIZE, 1])
    with tf.name_scope('conv1'):
        pool1 = _conv_pool(x_image, 1, 32)                     # [batch, 14, 14, 32]
    with tf.name_scope('conv2'):
        pool2 = _conv_pool(pool1, 32, 64)                      # [batch, 7, 7, 64]
    with tf.name_scope('fc1'):
        flat = tf.reshape(pool2, [-1, 7 * 7 * 64])
        fc1 = tf.nn.relu(tf.matmul(flat, layers.weights([7 * 7 * 64, 1024], stddev=0.1))
                         + layers.constant_biases(1024, 0.1))
    with tf.name_scope('dropout'):
        # TF 2's tf.nn.dropout takes the drop rate, not the keep probability:
        # passing keep_prob=0.5 as `rate` happens to work, but 0.9 would drop 90%.
        fc1_drop = tf.identity(tf.nn.dropout(fc1, rate=1.0 - keep_prob), name='fc1_drop')
    with tf.name_scope('fc2'):
        return (tf.matmul(fc1_drop, layers.weights([1024, NUM_CLASSES], stddev=0.1))
                + layers.constant_biases(NUM_CLASSES, 0.1))


def loss(logits, labels):
    """float32 scalar, the mean cross entropy of logits [batch_size, 10] and labels [batch_size]."""
    return layers.loss(logits, labels)


def optimizer(learning_rate):
    """The tutorial's optimizer: Adam."""
    return v1.train.AdamOptimizer(learning_rate)


def training(loss, learning_rate):
    """Adam on `loss`; returns the train op (adds `global_step` and the loss summary)."""
    return layers.minimize(loss, optimizer(learning_rate))


def evaluation(logits, labels):
    """int32 scalar: the number of examples whose top prediction is the label."""
    return layers.correct_count(logits, labels)
