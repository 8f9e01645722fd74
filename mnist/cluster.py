"""A whole ps/worker cluster on this machine: `python -m mnist.cluster --ps 1 --workers 2 [flags]`.

Starts each task of scripts/mnist_replica.py (as `python -m mnist.replica`) on
127.0.0.1 with a free port, streams their output line by line prefixed with
[ps0], [worker0], ..., forwards Ctrl-C to them, and stops every child it
started, by its process id, when one fails, when --timeout runs out and when
it is interrupted. Exits 0 when every task exited 0.

This module does not import TensorFlow.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from mnist import platforms
from mnist.flag_types import positive_float, positive_int

# Flags the launcher sets for each task itself.
OWN_FLAGS = ('--ps_hosts', '--worker_hosts', '--job_name', '--task_index')
# How long a task may take to stop after SIGINT before it gets SIGKILL.
STOP_GRACE_SECONDS = 10.0
# How long the ps tasks may take to exit once every worker has.
PS_EXIT_SECONDS = 30.0
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_ports(count):
    """`count` distinct TCP ports on 127.0.0.1 that were free a moment ago."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(('127.0.0.1', 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def cluster_hosts(num_ps, num_workers):
    """(ps_hosts, worker_hosts): comma-separated 127.0.0.1:port lists with free ports."""
    hosts = ['127.0.0.1:%d' % port for port in free_ports(num_ps + num_workers)]
    return ','.join(hosts[:num_ps]), ','.join(hosts[num_ps:])


def task_command(job_name, task_index, ps_hosts, worker_hosts, flags=()):
    """The command line of one task of mnist.replica."""
    return [sys.executable, '-u', '-m', 'mnist.replica', '--ps_hosts', ps_hosts,
            '--worker_hosts', worker_hosts, '--job_name', job_name,
            '--task_index', str(task_index), *flags]


def task_environment():
    """os.environ, with this package importable whatever the working directory."""
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(p for p in (_PACKAGE_PARENT, env.get('PYTHONPATH')) if p)
    return env


def start_task(command, output=None):
    """Starts one task in its own process group (Ctrl-C reaches it through the launcher only).

    On Linux the task dies with the launcher, so none is orphaned.

    Its stdout and stderr go to `output` (a file), or to a pipe when None.
    """
    return subprocess.Popen(command, stdout=output or subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=task_environment(),
                            text=True, bufsize=1, **platforms.own_process_group())


def stop(processes, grace=STOP_GRACE_SECONDS):
    """Ctrl-C to each running process, then SIGKILL to those still running after `grace` seconds."""
    running = [p for p in processes if p.poll() is None]
    for p in running:
        platforms.interrupt(p)
    deadline = time.monotonic() + grace
    for p in running:
        try:
            p.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            platforms.kill_group(p)
            p.wait()


