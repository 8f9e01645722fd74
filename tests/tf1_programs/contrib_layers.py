# A TF 1.x program that needs tf.contrib, which TensorFlow 2 removed.
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

x = tf.placeholder(tf.float32, [None, 784])
hidden = tf.contrib.layers.fully_connected(x, 100)
print('unreachable')
