"""mnist/tf1/estimator.py's canned classifiers: tf.estimator.DNNClassifier and LinearClassifier as
TF 1.x programs used them (feature columns, train / evaluate / predict, model_dir), and their refusals."""
import os
import shutil

import numpy as np
import pytest

import test_tf1
from mnist import checkpoints
from mnist.tf1 import contrib, estimator
from mnist.tf1.errors import RemovedInTF2Error
from test_tf1 import PROGRAMS, run
from test_tf1_contrib import assert_learns_fashion

import tensorflow as tf

v1 = tf.compat.v1
data_root = test_tf1.data_root  # the separable digits of test_tf1.py, a fixture


def test_dnn_classifier_program_learns_predicts_and_resumes_from_its_model_dir(data_root, tmp_path):
    model_dir = tmp_path / 'model'
    program = os.path.join(PROGRAMS, 'canned_dnn_classifier.py')
    result = run(['-m', 'mnist.tf1', program, '--model_dir', str(model_dir)], data_root)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    losses = [(int(line.split()[1].rstrip(':')), float(line.split()[-1]))
              for line in lines if line.startswith('step ')]
    assert [step for step, _ in losses] == [50, 100, 150, 200]
    assert losses[-1][1] < losses[0][1] and losses[-1][1] < 0.1, result.stdout
    predicted, true = ([line.split()[2:] for line in lines if line.startswith(which)][0]
                       for which in ('predicted classes', 'true classes'))
    assert sum(p == t for p, t in zip(predicted, true)) >= 9
    assert lines[-1].startswith('test accuracy') and float(lines[-1].split()[-1]) >= 0.9, result.stdout
    # TF 1.x's variable names, checkpoints in model_dir, evaluations in eval/ and eval_train/.
    names = checkpoints.variables(checkpoints.newest(str(model_dir)))
    assert {'dnn/hiddenlayer_0/kernel', 'dnn/hiddenlayer_1/bias', 'dnn/logits/kernel'} <= set(names)
    assert os.path.isdir(model_dir / 'eval') and os.path.isdir(model_dir / 'eval_train')
    again = run(['-m', 'mnist.tf1', program, '--model_dir', str(model_dir), '--rounds', '1'], data_root)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.splitlines()[4].startswith('step 250: ')  # resumed from step 200


@pytest.mark.slow
def test_dnn_classifier_program_learns_fashion_mnist(tmp_path):
    assert_learns_fashion('canned_dnn_classifier.py', tmp_path, '--model_dir', str(tmp_path / 'model'))


