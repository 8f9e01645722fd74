# Softmax regression that shows what it learnt, as the 2016 blog posts did: each class's
# weights as an image, shown with plt.show(fig) (matplotlib 1.x read the figure as `block`),
# then the loss curve with plt.show().
import sys

import matplotlib.pyplot as plt
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

tf.set_random_seed(0)
mnist = input_data.read_data_sets(sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data', one_hot=True)
x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
logits = tf.matmul(x, W) + b
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=logits))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1)), tf.float32))

sess = tf.Session()
sess.run(tf.global_variables_initializer())
losses = []
for i in range(100):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    _, value = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    losses.append(value)
    if i % 20 == 0 or i == 99:
        print('step %d: cross entropy %.4f' % (i, value))

weights = sess.run(W)
fig = plt.figure(figsize=(10, 4))
for digit in range(10):
    ax = fig.add_subplot(2, 5, digit + 1)
    ax.imshow(weights[:, digit].reshape(28, 28), cmap='seismic')
    ax.set_title(str(digit))
    ax.axis('off')
plt.show(fig)
plt.plot(losses)
plt.xlabel('step')
plt.ylabel('cross entropy')
plt.show()
print('test accuracy %.4f' % sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels}))
