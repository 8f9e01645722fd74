"""The pictures: PNG files of the right pixel size from real checkpoints and events, and clear errors."""
import glob
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from conftest import write_mnist_dir
from test_scripts import ROOT

from mnist import input_data, training, visualize


def load_script(name):
    """scripts/<name> as a module, so a test can call its main() in this process."""
    spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(ROOT, 'scripts', name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def train(model, log_dir, data_sets, **overrides):
    config = training.default_config(model)
    config.log_dir, config.max_steps, config.batch_size, config.log_every = str(log_dir), 30, 20, 10
    for name, value in overrides.items():
        setattr(config, name, value)
    return training.run_training(config, data_sets)


def test_all_writes_five_pngs_and_image_summaries(separable_data_sets, tmp_path, capsys):
    log_dir = tmp_path / 'softmax'
    train('softmax', log_dir, separable_data_sets)
    data = write_mnist_dir(tmp_path / 'data', num_train=60, num_test=50)
    out_dir, summary_dir = tmp_path / 'pictures', tmp_path / 'summaries'
    paths = load_script('mnist_visualize.py').main(
        ['all', '--model', 'softmax', '--log_dir', str(log_dir), '--data_dir', data.directory,
         '--count', '20', '--out_dir', str(out_dir), '--summary_dir', str(summary_dir)])
    assert sorted(paths) == sorted(visualize.PICTURES)
    assert 'Wrote %s' % (out_dir / 'curves.png') in capsys.readouterr().out
    for path in paths.values():
        assert os.path.getsize(path) > 1000
    # Digit grids: 10 images of 90 px a row, each row 90 px plus 15 px a title line, 40 px of heading.
    test = input_data.read_data_sets(data.directory, validation_size=0).test
    wrong = np.sum(test.labels != visualize.predict('softmax', training.latest_checkpoint(str(log_dir)),
                                                    test.images))
    mistakes = min(20, int(wrong))
    assert {name: visualize.png_size(path) for name, path in paths.items()} == {
        'digits': (900, 40 + 2 * 105), 'mistakes': (900, 40 + -(-mistakes // 10) * 120),
        'weights': (1000, 460), 'confusion': (700, 600), 'curves': (1000, 400)}

    images = {}
    for path in glob.glob(str(summary_dir / 'events.out.tfevents.*')):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                images[value.tag] = (value.image.width, value.image.height)
    assert images == {'pictures/' + name: visualize.png_size(path) for name, path in paths.items()}


@pytest.mark.parametrize('model,overrides', [('fully_connected', dict(hidden1=16, hidden2=8)),
                                             ('cnn', {})])
def test_predictions_match_the_models_evaluation(model, overrides, separable_data_sets, tmp_path):
    trained = train(model, tmp_path, separable_data_sets, max_steps=10, **overrides)
    test = separable_data_sets.test
    predictions = visualize.predict(model, trained['checkpoint'], test.images, batch_size=32)
    matrix = visualize.confusion_matrix(test.labels, predictions)
    assert matrix.sum() == test.num_examples
    assert np.trace(matrix) == trained['test']['num_correct']
    assert np.array_equal(matrix.sum(axis=1), np.bincount(test.labels, minlength=10))
    assert visualize.all_pictures(model) == ('digits', 'mistakes', 'confusion', 'curves')


def test_weights_are_the_softmax_checkpoints(separable_data_sets, tmp_path):
    trained = train('softmax', tmp_path / 'softmax', separable_data_sets, max_steps=5)
    weights = visualize.softmax_weights(trained['checkpoint'])
    assert weights.shape == (784, 10)
    # The bar of class c (rows 2c+4, 2c+5) is evidence for c.
    bar_rows = weights.reshape(28, 28, 10)[2 * 3 + 4:2 * 3 + 6, 4:24, :].mean(axis=(0, 1))
    assert bar_rows.argmax() == 3

    other = train('fully_connected', tmp_path / 'fc', separable_data_sets, max_steps=5)
    with pytest.raises(training.CheckpointError,
                       match=r'is not a softmax checkpoint: softmax_linear/weights is \[32, 10\]'):
        visualize.softmax_weights(other['checkpoint'])
    with pytest.raises(training.CheckpointError, match='No checkpoint in .*empty'):
        visualize.find_checkpoint(str(tmp_path / 'empty'))


def test_curves_read_every_run_and_the_newest_value_of_a_step(tmp_path):
    with tf.Graph().as_default():
        # A second test run: its file's name sorts after the first's, as a later run's would.
        for run, values, suffix in (('train', [0.5, 0.7], ''), ('test', [0.4, 0.6], ''),
                                    ('test', [0.45, 0.65], '.later')):
            with tf.compat.v1.summary.FileWriter(str(tmp_path / run), filename_suffix=suffix) as writer:
                for step, value in zip((0, 10), values):
                    training.write_scalar(writer, 'accuracy', value, step)
                    training.write_scalar(writer, 'cross_entropy', 2 - value, step)
                training.write_scalar(writer, 'layer1/weights/summaries/mean', 0.1, 0)
    scalars = visualize.read_scalars(str(tmp_path))
    assert scalars['train']['accuracy'] == [(0, pytest.approx(0.5)), (10, pytest.approx(0.7))]
    assert scalars['test']['accuracy'] == [(0, pytest.approx(0.45)), (10, pytest.approx(0.65))]
    path = visualize.plot_curves(scalars, str(tmp_path / 'curves.png'))
    assert visualize.png_size(path) == (1000, 400)

    with pytest.raises(visualize.PlotError, match='has no loss, cross_entropy or accuracy scalars to '
                                                  r'plot \(it has layer1/weights/summaries/mean\)'):
        visualize.plot_curves({'train': {'layer1/weights/summaries/mean': [(0, 0.1)]}},
                              str(tmp_path / 'none.png'))
    with pytest.raises(visualize.PlotError, match='empty holds no events files'):
        visualize.read_scalars(str(tmp_path / 'empty'))


def test_mistakes_when_there_are_none(tmp_path):
    images, labels = np.zeros([3, 784], np.float32), np.array([1, 2, 3])
    path = visualize.plot_mistakes(images, labels, labels, str(tmp_path / 'mistakes.png'))
    assert visualize.png_size(path) == (900, 40 + 120)


def test_missing_matplotlib_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, 'matplotlib', None)  # import matplotlib now fails
    with pytest.raises(visualize.PlotError, match=r'matplotlib is not installed.*\[plot\]'):
        visualize.pyplot()
    monkeypatch.undo()

    # The script, in a Python where importing matplotlib fails.
    blocker = tmp_path / 'blocker' / 'matplotlib'
    blocker.mkdir(parents=True)
    (blocker / '__init__.py').write_text('raise ImportError("No module named \'matplotlib\'")\n')
    env = dict(os.environ, PYTHONPATH=str(blocker.parent))
    result = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'mnist_visualize.py'),
                             'curves', '--log_dir', str(tmp_path)], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        'error: matplotlib is not installed, and it draws the pictures: pip install -e ".[plot]" '
        '(or pip install matplotlib).')
