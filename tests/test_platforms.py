"""mnist/platforms.py: the paths that macOS and Windows take, proven here on Linux.

Most tests run the real scripts in Python processes that import
tests/without_linux_facilities/sitecustomize.py: there `import fcntl` fails,
os has no O_TMPFILE, psutil and mnist.platforms find no /proc, and
signal.SIGBREAK (Ctrl-Break) exists.
"""
import functools
import http.server
import json
import os
import re
import stat
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from conftest import ctrl_c_as_from_a_terminal, mnist_file_bytes, write_mnist_dir
from mnist import paths, platforms, startup_log

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIMULATION = os.path.join(ROOT, 'tests', 'without_linux_facilities')
SCRIPTS = os.path.join(ROOT, 'scripts')
SIGBREAK = 21  # Windows' number, as the simulation defines it
FAKE_TRAINING = ('--fake_data', '--max_steps', '3', '--batch_size', '10')


def simulated_env(**extra):
    python_path = [SIMULATION, ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(python_path), **extra)


def run_simulated(args, cwd=ROOT, timeout=300):
    """Runs `python ARGS` without Linux's facilities; returns the CompletedProcess."""
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                          env=simulated_env(), cwd=cwd, timeout=timeout)


def script(name):
    return os.path.join(SCRIPTS, name)


def assert_ok(result):
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    return result


def last_line(result):
    return result.stderr.strip().splitlines()[-1]


def test_the_simulation_takes_the_facilities_away(tmp_path):
    facts = run_simulated(['-c', (
        'import json, os, signal, sys\n'
        'from mnist import platforms\n'
        'try:\n    import fcntl; fcntl_ok = True\nexcept ImportError:\n    fcntl_ok = False\n'
        'print(json.dumps({"fcntl": fcntl_ok, "o_tmpfile": hasattr(os, "O_TMPFILE"),\n'
        '    "platform_fcntl": platforms.fcntl is not None,\n'
        '    "unnamed_file": platforms.open_unnamed_file(sys.argv[1]),\n'
        '    "memory": platforms.available_memory(),\n'
        '    "stop_signals": sorted(platforms.STOP_SIGNALS.values())}))'), tmp_path])
    assert json.loads(assert_ok(facts).stdout) == {
        'fcntl': False, 'o_tmpfile': False, 'platform_fcntl': False, 'unnamed_file': None,
        'memory': None, 'stop_signals': ['Interrupted', 'Stopped by Ctrl-Break', 'Stopped by SIGTERM']}


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A fully_connected run trained and resumed without Linux's facilities, in a log_dir named with [1]."""
    log_dir = tmp_path_factory.mktemp('platforms') / 'Zoë runs [1]'
    first = assert_ok(run_simulated([script('fully_connected_feed.py'), *FAKE_TRAINING,
                                     '--log_dir', log_dir]))
    resumed = assert_ok(run_simulated([script('fully_connected_feed.py'), '--fake_data', '--max_steps', '6',
                                       '--batch_size', '10', '--log_dir', log_dir, '--resume']))
    return log_dir, first, resumed


def test_training_and_resume_work_in_a_glob_named_log_dir(trained):
    log_dir, first, resumed = trained
    assert 'Test Data Eval:' in first.stdout
    assert 'Resumed from %s at step 3.' % (log_dir / 'model.ckpt-3') in resumed.stdout
    names = os.listdir(log_dir)
    assert {'model.ckpt-3.index', 'model.ckpt-6.index', 'checkpoint'} <= set(names)
    # The owner file of the lock that stands in for flock goes with its run.
    assert not any(name.startswith('.training.lock') for name in names)


