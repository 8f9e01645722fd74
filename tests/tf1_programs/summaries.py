# A TF 1.x summaries program: tf.summary.scalar / histogram, merge_all, FileWriter.
import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

log_dir = sys.argv[1] if len(sys.argv) > 1 else '/tmp/tensorflow/mnist/logs/summaries'
tf.set_random_seed(3)
mnist = input_data.read_data_sets('MNIST_data', fake_data=True)
x = tf.placeholder(tf.float32, [None, 784], name='x-input')
y_ = tf.placeholder(tf.int64, [None], name='y-input')
with tf.name_scope('layer'):
    W = tf.Variable(tf.truncated_normal([784, 10], stddev=0.1))
    tf.summary.histogram('weights', W)
    y = tf.matmul(x, W)
loss = tf.losses.sparse_softmax_cross_entropy(labels=y_, logits=y)
tf.summary.scalar('cross_entropy', loss)
train_step = tf.train.AdamOptimizer(0.001).minimize(loss)
merged = tf.summary.merge_all()
with tf.Session() as sess:
    writer = tf.summary.FileWriter(log_dir + '/train', sess.graph)
    tf.global_variables_initializer().run()
    for i in range(5):
        xs, ys = mnist.train.next_batch(100, True)
        summary, _, value = sess.run([merged, train_step, loss], feed_dict={x: xs, y_: ys})
        writer.add_summary(summary, i)
        print('step %d: cross_entropy %.6f' % (i, value))
    writer.close()
