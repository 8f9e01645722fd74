"""The pictures: PNG files of the right pixel size from real checkpoints and events, and clear errors."""
import glob
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from conftest import run_main, write_mnist_dir
from mnist import checkpoints, cli, input_data, paths, training, visualize
from test_scripts import ROOT
from test_training import SCRIPTS

import tensorflow as tf


def load_script(name):
    return cli.load_script(name[:-3])


def train(model, log_dir, data_sets, *flags, max_steps=30):
    return run_main(SCRIPTS[model], ['--log_dir', log_dir, '--max_steps', max_steps, '--batch_size', 20,
                                     *flags], data_sets, LOG_EVERY=10)


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
    wrong = np.sum(test.labels != visualize.predict('softmax', checkpoints.newest(str(log_dir)),
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


@pytest.mark.parametrize('model,flags', [('fully_connected', ['--hidden1', 16, '--hidden2', 8]),
                                         ('cnn', [])])
def test_predictions_match_the_models_evaluation(model, flags, separable_data_sets, tmp_path):
    trained = train(model, tmp_path, separable_data_sets, *flags, max_steps=10)
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
    with pytest.raises(checkpoints.CheckpointError,
                       match=r'is not a softmax checkpoint: softmax_linear/weights is \[32, 10\]'):
        visualize.softmax_weights(other['checkpoint'])


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


def write_loss_events(directory, steps=20):
    """An events file with the scalar `loss` = step at steps 0..steps-1; returns its path."""
    with tf.Graph().as_default(), tf.compat.v1.summary.FileWriter(str(directory)) as writer:
        for step in range(steps):
            training.write_scalar(writer, 'loss', float(step), step)
    [path] = glob.glob(str(directory / 'events.out.tfevents.*'))
    return path


def test_curves_skip_a_broken_record_with_a_warning(tmp_path, capsys):
    truncated = write_loss_events(tmp_path / 'train')
    with open(truncated, 'rb+') as f:  # a run killed while it wrote its last event
        f.truncate(os.path.getsize(truncated) - 10)
    corrupted = write_loss_events(tmp_path / 'test')
    data = bytearray(open(corrupted, 'rb').read())
    data[len(data) // 2] ^= 0xff  # a flipped byte half way: the record holding it fails its checksum
    open(corrupted, 'wb').write(bytes(data))

    paths = load_script('mnist_visualize.py').main(
        ['curves', '--log_dir', str(tmp_path), '--out_dir', str(tmp_path / 'pictures')])
    assert visualize.png_size(paths['curves']) == (1000, 400)
    warnings = capsys.readouterr().err.splitlines()
    # 20 events: the file's version record and the first 19 losses.
    for pattern in (r'%s has a truncated record at byte \d+; using the 20 events' % re.escape(truncated),
                    r'%s has a corrupted record at byte \d+; using the \d+ events' % re.escape(corrupted)):
        assert [line for line in warnings if re.fullmatch(
            r'warning: %s before it and skipping the rest of the file\.' % pattern, line)], warnings
    scalars = visualize.read_scalars(str(tmp_path))
    assert [step for step, _ in scalars['train']['loss']] == list(range(19))  # the last one was cut
    assert 0 < len(scalars['test']['loss']) < 19


@pytest.mark.parametrize('case', ['file', 'empty', 'read-only'])
def test_an_out_dir_that_cannot_be_written_is_one_line_before_anything_is_read(case, tmp_path, request):
    out_dir = {'file': str(tmp_path / 'a_file'), 'empty': ''}.get(case)
    (tmp_path / 'a_file').write_text('not a directory')
    if case == 'read-only':
        out_dir = str(request.getfixturevalue('read_only_dir') / 'pictures')
    expected = {'file': '--out_dir %s is a file, not a directory.' % out_dir,
                'empty': '--out_dir is empty: expected a directory path.',
                'read-only': '--out_dir %s is not a writable directory: Read-only file system.' % out_dir}
    # The log_dir has neither events nor checkpoints: had they been looked for first, the error would say so.
    for picture in ('curves', 'mistakes'):
        with pytest.raises(paths.PathError) as raised:
            load_script('mnist_visualize.py').main(
                [picture, '--log_dir', str(tmp_path / 'empty_log'), '--out_dir', out_dir])
        assert str(raised.value) == expected[case]
    with pytest.raises(paths.PathError, match='--summary_dir %s is a file' % (tmp_path / 'a_file')):
        visualize.draw(['curves'], str(tmp_path / 'pictures'), str(tmp_path / 'empty_log'),
                       summary_dir=str(tmp_path / 'a_file'))


@pytest.mark.parametrize('content', [b'', b'\xe9\xff\x00 binary junk', b'hello world\n',
                                     b'model_checkpoint_path: "model.ckpt-5"\n'])
def test_a_garbage_checkpoint_state_file_does_not_matter(content, separable_data_sets, tmp_path):
    # Checkpoints are found from their files, as in training: the state file is not needed.
    log_dir = tmp_path / 'log'
    train('softmax', log_dir, separable_data_sets)
    (log_dir / 'checkpoint').write_bytes(content)
    paths = load_script('mnist_visualize.py').main(
        ['weights', '--log_dir', str(log_dir), '--out_dir', str(tmp_path / 'pictures')])
    assert visualize.png_size(paths['weights']) == (1000, 460)


def test_a_log_dir_without_checkpoints_is_one_line(tmp_path):
    (tmp_path / 'log').mkdir()
    for picture in ('weights', 'mistakes', 'confusion'):
        with pytest.raises(checkpoints.CheckpointError, match='No checkpoint in %s' % (tmp_path / 'log')):
            load_script('mnist_visualize.py').main(
                [picture, '--log_dir', str(tmp_path / 'log'), '--out_dir', str(tmp_path / 'pictures')])


def test_the_script_gives_one_line_and_exit_1(read_only_dir, tmp_path):
    result = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'mnist_visualize.py'),
                             'curves', '--log_dir', str(tmp_path), '--out_dir', str(read_only_dir)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        'error: --out_dir %s is not a writable directory: Read-only file system.' % read_only_dir)
