# A softmax regression from Python 2 days that Python 3 also compiles, so it fails only when
# run: print statements written with parentheses and then formatted (`print("...") % x`), xrange
# and dict.iteritems.
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets('MNIST_data', one_hot=True)

x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.matmul(x, W) + b
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in xrange(100):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    _, value = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    if i % 20 == 0 or i == 99:
        print("step %d: cross entropy %.4f") % (i, value)
sizes = {'train': mnist.train.num_examples, 'test': mnist.test.num_examples}
for name, size in sorted(sizes.iteritems()):
    print(name), "examples:", size
print("test accuracy %.4f") % sess.run(accuracy, feed_dict={x: mnist.test.images, y_: mnist.test.labels})
