# A CNN in the tf.contrib.layers style of TF 1.x books: tf.contrib.learn's load_dataset('mnist')
# (which reads MNIST-data/), conv2d, max_pool2d, batch_norm, flatten, fully_connected, dropout,
# xavier_initializer, l2_regularizer, apply_regularization and optimize_loss.
import numpy as np
import tensorflow as tf

layers = tf.contrib.layers

tf.set_random_seed(1)
mnist = tf.contrib.learn.datasets.load_dataset('mnist')
images = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.int64, [None])
is_training = tf.placeholder(tf.bool, [])

net = tf.reshape(images, [-1, 28, 28, 1])
net = layers.conv2d(net, 8, [5, 5], weights_initializer=layers.xavier_initializer())
net = layers.batch_norm(net, decay=0.9, is_training=is_training, updates_collections=None)
net = layers.max_pool2d(net, [2, 2])
net = layers.flatten(net)
net = layers.fully_connected(net, 32, weights_initializer=layers.xavier_initializer(),
                             weights_regularizer=layers.l2_regularizer(1e-4))
net = layers.dropout(net, keep_prob=0.8, is_training=is_training)
logits = layers.fully_connected(net, 10, activation_fn=None)

loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
penalty = layers.apply_regularization(layers.l2_regularizer(1e-5), tf.trainable_variables())
global_step = tf.train.get_or_create_global_step()
train_op = layers.optimize_loss(loss + penalty, global_step, learning_rate=0.01, optimizer='Adam')
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(60):
        xs, ys = mnist.train.next_batch(50)
        _, value = sess.run([train_op, loss], {images: xs, labels: ys, is_training: True})
        if step % 20 == 0 or step == 59:
            print('step %d: loss %.4f' % (step, value))
    print('global step %d' % sess.run(global_step))
    print('test accuracy %.4f' % sess.run(accuracy, {images: mnist.test.images,
                                                      labels: mnist.test.labels.astype(np.int64),
                                                      is_training: False}))
