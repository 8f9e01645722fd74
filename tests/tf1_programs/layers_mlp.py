# An MLP in the TF 1.x tf.layers style: tf.layers.dense, batch_normalization and dropout, a
# tf.keras regularizer and output layer (Keras 2), tf.app.flags and tf.app.run.
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

flags = tf.app.flags
flags.DEFINE_string('data_dir', 'MNIST_data', 'Directory with the MNIST files.')
flags.DEFINE_integer('steps', 120, 'Number of training steps.')
FLAGS = flags.FLAGS


def main(_):
    tf.set_random_seed(0)
    mnist = input_data.read_data_sets(FLAGS.data_dir)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.int64, [None])
    training = tf.placeholder_with_default(False, [])

    hidden = tf.layers.dense(x, 64, activation=tf.nn.relu,
                             kernel_regularizer=tf.keras.regularizers.l2(1e-4), name='hidden')
    hidden = tf.layers.batch_normalization(hidden, training=training)
    hidden = tf.layers.dropout(hidden, rate=0.2, training=training)
    logits = tf.keras.layers.Dense(10, name='logits')(hidden)

    loss = (tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
            + tf.losses.get_regularization_loss())
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(FLAGS.steps):
            xs, ys = mnist.train.next_batch(50)
            _, value = sess.run([train_op, loss], {x: xs, y: ys, training: True})
            if step % 40 == 0 or step == FLAGS.steps - 1:
                print('step %d: loss %.4f' % (step, value))
        print('regularization losses: %d' % len(tf.losses.get_regularization_losses()))
        print('test accuracy %.4f' % sess.run(accuracy, {x: mnist.test.images, y: mnist.test.labels}))


if __name__ == '__main__':
    tf.app.run()
