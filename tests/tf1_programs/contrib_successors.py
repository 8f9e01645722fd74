# An MNIST softmax network in the tf.contrib style of TF 1.0 to 1.3: tf.contrib.keras layers,
# tf.contrib.losses with (logits, labels) in that order, tf.contrib.metrics' streaming accuracy
# (predictions, labels), a tf.contrib.lookup table naming the classes, and a
# tf.contrib.distributions.Categorical sampling guesses from the model.
import numpy as np
import tensorflow as tf
from tensorflow.contrib.keras.api.keras.layers import Dense
from tensorflow.examples.tutorials.mnist import input_data

distributions = tf.contrib.distributions
tf.set_random_seed(0)
np.random.seed(0)
mnist = input_data.read_data_sets('MNIST_data', one_hot=True)

images = tf.placeholder(tf.float32, [None, 784])
labels = tf.placeholder(tf.float32, [None, 10])
hidden = Dense(64, activation='relu')(images)
logits = Dense(10)(hidden)

loss = tf.contrib.losses.softmax_cross_entropy(logits, labels)
train_step = tf.train.AdamOptimizer(1e-3).minimize(loss)
predictions = tf.argmax(logits, 1)
accuracy, update_accuracy = tf.contrib.metrics.streaming_accuracy(predictions, tf.argmax(labels, 1))

names = tf.contrib.lookup.index_to_string_table_from_tensor(
    tf.constant(['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']))
predicted_names = names.lookup(predictions)
guesses = distributions.Categorical(logits=logits).sample()

with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.tables_initializer()])
    for step in range(150):
        xs, ys = mnist.train.next_batch(50)
        _, value = sess.run([train_step, loss], {images: xs, labels: ys})
        if step % 50 == 0 or step == 149:
            print('step %d: loss %.4f' % (step, value))
    sess.run(tf.local_variables_initializer())
    for start in range(0, len(mnist.test.images), 100):
        sess.run(update_accuracy, {images: mnist.test.images[start:start + 100],
                                   labels: mnist.test.labels[start:start + 100]})
    first = sess.run(predicted_names, {images: mnist.test.images[:5]})
    print('first predictions %s' % ' '.join(name.decode() for name in first))
    sampled = sess.run(guesses, {images: mnist.test.images[:1000]})
    agree = np.mean(sampled == np.argmax(mnist.test.labels[:1000], 1))
    print('sampled guesses agree with the labels %.3f' % agree)
    print('test accuracy %.4f' % sess.run(accuracy))
