"""mnist/tf1/contrib.py: tf.contrib by its successors, in the contrib functions' own argument
order, and one line saying where each other module went."""
import os

import numpy as np
import pytest

import test_tf1
from conftest import FILE_NAMES
from mnist.tf1 import contrib
from mnist.tf1.errors import RemovedInTF2Error
from test_tf1 import (
    FASHION,
    PROGRAMS,
    ROOT,
    assert_fashion_accuracy,
    assert_learns,
    error_lines,
    run,
    run_program,
)

import tensorflow as tf

v1 = tf.compat.v1
data_root = test_tf1.data_root  # the separable digits of test_tf1.py, a fixture


def evaluate(build):
    """Builds build() in a fresh graph; returns its value from a Session, locals and tables initialized."""
    with tf.Graph().as_default():
        fetches = build()
        with v1.Session() as sess:
            sess.run([v1.global_variables_initializer(), v1.local_variables_initializer(),
                      v1.tables_initializer()])
            return sess.run(fetches)


def module(name):
    return contrib.module('tensorflow.contrib.' + name)


# --- programs ---

def test_contrib_successors_program_learns(data_root):
    out = run_program('contrib_successors.py', data_root)
    assert_learns(out)
    first = [line for line in out.splitlines() if line.startswith('first predictions')][0]
    assert len(first.split()) == 7 and set(first.split()[2:]) <= {
        'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'}
    agree = [float(line.split()[-1]) for line in out.splitlines() if line.startswith('sampled guesses')][0]
    assert agree > 0.5  # sampled from the model's own distribution, which is right far above chance


def test_contrib_factorization_kmeans_program_clusters_the_digits(data_root):
    out = run_program('contrib_kmeans.py', data_root)
    distances = [float(line.split()[-1]) for line in out.splitlines() if line.startswith('step ')]
    assert len(distances) == 5 and distances[-1] < distances[0]
    assert 'centroids (25, 784)' in out  # training_graph()'s fifth value: the centers' variable
    assert float(out.splitlines()[-1].split()[-1]) >= 0.8, out


def assert_learns_fashion(program, tmp_path, *args):
    """Runs tests/tf1_programs/<program> on Debian's Fashion-MNIST; checks the accuracy it reaches."""
    if not os.path.exists(os.path.join(FASHION, FILE_NAMES[0])):
        pytest.skip("needs Debian's dataset-fashion-mnist in %s" % FASHION)
    os.symlink(FASHION, tmp_path / 'MNIST_data')
    os.symlink(FASHION, tmp_path / 'MNIST-data')  # contrib.learn's load_dataset('mnist')
    env = dict(os.environ, MPLBACKEND='Agg', PYTHONPATH=ROOT)
    result = run(['-m', 'mnist.tf1', '--figures', str(tmp_path / 'figures'), os.path.join(PROGRAMS, program),
                  *args], tmp_path, env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert_fashion_accuracy(program, result.stdout)


@pytest.mark.slow
@pytest.mark.parametrize('program', ['contrib_successors.py', 'contrib_kmeans.py', 'contrib_learn_dnn.py'])
def test_contrib_program_learns_fashion_mnist(program, tmp_path):
    assert_learns_fashion(program, tmp_path)


def test_contrib_keras_is_keras2_under_its_three_import_paths(tmp_path):
    program = tmp_path / 'contrib_keras.py'
    program.write_text(
        'import tensorflow as tf\n'
        'import keras\n'
        'from tensorflow.contrib.keras.api.keras.layers import Dense\n'
        'from tensorflow.contrib.keras.python.keras.models import Sequential\n'
        'from tensorflow.contrib.keras import backend as K\n'
        'print(Dense is keras.layers.Dense, Sequential is keras.models.Sequential,\n'
        '      K is keras.backend, tf.contrib.keras.layers is keras.layers)\n'
        'print(keras.__version__, tf.contrib.keras.__version__)\n'
        'import tensorflow.contrib.keras.engine\n')
    result = run(['-m', 'mnist.tf1', str(program)], tmp_path)
    assert result.returncode == 1
    import tf_keras
    assert result.stdout.splitlines() == ['True True True True', '%s %s' % ((tf_keras.__version__,) * 2)]
    assert error_lines(result.stderr) == [
        'error: %s, line 9: tf.contrib.keras.engine was removed in TensorFlow 2 and this runner does not '
        'provide it; tf.contrib.keras is Keras 2 (tf-keras), which has no such module.' % program]


def test_unmapped_contrib_learn_regressor_stops_with_one_line_saying_where_it_went(tmp_path):
    program = os.path.join(PROGRAMS, 'contrib_unsupported.py')
    result = run(['-m', 'mnist.tf1', program], tmp_path)
    assert result.returncode == 1
    assert error_lines(result.stderr) == [
        'error: %s, line 6: tf.contrib.learn.DNNRegressor was removed in TensorFlow 2 with tf.contrib.learn; '
        'its estimators became tf.estimator: of tf.contrib.learn this runner provides Estimator, ModelFnOps, '
        'ModeKeys, MetricSpec, RunConfig, Experiment, learn_runner.run, DNNClassifier, LinearClassifier, '
        'SKCompat, infer_real_valued_columns_from_input and datasets' % program]
    assert 'Traceback' not in result.stderr and 'unreachable' not in result.stdout


def test_missing_tensorflow_probability_stops_with_one_line_and_the_pip_command(tmp_path):
    os.makedirs(tmp_path / 'hidden' / 'tensorflow_probability')
    (tmp_path / 'hidden' / 'tensorflow_probability' / '__init__.py').write_text(
        "raise ModuleNotFoundError(\"No module named 'tensorflow_probability'\",\n"
        "                          name='tensorflow_probability')\n")
    program = tmp_path / 'normal.py'
    program.write_text('import tensorflow as tf\n\nd = tf.contrib.distributions.Normal(0., 1.)\n')
    result = run(['-m', 'mnist.tf1', str(program)], tmp_path,
                 env=dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / 'hidden'),
                                                                  os.environ.get('PYTHONPATH', '')])))
    assert result.returncode == 1
    assert error_lines(result.stderr) == [
        'error: %s, line 3: tf.contrib.distributions needs the tensorflow-probability package, which is not '
        'installed: pip install -e ".[tf1]"' % program]


