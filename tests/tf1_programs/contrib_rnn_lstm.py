# An LSTM that reads an image row by row, in the TF 1.x tf.contrib.rnn style: BasicLSTMCell in a
# DropoutWrapper, stacked with a tf.nn.rnn_cell.GRUCell by MultiRNNCell, unrolled by static_rnn;
# the data through contrib.learn's own mnist module.
import sys

import tensorflow as tf
from tensorflow.contrib import rnn
from tensorflow.contrib.learn.python.learn.datasets.mnist import read_data_sets

tf.set_random_seed(2)
mnist = read_data_sets(sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data', one_hot=True)
timesteps, num_inputs, num_hidden = 28, 28, 32
x = tf.placeholder(tf.float32, [None, timesteps, num_inputs])
y = tf.placeholder(tf.float32, [None, 10])
keep_prob = tf.placeholder_with_default(1.0, [])

inputs = tf.unstack(x, timesteps, 1)
lstm = rnn.DropoutWrapper(rnn.BasicLSTMCell(num_hidden, forget_bias=1.0), output_keep_prob=keep_prob)
cell = rnn.MultiRNNCell([lstm, tf.nn.rnn_cell.GRUCell(num_hidden)])
outputs, state = rnn.static_rnn(cell, inputs, dtype=tf.float32)
weights = tf.Variable(tf.random_normal([num_hidden, 10], stddev=0.1))
biases = tf.Variable(tf.zeros([10]))
logits = tf.matmul(outputs[-1], weights) + biases

loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y))
train_op = tf.train.AdamOptimizer(0.005).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(100):
        xs, ys = mnist.train.next_batch(50)
        _, value = sess.run([train_op, loss], {x: xs.reshape(-1, timesteps, num_inputs), y: ys,
                                               keep_prob: 0.9})
        if step % 20 == 0 or step == 99:
            print('step %d: loss %.4f' % (step, value))
    test_images = mnist.test.images.reshape(-1, timesteps, num_inputs)
    print('test accuracy %.4f' % sess.run(accuracy, {x: test_images, y: mnist.test.labels}))
