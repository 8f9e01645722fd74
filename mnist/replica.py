"""Between-graph replicated training on TensorFlow's own ps/worker runtime (TF 1.x's mnist_replica.py).

Every process of the cluster runs `run_task(config)` with the same `ps_hosts`
and `worker_hosts` and its own `job_name` and `task_index`:

- A ps task holds the variables (replica_device_setter places them there) and
  exits once every worker has reported that it is done.
- A worker builds the whole model and trains it with MonitoredTrainingSession
  until the global step reaches `train_steps`, then reports to every ps.
  Worker 0 is the chief: it initializes the variables, or restores them from
  the latest checkpoint in `log_dir`, and writes checkpoints there
  (model.ckpt-<global step>, holding the variables of
  scripts/fully_connected_feed.py, so scripts/mnist_eval.py restores them;
  the state file names them relative to log_dir) and summaries.

Before it waits for anything a task checks that it can serve at its own port
(and the chief that it can write log_dir); a worker then waits at most
`startup_timeout` for each ps to answer as TensorFlow's ps, and for the chief.

Training is asynchronous unless `sync_replicas`, which averages
`replicas_to_aggregate` gradients per step with SyncReplicasOptimizer.
"""
import argparse
import contextlib
import dataclasses
import errno
import os
import re
import signal
import socket
import threading
import time
from typing import Optional, Tuple

import grpc

from mnist import checkpoints, cli, input_data, paths, platforms, training

import tensorflow as tf

v1 = tf.compat.v1

# Between two polls of its done queue a ps task returns to Python, to see Ctrl-C.
PS_POLL_SECONDS = 1.0


class ClusterError(Exception):
    """A cluster that cannot train: a port in use, a ps that does not answer, a chief that never started."""


@dataclasses.dataclass
class ReplicaConfig:
    """One task's settings; every task of a cluster gets the same ones but job_name and task_index."""
    ps_hosts: Tuple[str, ...] = ('localhost:2222',)
    worker_hosts: Tuple[str, ...] = ('localhost:2223', 'localhost:2224')
    job_name: str = 'worker'
    task_index: int = 0
    model: str = 'fully_connected'
    sync_replicas: bool = False
    replicas_to_aggregate: Optional[int] = None  # None: one gradient from each worker
    train_steps: int = 2000
    batch_size: int = 100
    learning_rate: Optional[float] = None         # None: the model's tutorial rate
    hidden1: int = 128
    hidden2: int = 32
    keep_prob: float = 0.5
    data_dir: str = 'MNIST_data'
    log_dir: str = os.path.join(training.LOG_ROOT, 'mnist_replica')
    fake_data: bool = False
    seed: Optional[int] = None
    log_every: int = 100
    checkpoint_every: int = 1000
    startup_timeout: float = 120.0

    @property
    def name(self):
        return '%s %d' % (self.job_name, self.task_index)

    @property
    def hosts(self):
        """The addresses of this task's job."""
        return self.ps_hosts if self.job_name == 'ps' else self.worker_hosts

    @property
    def is_chief(self):
        return self.job_name == 'worker' and self.task_index == 0


def cluster_spec(config):
    """The cluster of config's ps and worker hosts."""
    return v1.train.ClusterSpec({'ps': list(config.ps_hosts), 'worker': list(config.worker_hosts)})


def done_queue(ps_index, num_workers):
    """The queue on ps task `ps_index` that each worker puts its task index into when it is done.

    The ps and the workers each build it in their own graph; shared_name makes
    it one queue on the ps.
    """
    with tf.device('/job:ps/task:%d' % ps_index):
        return v1.FIFOQueue(num_workers, tf.int32, shapes=[], name='done_queue%d' % ps_index,
                            shared_name='done_queue%d' % ps_index)


def task_session_config(config):
    """Lets a task talk to the ps tasks and itself only, so no worker waits for another."""
    return v1.ConfigProto(device_filters=[
        '/job:ps', '/job:%s/task:%d' % (config.job_name, config.task_index)])


