"""TensorBoard proven in a real browser: a short run's `loss` chart, and the embedding projector showing
mnist_embeddings.py's output and a TF 1.x program's embedding, in Debian's headless Chromium.

Deselect with -m "not browser". The screenshot is kept in $MNIST_TEST_ARTIFACTS
when that is set (else in the test's tmp_path); the test prints its path.
"""
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request

import numpy as np
import pytest

from conftest import run_main, write_mnist_dir
from mnist import checkpoints, embeddings, tensorboard_screenshot, visualize
from test_training import train

pytestmark = pytest.mark.browser


@pytest.fixture
def started(monkeypatch):
    """Needs Chromium and websocket-client; records every process the module starts."""
    if not os.access(tensorboard_screenshot.CHROMIUM, os.X_OK):
        pytest.skip('%s not found: apt-get install -y chromium' % tensorboard_screenshot.CHROMIUM)
    pytest.importorskip('websocket', reason='websocket-client (in the test extra) drives Chromium')
    processes = []
    start = tensorboard_screenshot._start

    def recording_start(command, log_path):
        processes.append(start(command, log_path))
        return processes[-1]
    monkeypatch.setattr(tensorboard_screenshot, '_start', recording_start)
    return processes


def assert_stopped(processes):
    assert len(processes) == 2  # TensorBoard and Chromium
    for process in processes:
        assert process.returncode is not None
        with pytest.raises(ProcessLookupError):
            os.kill(process.pid, 0)


@pytest.fixture
def short_run(separable_data_sets, tmp_path):
    """The log_dir of a 30-step softmax run: `loss` at steps 0, 10 and 20."""
    log_dir = str(tmp_path / 'run')
    train('softmax', log_dir, separable_data_sets)
    return log_dir


def test_scalars_dashboard_renders_the_loss_chart(short_run, started, tmp_path):
    artifacts = os.environ.get('MNIST_TEST_ARTIFACTS') or str(tmp_path)
    path = os.path.join(artifacts, 'tensorboard-scalars.png')
    result = tensorboard_screenshot.screenshot(short_run, path, tag='loss', work_dir=str(tmp_path))
    print('TensorBoard screenshot: %s' % path)
    assert 'loss' in result['texts']
    assert visualize.png_size(path) == (1280, 800)
    assert_stopped(started)
    hosts = {urllib.parse.urlsplit(url).hostname for url in result['requests']
             if not url.startswith(('data:', 'blob:'))}
    assert hosts == {'127.0.0.1'}, result['requests']


def test_a_tag_that_never_shows_fails_and_stops_both(short_run, started, tmp_path, monkeypatch):
    monkeypatch.setattr(tensorboard_screenshot, 'RENDER_SECONDS', 3)
    with pytest.raises(tensorboard_screenshot.BrowserError, match="waiting for the 'no_such_tag' chart"):
        tensorboard_screenshot.screenshot(short_run, str(tmp_path / 'never.png'), tag='no_such_tag',
                                          work_dir=str(tmp_path))
    assert_stopped(started)
    assert not os.path.exists(tmp_path / 'never.png')


# --- The embedding projector -----------------------------------------------------------------------

def coloured_pixels(png, box):
    """How many pixels inside box [left, top, width, height] of the PNG are clearly coloured (not grey)."""
    from PIL import Image
    left, top, width, height = (int(v) for v in box)
    with Image.open(png) as image:
        pixels = np.asarray(image.convert('RGB').crop((left, top, left + width, top + height)), int)
    return int(((pixels.max(axis=2) - pixels.min(axis=2)) > 60).sum())


def assert_points_drawn(result, expected_shape, labels, label_column):
    """The projector shows expected_shape points with their labels and sprite, in colour, locally."""
    assert result['shape'] == list(expected_shape)
    assert [point[label_column] for point in result['metadata']] == [int(label) for label in labels]
    side = 28 * int(np.ceil(np.sqrt(expected_shape[0])))
    assert result['sprite'] == [side, side]
    # Drawn with Chromium's software WebGL: the points, coloured by label, cover far more than
    # the three axis lines of an empty plot.
    assert coloured_pixels(result['path'], result['canvas']) > 3000, result['path']
    hosts = {urllib.parse.urlsplit(url).hostname for url in result['requests']
             if not url.startswith(('data:', 'blob:'))}
    assert hosts == {'127.0.0.1'}, result['requests']


