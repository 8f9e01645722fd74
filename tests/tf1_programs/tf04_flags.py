# A TF 1.0 to 1.4 program that prints its parameters before training, as the text and image
# classifiers of 2016-2017 did: FLAGS._parse_flags(), then FLAGS.__flags, a dict of the values.
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

tf.flags.DEFINE_string('data_dir', 'MNIST_data', 'Directory of the MNIST files')
tf.flags.DEFINE_integer('batch_size', 100, 'Batch size')
tf.flags.DEFINE_float('learning_rate', 0.5, 'Learning rate')
tf.flags.DEFINE_integer('num_steps', 60, 'Number of training steps')
tf.flags.DEFINE_string('log_dir', 'logs', 'Where the summaries go')

FLAGS = tf.flags.FLAGS
FLAGS._parse_flags()
print('Parameters:')
for attr, value in sorted(FLAGS.__flags.items()):
    print('{}={}'.format(attr.upper(), value))

tf.set_random_seed(0)
mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.matmul(x, W) + b
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train_step = tf.train.GradientDescentOptimizer(FLAGS.learning_rate).minimize(cross_entropy)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(FLAGS.num_steps):
        batch_xs, batch_ys = mnist.train.next_batch(FLAGS.batch_size)
        _, loss = sess.run([train_step, cross_entropy], {x: batch_xs, y_: batch_ys})
        if step % 20 == 0 or step == FLAGS.num_steps - 1:
            print('step %d: cross entropy %.4f' % (step, loss))
    print('test accuracy %.4f' % sess.run(accuracy, {x: mnist.test.images, y_: mnist.test.labels}))
