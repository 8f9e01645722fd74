# MNIST with tf.estimator in the style of TF 1.x's official/mnist (r1.4 to r1.13): a model_fn
# returning an EstimatorSpec for each ModeKeys, tf.layers, tf.metrics, a LoggingTensorHook on
# named tensors, numpy_input_fn, and train / evaluate / predict with checkpoints in model_dir.
import argparse
import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

LEARNING_RATE = 1e-3


def create_model(inputs, training):
    """Maps images float32 [batch, 784] to logits float32 [batch, 10]."""
    hidden = tf.layers.dense(inputs, 128, activation=tf.nn.relu, name='hidden')
    hidden = tf.layers.dropout(hidden, rate=0.2, training=training)
    return tf.layers.dense(hidden, 10, name='logits')


def model_fn(features, labels, mode, params):
    """The model_fn for tf.estimator.Estimator."""
    image = features['image'] if isinstance(features, dict) else features
    if mode == tf.estimator.ModeKeys.PREDICT:
        logits = create_model(image, training=False)
        predictions = {'classes': tf.argmax(logits, axis=1), 'probabilities': tf.nn.softmax(logits)}
        return tf.estimator.EstimatorSpec(
            mode=mode, predictions=predictions,
            export_outputs={'classify': tf.estimator.export.PredictOutput(predictions)})

    logits = create_model(image, training=mode == tf.estimator.ModeKeys.TRAIN)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    accuracy = tf.metrics.accuracy(labels=labels, predictions=tf.argmax(logits, axis=1))
    if mode == tf.estimator.ModeKeys.EVAL:
        return tf.estimator.EstimatorSpec(mode=mode, loss=loss, eval_metric_ops={'accuracy': accuracy})

    optimizer = tf.train.AdamOptimizer(learning_rate=params['learning_rate'])
    # Named, so that the LoggingTensorHook can log them and TensorBoard shows them.
    tf.identity(loss, 'cross_entropy')
    tf.identity(accuracy[1], name='train_accuracy')
    tf.summary.scalar('train_accuracy', accuracy[1])
    return tf.estimator.EstimatorSpec(
        mode=mode, loss=loss,
        train_op=optimizer.minimize(loss, tf.train.get_or_create_global_step()))


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument('--data_dir', default='MNIST_data')
    parser.add_argument('--model_dir', default='mnist_model')
    parser.add_argument('--train_epochs', type=int, default=2)
    parser.add_argument('--batch_size', type=int, default=100)
    flags = parser.parse_args(argv[1:])

    np.random.seed(0)
    mnist = input_data.read_data_sets(flags.data_dir)
    train_labels = np.asarray(mnist.train.labels, dtype=np.int32)
    test_labels = np.asarray(mnist.test.labels, dtype=np.int32)

    mnist_classifier = tf.estimator.Estimator(
        model_fn=model_fn, model_dir=flags.model_dir,
        config=tf.estimator.RunConfig(tf_random_seed=0, save_checkpoints_steps=10,
                                      save_summary_steps=5),
        params={'learning_rate': LEARNING_RATE})

    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={'image': mnist.train.images}, y=train_labels, batch_size=flags.batch_size,
        num_epochs=flags.train_epochs, shuffle=True)
    logging_hook = tf.train.LoggingTensorHook(
        tensors={'cross_entropy': 'cross_entropy', 'train_accuracy': 'train_accuracy'}, every_n_iter=5)
    mnist_classifier.train(input_fn=train_input_fn, hooks=[logging_hook])

    eval_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={'image': mnist.test.images}, y=test_labels, num_epochs=1, shuffle=False)
    eval_results = mnist_classifier.evaluate(input_fn=eval_input_fn)
    print('Evaluation results:\n\t%s' % eval_results)

    predict_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={'image': mnist.test.images[:10]}, num_epochs=1, shuffle=False)
    for i, prediction in enumerate(mnist_classifier.predict(input_fn=predict_input_fn)):
        print('image %d: predicted %d (probability %.3f), label %d'
              % (i, prediction['classes'], prediction['probabilities'][prediction['classes']], test_labels[i]))
    print('global step %d' % eval_results['global_step'])
    print('test accuracy %.4f' % eval_results['accuracy'])


if __name__ == '__main__':
    tf.logging.set_verbosity(tf.logging.INFO)
    main(sys.argv)
