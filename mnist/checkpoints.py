"""Checkpoints a user can trust: start or resume a run, save safely, stop on a signal or on divergence.

Every script that saves or restores a model goes through this module. A
training script holds its log_dir for the whole run:

    with checkpoints.TrainingRun(log_dir, resume, overwrite) as run:   # lock, checks
        ...build the graph, saver = tf.compat.v1.train.Saver(max_to_keep=None)...
        step = run.start(sess, saver)          # initialize, or restore with --resume
        for step in range(step, max_steps):
            run.stop_if_signalled(sess)        # Ctrl-C or SIGTERM: save, then stop
            ..._, loss_value = sess.run([train_op, loss], feed_dict)...
            run.check_loss(step, loss_value)   # NaN or inf: stop before saving it
            ...run.save(sess)...               # model.ckpt-<global step>

What it guarantees:
- Checkpoints are found from the files on disk, newest first, not from the
  `checkpoint` state file (which may be stale, hold absolute paths of a
  moved directory, or be garbage). With --resume the newest one that really
  restores is used, and each newer one that does not is named with the reason.
- A fresh run refuses a log_dir that already holds checkpoints, unless
  --overwrite asks it to delete them.
- One training run per log_dir at a time (platforms.lock: a lock whose
  process has died never blocks).
- A save writes the checkpoint, then the state file (atomically, relative
  paths), then deletes the oldest beyond MAX_TO_KEEP, earlier runs' included.
  Before training, a run refuses a file system without room for the
  checkpoints it will keep (MAX_TO_KEEP + 1 during a save) and its events file.
  A kill at any moment leaves the newest complete checkpoint resumable, and a
  save that fails leaves no half-written checkpoint behind.
- Non-finite weights are never saved.

Log dirs whose names hold glob characters ([, ], *, ?) work: TensorFlow's
checkpoint reader treats its path as a glob, so such checkpoints are read from
inside their directory, by their own names (which hold none).
"""
import contextlib
import glob
import math
import os
import re
import shutil
import signal
import sys
import threading

from mnist import paths, platforms

import tensorflow as tf

v1 = tf.compat.v1

CHECKPOINT_NAME = 'model.ckpt'
STATE_FILE = 'checkpoint'
LOCK_FILE = '.training.lock'
MAX_TO_KEEP = 5
# The events file holds the graph and the meta graph (each about a checkpoint's .meta), then the
# summaries, for which this much room is asked: a scalar takes about 30 bytes (the 6000 steps of
# `mnist_softmax.py --max_steps 6000` write 2 KB of them). Histograms take more.
SUMMARIES_BYTES = 32 << 10
# Any file of a checkpoint: its index, its data shards, its meta graph.
_CHECKPOINT_FILE = re.compile(r'^%s-(\d+)\.(index|meta|data-\d+-of-\d+)$' % re.escape(CHECKPOINT_NAME))


class CheckpointError(Exception):
    """A checkpoint that is missing, unreadable, of another model, or cannot be written."""


class Diverged(Exception):
    """The loss or the weights became NaN or infinite; nothing non-finite was saved."""


class Stopped(Exception):
    """Training stopped on a signal after saving a checkpoint; exit_code is 128 + the signal."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.exit_code = 128 + signum


def checkpoint_paths(log_dir):
    """The prefixes of the checkpoints in log_dir, complete or not, newest (highest step) first."""
    try:
        names = os.listdir(log_dir)
    except FileNotFoundError:
        return []
    except OSError as e:
        raise CheckpointError('%s cannot be read: %s.' % (log_dir, e.strerror)) from None
    steps = sorted({int(m.group(1)) for m in map(_CHECKPOINT_FILE.match, names) if m}, reverse=True)
    return [os.path.join(log_dir, '%s-%d' % (CHECKPOINT_NAME, step)) for step in steps]


@contextlib.contextmanager
def _tensorflow_path(path):
    """Yields `path`, or within the block its name alone from inside its directory.

    TensorFlow's readers take a path as a glob; a checkpoint's own name
    (model.ckpt-N) holds no glob character, but its directory's may. The
    working directory is the process's, so the block is kept short.
    """
    directory = os.path.dirname(path)
    if not glob.has_magic(directory):
        yield path
        return
    previous = os.getcwd()
    os.chdir(directory)
    try:
        yield os.path.basename(path)
    finally:
        os.chdir(previous)


@contextlib.contextmanager
def _quiet_tensorflow_logger():
    """Hides TensorFlow's Python warnings (deprecation notices) inside the block."""
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel('ERROR')
    try:
        yield
    finally:
        logger.setLevel(level)


