# A layers model under tf.contrib.learn's Estimator, as TF 1.0-1.2's "Guide to TF Layers" had
# readers write it: model_fn returning ModelFnOps, learn.ModeKeys, fit(x, y) with a logging
# monitor, evaluate with a MetricSpec, predict as an iterable. Seeded as programs of the time were.
import numpy as np
import tensorflow as tf
from tensorflow.contrib import learn
from tensorflow.contrib.learn.python.learn.estimators import model_fn as model_fn_lib
from tensorflow.examples.tutorials.mnist import input_data

tf.logging.set_verbosity(tf.logging.INFO)
np.random.seed(1)


def model(features, labels, mode):
    images = tf.reshape(features, [-1, 784])
    hidden = tf.layers.dense(inputs=images, units=64, activation=tf.nn.relu)
    dropped = tf.layers.dropout(inputs=hidden, rate=0.2, training=mode == learn.ModeKeys.TRAIN)
    logits = tf.layers.dense(inputs=dropped, units=10)
    loss = None
    train_op = None
    if mode != learn.ModeKeys.INFER:
        onehot_labels = tf.one_hot(indices=tf.cast(labels, tf.int32), depth=10)
        loss = tf.losses.softmax_cross_entropy(onehot_labels=onehot_labels, logits=logits)
    if mode == learn.ModeKeys.TRAIN:
        train_op = tf.contrib.layers.optimize_loss(
            loss=loss, global_step=tf.contrib.framework.get_global_step(), learning_rate=0.1,
            optimizer='SGD')
    predictions = {'classes': tf.argmax(input=logits, axis=1),
                   'probabilities': tf.nn.softmax(logits, name='softmax_tensor')}
    return model_fn_lib.ModelFnOps(mode=mode, predictions=predictions, loss=loss, train_op=train_op)


def main(unused_argv):
    mnist = input_data.read_data_sets('MNIST_data')
    train_data = mnist.train.images
    train_labels = np.asarray(mnist.train.labels, dtype=np.int32)
    eval_data = mnist.test.images
    eval_labels = np.asarray(mnist.test.labels, dtype=np.int32)

    classifier = learn.Estimator(model_fn=model, model_dir='mnist_layers_model',
                                 config=learn.RunConfig(tf_random_seed=1))
    logging_hook = tf.train.LoggingTensorHook(tensors={'probabilities': 'softmax_tensor'}, every_n_iter=100)
    classifier.fit(x=train_data, y=train_labels, batch_size=100, steps=300, monitors=[logging_hook])

    metrics = {'accuracy': learn.MetricSpec(metric_fn=tf.metrics.accuracy, prediction_key='classes')}
    results = classifier.evaluate(x=eval_data, y=eval_labels, metrics=metrics)
    print('global step %d, loss %.4f' % (results['global_step'], results['loss']))
    first = [int(p['classes']) for p in classifier.predict(x=eval_data[:8])]
    print('predicted %s, labels %s' % (first, eval_labels[:8].tolist()))
    print('test accuracy %.4f' % results['accuracy'])


if __name__ == '__main__':
    tf.app.run()
