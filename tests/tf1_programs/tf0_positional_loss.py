# A TF 0.x two-layer network (TensorFlow 0.11/0.12): the cross entropies take positional
# arguments in TF 0.x's order, (logits, labels); tf.initialize_all_variables, tf.mul.
import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

np.random.seed(0)
tf.set_random_seed(0)
mnist = input_data.read_data_sets(sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data', one_hot=True)

x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
W1 = tf.Variable(tf.truncated_normal([784, 64], stddev=0.1))
b1 = tf.Variable(tf.zeros([64]))
hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
W2 = tf.Variable(tf.truncated_normal([64, 10], stddev=0.1))
b2 = tf.Variable(tf.zeros([10]))
logits = tf.matmul(hidden, W2) + b2

cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits, y_))
sparse_cross_entropy = tf.reduce_mean(
    tf.nn.sparse_softmax_cross_entropy_with_logits(logits, tf.argmax(y_, 1)))
weight_decay = tf.mul(1e-4, tf.nn.l2_loss(W1))
train_step = tf.train.GradientDescentOptimizer(0.2).minimize(cross_entropy + weight_decay)
correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

sess = tf.Session()
sess.run(tf.initialize_all_variables())
for i in range(150):
    batch_xs, batch_ys = mnist.train.next_batch(50)
    _, value = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    if i % 50 == 0 or i == 149:
        print('step %d: cross entropy %.4f' % (i, value))
feed = {x: mnist.test.images, y_: mnist.test.labels}
print('sparse minus dense cross entropy %.6f' % abs(sess.run(sparse_cross_entropy - cross_entropy, feed)))
print('test accuracy %.4f' % sess.run(accuracy, feed))
