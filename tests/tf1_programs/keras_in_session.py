# Keras as a simplified interface to TensorFlow (2016): Keras layers inside a TF session,
# trained by a TF optimizer, with Keras' learning phase fed to switch dropout on and off.
from __future__ import print_function
import sys

import tensorflow as tf
from keras import backend as K
from keras.layers import Dense, Dropout
from keras.metrics import categorical_accuracy as accuracy
from keras.objectives import categorical_crossentropy
from keras.utils import np_utils
from tensorflow.examples.tutorials.mnist import input_data

data_dir = sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data'
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 200

tf.set_random_seed(0)
sess = tf.Session()
K.set_session(sess)
assert K.get_session() is sess

mnist_data = input_data.read_data_sets(data_dir)  # labels as class numbers: to_categorical below

img = tf.placeholder(tf.float32, shape=(None, 784))
labels = tf.placeholder(tf.float32, shape=(None, 10))

x = Dense(128, activation='relu')(img)
x = Dropout(0.2)(x)
x = Dense(128, activation='relu')(x)
preds = Dense(10, activation='softmax')(x)

loss = tf.reduce_mean(categorical_crossentropy(labels, preds))
train_step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

with sess.as_default():
    tf.global_variables_initializer().run()
    for i in range(steps):
        images, classes = mnist_data.train.next_batch(50)
        _, loss_value = sess.run([train_step, loss],
                                 feed_dict={img: images, labels: np_utils.to_categorical(classes, 10),
                                            K.learning_phase(): 1})
        if i % (steps // 5) == 0 or i == steps - 1:
            print('step %d: cross entropy %f' % (i, loss_value))

    acc_value = accuracy(labels, preds)
    test_labels = np_utils.to_categorical(mnist_data.test.labels, 10)
    print('test accuracy', acc_value.eval(feed_dict={img: mnist_data.test.images, labels: test_labels,
                                                     K.learning_phase(): 0}).mean())