class Cluster:
    """The running tasks: {name: Popen}, with a thread each that prefixes and prints its output."""

    def __init__(self, num_ps, num_workers, flags, out=None):
        self.out = out or sys.stdout
        self._lock = threading.Lock()
        ps_hosts, worker_hosts = cluster_hosts(num_ps, num_workers)
        self.tasks = {}
        self.stopped = set()  # the names of the tasks the launcher stopped
        self._readers = []
        try:
            for job, count, in (('ps', num_ps), ('worker', num_workers)):
                for index in range(count):
                    name = '%s%d' % (job, index)
                    self.tasks[name] = start_task(
                        task_command(job, index, ps_hosts, worker_hosts, flags))
                    self.say('started %s (pid %d)' % (name, self.tasks[name].pid))
        except BaseException:
            self.stop()
            raise
        # Started after every fork: a thread must not hold a lock while a child is forked.
        for name, process in self.tasks.items():
            reader = threading.Thread(target=self._relay, args=(name, process), daemon=True)
            reader.start()
            self._readers.append(reader)

    def say(self, line, name='cluster'):
        with self._lock:
            print('[%s] %s' % (name, line.rstrip('\n')), file=self.out, flush=True)

    def _relay(self, name, process):
        for line in process.stdout:
            self.say(line, name)

    def wait(self, timeout):
        """Waits for the tasks; returns {name: exit code}.

        Stops every task as soon as one fails, once `timeout` seconds have gone,
        and when the ps tasks outlive the workers by PS_EXIT_SECONDS.
        """
        deadline = time.monotonic() + timeout
        workers_done_at = None
        while True:
            codes = {name: p.poll() for name, p in self.tasks.items()}
            failed = sorted(name for name, code in codes.items() if code not in (None, 0))
            if failed:
                self.say('%s failed; stopping the others.' % ', '.join(failed))
                break
            if all(code == 0 for code in codes.values()):
                break
            if workers_done_at is None and all(codes[n] == 0 for n in codes if n.startswith('worker')):
                workers_done_at = time.monotonic()
            if workers_done_at is not None and time.monotonic() - workers_done_at > PS_EXIT_SECONDS:
                self.say('the workers are done but a ps is still running after %g s; stopping it.'
                         % PS_EXIT_SECONDS)
                break
            if time.monotonic() > deadline:
                self.say('--timeout %g s reached; stopping every task.' % timeout)
                break
            time.sleep(0.1)
        self.stop()
        return {name: p.returncode for name, p in self.tasks.items()}

    def stop(self):
        """Stops every task still running (SIGINT, then SIGKILL) and drains their output.

        The workers first: they need the ps tasks to save a checkpoint and finish.
        """
        self.stopped |= {name for name, p in self.tasks.items() if p.poll() is None}
        for job in ('worker', 'ps'):
            stop([p for name, p in self.tasks.items() if name.startswith(job)])
        for reader in self._readers:
            reader.join(timeout=5)


def run_cluster(num_ps, num_workers, flags=(), timeout=3600.0, out=None):
    """Runs a cluster until its tasks exit; returns {task name: exit code}.

    Ctrl-C (KeyboardInterrupt) is passed on to the tasks as SIGINT; every task is
    stopped before this returns or raises.
    """
    bad = [flag for flag in flags if flag.split('=')[0] in OWN_FLAGS]
    if bad:
        raise ValueError('%s: the launcher sets these flags itself' % ', '.join(bad))
    start = time.monotonic()
    cluster = Cluster(num_ps, num_workers, list(flags), out)
    try:
        return cluster.wait(timeout)
    except KeyboardInterrupt:
        cluster.say('interrupted; passing Ctrl-C on to every task.')
        raise
    finally:
        cluster.stop()
        cluster.say('%s in %.1f s' % (', '.join(
            '%s %s %d' % (name, 'stopped, exit' if name in cluster.stopped else 'exited', p.returncode)
            for name, p in cluster.tasks.items()), time.monotonic() - start))


def main(argv=None):
    """Parses the launcher's flags, passes the others to every task, and exits with the run's status."""
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        epilog='Every other flag goes to each task: see python scripts/mnist_replica.py --help '
               '(e.g. --train_steps 600 --data_dir D --log_dir L --sync_replicas).')
    parser.add_argument('--ps', type=positive_int, default=1, help='Number of ps tasks.')
    parser.add_argument('--workers', type=positive_int, default=2, help='Number of worker tasks.')
    parser.add_argument('--timeout', type=positive_float, default=3600.0,
                        help='Seconds after which every task is stopped and the run fails.')
    args, flags = parser.parse_known_args(argv)
    # SIGTERM, as from `timeout` or a job scheduler, stops the tasks like Ctrl-C does. Ctrl-C
    # itself is set too: a launcher started with SIGINT ignored (nohup, `&` in a script, and the
    # tasks it starts, which inherit that) would otherwise never pass it on.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        codes = run_cluster(args.ps, args.workers, flags, args.timeout)
    except ValueError as e:
        parser.error(str(e))
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(0 if all(code == 0 for code in codes.values()) else 1)


if __name__ == '__main__':
    main()