# --- the tables, in-process ---

METRIC_CASES = [  # (contrib call on predictions and labels, the tf.compat.v1.metrics call it means)
    (lambda m, pred, lab: m.streaming_accuracy(pred, lab), lambda pred, lab: v1.metrics.accuracy(lab, pred)),
    (lambda m, pred, lab: m.streaming_precision(pred > 1, lab > 1),
     lambda pred, lab: v1.metrics.precision(lab > 1, pred > 1)),
    (lambda m, pred, lab: m.streaming_recall(pred > 1, lab > 1),
     lambda pred, lab: v1.metrics.recall(lab > 1, pred > 1)),
    (lambda m, pred, lab: m.streaming_mean_relative_error(pred * 1.0, lab * 1.0, lab + 1.0),
     lambda pred, lab: v1.metrics.mean_relative_error(lab * 1.0, pred * 1.0, lab + 1.0)),
    (lambda m, pred, lab: m.streaming_mean_iou(pred, lab, 4),
     lambda pred, lab: v1.metrics.mean_iou(lab, pred, 4)),
    (lambda m, pred, lab: m.streaming_false_positives(pred > 1, lab > 1),
     lambda pred, lab: v1.metrics.false_positives(lab > 1, pred > 1)),
]


@pytest.mark.parametrize('case', range(len(METRIC_CASES)))
def test_streaming_metrics_read_predictions_before_labels(case):
    contrib_call, v1_call = METRIC_CASES[case]
    metrics = module('metrics')
    with tf.Graph().as_default():
        predictions, labels = tf.constant([1., 2., 3., 0., 3.]), tf.constant([1., 2., 0., 0., 1.])
        ours, ours_update = contrib_call(metrics, predictions, labels)
        theirs, theirs_update = v1_call(predictions, labels)
        swapped, swapped_update = v1_call(labels, predictions)
        with v1.Session() as sess:
            sess.run(v1.local_variables_initializer())
            sess.run([ours_update, theirs_update, swapped_update])
            ours, theirs, swapped = sess.run([ours, theirs, swapped])
    assert ours == pytest.approx(theirs)
    if case in (1, 2, 3):  # asymmetric: read the other way round they differ
        assert ours != pytest.approx(swapped)