def test_contrib_learn_dnn_classifier_program_fits_arrays_and_learns(data_root, tmp_path):
    shutil.copytree(data_root / 'MNIST-data', tmp_path / 'MNIST-data')  # its model_dir goes in tmp_path
    result = run(['-m', 'mnist.tf1', os.path.join(PROGRAMS, 'contrib_learn_dnn.py')], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    losses = [float(line.split()[-1]) for line in lines if line.startswith('step ')]
    steps = [line.split(':')[0] for line in lines if line.startswith('step ')]
    assert steps == ['step 50', 'step 100', 'step 150']
    assert losses[-1] < losses[0] / 4, result.stdout
    assert len(lines[-3].split()) == 12 and lines[-2] == 'probabilities sum to [1.0, 1.0, 1.0, 1.0, 1.0]'
    assert float(lines[-1].split()[-1]) >= 0.9, result.stdout


def test_contrib_learn_interface_reads_arrays_as_contrib_learn_did(tmp_path):
    features, labels = separable(300, 3)
    columns = contrib.infer_real_valued_columns_from_input(features)
    classifier = estimator.LearnLinearClassifier(columns, n_classes=3, model_dir=str(tmp_path))
    classifier.fit(features, labels, steps=60, batch_size=30)
    scores = classifier.evaluate(features, labels)  # batch_size None: all 300 rows as one batch
    assert scores['global_step'] == 60 and scores['accuracy'] >= 0.95
    assert scores['loss'] == pytest.approx(scores['average_loss'], rel=1e-4)  # contrib.learn: the mean
    classes = classifier.predict(features[:4], as_iterable=False)
    assert classes.tolist() == labels[:4].tolist() and classes.dtype.kind == 'i'
    assert np.asarray(list(classifier.predict_proba(features[:2]))).shape == (2, 3)
    predicted = estimator.SKCompat(classifier).predict(features[:3])
    assert set(predicted) == {'classes', 'probabilities', 'logits'} and predicted['logits'].shape == (3, 3)
    assert predicted['classes'].tolist() == labels[:3].tolist()


def test_contrib_learn_interface_bad_input_is_one_line(tmp_path):
    features, labels = separable(10, 2)
    classifier = estimator.LearnDNNClassifier([4], contrib.infer_real_valued_columns_from_input(features),
                                              model_dir=str(tmp_path))
    with pytest.raises(ValueError, match='^LearnDNNClassifier: give x \\(and y\\) or input_fn, not both'):
        classifier.fit(steps=1)
    with pytest.raises(ValueError, match='^Invalid batch_size 0.$'):
        classifier.fit(features, labels, steps=1, batch_size=0)
    with pytest.raises(RemovedInTF2Error, match=r'^tf.contrib.learn evaluate\(metrics=...\) was removed'):
        classifier.evaluate(features, labels, metrics={'auc': None})
    with pytest.raises(RemovedInTF2Error, match=r'^tf.contrib.learn monitors that are not tf.train.Session'):
        classifier.fit(features, labels, steps=1, monitors=['a ValidationMonitor'])
    with pytest.raises(RemovedInTF2Error, match=r'^tf.contrib.learn.DNNClassifier\(weight_column_name=...\)'):
        estimator.LearnDNNClassifier([4], [v1.feature_column.numeric_column('x')], weight_column_name='w')


def separable(count, n_classes, seed=0):
    """Rows of 6 features whose largest is the class index (for n_classes <= 6), and the classes."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_classes, count)
    features = rng.normal(0, 0.3, (count, 6)).astype(np.float32)
    features[np.arange(count), labels] += 2
    return features, labels.astype(np.int32)


def input_fns(features, labels, key='x'):
    x = {key: features} if key is not None else features
    train = estimator.numpy_input_fn(x, labels, batch_size=32, num_epochs=None, shuffle=True)
    evaluate = estimator.numpy_input_fn(x, labels, batch_size=100, num_epochs=1, shuffle=False)
    predict = estimator.numpy_input_fn(x, batch_size=100, num_epochs=1, shuffle=False)
    return train, evaluate, predict


def test_linear_classifier_binary_learns_with_tf1_metrics_and_predictions(tmp_path):
    features, labels = separable(400, 2)
    train, evaluate, predict = input_fns(features, labels)
    columns = [v1.feature_column.numeric_column('x', shape=[6])]
    classifier = estimator.LinearClassifier(feature_columns=columns, model_dir=str(tmp_path))
    classifier.train(input_fn=train, steps=100)
    scores = classifier.evaluate(input_fn=evaluate)
    assert set(scores) == {'accuracy', 'average_loss', 'loss', 'global_step'}
    assert scores['global_step'] == 100 and scores['accuracy'] >= 0.95
    # loss: the mean over batches of each batch's summed loss (TF 1.x's Reduction.SUM); 4 batches of 100
    assert scores['loss'] == pytest.approx(100 * scores['average_loss'], rel=1e-4)
    predictions = list(classifier.predict(input_fn=predict))
    assert len(predictions) == 400
    first = predictions[0]
    assert set(first) == {'logits', 'logistic', 'probabilities', 'class_ids', 'classes'}
    assert first['probabilities'].shape == (2,) and first['probabilities'].sum() == pytest.approx(1)
    assert first['classes'][0] == str(first['class_ids'][0]).encode()
    assert np.mean([p['class_ids'][0] for p in predictions] == labels) >= 0.95
    assert 'linear/linear_model/x/weights' in classifier.get_variable_names()


def test_dnn_classifier_on_contrib_learns_columns_of_a_bare_array(tmp_path):
    features, labels = separable(400, 5)
    train, evaluate, _ = input_fns(features, labels, key=None)
    columns = contrib.infer_real_valued_columns_from_input(features)
    assert columns == [contrib.real_valued_column('', dimension=6)]
    classifier = estimator.DNNClassifier(hidden_units=[16, 8], feature_columns=columns, n_classes=5,
                                         optimizer='Adam', dropout=0.1, model_dir=str(tmp_path))
    before = classifier.train(input_fn=train, steps=1).evaluate(input_fn=evaluate)
    after = classifier.train(input_fn=train, steps=150).evaluate(input_fn=evaluate)
    assert after['global_step'] == 151 and after['average_loss'] < before['average_loss'] / 2
    assert after['accuracy'] >= 0.9, after


def test_dnn_classifier_optimizer_instance_and_function_are_used():
    columns = [v1.feature_column.numeric_column('x', shape=[6])]
    for given in (lambda: v1.train.GradientDescentOptimizer(0.1), v1.train.GradientDescentOptimizer(0.1)):
        classifier = estimator.DNNClassifier([4], columns, n_classes=3, optimizer=given)
        assert isinstance(classifier.params['optimizer'](), v1.train.GradientDescentOptimizer)
    defaults = estimator.DNNClassifier([4], columns).params['optimizer']()
    assert isinstance(defaults, v1.train.AdagradOptimizer) and defaults._learning_rate == 0.05
    ftrl = estimator.LinearClassifier(columns * 4).params['optimizer']()
    assert isinstance(ftrl, v1.train.FtrlOptimizer) and ftrl._learning_rate == pytest.approx(0.2)


@pytest.mark.parametrize('arguments, message', [
    (dict(hidden_units=[]), r'^DNNClassifier: hidden_units must be a list of positive layer sizes, got'),
    (dict(hidden_units=[10, 0]), r'hidden_units must be a list of positive layer sizes, got \[10, 0\]$'),
    (dict(n_classes=1), r'^DNNClassifier: n_classes must be an integer of at least 2, got 1$'),
    (dict(optimizer='Nope'), r"^optimizer 'Nope': expected one of Adagrad, Adam, Ftrl, RMSProp, SGD, "),
    (dict(optimizer=3), r'^optimizer must be a tf.train.Optimizer, its name or a function returning one; '
                        r'got 3$'),
    (dict(dropout=1.0), r'^DNNClassifier: dropout is the fraction of units dropped, in \[0, 1\); got 1.0$'),
    (dict(feature_columns=[]), r'^DNNClassifier: feature_columns must name at least one column, got none$'),
])
def test_dnn_classifier_bad_arguments_are_one_line_naming_them(arguments, message):
    given = dict(hidden_units=[10], feature_columns=[v1.feature_column.numeric_column('x')], n_classes=10)
    given.update(arguments)
    with pytest.raises(ValueError, match=message):
        estimator.DNNClassifier(**given)


@pytest.mark.parametrize('argument', ['weight_column', 'label_vocabulary', 'warm_start_from'])
def test_canned_arguments_not_provided_stop_with_one_line(argument):
    with pytest.raises(RemovedInTF2Error, match=r'^tf.estimator.LinearClassifier\(%s=...\) was removed in '
                       'TensorFlow 2 and this runner does not provide it; it provides Estimator' % argument):
        estimator.LinearClassifier([v1.feature_column.numeric_column('x')], **{argument: 'w'})


# --- tf.contrib.learn.Estimator: a model_fn of the program's own ------------------------------

def test_contrib_learn_estimator_program_learns_with_metric_spec_and_predicts(data_root, tmp_path):
    shutil.copytree(data_root / 'MNIST_data', tmp_path / 'MNIST_data')
    result = run(['-m', 'mnist.tf1', os.path.join(PROGRAMS, 'contrib_learn_estimator.py')], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[-3].startswith('global step 300, loss ')
    predicted, labels = lines[-2][len('predicted '):].split(', labels ')
    assert predicted == labels  # the separable digits: eight of eight
    assert float(lines[-1].split()[-1]) >= 0.95, result.stdout
    assert checkpoints.newest(str(tmp_path / 'mnist_layers_model')).endswith('model.ckpt-300')
    assert "'probabilities'" in result.stderr or 'probabilities = ' in result.stderr  # the logging monitor


@pytest.mark.slow
def test_contrib_learn_estimator_program_learns_fashion_mnist(tmp_path):
    assert_learns_fashion('contrib_learn_estimator.py', tmp_path)


def learn_model_fn(X, y, mode):
    """TF 0.x's model_fn: features and labels by position, the tuple (predictions, loss, train_op)."""
    logits = v1.matmul(X, v1.get_variable('w', [6, 3], initializer=v1.zeros_initializer()))
    predictions = {'classes': tf.argmax(logits, 1), 'probabilities': tf.nn.softmax(logits)}
    if mode == estimator.LearnModeKeys.INFER:
        return predictions, None, None
    loss = v1.losses.sparse_softmax_cross_entropy(y, logits)
    train_op = v1.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=v1.train.get_global_step())
    return predictions, loss, train_op


