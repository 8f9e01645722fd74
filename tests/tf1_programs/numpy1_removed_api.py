# NumPy 1 habits of 2016-2018 programs: writing a TFRecord file of MNIST with tostring(),
# reading it back with np.fromstring, the np.float / np.int / np.asscalar names, all removed by NumPy 2.
from __future__ import print_function
import os
import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

import numpy1_helpers

np.random.seed(0)

data_dir = sys.argv[1] if len(sys.argv) > 1 else 'MNIST_data'
records = sys.argv[2] if len(sys.argv) > 2 else 'train.tfrecords'
mnist_data = input_data.read_data_sets(data_dir, dtype=tf.uint8, reshape=False)

writer = tf.python_io.TFRecordWriter(records)
for index in range(600):
    image_raw = mnist_data.train.images[index].tostring()
    example = tf.train.Example(features=tf.train.Features(feature={
        'label': tf.train.Feature(int64_list=tf.train.Int64List(value=[int(mnist_data.train.labels[index])])),
        'image_raw': tf.train.Feature(bytes_list=tf.train.BytesList(value=[image_raw]))}))
    writer.write(example.SerializeToString())
writer.close()

images, labels = [], []
for record in tf.python_io.tf_record_iterator(records):
    example = tf.train.Example()
    example.ParseFromString(record)
    raw = example.features.feature['image_raw'].bytes_list.value[0]
    images.append(np.fromstring(raw, dtype=np.uint8).astype(np.float) / 255.0)
    labels.append(example.features.feature['label'].int64_list.value[0])
images = np.array(images).reshape(-1, 784)
labels = np.array(labels, dtype=np.int)
print('read back', len(labels), 'records,', os.path.getsize(records), 'bytes')
print("same pixels", np.alltrue(np.round(images * 255).reshape(-1, 28, 28, 1) == mnist_data.train.images[:600]))

x = tf.placeholder(tf.float32, [None, 784])
y = tf.placeholder(tf.int64, [None])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
logits = tf.matmul(x, W) + b
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.int32))
test_images = numpy1_helpers.flat_floats(mnist_data.test.images)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(60):
        batch = np.random.randint(0, len(labels), 100)
        _, loss_value = sess.run([train, loss], {x: images[batch], y: labels[batch]})
        if step % 20 == 0 or step == 59:
            print('step %d: cross entropy %f' % (step, np.asscalar(loss_value)))
    right = sess.run(correct, {x: test_images, y: mnist_data.test.labels})
    print('test accuracy', float(right) / numpy1_helpers.count(test_images))
