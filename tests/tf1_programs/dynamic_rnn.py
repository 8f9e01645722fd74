# An LSTM over the image rows in the style of the TF 1.x RNN tutorials of 2017: a
# tf.nn.rnn_cell.BasicLSTMCell run by tf.nn.dynamic_rnn from its zero_state, a linear layer
# applied to every step with tf.map_fn, softmax_cross_entropy_with_logits_v2, an
# InteractiveSession, and one traced step (RunOptions, RunMetadata) written for TensorBoard.
import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

data_dir = sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data'
log_dir = sys.argv[2] if len(sys.argv) > 2 else '/tmp/rnn_logs'
mnist = input_data.read_data_sets(data_dir, one_hot=True)

n_steps, n_inputs, n_hidden, n_classes = 28, 28, 64, 10
batch_size = 50
tf.set_random_seed(1)

x = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
y = tf.placeholder(tf.float32, [None, n_classes])
batch = tf.placeholder(tf.int32, [])

cell = tf.nn.rnn_cell.BasicLSTMCell(n_hidden, forget_bias=1.0, state_is_tuple=True)
init_state = cell.zero_state(batch, dtype=tf.float32)
outputs, final_state = tf.nn.dynamic_rnn(cell, x, initial_state=init_state, time_major=False)

weights = tf.Variable(tf.truncated_normal([n_hidden, n_classes], stddev=0.1))
biases = tf.Variable(tf.constant(0.1, shape=[n_classes]))
# outputs: [batch, steps, hidden] -> one logits row per step, then the last step's.
step_logits = tf.map_fn(lambda out: tf.matmul(out, weights) + biases,
                        tf.transpose(outputs, [1, 0, 2]))
logits = step_logits[-1]

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=y))
train_op = tf.train.AdamOptimizer(0.01).minimize(cost)
correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
tf.summary.scalar('cost', cost)
merged = tf.summary.merge_all()

sess = tf.InteractiveSession()
writer = tf.summary.FileWriter(log_dir, sess.graph)
tf.global_variables_initializer().run()
for i in range(121):
    batch_xs, batch_ys = mnist.train.next_batch(batch_size)
    feed = {x: batch_xs.reshape([batch_size, n_steps, n_inputs]), y: batch_ys, batch: batch_size}
    if i == 60:  # trace one step: TensorBoard shows its compute time and memory
        run_options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
        run_metadata = tf.RunMetadata()
        summary, _, loss = sess.run([merged, train_op, cost], feed_dict=feed,
                                    options=run_options, run_metadata=run_metadata)
        writer.add_run_metadata(run_metadata, 'step%03d' % i)
        print('traced step %d: %d devices' % (i, len(run_metadata.step_stats.dev_stats)))
    else:
        summary, _, loss = sess.run([merged, train_op, cost], feed_dict=feed)
    writer.add_summary(summary, i)
    if i % 40 == 0:
        print('step %d: cost %.4f' % (i, loss))
writer.close()
test_images = mnist.test.images.reshape([-1, n_steps, n_inputs])
print('test accuracy %g' % accuracy.eval(feed_dict={x: test_images, y: mnist.test.labels,
                                                    batch: len(test_images)}))
