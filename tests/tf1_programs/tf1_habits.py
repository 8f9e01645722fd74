# A TF 1.x MNIST program of 2017 in Python 3: a hidden layer sized `hidden / 2` (a float in
# Python 3, which TF 1.x's shapes took), a dropout flag declared as an integer with a float
# default (TF <= 1.4 kept it), and the trained graph frozen with graph_util for serving.
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data
from tensorflow.python.framework import graph_util

flags = tf.app.flags
flags.DEFINE_integer('steps', 100, 'Number of training steps.')
flags.DEFINE_integer('keep_prob', 0.9, 'Probability of keeping a hidden unit.')
FLAGS = flags.FLAGS

hidden = 200
mnist = input_data.read_data_sets('MNIST_data', one_hot=True)

x = tf.placeholder(tf.float32, [None, 784], name='x')
y_ = tf.placeholder(tf.float32, [None, 10])
keep_prob = tf.placeholder_with_default(1.0, [], name='keep_prob')
w1 = tf.get_variable('w1', [784, hidden / 2], initializer=tf.truncated_normal_initializer(stddev=0.1))
b1 = tf.get_variable('b1', [hidden / 2], initializer=tf.zeros_initializer())
h1 = tf.nn.dropout(tf.nn.relu(tf.matmul(x, w1) + b1), keep_prob)
w2 = tf.get_variable('w2', [hidden / 2, 10], initializer=tf.truncated_normal_initializer(stddev=0.1))
b2 = tf.get_variable('b2', [10], initializer=tf.zeros_initializer())
y = tf.nn.softmax(tf.matmul(h1, w2) + b2, name='y')
loss = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y + 1e-10), axis=1))
train_step = tf.train.AdamOptimizer(1e-3).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(FLAGS.steps):
        batch_xs, batch_ys = mnist.train.next_batch(50)
        _, l = sess.run([train_step, loss], {x: batch_xs, y_: batch_ys, keep_prob: FLAGS.keep_prob})
        if step % 25 == 0:
            print('step %d: loss %.4f' % (step, l))
    frozen = graph_util.convert_variables_to_constants(sess, sess.graph.as_graph_def(), ['y'])

print('keep_prob %s, frozen graph of %d nodes' % (FLAGS.keep_prob, len(frozen.node)))
with tf.Graph().as_default() as served:
    tf.import_graph_def(frozen, name='')
    with tf.Session(graph=served) as sess:
        probabilities = sess.run('y:0', {'x:0': mnist.test.images})
accuracy = (probabilities.argmax(1) == mnist.test.labels.argmax(1)).mean()
print('test accuracy %g' % accuracy)