@pytest.fixture
def embedded_run(separable_data_sets, tmp_path):
    """A fully_connected run in a non-ASCII log_dir, with mnist_embeddings.py's output for 100 test images."""
    log_dir = str(tmp_path / 'Zoë run')
    train('fully_connected', log_dir, separable_data_sets)
    run_main('mnist_embeddings', ['--model', 'fully_connected', '--log_dir', log_dir, '--num_images', 100],
             separable_data_sets)
    return log_dir


def projector_get(port, route, **query):
    url = 'http://127.0.0.1:%d/data/plugin/projector/%s?%s' % (port, route, urllib.parse.urlencode(query))
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def test_projector_endpoints_serve_both_embeddings_the_sprite_and_the_metadata(embedded_run,
                                                                               separable_data_sets,
                                                                               tmp_path):
    test = separable_data_sets.test
    directory = os.path.join(embedded_run, 'embeddings')
    port = tensorboard_screenshot.free_port()
    tensorboard = tensorboard_screenshot.start_tensorboard(embedded_run, port, str(tmp_path / 'tb.log'))
    try:
        tensorboard_screenshot._wait(lambda: 'embeddings' in json.loads(projector_get(port, 'runs')),
                                     60, 'the run embeddings', tensorboard)
        info = json.loads(projector_get(port, 'info', run='embeddings'))
        assert {e['tensorName']: e['tensorShape'] for e in info['embeddings']} == {
            'hidden2': [100, 32], 'pixels': [100, 784]}
        pixels = np.frombuffer(projector_get(port, 'tensor', run='embeddings', name='pixels'), np.float32)
        np.testing.assert_array_equal(pixels.reshape(100, 784), test.images)
        hidden2 = np.frombuffer(projector_get(port, 'tensor', run='embeddings', name='hidden2'), np.float32)
        expected, predictions = embeddings.representations(
            'fully_connected', checkpoints.newest(embedded_run), test.images)
        np.testing.assert_allclose(hidden2.reshape(100, 32), expected, rtol=1e-6)
        sprite = projector_get(port, 'sprite_image', run='embeddings', name='hidden2')
        with open(os.path.join(directory, 'sprite.png'), 'rb') as f:
            assert sprite == f.read()
        rows = projector_get(port, 'metadata', run='embeddings', name='pixels').decode().splitlines()
        assert rows == ['label\tprediction\tcorrect'] + [
            '%d\t%d\t%s' % (label, prediction, 'right' if label == prediction else 'wrong')
            for label, prediction in zip(test.labels, predictions)]
    finally:
        tensorboard_screenshot.stop(tensorboard)


def test_projector_tab_shows_the_hidden_layer_coloured_by_label(embedded_run, separable_data_sets,
                                                                started, tmp_path):
    artifacts = os.environ.get('MNIST_TEST_ARTIFACTS') or str(tmp_path)
    path = os.path.join(artifacts, 'tensorboard-projector.png')
    result = tensorboard_screenshot.projector_screenshot(embedded_run, path, 'embeddings', 'hidden2',
                                                         work_dir=str(tmp_path))
    print('TensorBoard projector screenshot: %s' % path)
    assert (result['run'], result['tensor'], result['color']) == ('embeddings', 'hidden2', 'label')
    assert_points_drawn(result, (100, 32), separable_data_sets.test.labels, 'label')
    assert_stopped(started)


def test_tf1_program_projector_embedding_shows_in_the_projector(started, tmp_path):
    """tests/tf1_programs/projector_embedding.py, run unmodified by python -m mnist.tf1."""
    arrays = write_mnist_dir(tmp_path / 'MNIST_data', num_train=5100, num_test=100)
    log_dir = tmp_path / 'logs'
    program = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tf1_programs',
                           'projector_embedding.py')
    ran = subprocess.run([sys.executable, '-m', 'mnist.tf1', program, str(log_dir), '100'],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert 'embedding digit_embedding:0 of 100 test images written to' in ran.stdout
    path = str(tmp_path / 'tf1-projector.png')
    result = tensorboard_screenshot.projector_screenshot(str(log_dir), path, '.', 'digit_embedding',
                                                         color_by='Label', work_dir=str(tmp_path))
    assert_points_drawn(result, (100, 64), arrays.test_labels, 'Label')
    assert [point['Index'] for point in result['metadata']] == list(range(100))
    assert_stopped(started)
