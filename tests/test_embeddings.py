"""scripts/mnist_embeddings.py and mnist/embeddings.py: what each model's embedding holds, the files
the projector reads, the run's checkpoints left alone, and bad input in one line.

TensorBoard showing them, over HTTP and in Chromium, is tests/test_tensorboard_browser.py."""
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import run_main
from mnist import checkpoints, embeddings, visualize
from test_training import train

import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'mnist_embeddings.py')


def write(model, log_dir, data_sets, *flags):
    return run_main('mnist_embeddings', ['--model', model, '--log_dir', log_dir, *flags], data_sets)


def numpy_layers(model, checkpoint, images):
    """(the last hidden layer before its activation, after it, the logits) of `model`, computed
    with NumPy from the checkpoint's weights: independent of the graph the script builds."""
    def weight(name):
        return checkpoints.read_tensor(checkpoint, name).astype(np.float64)

    def relu(a):
        return np.maximum(a, 0)

    if model == 'softmax':
        logits = images @ weight('softmax_linear/weights') + weight('softmax_linear/biases')
        return logits, logits, logits
    if model == 'fully_connected':
        hidden1 = relu(images @ weight('hidden1/weights') + weight('hidden1/biases'))
        before = hidden1 @ weight('hidden2/weights') + weight('hidden2/biases')
    else:
        def conv_pool(x, scope):  # 5x5 'SAME' convolution, ReLU, 2x2 max-pool of stride 2
            padded = np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0)))
            windows = np.lib.stride_tricks.sliding_window_view(padded, (5, 5), axis=(1, 2))
            conv = np.tensordot(windows, weight(scope + '/weights').transpose(2, 0, 1, 3),
                                axes=((3, 4, 5), (0, 1, 2)))
            conv = relu(conv + weight(scope + '/biases'))
            n, h, w, c = conv.shape
            return conv.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))
        pooled = conv_pool(conv_pool(images.reshape(-1, 28, 28, 1), 'conv1'), 'conv2')
        before = pooled.reshape(len(images), -1) @ weight('fc1/weights') + weight('fc1/biases')
    last = 'softmax_linear' if model == 'fully_connected' else 'fc2'
    return before, relu(before), relu(before) @ weight(last + '/weights') + weight(last + '/biases')


def snapshot(log_dir):
    """{name: (size, mtime)} of the files directly in log_dir: the run's checkpoints and state file."""
    return {name: (os.path.getsize(os.path.join(log_dir, name)),
                   os.path.getmtime(os.path.join(log_dir, name)))
            for name in os.listdir(log_dir) if os.path.isfile(os.path.join(log_dir, name))}


@pytest.mark.parametrize('model, name, units', [('softmax', 'logits', 10),
                                                ('fully_connected', 'hidden2', 32),
                                                ('cnn', 'fc1', 1024)])
def test_each_model_writes_its_last_hidden_layer_and_the_pixels(model, name, units, separable_data_sets,
                                                                 tmp_path):
    log_dir = str(tmp_path / 'run')
    train(model, log_dir, separable_data_sets, max_steps=20)
    before = snapshot(log_dir)
    result = write(model, log_dir, separable_data_sets, '--num_images', 30)
    test = separable_data_sets.test
    assert result['shapes'] == {name: [30, units], 'pixels': [30, 784]}
    assert snapshot(log_dir) == before  # the run's checkpoints and state file untouched
    directory = os.path.join(log_dir, 'embeddings')
    prefix = os.path.join(directory, 'embeddings.ckpt')
    assert tf.train.latest_checkpoint(directory) == prefix
    assert checkpoints.variables(prefix) == {name: [30, units], 'pixels': [30, 784]}
    np.testing.assert_array_equal(checkpoints.read_tensor(prefix, 'pixels'), test.images[:30])
    _, hidden, logits = numpy_layers(model, checkpoints.newest(log_dir), test.images[:30])
    np.testing.assert_allclose(checkpoints.read_tensor(prefix, name), hidden, rtol=1e-4, atol=1e-4)
    predictions = logits.argmax(axis=1)
    rows = open(os.path.join(directory, 'metadata.tsv'), encoding='utf-8').read().splitlines()
    assert rows[0] == 'label\tprediction\tcorrect' and len(rows) == 31
    for row, label, prediction in zip(rows[1:], test.labels, predictions):
        assert row == '%d\t%d\t%s' % (label, prediction, 'right' if label == prediction else 'wrong')
    assert result['accuracy'] == np.mean(predictions == test.labels[:30])
    assert visualize.png_size(os.path.join(directory, 'sprite.png')) == (6 * 28, 6 * 28)
    config = open(os.path.join(directory, 'projector_config.pbtxt')).read()
    assert config.count('tensor_name') == 2 and 'sprite.png' in config and 'metadata.tsv' in config