def timeout_options(seconds):
    """Session.run options that fail a call with DeadlineExceededError after `seconds`."""
    return v1.RunOptions(timeout_in_ms=int(seconds * 1000))


def probe_ps(address, task_index, timeout):
    """Asks the server at `address` for its devices; None if it is ps `task_index`, else what is wrong.

    Accepting TCP connections is not enough: a worker whose ps address is
    answered by something else (an HTTP server, a silent process) would wait
    in TensorFlow's session setup forever. So this calls the GetStatus method
    of TensorFlow's gRPC worker service, which every tf.train.Server answers
    with the names of its devices, such as /job:ps/replica:0/task:0/device:CPU:0.
    """
    with grpc.insecure_channel(address) as channel:
        get_status = channel.unary_unary('/tensorflow.WorkerService/GetStatus')
        try:
            reply = get_status(b'', timeout=timeout)  # b'': an empty GetStatusRequest
        except grpc.RpcError as e:
            code, details = e.code(), e.details() or ''
            if code == grpc.StatusCode.DEADLINE_EXCEEDED:
                return 'it accepts connections but gives no gRPC answer'
            if code == grpc.StatusCode.UNIMPLEMENTED:
                return 'it is a gRPC server but not a TensorFlow one (no tensorflow.WorkerService)'
            if 'Connection refused' in details:
                return 'nothing listens there (connection refused)'
            # gRPC's details end with the last connection error, e.g. "UNAVAILABLE:
            # ipv4:127.0.0.1:2222: Failed parsing HTTP/2 (...)" from an HTTP server.
            last_error = re.sub(r'^[A-Z_]+: ipv[46]:\S*: ', '', details.split('last error: ')[-1])
            return 'it does not answer as a TensorFlow server: %s' % last_error
    devices = sorted(set(re.findall(rb'/job:([\w-]+)/replica:\d+/task:(\d+)', reply)))
    if (b'ps', str(task_index).encode()) in devices:
        return None
    found = ', '.join('%s %s' % (job.decode(), task.decode()) for job, task in devices) or 'no task'
    return 'it is the TensorFlow server of %s, not of ps %d' % (found, task_index)


def wait_for_ps(config):
    """Returns once every ps task answers as one; ClusterError naming those that do not, at the deadline.

    gRPC would otherwise retry an absent ps forever, and the worker would hang
    without a word.
    """
    deadline = time.monotonic() + config.startup_timeout
    problems = dict(enumerate(config.ps_hosts))  # {ps index: what is wrong with it}
    while True:
        for index in list(problems):
            remaining = deadline - time.monotonic()
            problems[index] = probe_ps(config.ps_hosts[index], index, min(2.0, max(0.1, remaining)))
            if problems[index] is None:
                del problems[index]
        if not problems:
            return
        if time.monotonic() > deadline:
            missing = '; '.join('ps %d at %s: %s' % (index, config.ps_hosts[index], problem)
                                for index, problem in sorted(problems.items()))
            raise ClusterError('%s: a ps task did not answer within %g s (--startup_timeout): %s. Start '
                               'each ps task (--job_name ps --task_index N) or fix --ps_hosts.'
                               % (config.name, config.startup_timeout, missing))
        time.sleep(0.2)


def start_server(config):
    """This task's tf.train.Server; ClusterError naming the port when it cannot listen there.

    TensorFlow only says "Could not start gRPC server"; the cause is found by
    binding the port here, as TensorFlow does (on every interface).
    """
    address = config.hosts[config.task_index]
    try:
        return v1.train.Server(cluster_spec(config), job_name=config.job_name,
                               task_index=config.task_index)
    except tf.errors.UnknownError as e:
        port = int(address.rsplit(':', 1)[1])
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(('0.0.0.0', port))
            cause = e.message
        except OSError as bind_error:
            cause = bind_error.strerror
            if bind_error.errno == errno.EADDRINUSE:
                cause += ' (by another program, or by this task started twice)'
        raise ClusterError('%s: cannot serve at %s (--%s_hosts): port %d: %s.'
                           % (config.name, address, config.job_name, port, cause)) from None


