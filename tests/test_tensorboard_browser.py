"""TensorBoard proven in a real browser: a short run's `loss` chart, rendered in Debian's headless Chromium.

Deselect with -m "not browser". The screenshot is kept in $MNIST_TEST_ARTIFACTS
when that is set (else in the test's tmp_path); the test prints its path.
"""
import os
import urllib.parse

import pytest

from mnist import tensorboard_screenshot, visualize
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
