"""Distributed training on loopback: mnist.replica's ps and worker tasks, and the mnist.cluster launcher.

Every process a test starts is killed by its pid at the end, also when the test fails.
"""
import contextlib
import http.server
import io
import os
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from concurrent import futures

import grpc
import pytest

from conftest import ctrl_c_as_from_a_terminal
from mnist import checkpoints, cluster, paths, replica

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASHION_MNIST = '/usr/share/datasets/fashion-mnist'
DONE_LINE = re.compile(r'worker (\d): done at global step (\d+) after (\d+) local steps')
EVAL_LINE = re.compile(r'^  Num examples: (\d+)  Num correct: (\d+)  Precision @ 1: (\d\.\d{4})$')
# Small and quick; --startup_timeout bounds every wait of a task for another.
FAKE = ['--fake_data', '--log_every', '50', '--startup_timeout', '60']


class Tasks:
    """The tasks of one cluster started one by one, each logging to its own file."""

    def __init__(self, tmp_path, num_workers=2, flags=()):
        self.tmp_path = tmp_path
        self.ps_hosts, self.worker_hosts = cluster.cluster_hosts(1, num_workers)
        self.flags = list(flags)
        self.processes = []

    def start(self, job, index):
        """Starts (or restarts) one task; returns (Popen, path of its log)."""
        log = self.tmp_path / ('%s%d-%d.log' % (job, index, len(self.processes)))
        # As the launcher starts them: it handles Ctrl-C itself, so a task never inherits SIG_IGN.
        with open(log, 'w') as output, ctrl_c_as_from_a_terminal():
            process = cluster.start_task(cluster.task_command(
                job, index, self.ps_hosts, self.worker_hosts, self.flags), output)
        self.processes.append(process)
        self.last_log = log
        return process, log

    def kill_all(self):
        for process in self.processes:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def make_tasks(tmp_path):
    """Tasks(...) factory; every process they started is SIGKILLed by pid at teardown."""
    made = []

    def make(*args, **kwargs):
        made.append(Tasks(tmp_path, *args, **kwargs))
        return made[-1]

    yield make
    for tasks in made:
        tasks.kill_all()


def wait_for_line(log, pattern, process, timeout=60):
    """Returns the first match of `pattern` in the log file; fails if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text(), re.MULTILINE)
        if match:
            return match
        assert process.poll() is None, 'exited %s first:\n%s' % (process.returncode, log.read_text())
        time.sleep(0.1)
    raise AssertionError('no %r within %d s:\n%s' % (pattern, timeout, log.read_text()))


def finish(process, log, timeout=60):
    """Waits for the process; asserts it exited 0 and returns its log."""
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError('still running after %d s:\n%s' % (timeout, log.read_text())) from None
    text = log.read_text()
    assert process.returncode == 0, text
    return text


def run_launcher(*flags, timeout=120, workers=2):
    """Runs mnist.cluster with one ps in this process; returns (exit codes by task, output)."""
    out = io.StringIO()
    codes = cluster.run_cluster(1, workers, flags, timeout=timeout, out=out)
    return codes, out.getvalue()


def done_lines(output):
    """{worker index: (global step, local steps)} from the workers' last lines."""
    return {int(m.group(1)): (int(m.group(2)), int(m.group(3))) for m in DONE_LINE.finditer(output)}


def latest_checkpoint_step(log_dir):
    """The global step of the newest checkpoint named in log_dir/checkpoint."""
    with open(os.path.join(log_dir, 'checkpoint')) as f:
        return int(re.search(r'model_checkpoint_path: ".*model\.ckpt-(\d+)"', f.read())[1])