def streaming_accuracy(predictions, labels):
    """A metric in the streaming metrics' order, read positionally."""
    return v1.metrics.accuracy(labels, predictions)


def test_contrib_learn_estimator_takes_tf0_model_fns_and_both_kinds_of_metrics(tmp_path):
    features, labels = separable(300, 3)
    classifier = estimator.LearnEstimator(learn_model_fn, model_dir=str(tmp_path))
    classifier.fit(features, labels, steps=40, batch_size=30)
    scores = classifier.evaluate(features, labels, metrics={
        'accuracy': estimator.MetricSpec(v1.metrics.accuracy, prediction_key='classes'),
        ('positional', 'classes'): streaming_accuracy})
    assert scores['global_step'] == 40 and scores['accuracy'] >= 0.95
    assert scores['positional'] == scores['accuracy']
    assert set(scores) == {'accuracy', 'positional', 'loss', 'global_step'}
    arrays = classifier.predict(features[:5], as_iterable=False)
    assert arrays['classes'].tolist() == labels[:5].tolist() and arrays['probabilities'].shape == (5, 3)
    assert [int(row['classes']) for row in classifier.predict(features[:5])] == labels[:5].tolist()
    assert estimator.SKCompat(classifier).predict(features[:2])['probabilities'].shape == (2, 3)
    assert set(classifier.evaluate(features, labels)) == {'loss', 'global_step'}  # metrics are per call


