# A TF 1.x program of 2017 that prepares its model with multiprocessing: a Pool of workers, each
# given the training set (pickled to it), computes the mean image of each class; the graph then
# classifies the test images by their nearest class mean. Start method: argv[1] (default spawn,
# as on macOS and Windows). It also keeps a pickled copy of the training set, as programs did to
# skip reading the files again.
import multiprocessing
import pickle
import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

train = None


def keep(data_set):
    global train
    train = data_set


def class_mean(label):
    return train.images[train.labels == label].mean(0)


def main():
    method = sys.argv[1] if len(sys.argv) > 1 else 'spawn'
    mnist = input_data.read_data_sets('MNIST_data')
    with open('train.pickle', 'wb') as f:
        pickle.dump(mnist.train, f)
    with open('train.pickle', 'rb') as f:
        print('pickled training set: %d examples' % pickle.load(f).num_examples)
    pool = multiprocessing.get_context(method).Pool(2, initializer=keep, initargs=(mnist.train,))
    means = np.stack(pool.map(class_mean, range(10)))
    pool.close()
    pool.join()

    x = tf.placeholder(tf.float32, [None, 784])
    W = tf.Variable(means.T.astype(np.float32))
    distance = tf.reduce_sum(W * W, 0) - 2 * tf.matmul(x, W)  # squared distance, less |x|^2
    prediction = tf.argmin(distance, 1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        predicted = sess.run(prediction, feed_dict={x: mnist.test.images})
    print('%s: test accuracy %.4f' % (method, np.mean(predicted == mnist.test.labels)))


if __name__ == '__main__':
    main()
