"""The TensorBoard tutorial (the tutorial's mnist_with_summaries.py): a network that summarizes itself.

784 -> 500 ReLU ('layer1') -> dropout -> 10 linear ('layer2'), trained with
Adam. Every weight and bias gets mean, stddev, min, max and a histogram; every
layer histograms its pre-activations and activations; 10 input digits go in
as images. Training summaries go to LOG_DIR/train, test-set cross entropy and
accuracy to LOG_DIR/test under the same tags, so TensorBoard draws the two
curves in one chart. The session and the training loop are in
scripts/mnist_with_summaries.py.
"""
import dataclasses
import glob
import os
import sys

from mnist import layers, training
from mnist.layers import IMAGE_PIXELS, IMAGE_SIZE, NUM_CLASSES

import tensorflow as tf

v1 = tf.compat.v1

HIDDEN_UNITS = 500
NUM_IMAGES = 10  # input digits shown in TensorBoard's Images tab


def scalar_summary(name, value):
    """Adds a summary of float32 scalar `value` tagged <current name scope>/name, exactly.

    v1.summary.scalar('accuracy', ...) next to an 'accuracy' name scope (or
    'mean' next to a reduce_mean op, as graph names are unique regardless
    of case) is tagged 'accuracy_1', and the test curve, tagged 'accuracy',
    would not share the training curve's chart.
    """
    scope = v1.get_default_graph().get_name_scope()
    tag = scope + '/' + name if scope else name
    v1.add_to_collection(v1.GraphKeys.SUMMARIES, tf.raw_ops.ScalarSummary(tags=tag, values=value))


def variable_summaries(var):
    """Adds mean, stddev, max and min scalars and a histogram of `var` (float32, any shape)."""
    with tf.name_scope('summaries'):
        mean = tf.reduce_mean(var)
        scalar_summary('mean', mean)
        with tf.name_scope('stddev'):
            stddev = tf.sqrt(tf.reduce_mean(tf.square(var - mean)))
        scalar_summary('stddev', stddev)
        scalar_summary('max', tf.reduce_max(var))
        scalar_summary('min', tf.reduce_min(var))
        v1.summary.histogram('histogram', var)


def nn_layer(input_tensor, input_dim, output_dim, layer_name, act=tf.nn.relu):
    """One dense layer, act(x W + b), with summaries of W, b, x W + b and the output.

    Args:
      input_tensor: float32 [batch_size, input_dim].
    Returns:
      float32 [batch_size, output_dim].
    """
    with tf.name_scope(layer_name):
        with tf.name_scope('weights'):
            weights = layers.weights([input_dim, output_dim], stddev=0.1)
            variable_summaries(weights)
        with tf.name_scope('biases'):
            biases = layers.constant_biases(output_dim, 0.1)
            variable_summaries(biases)
        with tf.name_scope('Wx_plus_b'):
            preactivate = tf.matmul(input_tensor, weights) + biases
            v1.summary.histogram('pre_activations', preactivate)
        activations = act(preactivate, name='activation')
        v1.summary.histogram('activations', activations)
        return activations


@dataclasses.dataclass
class SummariesGraph:
    """The tensors the loop feeds and fetches."""
    images: tf.Tensor         # float32 [None, 784] placeholder
    labels: tf.Tensor         # int32 [None] placeholder of class indices
    keep_prob: tf.Tensor      # float32 scalar, 1.0 unless fed
    cross_entropy: tf.Tensor  # float32 scalar, the batch mean
    correct: tf.Tensor        # int32 scalar, correct predictions in the batch
    train_op: tf.Operation
    summaries: tf.Tensor      # string scalar, every summary above merged

    def feed(self, images, labels, keep_prob=1.0):
        return {self.images: images, self.labels: labels, self.keep_prob: keep_prob}


def build_graph(learning_rate):
    """Builds the network, its loss, Adam and all summaries in the default graph."""
    with tf.name_scope('input'):
        images = v1.placeholder(tf.float32, [None, IMAGE_PIXELS], name='x-input')
        labels = v1.placeholder(tf.int32, [None], name='y-input')
    with tf.name_scope('input_reshape'):
        v1.summary.image('input', tf.reshape(images, [-1, IMAGE_SIZE, IMAGE_SIZE, 1]), NUM_IMAGES)
    hidden1 = nn_layer(images, IMAGE_PIXELS, HIDDEN_UNITS, 'layer1')
    with tf.name_scope('dropout'):
        keep_prob = v1.placeholder_with_default(1.0, [], name='keep_probability')
        scalar_summary('dropout_keep_probability', keep_prob)
        # TF 2's dropout takes the rate to DROP: the tutorial's keep_prob 0.9 is rate 0.1.
        dropped = tf.nn.dropout(hidden1, rate=1.0 - keep_prob)
    logits = nn_layer(dropped, HIDDEN_UNITS, NUM_CLASSES, 'layer2', act=tf.identity)
    with tf.name_scope('cross_entropy'):
        cross_entropy = layers.loss(logits, labels)
    scalar_summary('cross_entropy', cross_entropy)
    with tf.name_scope('train'):
        train_op = v1.train.AdamOptimizer(learning_rate).minimize(
            cross_entropy, global_step=v1.train.get_or_create_global_step())
    with tf.name_scope('accuracy'):
        correct = layers.correct_count(logits, labels)
        accuracy = tf.cast(correct, tf.float32) / tf.cast(tf.shape(labels)[0], tf.float32)
    scalar_summary('accuracy', accuracy)
    return SummariesGraph(images=images, labels=labels, keep_prob=keep_prob,
                          cross_entropy=cross_entropy, correct=correct, train_op=train_op,
                          summaries=v1.summary.merge_all())


def evaluate(sess, graph, data_set, batch_size=training.EVAL_BATCH_SIZE):
    """Accuracy and mean cross entropy over all of `data_set`, fed `batch_size` images at a time.

    Returns {'num_examples', 'num_correct', 'precision', 'cross_entropy'}.
    """
    images, labels = data_set.images, data_set.labels
    num_examples = data_set.num_examples
    num_correct, total_cross_entropy = 0, 0.0
    for start in range(0, num_examples, batch_size):
        batch_labels = labels[start:start + batch_size]
        correct, mean = sess.run([graph.correct, graph.cross_entropy],
                                 graph.feed(images[start:start + batch_size], batch_labels))
        num_correct += int(correct)
        total_cross_entropy += float(mean) * len(batch_labels)
    return {'num_examples': num_examples, 'num_correct': num_correct,
            'precision': num_correct / num_examples if num_examples else 0.0,
            'cross_entropy': total_cross_entropy / num_examples if num_examples else 0.0}


def warn_if_old_events(log_dir):
    """The tutorial deleted log_dir; we keep it, and say when a new run's points will mix with old ones."""
    if glob.glob(os.path.join(glob.escape(log_dir), '*', 'events.out.tfevents.*')):
        print('Note: %s already holds events of an earlier run; TensorBoard will draw both on the '
              'same curves. Use a new --log_dir for a clean chart.' % log_dir, file=sys.stderr)