def _first_line(error):
    """The first line of an error's message, or its type's name if it has none.

    For TensorFlow's "Graph execution error:", the failed op's own message,
    which holds the reason: the line after "Node: '...'", or, from an executor
    that names no node (see training.EXECUTORS), the next line.
    """
    lines = [line.strip() for line in (getattr(error, 'message', None) or str(error)).splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return type(error).__name__
    if lines[0] == 'Graph execution error:':
        for i, line in enumerate(lines[:-1]):
            if line.startswith('Node: '):
                return lines[i + 1]
        return lines[1] if len(lines) > 1 else lines[0]
    return lines[0]


def variables(checkpoint_path):
    """Returns {variable name: shape} saved in a checkpoint; CheckpointError if it is unreadable."""
    if not os.path.exists(checkpoint_path + '.index'):
        raise CheckpointError('%s is not a checkpoint: %s.index does not exist.'
                              % (checkpoint_path, checkpoint_path))
    try:
        with _tensorflow_path(checkpoint_path) as path:
            return tf.train.load_checkpoint(path).get_variable_to_shape_map()
    except (tf.errors.OpError, ValueError) as e:
        raise CheckpointError('%s is not a readable checkpoint: %s'
                              % (checkpoint_path, _first_line(e))) from None


def write_state_file(log_dir, checkpoint_path):
    """Points log_dir's state file at checkpoint_path, listing the newest MAX_TO_KEEP; paths relative.

    The file is replaced atomically. For TensorFlow's own readers
    (tf.train.latest_checkpoint, MonitoredTrainingSession, TensorBoard).
    """
    kept = [p for p in checkpoint_paths(log_dir)[:MAX_TO_KEEP] if os.path.exists(p + '.index')]
    try:
        # Deprecated in favour of tf.train.CheckpointManager, which does not work
        # with a Session; it still writes the state file atomically.
        with _quiet_tensorflow_logger():
            v1.train.update_checkpoint_state(
                os.path.abspath(log_dir), os.path.basename(checkpoint_path),
                [os.path.basename(p) for p in reversed(kept) if p != checkpoint_path]
                + [os.path.basename(checkpoint_path)])
    except tf.errors.OpError as e:
        raise CheckpointError('could not write %s: %s'
                              % (os.path.join(log_dir, STATE_FILE), _first_line(e))) from None


def read_tensor(checkpoint_path, name):
    """The numpy value of variable `name` saved in a checkpoint."""
    with _tensorflow_path(checkpoint_path) as path:
        return tf.train.load_checkpoint(path).get_tensor(name)


def newest(log_dir):
    """The newest checkpoint in log_dir whose index reads; CheckpointError naming what is there if none."""
    found = checkpoint_paths(log_dir)
    for path in found:
        try:
            variables(path)
            return path
        except CheckpointError:
            continue
    if found:
        raise CheckpointError('No readable checkpoint in %s: %s are all damaged.'
                              % (log_dir, ', '.join(os.path.basename(p) for p in found)))
    raise CheckpointError('No checkpoint in %s: expected model.ckpt-<step>.index and .data files, '
                          'as a training script writes them.' % log_dir)


def restore(sess, checkpoint_path, model, var_list=None, saver=None):
    """Restores `var_list` (default: every global variable) after checking the checkpoint holds them.

    Raises CheckpointError naming the missing or misshapen variables, or the
    corruption, instead of TensorFlow's traceback; `model` names the graph in
    those messages. `saver` (a Saver of var_list) saves building another.
    """
    var_list = v1.global_variables() if var_list is None else var_list
    saved = variables(checkpoint_path)
    needed = {v.op.name: v.shape.as_list() for v in var_list}
    missing = sorted(set(needed) - set(saved))
    if missing:
        held = sorted(saved)
        raise CheckpointError('%s is not a %s checkpoint: it lacks %s (it holds %s%s).'
                              % (checkpoint_path, model, ', '.join(missing), ', '.join(held[:8]),
                                 ', ...' if len(held) > 8 else ''))
    for name, shape in sorted(needed.items()):
        if list(saved[name]) != shape:
            raise CheckpointError('%s: variable %s has shape %s, but this %s graph expects %s.'
                                  % (checkpoint_path, name, list(saved[name]), model, shape))
    saver = saver or v1.train.Saver(var_list)
    try:
        # Saver.restore would first look the path up as a glob; the restore op reads it directly.
        with _tensorflow_path(checkpoint_path) as path:
            sess.run(saver.saver_def.restore_op_name, {saver.saver_def.filename_tensor_name: path})
    except tf.errors.OpError as e:
        raise CheckpointError('%s is corrupt: %s' % (checkpoint_path, _first_line(e))) from None


def _all_finite():
    """A bool scalar op: every trainable variable of the default graph is finite."""
    return tf.reduce_all([tf.reduce_all(tf.math.is_finite(v)) for v in v1.trainable_variables()])


def _checkpoint_files(prefix):
    """The names of one checkpoint's files: its index, its meta graph and its data shards."""
    return [prefix + '.index', prefix + '.meta'] + glob.glob(glob.escape(prefix) + '.data-*')


def _remove_checkpoint(prefix):
    """Deletes the files of one checkpoint (and a save's leftovers), by their exact names."""
    for path in _checkpoint_files(prefix):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
    for temp in glob.glob(glob.escape(prefix) + '_temp*'):
        shutil.rmtree(temp, ignore_errors=True)


class TrainingRun:
    """One training run's hold on its log_dir: the lock, resume, safe saves and stop signals."""

    def __init__(self, log_dir, resume=False, overwrite=False, model='model'):
        """Checks and locks log_dir; raises CheckpointError or paths.PathError with one clear line.

        Call it before reading the data, so a wrong --log_dir costs nothing.
        """
        if resume and overwrite:
            raise CheckpointError('--resume and --overwrite contradict each other: choose one.')
        self.log_dir = paths.writable_dir(log_dir, '--log_dir')
        self.model = model
        self.resume = resume
        self.overwrite = overwrite
        self.last_checkpoint = None
        self.stop_signal = None
        self._previous_handlers = {}
        self._unblock_stop_signals = lambda: None
        self._lock = self._take_lock()
        try:
            self.found = checkpoint_paths(self.log_dir)
            if self.found and not (resume or overwrite):
                raise CheckpointError(
                    '%s holds checkpoints of an earlier run (newest %s). Continue it with --resume, '
                    'start again with --overwrite (which deletes them), or choose another --log_dir.'
                    % (self.log_dir, os.path.basename(self.found[0])))
        except BaseException:
            self.close()
            raise

    def _take_lock(self):
        """Takes log_dir's lock file, or raises CheckpointError naming the process that holds it."""
        try:
            return platforms.lock(os.path.join(self.log_dir, LOCK_FILE))
        except platforms.LockHeld as e:
            raise CheckpointError('%s is in use by another training run (%s): wait for it to '
                                  'finish, or choose another --log_dir.' % (self.log_dir, e.holder)) from None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Puts the signal handlers back and releases the lock."""
        self._unblock_stop_signals()
        self._unblock_stop_signals = lambda: None
        for signum, handler in self._previous_handlers.items():
            # A script on its way out after a stop signal ignores more of them, so a
            # second Ctrl-C cannot cut its exit short; a notebook gets its handler back.
            exiting = self.stop_signal is not None and handler in (signal.default_int_handler,
                                                                   signal.SIG_DFL)
            signal.signal(signum, signal.SIG_IGN if exiting else handler)
        self._previous_handlers = {}
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def start(self, sess, saver):
        """Initializes the variables, or with --resume restores the newest checkpoint that restores.

        Returns the global step to continue from. From here on Ctrl-C and
        SIGTERM only ask the loop to stop (see stop_if_signalled).
        """
        graph = sess.graph
        self._saver = saver
        self._global_step = v1.train.get_global_step(graph)
        with graph.as_default():
            self._finite = _all_finite()
        self._check_room(graph)
        if self.overwrite and self.found:
            for prefix in self.found:
                _remove_checkpoint(prefix)
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(self.log_dir, STATE_FILE))
            print('Deleted %d checkpoints of an earlier run from %s (--overwrite).'
                  % (len(self.found), self.log_dir), file=sys.stderr)
            self.found = []
        sess.run(v1.global_variables_initializer())
        step = 0
        if self.resume:
            step = self._restore_newest(sess)
        self._catch_stop_signals()
        return step

    def _check_room(self, graph):
        """Refuses (PathError) a log_dir without room for the checkpoints and the events file of this run.

        A checkpoint is its variables (.data), their index and the graph (.meta).
        A save writes the new checkpoint before it deletes the oldest, so MAX_TO_KEEP + 1
        are on disk at once; with --resume the ones there count, with --overwrite
        the room of those it deletes too.
        """
        with graph.as_default():
            meta = self._saver.export_meta_graph().ByteSize()
            variables = v1.global_variables()
        data = sum(v.shape.num_elements() * v.dtype.size for v in variables)
        index = 64 * len(variables)  # a variable's name, shape and checksum
        checkpoint = paths.on_disk(data) + paths.on_disk(index) + paths.on_disk(meta)
        count = MAX_TO_KEEP + 1 - (min(len(self.found), MAX_TO_KEEP) if self.resume else 0)
        needed = count * checkpoint + paths.on_disk(2 * meta + SUMMARIES_BYTES) + paths.BLOCK_BYTES
        what = '%d checkpoints of %d KiB, the events file and the state file' % (count, checkpoint // 1024)
        if self.overwrite and self.found:
            deleted = sum(paths.on_disk(os.path.getsize(name)) for prefix in self.found
                          for name in _checkpoint_files(prefix) if os.path.exists(name))
            needed -= deleted
            what += ', less the %d KiB of the checkpoints --overwrite deletes' % (deleted // 1024)
        paths.check_room(self.log_dir, '--log_dir', needed, what)

    def _restore_newest(self, sess):
        """Restores the newest restorable, finite checkpoint of self.found; returns its global step."""
        skipped = []
        for path in self.found:
            try:
                restore(sess, path, self.model, saver=self._saver)
                if not sess.run(self._finite):
                    raise CheckpointError('%s holds NaN or infinite weights.' % path)
            except CheckpointError as e:
                skipped.append(str(e))
                continue
            for reason in skipped:
                print('Skipped a newer checkpoint: %s' % reason, file=sys.stderr)
            step = int(sess.run(self._global_step))
            print('Resumed from %s at step %d.' % (path, step))
            self.last_checkpoint = path
            return step
        if skipped:
            raise CheckpointError('--resume: no checkpoint in %s restores (nothing was changed): %s'
                                  % (self.log_dir, ' '.join(skipped)))
        print('No checkpoint in %s to resume from: starting at step 0.' % self.log_dir)
        return 0

    def _catch_stop_signals(self):
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers can only be set in the main thread
        for signum in platforms.STOP_SIGNALS:
            self._previous_handlers[signum] = signal.signal(signum, self._on_stop_signal)
        self._unblock_stop_signals = platforms.stop_signals_off_this_thread()

    def _on_stop_signal(self, signum, frame):
        # Only note it: raising here could interrupt a save halfway.
        if self.stop_signal is None:
            self.stop_signal = signum

    def stop_if_signalled(self, sess):
        """After Ctrl-C or SIGTERM: saves a checkpoint, says which, and raises Stopped."""
        if self.stop_signal is None:
            return
        step = int(sess.run(self._global_step))
        self.save(sess)
        print('%s at global step %d; saved %s. Continue with --resume.'
              % (platforms.STOP_SIGNALS[self.stop_signal], step, self.last_checkpoint), file=sys.stderr)
        raise Stopped(self.stop_signal)

    def check_loss(self, step, loss_value):
        """Raises Diverged if the loss is NaN or infinite, naming the step and the last good checkpoint."""
        if math.isfinite(loss_value):
            return
        raise Diverged('the loss is %s at step %d: training diverged (try a lower --learning_rate). '
                       'Nothing was saved after it; %s'
                       % (loss_value, step, self._last_good()))

    def _last_good(self, sentence_start=False):
        """Names the latest checkpoint (paths exactly as given), or says there is none."""
        if self.last_checkpoint:
            return '%she latest checkpoint is still %s.' % ('T' if sentence_start else 't',
                                                              self.last_checkpoint)
        return '%so checkpoint was saved.' % ('N' if sentence_start else 'n')

    def _prefix(self, step):
        return os.path.join(self.log_dir, '%s-%d' % (CHECKPOINT_NAME, step))

    def save(self, sess):
        """Saves model.ckpt-<global step> if every weight is finite; returns its path.

        Then points the state file at it (relative paths) and deletes the
        oldest checkpoints beyond MAX_TO_KEEP. Raises Diverged for non-finite
        weights, CheckpointError (naming the path) when the disk refuses.
        """
        step = int(sess.run(self._global_step))
        prefix = self._prefix(step)
        if prefix == self.last_checkpoint:  # restored or saved at this very step
            return prefix
        if not sess.run(self._finite):
            raise Diverged('the weights became NaN or infinite by step %d: not saved; %s'
                           % (step, self._last_good()))
        try:
            self._saver.save(sess, os.path.join(self.log_dir, CHECKPOINT_NAME), global_step=step,
                             write_state=False)
        except tf.errors.OpError as e:
            _remove_checkpoint(prefix)
            # TensorFlow words a failed file operation 'PATH; REASON' (the OS's strerror);
            # the path is a temporary file of the save, so only the reason is kept.
            reason = _first_line(e).rpartition('; ')[2]
            raise CheckpointError('could not save %s: %s. %s'
                                  % (prefix, reason, self._last_good(sentence_start=True))) from None
        self.last_checkpoint = prefix
        write_state_file(self.log_dir, prefix)
        for old in checkpoint_paths(self.log_dir)[MAX_TO_KEEP:]:
            _remove_checkpoint(old)
        return prefix