@pytest.mark.parametrize('mode', [[], ['--sync_replicas']], ids=['async', 'sync'])
def test_launcher_trains_to_the_global_step_and_every_task_exits(mode, tmp_path):
    codes, output = run_launcher(*FAKE, '--train_steps', '200', '--log_dir', str(tmp_path / 'log'),
                                 *mode)
    assert codes == {'ps0': 0, 'worker0': 0, 'worker1': 0}, output
    done = done_lines(output)
    assert sorted(done) == [0, 1], output
    final_steps = sorted(step for step, _ in done.values())
    if mode:
        assert final_steps == [200, 200], output
    else:  # each of the 2 workers may add the update it had in flight
        assert 200 <= final_steps[0] <= final_steps[1] <= 202, output
    assert '[ps0] ps 0: every worker is done; exiting.' in output
    assert re.search(r'^\[worker(\d)\] worker \1: local step 50, global step \d+, loss \d+\.\d{3}$',
                     output, re.MULTILINE), output
    assert 200 <= latest_checkpoint_step(tmp_path / 'log') <= final_steps[1]


def test_the_cnn_trains_synchronously_and_a_moved_log_dir_resumes_from_its_own_files(tmp_path):
    # ... even with a garbage state file.
    first, moved = tmp_path / 'first', tmp_path / 'moved'
    flags = [*FAKE, '--model', 'cnn', '--sync_replicas', '--batch_size', '10']
    codes, output = run_launcher(*flags, '--train_steps', '10', '--log_dir', str(first), workers=1)
    assert codes == {'ps0': 0, 'worker0': 0}, output
    assert done_lines(output)[0][0] == 10
    saved = checkpoints.variables(str(first / 'model.ckpt-10'))
    assert {'conv1/weights', 'fc2/biases', 'global_step'} <= set(saved)
    state = (first / 'checkpoint').read_text()
    assert 'model_checkpoint_path: "model.ckpt-10"' in state and str(first) not in state  # relative

    os.rename(first, moved)
    (moved / 'checkpoint').write_text('garbage {')  # found from the files all the same
    codes, output = run_launcher(*flags, '--train_steps', '20', '--log_dir', str(moved), workers=1)
    assert codes == {'ps0': 0, 'worker0': 0}, output
    assert '[worker0] worker 0 (chief): resuming from %s.' % (moved / 'model.ckpt-10') in output
    assert '[worker0] worker 0: starting at global step 10.' in output
    assert latest_checkpoint_step(moved) == 20
    assert not first.exists()


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir(FASHION_MNIST),
                    reason='needs Fashion-MNIST in %s (apt-get install dataset-fashion-mnist)'
                    % FASHION_MNIST)
