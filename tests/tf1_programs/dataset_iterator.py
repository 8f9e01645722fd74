# tf.data in graph mode, in the style of TF 1.4's "Importing Data" guide (2017): a Dataset of
# placeholders so the arrays are not baked into the graph, an initializable iterator run again
# at each epoch until OutOfRangeError, and a one-shot iterator over the test set.
import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets(sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data')
tf.set_random_seed(2)

images_placeholder = tf.placeholder(tf.float32, mnist.train.images.shape)
labels_placeholder = tf.placeholder(tf.int64, mnist.train.labels.shape)
dataset = tf.data.Dataset.from_tensor_slices((images_placeholder, labels_placeholder))
dataset = dataset.shuffle(buffer_size=1000).batch(50)
iterator = dataset.make_initializable_iterator()
images, labels = iterator.get_next()

hidden = tf.layers.dense(images, 64, activation=tf.nn.relu, name='hidden')
logits = tf.layers.dense(hidden, 10, name='logits')
loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

test_images, test_labels = tf.data.Dataset.from_tensor_slices(
    (mnist.test.images, mnist.test.labels)).batch(len(mnist.test.labels)).make_one_shot_iterator().get_next()
test_logits = tf.layers.dense(tf.layers.dense(test_images, 64, activation=tf.nn.relu, name='hidden',
                                              reuse=True), 10, name='logits', reuse=True)
correct = tf.equal(tf.argmax(test_logits, 1), tf.cast(test_labels, tf.int64))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    step = 0
    for epoch in range(5):
        sess.run(iterator.initializer, feed_dict={images_placeholder: mnist.train.images,
                                                  labels_placeholder: mnist.train.labels})
        while True:
            try:
                _, loss_value = sess.run([train_op, loss])
            except tf.errors.OutOfRangeError:
                break
            if step % 20 == 0:
                print('step %d: loss %.4f' % (step, loss_value))
            step += 1
        print('epoch %d done after %d steps' % (epoch, step))
    print('test accuracy %g' % sess.run(accuracy))