def test_eval_predict_and_export_restore_that_checkpoint(trained, tmp_path):
    from PIL import Image
    log_dir, _, _ = trained
    evaluated = assert_ok(run_simulated([script('mnist_eval.py'), '--model', 'fully_connected',
                                         '--log_dir', log_dir, '--fake_data']))
    assert 'Test Data Eval:' in evaluated.stdout
    image = tmp_path / 'a digit.png'
    pixels = np.zeros((56, 56), np.uint8)
    pixels[10:46, 26:30] = 255  # a one, white on black
    Image.fromarray(pixels).save(image)
    predicted = assert_ok(run_simulated([script('mnist_predict.py'), '--model', 'fully_connected',
                                         '--log_dir', log_dir, image]))
    assert str(image) in predicted.stdout
    exported = assert_ok(run_simulated([script('mnist_export.py'), '--model', 'fully_connected',
                                        '--log_dir', log_dir, '--export_dir', tmp_path / 'export']))
    assert os.path.exists(tmp_path / 'export' / '6' / 'saved_model.pb'), exported.stdout
    embedded = assert_ok(run_simulated([script('mnist_embeddings.py'), '--model', 'fully_connected',
                                        '--log_dir', log_dir, '--fake_data', '--num_images', 20]))
    assert 'hidden2 [20, 32]' in embedded.stdout
    assert os.path.exists(log_dir / 'embeddings' / 'embeddings.ckpt.index')


def hold_lock(log_dir):
    """A process that holds log_dir's lock as the simulated platform takes it, until killed."""
    holder = subprocess.Popen(
        [sys.executable, '-c', 'import sys, time\nfrom mnist import platforms\n'
         'lock = platforms.lock(sys.argv[1]); print("locked", flush=True); time.sleep(300)',
         str(log_dir / '.training.lock')],
        stdout=subprocess.PIPE, text=True, env=simulated_env())
    assert holder.stdout.readline().strip() == 'locked'
    return holder


def test_a_held_lock_stops_a_second_run_and_a_dead_holder_does_not(tmp_path):
    log_dir = tmp_path / 'run'
    log_dir.mkdir()
    holder = hold_lock(log_dir)
    try:
        second = run_simulated([script('mnist_softmax.py'), *FAKE_TRAINING, '--log_dir', log_dir])
        assert second.returncode == 1
        assert last_line(second) == (
            'error: %s is in use by another training run (process %d): wait for it to finish, or '
            'choose another --log_dir.' % (log_dir, holder.pid))
    finally:
        holder.kill()
        holder.wait()
    assert os.path.exists(log_dir / '.training.lock.owner')  # a SIGKILL left it behind
    assert_ok(run_simulated([script('mnist_softmax.py'), *FAKE_TRAINING, '--log_dir', log_dir]))


