"""TensorFlow's C++ startup notices stay off a script's stderr; errors and warnings still pass."""
import io
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ctrl_c_as_from_a_terminal
from mnist import startup_log

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What TensorFlow 2.21 writes while it loads (see mnist/startup_log.py).
STARTUP_MARKERS = ('absl::InitializeLog()', 'port.cc:', 'oneDNN custom operations', 'cudart_stub.cc:')


def run_python(args, tmp_path, **env):
    """Runs python with args in the repository root; returns the CompletedProcess (text)."""
    environment = dict(os.environ, PYTHONPATH=ROOT, **env)
    return subprocess.run([sys.executable] + args, cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=300)


def startup_lines(stderr):
    return [line for line in stderr.splitlines() if any(m in line for m in STARTUP_MARKERS)]


def test_fake_data_script_run_has_no_tensorflow_startup_lines(tmp_path):
    run = run_python(['scripts/mnist_softmax.py', '--fake_data', '--max_steps', '3',
                      '--log_dir', str(tmp_path / 'log')], tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip()  # the script's own output is there
    assert startup_lines(run.stderr) == [], run.stderr


def test_min_log_level_0_shows_them_and_errors_pass_at_the_default(tmp_path):
    program = ('import sys, mnist; print("before", file=sys.stderr, flush=True); import tensorflow; '
               'print("after", file=sys.stderr); import warnings; warnings.warn("a user warning")')
    shown = run_python(['-c', program], tmp_path, TF_CPP_MIN_LOG_LEVEL='0')
    assert shown.returncode == 0, shown.stderr
    if not startup_lines(shown.stderr):
        pytest.skip('this TensorFlow writes no startup lines: nothing to filter')
    default = run_python(['-c', program], tmp_path)
    assert default.returncode == 0, default.stderr
    assert startup_lines(default.stderr) == []
    lines = default.stderr.splitlines()
    assert lines.index('before') < lines.index('after')  # in order, nothing lost around the import
    assert 'UserWarning: a user warning' in default.stderr


def test_an_error_during_the_import_passes_the_filter(tmp_path):
    # A fake `tensorflow` package that logs like absl and then fails to import.
    package = tmp_path / 'fake' / 'tensorflow'
    package.mkdir(parents=True)
    (package / '__init__.py').write_text(
        'import os\n'
        'os.write(2, b"I0000 00:00:1795925351.027841   12714 port.cc:153] an info notice\\n")\n'
        'os.write(2, b"E0000 00:00:1795925351.027841   12714 loader.cc:7] an error\\n")\n'
        'raise ImportError("broken install")\n')
    program = 'import sys; sys.path.insert(0, %r); import mnist, tensorflow' % str(tmp_path / 'fake')
    run = run_python(['-c', program], tmp_path)
    assert run.returncode == 1
    assert 'an info notice' not in run.stderr
    assert 'loader.cc:7] an error' in run.stderr
    assert 'ImportError: broken install' in run.stderr


@pytest.mark.parametrize('level', ['2', '0'])
def test_ctrl_c_while_tensorflow_is_imported_is_one_line_and_exit_130(level, tmp_path):
    log_dir = tmp_path / 'log'
    with ctrl_c_as_from_a_terminal():
        script = subprocess.Popen(
            [sys.executable, 'scripts/mnist_softmax.py', '--fake_data', '--log_dir', str(log_dir)],
            cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL=level),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    # TensorFlow's C++ library is loaded early in its import; the Python part takes seconds more.
    while 'libtensorflow_framework' not in open('/proc/%d/maps' % script.pid).read():
        assert script.poll() is None, script.communicate()
        time.sleep(0.01)
    os.killpg(script.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    out, err = script.communicate(timeout=120)
    assert script.returncode == 130
    assert [line for line in err.splitlines() if line.strip() and not startup_lines(line)] == [
        startup_log.INTERRUPTED]
    assert out == '' and not log_dir.exists()


@pytest.mark.parametrize('level, kept', [
    (2, ['E0101 12:00:00.000001 7 x.cc:1] error\n', 'F0101 12:00:00.000001 7 x.cc:1] fatal\n',
         'python.py:3: UserWarning: mine\n', 'I0000 without a location\n', 'partial']),
    (1, ['W0000 00:00:1795925351.027841 7 x.cc:2] warning\n',
         'E0101 12:00:00.000001 7 x.cc:1] error\n', 'F0101 12:00:00.000001 7 x.cc:1] fatal\n',
         'python.py:3: UserWarning: mine\n', 'I0000 without a location\n', 'partial']),
])
def test_copy_lines_hides_only_absl_lines_below_the_level(level, kept):
    lines = [startup_log.ABSL_NOTICE.decode() + '\n',
             'I0000 00:00:1795925351.027841   12714 port.cc:153] oneDNN custom operations are on.\n',
             'W0000 00:00:1795925351.027841 7 x.cc:2] warning\n',
             'E0101 12:00:00.000001 7 x.cc:1] error\n',
             'F0101 12:00:00.000001 7 x.cc:1] fatal\n',
             'python.py:3: UserWarning: mine\n',
             'I0000 without a location\n',
             'partial']
    sink = io.BytesIO()
    startup_log.copy_lines(io.BytesIO(''.join(lines).encode()), sink, level)
    assert sink.getvalue().decode() == ''.join(kept)


def test_level_0_hides_nothing():
    line = startup_log.ABSL_NOTICE + b'\n'
    assert not startup_log.is_hidden(line, 0)
    assert startup_log.is_hidden(line, 1)
