# A softmax on MNIST that looks at what it learned with the scientific Python of 2016-2017:
# matplotlib 1.x/2.x (a window title, axisbg, hist(normed=True)), SciPy's image helpers
# (scipy.misc.imsave, imread, imresize), NumPy's np.lib.pad and scikit-learn's TSNE(n_iter=).
import sys

import matplotlib.pyplot as plt
import numpy as np
import scipy.misc
import tensorflow as tf
from scipy.misc import imresize
from sklearn.manifold import TSNE
from tensorflow.examples.tutorials.mnist import input_data

out_dir = sys.argv[1] if len(sys.argv) > 1 else '.'
tf.set_random_seed(0)
np.random.seed(0)
mnist = input_data.read_data_sets('MNIST_data', one_hot=True)

x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.matmul(x, W) + b
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

sess = tf.InteractiveSession()
tf.global_variables_initializer().run()
for step in range(100):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    if step % 25 == 0 or step == 99:
        print('step %d: cross entropy %.4f' % (step, loss))
weights = W.eval()

# Save the first test digit, padded by 2 pixels, as a PNG file, and read it back at half size.
digit = np.lib.pad(mnist.test.images[0].reshape(28, 28), 2, 'constant')
scipy.misc.imsave(out_dir + '/digit.png', digit)
saved = scipy.misc.imread(out_dir + '/digit.png')
half = imresize(saved, (16, 16))
print('saved digit %s %s, read back at half size %s' % (saved.shape, saved.dtype, half.shape))

fig = plt.figure(figsize=(8, 4))
fig.canvas.set_window_title('What the softmax learned')
ax = fig.add_subplot(1, 2, 1, axisbg='white')
counts, bins, _ = ax.hist(weights.ravel(), 50, normed=True)
print('weights histogram area %.3f' % np.sum(counts * np.diff(bins)))

# Two-dimensional t-SNE map of 200 test images, coloured by their label.
tsne = TSNE(n_components=2, perplexity=20, n_iter=250, random_state=0)
points = tsne.fit_transform(mnist.test.images[:200])
ax = fig.add_subplot(1, 2, 2)
ax.scatter(points[:, 0], points[:, 1], c=np.argmax(mnist.test.labels[:200], 1), s=5)
print('t-SNE map %s' % (points.shape,))
plt.show()

print('test accuracy %.4f' % accuracy.eval(feed_dict={x: mnist.test.images, y_: mnist.test.labels}))
