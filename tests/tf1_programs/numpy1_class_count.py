# A TF 1.x softmax regression that counts its classes from the labels, a NumPy 1 habit:
# max() of uint8 labels plus one was an int64 under NumPy 1 (a uint8 under NumPy 2), and it
# sizes the weights and biases, the one-hot labels and the per-class accuracies.
import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

tf.set_random_seed(0)
mnist = input_data.read_data_sets(sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data')
num_classes = max(mnist.train.labels) + 1
num_pixels = mnist.train.images.shape[1]
print('classes %d (%s)' % (num_classes, type(num_classes).__name__))

x = tf.placeholder(tf.float32, [None, num_pixels])
y = tf.placeholder(tf.int64, [None])
W = tf.Variable(tf.truncated_normal([num_pixels, num_classes], stddev=0.01))
b = tf.Variable(tf.random_normal([num_classes], stddev=0.01))
logits = tf.matmul(x, W) + b
cross_entropy = tf.reduce_mean(
    tf.nn.softmax_cross_entropy_with_logits(labels=tf.one_hot(y, num_classes), logits=logits))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
predicted = tf.argmax(logits, 1)
correct = tf.cast(tf.equal(predicted, y), tf.float32)
per_class = (tf.unsorted_segment_sum(correct, y, num_classes)
             / tf.unsorted_segment_sum(tf.ones_like(correct), y, num_classes))
accuracy = tf.reduce_mean(correct)

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(100):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y: batch_ys})
    if i % 20 == 0 or i == 99:
        print('step %d: cross entropy %.4f' % (i, loss))
feed = {x: mnist.test.images, y: mnist.test.labels}
print('lowest class accuracy %.4f' % sess.run(per_class, feed).min())
print('test accuracy %.4f' % sess.run(accuracy, feed))