class _CtrlC:
    """Ctrl-C (or Ctrl-Break) as a flag that the loops check between steps; KeyboardInterrupt on leaving.

    A KeyboardInterrupt raised while TensorFlow is inside Session.run comes out
    as a pybind11 RuntimeError; polling the flag stops cleanly instead.
    """

    def __init__(self):
        self.pressed = False
        self._previous = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for signum in set(platforms.STOP_SIGNALS) - {signal.SIGTERM}:
                self._previous[signum] = signal.signal(signum, self._press)
        return self

    def _press(self, signum, frame):
        self.pressed = True

    def __exit__(self, exc_type, exc_value, traceback):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        if self.pressed and exc_type is None:
            raise KeyboardInterrupt


@contextlib.contextmanager
def _quiet_sync_queue_runner():
    """Hides the CancelledError traceback of the chief's sync queue runner thread at the end.

    That thread waits for the gradients of a step that nobody computes any more,
    and closing the session cancels it: an expected end, not an error.
    """
    previous = threading.excepthook

    def hook(args):
        if not (issubclass(args.exc_type, tf.errors.CancelledError)
                and args.thread.name.startswith('QueueRunnerThread')):
            previous(args)

    threading.excepthook = hook
    try:
        yield
    finally:
        threading.excepthook = previous


class SyncReplicasOptimizer(v1.train.SyncReplicasOptimizer):
    """TensorFlow's SyncReplicasOptimizer, but the chief's queue runner never closes the token queue.

    TensorFlow's runner closes the sync token queue on the ps whenever the
    chief's session closes: at the end, on Ctrl-C, and when
    MonitoredTrainingSession recreates the session after a transient
    AbortedError (seen here once in some 12,000 steps on a loaded machine). A
    closed queue cannot be reopened, so every later step, and a restarted
    chief, would fail. Instead the queue stays open and the chief, when it
    stops, enqueues a token for each worker (release_op) so that none waits
    for one forever.
    """

    def __init__(self, opt, replicas_to_aggregate, total_num_replicas):
        super().__init__(opt, replicas_to_aggregate, total_num_replicas)
        self._num_workers = total_num_replicas
        self._open_runner = None
        self.release_op = None

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        train_op = super().apply_gradients(grads_and_vars, global_step, name)
        self.release_op = self.get_init_tokens_op(self._num_workers)
        return train_op

    def get_chief_queue_runner(self):
        if self._open_runner is None:
            runner = super().get_chief_queue_runner()
            self._open_runner = v1.train.QueueRunner(runner.queue, runner.enqueue_ops,
                                                     close_op=tf.no_op(), cancel_op=tf.no_op())
        return self._open_runner


def run_ps(config):
    """Serves the variables until every worker has put its index in this task's done queue."""
    num_workers = len(config.worker_hosts)
    server = start_server(config)
    print('%s: serving at %s; waiting for %d workers.'
          % (config.name, config.ps_hosts[config.task_index], num_workers), flush=True)
    done = set()
    with tf.Graph().as_default(), _CtrlC() as ctrl_c:
        dequeue = done_queue(config.task_index, num_workers).dequeue()
        with v1.Session(server.target, config=task_session_config(config)) as sess:
            while len(done) < num_workers and not ctrl_c.pressed:
                try:
                    worker = int(sess.run(dequeue, options=timeout_options(PS_POLL_SECONDS)))
                except tf.errors.DeadlineExceededError:
                    continue
                done.add(worker)
                print('%s: worker %d is done (%d of %d).'
                      % (config.name, worker, len(done), num_workers), flush=True)
        if not ctrl_c.pressed:
            print('%s: every worker is done; exiting.' % config.name, flush=True)
    return {'task': config.name, 'workers_done': len(done)}