def test_metrics_helpers_and_refusals():
    metrics = module('metrics')
    accuracy = evaluate(lambda: metrics.accuracy(tf.constant([1, 2, 3]), tf.constant([1, 2, 0])))
    assert accuracy == pytest.approx(2 / 3)
    names, updates = metrics.aggregate_metric_map({'a': (1, 2), 'b': (3, 4)})
    assert (names, updates) == ({'a': 1, 'b': 3}, {'a': 2, 'b': 4})
    assert metrics.aggregate_metrics((1, 2), (3, 4)) == ([1, 3], [2, 4])
    recall_at_2 = evaluate(lambda: metrics.streaming_recall_at_k(
        tf.constant([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1]]), tf.constant([2, 2]), 2)[1])
    assert recall_at_2 == pytest.approx(0.5)
    with pytest.raises(TypeError, match='^streaming_accuracy takes at most 6 positional arguments'):
        metrics.streaming_accuracy(1, 2, 3, 4, 5, 6, 7)
    with pytest.raises(TypeError, match="multiple values for argument 'labels'"):
        metrics.streaming_accuracy(tf.constant([1]), tf.constant([1]), labels=tf.constant([1]))
    with pytest.raises(RemovedInTF2Error) as missing:
        metrics.streaming_unknown  # noqa: B018
    assert str(missing.value) == (
        'tf.contrib.metrics.streaming_unknown was removed in TensorFlow 2 and this runner does not provide '
        'it; of tf.contrib.metrics it maps the streaming_* metrics of tf.compat.v1.metrics, accuracy, '
        'confusion_matrix and aggregate_metric(s|_map).')


def test_losses_read_logits_or_predictions_before_labels():
    losses = module('losses')
    logits = [[2.0, -1.0], [0.5, 0.3]]
    onehot = [[1.0, 0.0], [0.0, 1.0]]
    ours, theirs = evaluate(lambda: (losses.softmax_cross_entropy(tf.constant(logits), tf.constant(onehot)),
                                     v1.losses.softmax_cross_entropy(onehot, logits)))
    assert ours == pytest.approx(theirs)
    # hinge loss is asymmetric: labels must be 0 or 1, logits are any value
    logits, labels = [[3.0], [-2.0]], [[1.0], [0.0]]
    ours, theirs = evaluate(lambda: (losses.hinge_loss(tf.constant(logits), tf.constant(labels)),
                                     v1.losses.hinge_loss(tf.constant(labels), tf.constant(logits))))
    assert ours == pytest.approx(theirs)
    ours = evaluate(lambda: losses.log_loss(tf.constant([0.9, 0.2]), tf.constant([1.0, 0.0])))
    assert ours == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2, rel=1e-4)


def test_lookup_tables_are_tensorflows_own():
    lookup = module('lookup')
    table = lookup.HashTable(lookup.KeyValueTensorInitializer(tf.constant([1, 2], tf.int64),
                                                              tf.constant([10, 20], tf.int64)), -1)
    assert evaluate(lambda: (lookup.HashTable(lookup.KeyValueTensorInitializer(
        tf.constant([1, 2], tf.int64), tf.constant([10, 20], tf.int64)), -1).lookup(
        tf.constant([2, 7], tf.int64)))).tolist() == [20, -1]
    assert table is not None
    ids = evaluate(lambda: lookup.index_table_from_tensor(tf.constant(['a', 'b'])).lookup(
        tf.constant(['b', 'z', 'a'])))
    assert ids.tolist() == [1, -1, 0]


def test_factorization_kmeans_is_tensorflows_clustering_ops_kmeans_with_tf_1_4s_training_graph():
    from tensorflow.python.ops import clustering_ops
    factorization = module('factorization')
    assert issubclass(factorization.KMeans, clustering_ops.KMeans)
    with tf.Graph().as_default():
        graph = factorization.KMeans(tf.compat.v1.placeholder(tf.float32, [None, 3]), 2).training_graph()
        assert len(graph) == 7 and graph[4].name == 'clusters:0'
    with pytest.raises(RemovedInTF2Error, match='KMeansClustering, GMM and WALS went to '):
        factorization.KMeansClustering  # noqa: B018


def test_stateless_random_reads_dtype_third():
    stateless = module('stateless')
    seed = [1, 2]
    values = evaluate(lambda: stateless.stateless_random_uniform([3], tf.constant(seed, tf.int64),
                                                                 tf.float64))
    assert values.dtype == np.float64 and ((0 <= values) & (values < 1)).all()


def test_distributions_are_tensorflow_probabilitys():
    import tensorflow_probability as tfp
    distributions = module('distributions')
    assert distributions.Normal is tfp.distributions.Normal
    assert distributions.bijectors is tfp.bijectors
    kl = evaluate(lambda: distributions.kl(distributions.Normal(0., 1.), distributions.Normal(1., 1.)))
    assert kl == pytest.approx(0.5)
    with pytest.raises(RemovedInTF2Error, match='tfp.distributions, which stands for tf.contrib.distrib'):
        distributions.NoSuchDistribution  # noqa: B018