def test_the_chiefs_checkpoint_restores_in_mnist_eval(tmp_path):
    log_dir = str(tmp_path / 'log')
    codes, output = run_launcher('--data_dir', FASHION_MNIST, '--log_dir', log_dir, '--sync_replicas',
                                 '--train_steps', '300', '--learning_rate', '0.1', '--hidden1', '64',
                                 '--hidden2', '16', '--seed', '0')
    assert codes == {'ps0': 0, 'worker0': 0, 'worker1': 0}, output
    evaluated = subprocess.run(
        [sys.executable, os.path.join(ROOT, 'scripts', 'mnist_eval.py'), '--model', 'fully_connected',
         '--log_dir', log_dir, '--data_dir', FASHION_MNIST],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert evaluated.returncode == 0, evaluated.stderr
    assert 'model.ckpt-300 (step 300)' in evaluated.stdout
    test_line = [line for line in evaluated.stdout.splitlines() if EVAL_LINE.match(line)][-1]
    num_examples, _, precision = EVAL_LINE.match(test_line).groups()
    assert num_examples == '10000'
    assert float(precision) > 0.6, evaluated.stdout  # chance is 0.1


def test_a_killed_worker_rejoins_when_restarted(make_tasks, tmp_path):
    # Far more steps than it takes worker 1 to reach local step 100, however loaded the machine.
    tasks = make_tasks(flags=FAKE + ['--sync_replicas', '--train_steps', '1000',
                                     '--log_dir', str(tmp_path / 'log')])
    ps, ps_log = tasks.start('ps', 0)
    chief, chief_log = tasks.start('worker', 0)
    worker, worker_log = tasks.start('worker', 1)
    wait_for_line(worker_log, r'^worker 1: local step 100,', worker)
    # The chief is frozen while worker 1 is away, so that the run cannot end
    # before worker 1 is back, however slow its restart.
    os.kill(chief.pid, signal.SIGSTOP)
    try:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        worker, worker_log = tasks.start('worker', 1)
        rejoined_at = int(wait_for_line(worker_log, r'^worker 1: starting at global step (\d+)',
                                        worker)[1])
    finally:
        os.kill(chief.pid, signal.SIGCONT)
    assert 50 <= rejoined_at < 1000  # mid-run
    done = done_lines(finish(worker, worker_log) + finish(chief, chief_log))
    assert done[0][0] == done[1][0] == 1000
    assert done[1][1] > 0  # the restarted worker trained
    assert 'every worker is done' in finish(ps, ps_log)


def restart_chief(tasks, log_dir, saved):
    """Starts worker 0 again; checks it resumes from model.ckpt-`saved`; returns its first global step."""
    chief, chief_log = tasks.start('worker', 0)
    wait_for_line(chief_log, r'^worker 0 \(chief\): resuming from %s\.$'
                  % re.escape(str(log_dir / ('model.ckpt-%d' % saved))), chief)
    resumed_at = int(wait_for_line(chief_log, r'^worker 0: starting at global step (\d+)', chief)[1])
    # The checkpoint's step, give or take the steps worker 1 was waiting to finish.
    assert saved <= resumed_at <= saved + 10
    return resumed_at


def test_a_stopped_chief_resumes_from_its_last_checkpoint(make_tasks, tmp_path):
    log_dir = tmp_path / 'log'
    tasks = make_tasks(flags=FAKE + ['--sync_replicas', '--train_steps', '500',
                                     '--checkpoint_every', '100', '--log_dir', str(log_dir)])
    ps, ps_log = tasks.start('ps', 0)
    chief, chief_log = tasks.start('worker', 0)
    worker, worker_log = tasks.start('worker', 1)
    wait_for_line(chief_log, r'^worker 0: local step 150,', chief)
    # Ctrl-C: the chief saves a checkpoint where it stops (and leaves the sync
    # token queue open for the next chief).
    os.kill(chief.pid, signal.SIGINT)
    chief.wait(60)
    assert chief.returncode == 130, chief_log.read_text()
    stopped_at = int(re.search(r'worker 0: interrupted at global step (\d+)', chief_log.read_text())[1])
    saved = latest_checkpoint_step(log_dir)
    assert 110 <= saved <= stopped_at  # not the periodic checkpoint of step 100 or so
    resumed_at = restart_chief(tasks, log_dir, saved)
    # SIGKILL: the chief resumes from the last checkpoint it saved on its own.
    chief, chief_log = tasks.processes[-1], tasks.last_log
    wait_for_line(chief_log, r'^worker 0: local step 150,', chief)
    os.kill(chief.pid, signal.SIGKILL)
    chief.wait()
    saved = latest_checkpoint_step(log_dir)
    assert resumed_at < saved < 500  # a periodic checkpoint of the restarted chief
    restart_chief(tasks, log_dir, saved)
    chief, chief_log = tasks.processes[-1], tasks.last_log
    done = done_lines(finish(chief, chief_log) + finish(worker, worker_log))
    assert done[0][0] == done[1][0] == 500
    assert latest_checkpoint_step(log_dir) == 500
    assert 'every worker is done' in finish(ps, ps_log)


def test_a_missing_ps_or_chief_is_named_within_the_startup_timeout(make_tasks, tmp_path):
    flags = ['--fake_data', '--startup_timeout', '1', '--log_dir', str(tmp_path)]
    no_ps, no_chief = make_tasks(flags=flags), make_tasks(flags=flags)
    start = time.monotonic()
    worker, worker_log = no_ps.start('worker', 0)
    ps, ps_log = no_chief.start('ps', 0)
    other, other_log = no_chief.start('worker', 1)
    for process, log, message in [
            (worker, worker_log, 'error: worker 0: a ps task did not answer within 1 s (--startup_timeout): '
             'ps 0 at %s: nothing listens there (connection refused). Start each ps task' % no_ps.ps_hosts),
            (other, other_log, 'error: worker 1: the chief (worker 0 at %s) did not initialize the '
             'model within 1 s (--startup_timeout): is it running?'
             % no_chief.worker_hosts.split(',')[0])]:
        process.wait(60)
        text = log.read_text()
        assert process.returncode == 1, text
        assert message in text
        assert 'Traceback' not in text
    assert time.monotonic() - start < 30
    # The probe knows a TensorFlow server by the devices it names.
    wait_for_line(ps_log, r'^ps 0: serving at', ps)
    assert replica.probe_ps(no_chief.ps_hosts, 0, timeout=10) is None
    assert replica.probe_ps(no_chief.ps_hosts, 1, timeout=10) == (
        'it is the TensorFlow server of ps 0, not of ps 1')


@contextlib.contextmanager
def serving(server_class, handler):
    """A socketserver on 127.0.0.1 in a thread; yields its host:port."""
    with server_class(('127.0.0.1', 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield '127.0.0.1:%d' % server.server_address[1]
        finally:
            server.shutdown()
            thread.join()


class Silent(socketserver.BaseRequestHandler):
    """Accepts a connection and says nothing until the client goes."""

    def handle(self):
        while self.request.recv(4096):
            pass


def test_a_ps_address_answered_by_something_else_is_named_within_the_startup_timeout(make_tasks):
    with serving(socketserver.ThreadingTCPServer, Silent) as silent, \
            serving(http.server.ThreadingHTTPServer, http.server.SimpleHTTPRequestHandler) as web:
        tasks = make_tasks(flags=['--fake_data', '--startup_timeout', '3'])
        tasks.ps_hosts = ','.join([silent, web])
        worker, log = tasks.start('worker', 1)
        worker.wait(60)  # far more than 3 s: a hang fails here
    text = log.read_text()
    assert worker.returncode == 1, text
    assert 'Traceback' not in text
    assert text.strip().splitlines()[-1] == (
        'error: worker 1: a ps task did not answer within 3 s (--startup_timeout): '
        'ps 0 at %s: it accepts connections but gives no gRPC answer; '
        'ps 1 at %s: it does not answer as a TensorFlow server: Failed parsing HTTP/2 (Expected '
        'SETTINGS frame as the first frame, got frame type 79). Start each ps task (--job_name ps '
        '--task_index N) or fix --ps_hosts.' % (silent, web))


def test_probe_ps_names_a_grpc_server_that_is_not_tensorflow():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    port = server.add_insecure_port('127.0.0.1:0')
    server.start()
    try:
        assert replica.probe_ps('127.0.0.1:%d' % port, 0, timeout=10) == (
            'it is a gRPC server but not a TensorFlow one (no tensorflow.WorkerService)')
    finally:
        server.stop(None)


def test_a_port_in_use_is_one_line(make_tasks):
    tasks = make_tasks(flags=['--fake_data', '--startup_timeout', '3'])
    with socket.socket() as holder:
        holder.bind(('127.0.0.1', 0))
        holder.listen()
        busy = '127.0.0.1:%d' % holder.getsockname()[1]
        tasks.ps_hosts = busy
        tasks.worker_hosts = tasks.worker_hosts.split(',')[0] + ',' + busy
        started = [tasks.start('ps', 0), tasks.start('worker', 1)]
        for process, _ in started:
            process.wait(60)
    for (process, log), task, flag in zip(started, ('ps 0', 'worker 1'), ('ps', 'worker')):
        text = log.read_text()
        assert process.returncode == 1, text
        assert 'Traceback' not in text
        assert text.strip().splitlines()[-1] == (
            'error: %s: cannot serve at %s (--%s_hosts): port %s: Address already in use (by another '
            'program, or by this task started twice).' % (task, busy, flag, busy.split(':')[1]))


@pytest.mark.parametrize('case', ['file', 'empty', 'read-only'])
def test_the_chiefs_log_dir_is_checked_before_it_starts_serving(case, tmp_path, request):
    log_dir = {'file': str(tmp_path / 'a_file'), 'empty': ''}.get(case)
    (tmp_path / 'a_file').write_text('not a directory')
    if case == 'read-only':
        log_dir = str(request.getfixturevalue('read_only_dir') / 'log')
    ps_hosts, worker_hosts = cluster.cluster_hosts(1, 1)
    with pytest.raises(paths.PathError) as raised:
        replica.main(['--job_name', 'worker', '--task_index', '0', '--ps_hosts', ps_hosts,
                      '--worker_hosts', worker_hosts, '--log_dir', log_dir, '--startup_timeout', '1'])
    assert str(raised.value) == {
        'file': '--log_dir %s is a file, not a directory.' % log_dir,
        'empty': '--log_dir is empty: expected a directory path.',
        'read-only': '--log_dir %s is not a writable directory: Read-only file system.' % log_dir}[case]
    with socket.socket() as s:  # no server was started: the chief's port is still free
        s.bind(('0.0.0.0', int(worker_hosts.split(':')[1])))


def _ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_launcher_forwards_ctrl_c_and_leaves_no_task_running(tmp_path):
    # Started with SIGINT ignored, as `nohup` and `&` in a script start a program (and as the
    # whole test run is started that way, the launcher inherited it and never stopped).
    launcher = subprocess.Popen(
        [sys.executable, '-m', 'mnist.cluster', '--timeout', '120', *FAKE, '--train_steps', '1000000',
         '--log_dir', str(tmp_path / 'log')],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, preexec_fn=_ignore_sigint)
    pids = []
    try:
        lines = []
        for line in launcher.stdout:
            lines.append(line)
            pids += [int(pid) for pid in re.findall(r'^\[cluster\] started \w+ \(pid (\d+)\)', line)]
            if line.startswith('[worker1] worker 1: local step 50,'):
                break
        assert len(pids) == 3, ''.join(lines)
        launcher.send_signal(signal.SIGINT)
        output = ''.join(lines) + launcher.communicate(timeout=60)[0]
        assert launcher.returncode == 130, output
        assert re.search(r'^\[worker0\] worker 0: interrupted at global step \d+', output, re.MULTILINE)
        assert latest_checkpoint_step(tmp_path / 'log') > 0  # the chief saved before stopping
        for pid in pids:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
        for pid in pids:  # the launcher's children die with it; this is in case they did not
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_launcher_fails_when_a_task_fails():
    codes, output = run_launcher('--batch_size', '0', timeout=60)
    assert sorted(codes) == ['ps0', 'worker0', 'worker1'], output
    assert 2 in codes.values() and 0 not in codes.values(), output
    assert "replica.py: error: argument --batch_size: expected a positive integer, got '0'" in output
    with pytest.raises(ValueError, match='--job_name: the launcher sets these flags itself'):
        cluster.run_cluster(1, 2, ['--job_name', 'ps'])


def test_flags_show_their_defaults_and_bad_ones_get_one_line(capsys):
    help_text = ' '.join(replica.parser().format_help().split())
    for flag in ('--ps_hosts', '--worker_hosts', '--job_name', '--task_index', '--sync_replicas',
                 '--replicas_to_aggregate', '--train_steps', '--batch_size', '--learning_rate',
                 '--hidden1', '--hidden2', '--data_dir', '--log_dir', '--seed', '--startup_timeout'):
        assert flag in help_text
    assert help_text.count('(default:') >= 15
    for argv, message in [
            (['--job_name', 'worker', '--task_index', '2', '--worker_hosts', 'a:1,b:2'],
             '--task_index 2: expected 0..1, an index into --worker_hosts'),
            (['--job_name', 'ps', '--ps_hosts', 'ps0'],
             "argument --ps_hosts: expected host:port[,host:port...], got 'ps0'")]:
        with pytest.raises(SystemExit) as exited:
            replica.main(argv)
        assert exited.value.code == 2
        assert message in capsys.readouterr().err