@pytest.mark.parametrize('model', ['fully_connected', 'cnn'])
def test_the_hidden_embedding_is_taken_after_its_relu(model, separable_data_sets, tmp_path):
    log_dir = str(tmp_path / 'run')
    train(model, log_dir, separable_data_sets, max_steps=20)
    write(model, log_dir, separable_data_sets, '--num_images', 30)
    written = checkpoints.read_tensor(os.path.join(log_dir, 'embeddings', 'embeddings.ckpt'),
                                      embeddings.HIDDEN[model][0])
    before, after, _ = numpy_layers(model, checkpoints.newest(log_dir), separable_data_sets.test.images[:30])
    assert (before < -1e-3).sum() > before.size // 10  # enough negatives to tell the two apart
    assert (written >= 0).all() and (written == 0).mean() > 0.1
    np.testing.assert_allclose(written, after, rtol=1e-4, atol=1e-4)
    assert not np.allclose(written, before, rtol=1e-4, atol=1e-4)


def test_the_sprite_holds_each_image_in_its_cell_dark_on_light():
    images = np.zeros([5, 784], np.float32)
    images[3, :] = 1.0  # all ink
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        pixels = sess.run(tf.io.decode_png(embeddings.sprite(images)))[:, :, 0]
    assert pixels.shape == (3 * 28, 3 * 28)  # 5 images in a 3 x 3 grid
    assert (pixels[28:56, 0:28] == 0).all()  # image 3: row 1, column 0, black
    assert (pixels[:28, :] == 255).all() and (pixels[28:56, 28:] == 255).all()


def test_fashion_class_names_and_rewriting_replaces_the_earlier_embeddings(separable_data_sets,
                                                                          tmp_path):
    log_dir = str(tmp_path / 'run')
    train('softmax', log_dir, separable_data_sets, max_steps=20)
    write('softmax', log_dir, separable_data_sets, '--num_images', 50)
    write('softmax', log_dir, separable_data_sets, '--num_images', 10, '--class_names', 'fashion')
    directory = os.path.join(log_dir, 'embeddings')
    rows = open(os.path.join(directory, 'metadata.tsv'), encoding='utf-8').read().splitlines()
    assert len(rows) == 11
    assert rows[1].split('\t')[0] == visualize.CLASS_NAMES['fashion'][separable_data_sets.test.labels[0]]
    assert checkpoints.variables(os.path.join(directory, 'embeddings.ckpt'))['pixels'] == [10, 784]
    # Nothing of the earlier call or of the writing is left beside it.
    assert sorted(n for n in os.listdir(log_dir) if 'embeddings' in n) == ['embeddings']
    assert len([n for n in os.listdir(directory) if n.startswith('events.out')]) == 1


def run_script(*args, cwd):
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_bad_input_is_one_line_and_writes_nothing(tmp_path):
    log_dir = tmp_path / 'Zoë [1]'
    subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'mnist_softmax.py'), '--fake_data',
                    '--max_steps', '2', '--log_dir', log_dir], check=True, capture_output=True,
                   timeout=300)
    before = sorted(os.listdir(log_dir))
    cases = [
        (['--model', 'softmax', '--log_dir', tmp_path / 'empty', '--fake_data'],
         'error: No checkpoint in %s' % (tmp_path / 'empty')),
        (['--model', 'cnn', '--log_dir', log_dir, '--fake_data', '--num_images', 5],
         'error: %s is not a cnn checkpoint: it lacks conv1/biases' % (log_dir / 'model.ckpt-2')),
        (['--model', 'softmax', '--log_dir', log_dir, '--fake_data', '--num_images', 10001],
         'error: --num_images 10001: expected at most 10000, the number of test images.'),
        (['--model', 'softmax', '--log_dir', log_dir, '--num_images', 0],
         "argument --num_images: expected a positive integer, got '0'"),
        (['--model', 'lenet', '--log_dir', log_dir], "argument --model: invalid choice: 'lenet'"),
    ]
    for args, expected in cases:
        result = run_script(*args, cwd=tmp_path)
        assert result.returncode in (1, 2), result.stderr
        assert expected in result.stderr.splitlines()[-1], result.stderr
        assert 'Traceback' not in result.stderr
    assert sorted(os.listdir(log_dir)) == before
    assert not os.path.exists(tmp_path / 'empty')
    # And in that glob-character, non-ASCII log_dir it works.
    result = run_script('--model', 'softmax', '--log_dir', log_dir, '--fake_data', '--num_images', 20,
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert checkpoints.variables(str(log_dir / 'embeddings' / 'embeddings.ckpt')) == {
        'logits': [20, 10], 'pixels': [20, 784]}


def test_pca_neighbour_agreement_is_one_for_separate_classes_and_near_chance_for_mixed_ones():
    rng = np.random.default_rng(0)
    labels = np.arange(400) % 4
    separate = rng.normal(size=(400, 8)) + 20 * np.eye(8)[labels]
    assert embeddings.pca_neighbour_agreement(separate, labels) > 0.95
    mixed = embeddings.pca_neighbour_agreement(rng.normal(size=(400, 8)), labels, chunk=64)
    assert 0.1 < mixed < 0.4  # chance is 0.25