@pytest.mark.parametrize('name, attribute', [
    ('data', 'Dataset'), ('data', 'shuffle_and_repeat'), ('linalg', 'LinearOperatorDiag'), ('signal', 'stft'),
    ('saved_model', 'loader'), ('feature_column', 'sequence_numeric_column'), ('hooks', 'ProfilerHook'),
    ('util', 'make_ndarray'), ('util', 'constant_value'), ('proto', 'decode_proto')])
def test_modules_tensorflow_took_in_are_its_own(name, attribute):
    assert getattr(module(name), attribute) is not None


# learn.datasets, learn.Estimator, ... and training.HParams are mapped
@pytest.mark.parametrize('name', sorted(set(contrib.WHERE_IT_WENT) - {'learn', 'training'}))
def test_each_module_without_successor_stops_with_one_line_saying_where_it_went(name):
    contrib_namespace = contrib.module('tensorflow.contrib')
    with pytest.raises(RemovedInTF2Error) as removed:
        getattr(contrib_namespace, name)
    message = str(removed.value)
    assert message == 'tf.contrib.%s was removed in TensorFlow 2; %s' % (name, contrib.WHERE_IT_WENT[name])
    assert '\n' not in message
    with pytest.raises(RemovedInTF2Error) as imported:  # `import tensorflow.contrib.<name>.x` stops on it too
        contrib.module('tensorflow.contrib.%s.x' % name)
    assert str(imported.value) == message


def test_a_module_nobody_names_stops_with_what_is_mapped():
    with pytest.raises(RemovedInTF2Error, match=r'^tf\.contrib\.nothing_like_it was removed in TensorFlow 2 '
                       r'and this runner does not provide it; it maps tf\.contrib\.layers'):
        contrib.module('tensorflow.contrib.nothing_like_it')


def test_hparams_keep_each_values_type_as_tf1_did():
    hparams = contrib.HParams(learning_rate=0.1, layers=[64, 32], batch_size=100, name='mlp', dropout=True)
    assert hparams.parse('learning_rate=1,layers=[128,64,10],name=cnn,dropout=false') is hparams
    assert hparams.values() == {'learning_rate': 1.0, 'layers': [128, 64, 10], 'batch_size': 100,
                                'name': 'cnn', 'dropout': False}
    assert isinstance(hparams.learning_rate, float) and hparams.get('missing', 7) == 7
    hparams.set_hparam('batch_size', 50.0)  # an integral float becomes the int it stands for
    hparams.add_hparam('steps', 10)
    assert hparams.batch_size == 50 and 'steps' in hparams and '"steps": 10' in hparams.to_json()
    assert str(contrib.HParams(b=2, a=1)) == "[('a', 1), ('b', 2)]"
    assert contrib.HParams(a=1).override_from_dict({'a': 3}).a == 3
    training = contrib.module('tensorflow.contrib.training')
    assert training.HParams is contrib.HParams
    with pytest.raises(RemovedInTF2Error) as removed:
        training.bucket_by_sequence_length  # noqa: B018
    assert str(removed.value) == ('tf.contrib.training.bucket_by_sequence_length was removed in TensorFlow 2 '
                                  'with tf.contrib.training; ' + contrib.WHERE_IT_WENT['training'])
    assert 'this runner provides HParams' in contrib.WHERE_IT_WENT['training']


@pytest.mark.parametrize('change, message', [
    (lambda h: h.parse('batch_size=big'), r'^HParams.parse: batch_size=big: expected a int$'),
    (lambda h: h.parse('steps=5'), r"^HParams.parse: unknown hyperparameter 'steps'$"),
    (lambda h: h.parse('batch_size'), r"^HParams.parse: 'batch_size' is not name=value$"),
    (lambda h: h.set_hparam('batch_size', 'big'), r"^HParams: batch_size is a int; got 'big'$"),
    (lambda h: h.set_hparam('batch_size', 2.5), r'^HParams: batch_size is an int; got 2.5$'),
    (lambda h: h.parse('dropout=maybe'), r'^HParams.parse: dropout=maybe: expected a bool$'),
    (lambda h: h.add_hparam('batch_size', 1), r"^HParams: hyperparameter 'batch_size' already exists$"),
])
def test_hparams_bad_values_are_one_line(change, message):
    with pytest.raises(ValueError, match=message):
        change(contrib.HParams(batch_size=100, dropout=True))