def test_contrib_learn_estimator_bad_metrics_and_model_fns_are_one_line(tmp_path):
    features, labels = separable(20, 3)
    classifier = estimator.LearnEstimator(learn_model_fn, model_dir=str(tmp_path))
    classifier.fit(features, labels, steps=1)
    with pytest.raises(ValueError, match=r"^metrics\['accuracy'\]: the model's predictions are a dict "
                                         r"\['classes', 'probabilities'\]; say which with "
                                         r"MetricSpec\(prediction_key=...\)$"):
        classifier.evaluate(features, labels, metrics={'accuracy': v1.metrics.accuracy})
    with pytest.raises(ValueError, match=r"^metrics\['accuracy'\]: prediction_key 'class' not among the "
                                         r"model's predictions \['classes', 'probabilities'\]$"):
        classifier.evaluate(features, labels, metrics={
            'accuracy': estimator.MetricSpec(v1.metrics.accuracy, prediction_key='class')})
    with pytest.raises(ValueError, match=r"^metrics\['auc'\]: expected a MetricSpec or a metric function, "
                                         r"got 'auc'$"):
        classifier.evaluate(features, labels, metrics={'auc': 'auc'})
    with pytest.raises(ValueError, match='^model_fn must return a tf.contrib.learn ModelFnOps'):
        estimator.LearnEstimator(lambda x, y: 1, model_dir=str(tmp_path)).fit(features, labels)
    with pytest.raises(ValueError, match=r'^EstimatorSpec\(mode=.train.\) needs train_op$'):
        estimator.ModelFnOps(estimator.LearnModeKeys.TRAIN, loss=tf.constant(1.0))
    with pytest.raises(RemovedInTF2Error, match=r'^tf.contrib.learn.Estimator\(feature_engineering_fn=...\)'):
        estimator.LearnEstimator(learn_model_fn, feature_engineering_fn=lambda f, t: (f, t))


# --- tf.contrib.learn.Experiment and learn_runner ---------------------------------------------

