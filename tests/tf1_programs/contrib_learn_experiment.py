# An Estimator run by tf.contrib.learn's Experiment and learn_runner, as 2017's TF 1.3 guides to
# the "higher-level APIs" set it up: hyperparameters in a tf.contrib.training.HParams (overridable
# from the command line with --hparams), a RunConfig replaced step by step, numpy_input_fn, and a
# schedule of train_and_evaluate with an evaluation every 100 steps. Seeded as programs of the
# time were.
import numpy as np
import tensorflow as tf
from tensorflow.contrib.learn import ModeKeys
from tensorflow.contrib.learn import learn_runner
from tensorflow.examples.tutorials.mnist import input_data

FLAGS = tf.app.flags.FLAGS
tf.app.flags.DEFINE_string('model_dir', 'mnist_experiment', 'Where the model and its summaries go.')
tf.app.flags.DEFINE_string('data_dir', 'MNIST_data', 'Where MNIST is.')
tf.app.flags.DEFINE_string('hparams', '', 'Comma-separated name=value pairs.')


def model_fn(features, labels, mode, params):
    hidden = tf.layers.dense(tf.reshape(features, [-1, 784]), params.hidden_units, activation=tf.nn.relu)
    logits = tf.layers.dense(hidden, 10)
    predictions = {'classes': tf.argmax(logits, 1)}
    if mode == ModeKeys.INFER:
        return tf.estimator.EstimatorSpec(mode, predictions=predictions)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=tf.cast(labels, tf.int32), logits=logits)
    train_op = tf.train.GradientDescentOptimizer(params.learning_rate).minimize(
        loss, global_step=tf.train.get_global_step())
    metrics = {'accuracy': tf.metrics.accuracy(labels=labels, predictions=predictions['classes'])}
    return tf.estimator.EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op,
                                      eval_metric_ops=metrics)


def experiment_fn(run_config, params):
    run_config = run_config.replace(save_checkpoints_steps=params.min_eval_frequency)
    estimator = tf.estimator.Estimator(model_fn=model_fn, params=params, config=run_config)
    mnist = input_data.read_data_sets(FLAGS.data_dir)
    return tf.contrib.learn.Experiment(
        estimator=estimator,
        train_input_fn=tf.estimator.inputs.numpy_input_fn(
            mnist.train.images, mnist.train.labels.astype(np.int32), batch_size=params.batch_size,
            num_epochs=None, shuffle=True),
        eval_input_fn=tf.estimator.inputs.numpy_input_fn(
            mnist.test.images, mnist.test.labels.astype(np.int32), batch_size=1000, shuffle=False),
        train_steps=params.train_steps, min_eval_frequency=params.min_eval_frequency, eval_steps=None)


def main(unused_argv):
    np.random.seed(1)
    params = tf.contrib.training.HParams(learning_rate=0.1, hidden_units=64, batch_size=100,
                                         train_steps=300, min_eval_frequency=100)
    params.parse(FLAGS.hparams)
    run_config = tf.contrib.learn.RunConfig(tf_random_seed=1).replace(model_dir=FLAGS.model_dir)
    results, _ = learn_runner.run(experiment_fn=experiment_fn, run_config=run_config,
                                  schedule='train_and_evaluate', hparams=params)
    print('global step %d, loss %.4f' % (results['global_step'], results['loss']))
    print('test accuracy %.4f' % results['accuracy'])


if __name__ == '__main__':
    tf.app.run()