def _build(config, cluster):
    """Builds the replicated model; returns (ModelGraph, SyncReplicasOptimizer or None)."""
    learning_rate = (training.MODELS[config.model].LEARNING_RATE if config.learning_rate is None
                     else config.learning_rate)
    optimizer = training.MODELS[config.model].optimizer(learning_rate)
    if config.sync_replicas:
        optimizer = SyncReplicasOptimizer(
            optimizer, replicas_to_aggregate=config.replicas_to_aggregate or len(config.worker_hosts),
            total_num_replicas=len(config.worker_hosts))
    worker_device = '/job:worker/task:%d' % config.task_index
    with v1.device(v1.train.replica_device_setter(worker_device=worker_device, cluster=cluster)):
        graph = training.build_graph(config.model, learning_rate, config.hidden1, config.hidden2,
                                     optimizer=optimizer)
    return graph, optimizer if config.sync_replicas else None


def _wait_for_chief(config, server, ctrl_c):
    """Returns once the chief has initialized (or restored) every variable; ClusterError at the deadline.

    MonitoredTrainingSession would check only every 30 s, long enough for a
    small run to end without this worker.
    """
    print('%s: waiting for the chief to initialize the model.' % config.name, flush=True)
    uninitialized = v1.report_uninitialized_variables(v1.global_variables())
    deadline = time.monotonic() + config.startup_timeout
    with v1.Session(server.target, config=task_session_config(config)) as sess:
        while True:
            if ctrl_c.pressed:
                raise KeyboardInterrupt
            if not len(sess.run(uninitialized, options=timeout_options(config.startup_timeout))):
                return
            if time.monotonic() > deadline:
                raise ClusterError('%s: the chief (worker 0 at %s) did not initialize the model '
                                   'within %g s (--startup_timeout): is it running?'
                                   % (config.name, config.worker_hosts[0], config.startup_timeout))
            time.sleep(0.2)


def _announce_resume(config):
    """Prints whether the chief starts afresh or resumes, and from which checkpoint.

    MonitoredTrainingSession restores what the state file names; the state file
    is first pointed at the newest readable checkpoint on disk, so a stale or
    garbage one cannot make the chief start again from step 0.
    """
    latest = checkpoints.newest(config.log_dir) if checkpoints.checkpoint_paths(config.log_dir) else None
    if latest:
        checkpoints.write_state_file(config.log_dir, latest)
        print('%s (chief): resuming from %s.' % (config.name, latest), flush=True)
    else:
        print('%s (chief): no checkpoint in %s; initializing the variables.'
              % (config.name, config.log_dir), flush=True)


def _finish(config, server, graph, sync_optimizer, done_ops):
    """After training: the chief releases the workers waiting for sync tokens; runs done_ops.

    Returns the global step.
    """
    with v1.Session(server.target, config=task_session_config(config)) as sess:
        options = timeout_options(config.startup_timeout)
        if config.is_chief and sync_optimizer is not None:
            sess.run(sync_optimizer.release_op, options=options)
        global_step = int(sess.run(graph.global_step, options=options))
        sess.run(done_ops, options=options)
    return global_step