def test_contrib_learn_experiment_program_learns_and_evaluates_every_100_steps(data_root, tmp_path):
    shutil.copytree(data_root / 'MNIST_data', tmp_path / 'MNIST_data')
    program = os.path.join(PROGRAMS, 'contrib_learn_experiment.py')
    result = run(['-m', 'mnist.tf1', program, '--hparams', 'train_steps=200,hidden_units=32'], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[-2].startswith('global step 200, loss ') and float(lines[-1].split()[-1]) >= 0.95
    evaluations = [line for line in result.stderr.splitlines()
                   if line.startswith('INFO:tensorflow:Saving dict for global step')]
    assert [line.split(':')[2].split()[-1] for line in evaluations] == ['100', '200']
    model_dir = tmp_path / 'mnist_experiment'
    assert v1.train.load_variable(str(model_dir), 'dense/kernel').shape == (784, 32)  # --hparams reached it
    assert os.path.isdir(model_dir / 'eval')


@pytest.mark.slow
def test_contrib_learn_experiment_program_learns_fashion_mnist(tmp_path):
    assert_learns_fashion('contrib_learn_experiment.py', tmp_path)


def test_contrib_learn_experiment_bad_hparams_are_one_line(data_root, tmp_path):
    program = os.path.join(PROGRAMS, 'contrib_learn_experiment.py')
    result = run(['-m', 'mnist.tf1', program, '--hparams', 'hidden_units=wide'], tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == 'ValueError: HParams.parse: hidden_units=wide: expected a int'


def test_experiment_schedules_with_a_contrib_learn_estimator(tmp_path):
    features, labels = separable(300, 3)
    classifier = estimator.LearnEstimator(learn_model_fn, model_dir=str(tmp_path))
    train = estimator.numpy_input_fn(features, labels, batch_size=30, num_epochs=None, shuffle=True)
    evaluate = estimator.numpy_input_fn(features, labels, batch_size=100, shuffle=False)
    metrics = {'accuracy': estimator.MetricSpec(v1.metrics.accuracy, prediction_key='classes')}
    experiment = estimator.Experiment(classifier, train, evaluate, eval_metrics=metrics, train_steps=50,
                                      eval_steps=None, min_eval_frequency=20)
    assert experiment.test()['global_step'] == 1
    results, exports = estimator.learn_runner_run(lambda config, hparams: experiment,
                                                  run_config=estimator.RunConfig(), hparams=None)
    assert exports == [] and results['global_step'] == 50 and results['accuracy'] >= 0.95
    evaluated = sorted(os.listdir(tmp_path / 'eval'))
    assert evaluated and checkpoints.newest(str(tmp_path)).endswith('model.ckpt-50')
    # the old interface: experiment_fn(output_dir), and the schedules by name
    assert estimator.learn_runner_run(lambda output_dir: experiment, output_dir=str(tmp_path),
                                      schedule='evaluate')['global_step'] == 50


def test_experiment_and_learn_runner_bad_input_is_one_line(tmp_path):
    classifier = estimator.Estimator(lambda features, labels, mode: None, model_dir=str(tmp_path))
    with pytest.raises(ValueError, match='^Experiment: eval_metrics must be None with a tf.estimator.Esti'):
        estimator.Experiment(classifier, None, None, eval_metrics={'accuracy': v1.metrics.accuracy})
    with pytest.raises(ValueError, match='^Experiment: estimator must be a tf.estimator or tf.contrib'):
        estimator.Experiment('an estimator', None, None)
    experiment = estimator.Experiment(classifier, None, None)
    with pytest.raises(ValueError, match=r"^learn_runner.run: schedule 'run_std_server' is not one this "
                                         r"runner provides; expected one of train, evaluate, "
                                         r"train_and_evaluate, "):
        estimator.learn_runner_run(lambda c, h: experiment, run_config=estimator.RunConfig(),
                                   schedule='run_std_server')
    with pytest.raises(ValueError, match='^learn_runner.run: experiment_fn must return a tf.contrib'):
        estimator.learn_runner_run(lambda c, h: classifier, run_config=estimator.RunConfig())
    with pytest.raises(ValueError, match='^learn_runner.run: give run_config .with hparams. or output_dir, '):
        estimator.learn_runner_run(lambda c, h: experiment)
    with pytest.raises(RemovedInTF2Error, match=r'^tf.contrib.learn.Experiment.continuous_eval was removed'):
        experiment.continuous_eval()