def test_ctrl_break_saves_a_resumable_checkpoint(tmp_path):
    log_dir = tmp_path / 'run'
    with ctrl_c_as_from_a_terminal():
        process = subprocess.Popen(
            [sys.executable, script('fully_connected_feed.py'), '--fake_data', '--max_steps', '1000000',
             '--batch_size', '10', '--log_dir', str(log_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=simulated_env(), cwd=ROOT)
    deadline = time.monotonic() + 120
    while not os.path.exists(log_dir / 'checkpoint'):  # the first save, every 1000 steps
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, 'no checkpoint after 120 s'
        time.sleep(0.05)
    process.send_signal(SIGBREAK)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + SIGBREAK, err
    stopped = re.search(r'Stopped by Ctrl-Break at global step (\d+); saved (.*)\. Continue with --resume\.',
                        err)
    assert stopped and stopped.group(2) == str(log_dir / ('model.ckpt-' + stopped.group(1))), err
    resumed = assert_ok(run_simulated([script('fully_connected_feed.py'), '--fake_data', '--batch_size', '10',
                                       '--max_steps', int(stopped.group(1)) + 5, '--log_dir', log_dir,
                                       '--resume']))
    assert 'Resumed from %s' % stopped.group(2) in resumed.stdout


class QuietFileHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def test_a_download_is_published_without_o_tmpfile_or_proc(tmp_path):
    served = tmp_path / 'served'
    files, arrays = mnist_file_bytes()
    served.mkdir()
    for name, data in files.items():
        (served / name).write_bytes(data)
    handler = functools.partial(QuietFileHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        target = tmp_path / 'MNIST data'
        read = run_simulated(['-c', (
            'import sys\nfrom mnist import input_data\n'
            'data = input_data.read_data_sets(sys.argv[1], source_url=sys.argv[2], validation_size=10)\n'
            'print(data.train.num_examples, data.test.num_examples)'),
            target, 'http://127.0.0.1:%d/' % server.server_address[1]])
    finally:
        server.shutdown()
        server.server_close()
    assert assert_ok(read).stdout.splitlines()[-1] == '50 20'
    # Published under their names, with no hidden temporary file left beside them.
    assert sorted(os.listdir(target)) == sorted(files)
    for name, data in files.items():
        assert (target / name).read_bytes() == data


def tf1_program_dir(tmp_path):
    """tmp_path with a small MNIST_data/ in it, as a TF 1.x program expects to find it."""
    write_mnist_dir(tmp_path / 'MNIST_data', num_train=5100, num_test=100)
    return tmp_path


# Every program in scripts/ (and the TF 1.x runner) with its --fake_data path or a small input,
# beyond those the tests above run.
OTHER_PROGRAMS = {
    'mnist_softmax.py': lambda tmp: [script('mnist_softmax.py'), *FAKE_TRAINING, '--log_dir', tmp / 'log'],
    'mnist_deep.py': lambda tmp: [script('mnist_deep.py'), *FAKE_TRAINING, '--log_dir', tmp / 'log'],
    'mnist_with_summaries.py': lambda tmp: [script('mnist_with_summaries.py'), *FAKE_TRAINING,
                                            '--log_dir', tmp / 'log'],
    'mnist_visualize.py': lambda tmp: [script('mnist_visualize.py'), 'digits', '--data_dir', 'MNIST_data',
                                       '--out_dir', tmp / 'pictures'],
    'mnist_replica.py': lambda tmp: ['-m', 'mnist.cluster', '--ps', '1', '--workers', '1', '--timeout', '240',
                                     '--fake_data', '--train_steps', '20', '--log_dir', tmp / 'log'],
    'mnist.tf1': lambda tmp: ['-m', 'mnist.tf1', os.path.join(ROOT, 'tests', 'tf1_programs',
                                                               'softmax_beginners.py')],
}
COVERED_ABOVE = {'fully_connected_feed.py', 'mnist_eval.py', 'mnist_predict.py', 'mnist_export.py',
                 'mnist_embeddings.py',
                 'tensorboard_screenshot.py'}


def test_every_script_is_run_without_linux_facilities():
    assert set(OTHER_PROGRAMS) | COVERED_ABOVE >= set(os.listdir(SCRIPTS)) - {'__pycache__'}


@pytest.mark.parametrize('program', sorted(OTHER_PROGRAMS))
def test_program_runs_without_linux_facilities(program, tmp_path):
    cwd = tf1_program_dir(tmp_path)
    assert_ok(run_simulated(OTHER_PROGRAMS[program](tmp_path), cwd=cwd))


@pytest.mark.browser
def test_tensorboard_screenshot_runs_without_linux_facilities(trained, tmp_path):
    log_dir, _, _ = trained
    if not os.path.exists('/usr/bin/chromium'):
        pytest.skip('needs chromium (apt-get install chromium)')
    assert_ok(run_simulated([script('tensorboard_screenshot.py'), '--log_dir', log_dir,
                             '--out', tmp_path / 'board.png']))
    assert (tmp_path / 'board.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


@pytest.mark.parametrize('path, character', [
    ('C:\\Users\\Zoë\\runs [1]', None), ('D:/runs/2024-01-01', None), ('runs\\a*b', '*'),
    ('C:\\runs\\what?', '?'), ('runs/a:b', ':'), ('runs/"quoted"', '"')])
def test_windows_file_name_characters(path, character):
    assert platforms.forbidden_character(path, 'win32') == character
    assert platforms.forbidden_character(path, 'darwin') is None


def test_a_log_dir_windows_cannot_name_is_one_line_before_any_work(monkeypatch, tmp_path):
    monkeypatch.setattr(platforms, 'forbidden_character',
                        functools.partial(platforms.forbidden_character, system='win32'))
    monkeypatch.chdir(tmp_path)
    bad = 'C:\\Users\\Zoë\\my runs*'  # as a Windows user types it: drive, backslashes, a space
    with pytest.raises(paths.PathError) as raised:
        paths.writable_dir(bad, '--log_dir')
    assert str(raised.value) == ("--log_dir C:\\Users\\Zoë\\my runs*: Windows does not allow '*' in "
                                 'file names.')
    assert os.listdir(tmp_path) == []  # refused before anything was made


def write_cgroups(tmp_path, cgroup_lines, files):
    proc = tmp_path / 'proc'
    (proc / 'self').mkdir(parents=True)
    (proc / 'self' / 'cgroup').write_text(''.join(line + '\n' for line in cgroup_lines))
    for path, text in files.items():
        (tmp_path / 'cgroup' / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / 'cgroup' / path).write_text(text + '\n')
    return proc, tmp_path / 'cgroup'


@pytest.mark.parametrize('cgroup_lines, files, expected', [
    (['0::/job'], {'job/memory.max': '1000', 'job/memory.current': '300'}, 700),
    (['0::/job/step'], {'job/memory.max': '1000', 'job/memory.current': '900',
                        'job/step/memory.max': 'max', 'job/step/memory.current': '800'}, 100),
    (['0::/'], {'memory.max': 'max', 'memory.current': '5'}, None),
    (['4:memory:/box', '0::/'], {'memory/box/memory.limit_in_bytes': '2000',
                                 'memory/box/memory.usage_in_bytes': '500'}, 1500),
    (['4:memory:/', '0::/'], {'memory/memory.limit_in_bytes': '9223372036854771712',
                              'memory/memory.usage_in_bytes': '500'}, None),
])
def test_cgroup_headroom_reads_v2_and_v1_limits(cgroup_lines, files, expected, tmp_path, monkeypatch):
    proc, cgroups = write_cgroups(tmp_path, cgroup_lines, files)
    monkeypatch.setattr('psutil.PROCFS_PATH', str(proc))
    assert platforms.cgroup_headroom(str(cgroups)) == expected


def test_available_memory_counts_the_address_space_limit():
    """Under `ulimit -v`, what is left below the limit is what can be allocated."""
    child = subprocess.run([sys.executable, '-c', (
        'import resource, psutil\nfrom mnist import platforms\n'
        'resource.setrlimit(resource.RLIMIT_AS, (psutil.Process().memory_info().vms + (300 << 20),) * 2)\n'
        'print(platforms.available_memory())')], capture_output=True, text=True, timeout=60,
        env=dict(os.environ, PYTHONPATH=ROOT))
    assert child.returncode == 0, child.stderr
    assert 200 << 20 < int(child.stdout) <= 300 << 20


@pytest.mark.parametrize('can_filter', [True, False])
def test_the_startup_filter_is_off_where_it_cannot_work(can_filter, monkeypatch):
    """Where it cannot work, file descriptor 2 stays what it was during TensorFlow's import."""
    monkeypatch.setattr(platforms, 'CAN_FILTER_STDERR', can_filter)
    before = os.fstat(2)
    with startup_log.filtered_stderr(2):
        during = os.fstat(2)
    same_file = (during.st_ino, during.st_dev) == (before.st_ino, before.st_dev)
    assert same_file != can_filter
    assert stat.S_ISFIFO(during.st_mode) == can_filter


def test_setup_refuses_an_unsupported_python_by_name():
    python39 = os.path.expanduser('~/.pyenv/versions/3.9.18/bin/python')
    if not os.path.exists(python39):
        pytest.skip('needs pyenv\'s Python 3.9')
    result = subprocess.run([python39, 'setup.py', '--name'], capture_output=True, text=True, cwd=ROOT,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == ('error: mnist needs Python 3.10 to 3.13, the Pythons TensorFlow 2.21 '
                                     'has wheels for; this is Python 3.9.')
