# MNIST with the canned tf.estimator.DNNClassifier, in the style of TF 1.3 to 1.12's "premade
# estimators" guides: numeric feature columns, numpy_input_fn, train and evaluate in turns, then
# predict; the model and its checkpoints in --model_dir.
import argparse
import sys

import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

FLAGS = None


def main(_):
    tf.logging.set_verbosity(tf.logging.WARN)
    mnist = input_data.read_data_sets(FLAGS.data_dir)
    feature_columns = [tf.feature_column.numeric_column('x', shape=[28 * 28])]
    classifier = tf.estimator.DNNClassifier(
        feature_columns=feature_columns,
        hidden_units=[128, 32],
        optimizer=tf.train.AdamOptimizer(1e-3),
        n_classes=10,
        dropout=0.1,
        model_dir=FLAGS.model_dir,
        config=tf.estimator.RunConfig(tf_random_seed=0))

    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={'x': mnist.train.images}, y=mnist.train.labels.astype(np.int32),
        batch_size=50, num_epochs=None, shuffle=True)
    # The loss of the first 1000 training images, measured between rounds of training.
    train_eval_fn = tf.estimator.inputs.numpy_input_fn(
        x={'x': mnist.train.images[:1000]}, y=mnist.train.labels[:1000].astype(np.int32),
        num_epochs=1, shuffle=False)
    for _ in range(FLAGS.rounds):
        classifier.train(input_fn=train_input_fn, steps=FLAGS.steps_per_round)
        scores = classifier.evaluate(input_fn=train_eval_fn, name='train')
        print('step %d: average loss %g' % (scores['global_step'], scores['average_loss']))

    test_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={'x': mnist.test.images}, y=mnist.test.labels.astype(np.int32), num_epochs=1, shuffle=False)
    scores = classifier.evaluate(input_fn=test_input_fn)
    predict_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={'x': mnist.test.images[:10]}, num_epochs=1, shuffle=False)
    predictions = list(classifier.predict(input_fn=predict_input_fn))
    print('predicted classes %s' % ' '.join(p['classes'][0].decode() for p in predictions))
    print('true classes %s' % ' '.join(str(label) for label in mnist.test.labels[:10]))
    print('test accuracy %g' % scores['accuracy'])


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--data_dir', type=str, default='MNIST_data')
    parser.add_argument('--model_dir', type=str, default='mnist_dnn_model')
    parser.add_argument('--rounds', type=int, default=4)
    parser.add_argument('--steps_per_round', type=int, default=50)
    FLAGS, unparsed = parser.parse_known_args()
    tf.app.run(main=main, argv=[sys.argv[0]] + unparsed)
