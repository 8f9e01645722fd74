# TF 1.x "Embedding Visualization", the way 2017 programs wrote it: train a small network, keep
# its hidden layer for the first test images in a variable, save it with a Saver, and write a
# sprite, a metadata.tsv and the projector config for TensorBoard.
# Usage: projector_embedding.py LOG_DIR [NUM_IMAGES]
from __future__ import print_function
import os
import sys

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from tensorflow.contrib.tensorboard.plugins import projector
from tensorflow.examples.tutorials.mnist import input_data

LOG_DIR = sys.argv[1]
NUM_IMAGES = int(sys.argv[2]) if len(sys.argv) > 2 else 100

tf.set_random_seed(0)
mnist = input_data.read_data_sets('MNIST_data', one_hot=True)

x = tf.placeholder(tf.float32, [None, 784], name='x')
y_ = tf.placeholder(tf.float32, [None, 10], name='y_')
W1 = tf.Variable(tf.truncated_normal([784, 64], stddev=0.1))
b1 = tf.Variable(tf.zeros([64]))
hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
W2 = tf.Variable(tf.truncated_normal([64, 10], stddev=0.1))
b2 = tf.Variable(tf.zeros([10]))
y = tf.matmul(hidden, W2) + b2
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train_step = tf.train.AdamOptimizer(1e-3).minimize(cross_entropy)

sess = tf.InteractiveSession()
tf.global_variables_initializer().run()
for i in range(100):
    batch_xs, batch_ys = mnist.train.next_batch(50)
    _, loss = sess.run([train_step, cross_entropy], feed_dict={x: batch_xs, y_: batch_ys})
    if i % 25 == 0:
        print('step %d, cross entropy %g' % (i, loss))

# The embedding: a variable holding the hidden layer of the first NUM_IMAGES test images.
images = mnist.test.images[:NUM_IMAGES]
labels = np.argmax(mnist.test.labels[:NUM_IMAGES], 1)
embedding_var = tf.Variable(tf.zeros([NUM_IMAGES, 64]), name='digit_embedding')
sess.run(embedding_var.assign(hidden), feed_dict={x: images})

if not os.path.exists(LOG_DIR):
    os.makedirs(LOG_DIR)
saver = tf.train.Saver([embedding_var])
saver.save(sess, os.path.join(LOG_DIR, 'model.ckpt'), 100)

# The sprite: the digits in a square grid, black on white.
side = int(np.ceil(np.sqrt(NUM_IMAGES)))
sprite = np.ones((side * 28, side * 28))
for i in range(NUM_IMAGES):
    row, col = i // side, i % side
    sprite[row * 28:(row + 1) * 28, col * 28:(col + 1) * 28] = 1 - images[i].reshape(28, 28)
plt.imsave(os.path.join(LOG_DIR, 'sprite.png'), sprite, cmap='gray')

with open(os.path.join(LOG_DIR, 'metadata.tsv'), 'w') as f:
    f.write('Index\tLabel\n')
    for index, label in enumerate(labels):
        f.write('%d\t%d\n' % (index, label))

summary_writer = tf.summary.FileWriter(LOG_DIR, sess.graph)
config = projector.ProjectorConfig()
embedding = config.embeddings.add()
embedding.tensor_name = embedding_var.name
embedding.metadata_path = 'metadata.tsv'
embedding.sprite.image_path = 'sprite.png'
embedding.sprite.single_image_dim.extend([28, 28])
projector.visualize_embeddings(summary_writer, config)
summary_writer.close()
print('embedding %s of %d test images written to %s' % (embedding_var.name, NUM_IMAGES, LOG_DIR))