def run_worker(config):
    """Trains until the global step reaches config.train_steps; returns this worker's metrics."""
    if config.is_chief:
        paths.writable_dir(config.log_dir, '--log_dir')
    server = start_server(config)
    wait_for_ps(config)
    # Each worker its own batch order; the same seed repeats a run's data.
    data_seed = None if config.seed is None else config.seed + config.task_index
    data_sets = input_data.read_data_sets(config.data_dir, fake_data=config.fake_data,
                                          seed=data_seed)
    metrics = {'task': config.name, 'local_steps': 0, 'loss': None}
    with tf.Graph().as_default(), _CtrlC() as ctrl_c, _quiet_sync_queue_runner():
        if config.seed is not None:
            v1.set_random_seed(config.seed)
        graph, sync_optimizer = _build(config, cluster_spec(config))
        hooks = [v1.train.StopAtStepHook(last_step=config.train_steps)]
        if sync_optimizer is not None:
            hooks.append(sync_optimizer.make_session_run_hook(config.is_chief))
        done_ops = [done_queue(i, len(config.worker_hosts)).enqueue(config.task_index)
                    for i in range(len(config.ps_hosts))]
        # Saved by the chief itself, not sharded onto the ps tasks: log_dir
        # need only exist on the chief's machine.
        with tf.device('/job:worker/task:%d' % config.task_index):
            # Relative paths in the checkpoint state file: a moved or copied log_dir
            # resumes from its own files.
            scaffold = v1.train.Scaffold(saver=v1.train.Saver(max_to_keep=5, save_relative_paths=True))
        if config.is_chief:
            _announce_resume(config)
        else:
            _wait_for_chief(config, server, ctrl_c)
        with v1.train.MonitoredTrainingSession(
                master=server.target, is_chief=config.is_chief, checkpoint_dir=config.log_dir,
                scaffold=scaffold, hooks=hooks, save_checkpoint_steps=config.checkpoint_every,
                save_checkpoint_secs=None, save_summaries_steps=config.log_every,
                config=task_session_config(config), stop_grace_period_secs=2,
                max_wait_secs=config.startup_timeout, log_step_count_steps=0) as sess:
            _train(config, sess, graph, data_sets, metrics, ctrl_c)
        # An interrupted worker does not report done: the ps keeps serving so it can be restarted.
        metrics['global_step'] = _finish(config, server, graph, sync_optimizer,
                                         [] if ctrl_c.pressed else done_ops)
        if config.is_chief:
            metrics['checkpoint'] = checkpoints.newest(config.log_dir)
        _report(config, metrics, ctrl_c.pressed)
    return metrics


def _report(config, metrics, interrupted):
    """Prints a worker's last line."""
    loss = 'none' if metrics['loss'] is None else '%.3f' % metrics['loss']
    print('%s: %s at global step %d after %d local steps in %.1f s (%.1f global steps/s); '
          'last loss %s.' % (config.name, 'interrupted' if interrupted else 'done',
                             metrics['global_step'], metrics['local_steps'], metrics['seconds'],
                             metrics['global_steps_per_sec'], loss), flush=True)


def _train(config, sess, graph, data_sets, metrics, ctrl_c):
    """The training loop: one batch a step until a hook stops it or Ctrl-C; fills in `metrics`."""
    # Read without hooks (the summary hook would want the placeholders fed).
    start_step = sess.run_step_fn(lambda step_context: step_context.session.run(graph.global_step))
    print('%s: starting at global step %d.' % (config.name, start_step), flush=True)
    step = start_step
    start_time = time.time()
    try:
        # A worker that joins after the end must not run a step: in sync mode it
        # could wait for a token that nobody enqueues any more.
        while step < config.train_steps and not sess.should_stop() and not ctrl_c.pressed:
            images, labels = data_sets.train.next_batch(config.batch_size, config.fake_data)
            _, loss, step = sess.run([graph.train_op, graph.loss, graph.global_step],
                                     graph.feed(images, labels, config.keep_prob))
            metrics['local_steps'] += 1
            metrics['loss'] = float(loss)
            if metrics['local_steps'] % config.log_every == 0:
                print('%s: local step %d, global step %d, loss %.3f'
                      % (config.name, metrics['local_steps'], step, loss), flush=True)
    finally:
        metrics['seconds'] = time.time() - start_time
        metrics['global_steps_per_sec'] = (step - start_step) / max(metrics['seconds'], 1e-9)


def run_task(config):
    """Runs this process's task of the cluster; returns its metrics as a dict."""
    if config.job_name == 'ps':
        return run_ps(config)
    return run_worker(config)


def host_list(text):
    """argparse type: comma-separated host:port addresses."""
    hosts = tuple(h.strip() for h in text.split(',') if h.strip())
    for host in hosts:
        name, _, port = host.rpartition(':')
        if not name or not port.isdigit() or not 0 < int(port) < 65536:
            raise argparse.ArgumentTypeError('expected host:port[,host:port...], got %r' % host)
    if not hosts:
        raise argparse.ArgumentTypeError('expected at least one host:port')
    return hosts


