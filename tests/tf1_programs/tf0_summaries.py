# A TF 0.x (0.11/0.12) program, written before TF 1.0 renamed its names: tf.mul, tf.neg, tf.sub,
# tf.pack/unpack, tf.concat and tf.split with the axis first, tf.select, tf.scalar_summary and
# friends, tf.merge_all_summaries, tf.train.SummaryWriter, tf.initialize_all_variables.
import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets(sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data', one_hot=True)
log_dir = sys.argv[2] if len(sys.argv) > 2 else '/tmp/tf0_summaries_logs'
tf.set_random_seed(4)

x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
with tf.name_scope('model'):
    logits = tf.matmul(x, W) + b
    y = tf.nn.softmax(logits)
cross_entropy = tf.reduce_mean(tf.neg(tf.reduce_sum(tf.mul(y_, tf.log(y + 1e-10)), reduction_indices=[1])))

left, right = tf.split(1, 2, logits)           # split(split_dim, num_split, value)
rejoined = tf.concat(1, [left, right])         # concat(concat_dim, values)
restacked = tf.pack(tf.unpack(rejoined, axis=1), axis=1)
round_trip_error = tf.reduce_max(tf.abs(tf.sub(restacked, logits)))

correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.select(correct, tf.ones_like(y[:, 0]), tf.zeros_like(y[:, 0])))
with tf.name_scope('summaries'):
    tf.scalar_summary('cross entropy', cross_entropy)
    tf.scalar_summary('accuracy', accuracy)
    tf.histogram_summary('weights', W)
    tf.image_summary('input', tf.reshape(x, [-1, 28, 28, 1]), max_images=2)
merged = tf.merge_all_summaries()
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

sess = tf.Session()
writer = tf.train.SummaryWriter(log_dir, sess.graph)
sess.run(tf.initialize_all_variables())
for i in range(60):
    batch_xs, batch_ys = mnist.train.next_batch(50)
    summary, _, value = sess.run([merged, train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    writer.add_summary(summary, i)
    if i % 20 == 0 or i == 59:
        print('step %d: cross entropy %.4f' % (i, value))
writer.close()
feed = {x: mnist.test.images, y_: mnist.test.labels}
print('round trip error %g' % sess.run(round_trip_error, feed))
print('test accuracy %.4f' % sess.run(accuracy, feed))