def parser():
    """The flags of scripts/mnist_replica.py (one process of the cluster)."""
    defaults = ReplicaConfig()
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--ps_hosts', type=host_list, default=','.join(defaults.ps_hosts),
                   help='Comma-separated host:port of the parameter servers.')
    p.add_argument('--worker_hosts', type=host_list, default=','.join(defaults.worker_hosts),
                   help='Comma-separated host:port of the workers; the first is the chief.')
    p.add_argument('--job_name', required=True, choices=('ps', 'worker'),
                   help='This process\'s job.')
    p.add_argument('--task_index', type=int, default=defaults.task_index,
                   help='This process\'s index in its job\'s host list.')
    p.add_argument('--model', default=defaults.model, choices=sorted(training.MODELS),
                   help='The model to train.')
    p.add_argument('--sync_replicas', action='store_true',
                   help='Synchronous training: each step averages --replicas_to_aggregate '
                        'gradients (SyncReplicasOptimizer). Default: asynchronous.')
    p.add_argument('--replicas_to_aggregate', type=cli.positive_int, default=None,
                   help='With --sync_replicas, gradients per step; default: the number of workers.')
    p.add_argument('--train_steps', type=cli.positive_int, default=defaults.train_steps,
                   help='Every worker stops when the global step reaches this.')
    p.add_argument('--batch_size', type=cli.positive_int, default=defaults.batch_size,
                   help='Batch size of each worker.')
    p.add_argument('--learning_rate', type=cli.learning_rate, default=None,
                   help='Learning rate; default: the model\'s tutorial rate (0.5 softmax, '
                        '0.01 fully_connected, 1e-4 cnn).')
    p.add_argument('--hidden1', type=cli.positive_int, default=defaults.hidden1,
                   help='Number of units in hidden layer 1 (fully_connected).')
    p.add_argument('--hidden2', type=cli.positive_int, default=defaults.hidden2,
                   help='Number of units in hidden layer 2 (fully_connected).')
    p.add_argument('--keep_prob', type=cli.keep_probability, default=defaults.keep_prob,
                   help='Dropout keep probability while training (cnn).')
    p.add_argument('--data_dir', type=cli.data_dir, default=defaults.data_dir,
                   help='Directory with the four MNIST files (gzipped or not); they are '
                        'downloaded there if missing.')
    p.add_argument('--log_dir', default=defaults.log_dir,
                   help='The chief\'s directory for checkpoints and summaries; a restarted '
                        'chief resumes from the latest checkpoint there.')
    p.add_argument('--fake_data', action='store_true',
                   help='If true, uses fake data for unit testing.')
    p.add_argument('--seed', type=int, default=None,
                   help='Seed for initialization; worker N shuffles its batches with seed + N.')
    p.add_argument('--log_every', type=cli.positive_int, default=defaults.log_every,
                   help='Log a line every this many local steps (and write summaries every this '
                        'many global steps).')
    p.add_argument('--checkpoint_every', type=cli.positive_int, default=defaults.checkpoint_every,
                   help='The chief saves a checkpoint every this many global steps, and at the end.')
    p.add_argument('--startup_timeout', type=cli.positive_float, default=defaults.startup_timeout,
                   help='Seconds a worker waits for the ps tasks to answer and for the chief to '
                        'initialize the model before it gives up.')
    return p


def main(argv=None):
    """Parses one task's flags and runs it."""
    p = parser()
    args = p.parse_args(argv)
    config = ReplicaConfig(**vars(args))
    if not 0 <= config.task_index < len(config.hosts):
        p.error('--task_index %d: expected 0..%d, an index into --%s_hosts'
                % (config.task_index, len(config.hosts) - 1, config.job_name))
    return run_task(config)


if __name__ == '__main__':
    cli.run(main, errors=(ClusterError,))
