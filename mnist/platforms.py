"""What differs between Linux, macOS and Windows, in one place (imports no TensorFlow).

Every other module asks here instead of using a facility that only some
systems have. Each function has a path for every system TensorFlow publishes
wheels for; where a facility is missing the portable path is taken, and
tests/test_platforms.py runs the scripts with fcntl, /proc and O_TMPFILE
taken away to prove those paths on Linux.

What each facility is on Linux and macOS / on Windows (and wherever it is missing):
- the log_dir lock: fcntl.flock, which the kernel drops with its process /
  filelock's SoftFileLock, an owner file (pid, host, start time) taken over
  once its owner has died;
- stop signals: SIGINT (Ctrl-C) and SIGTERM / SIGINT and SIGBREAK (Ctrl-Break);
- available memory: psutil, RLIMIT_AS and cgroup limits (Linux) / psutil;
- a download's unnamed file: O_TMPFILE linked through /proc/self/fd (Linux) /
  a hidden temporary file, renamed into place;
- the stderr startup filter: file descriptor 2 through a pipe / off;
- a task's process group: its own session, dying with its parent (Linux) /
  CREATE_NEW_PROCESS_GROUP, stopped with Ctrl-Break.
"""
import os
import signal
import subprocess
import sys
import threading
import warnings

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
try:
    import resource
except ImportError:  # Windows
    resource = None

import psutil

WINDOWS = sys.platform == 'win32'
# What a stop signal's message calls it: the signals a user or a scheduler sends to stop a run.
STOP_SIGNALS = {signal.SIGINT: 'Interrupted', signal.SIGTERM: 'Stopped by SIGTERM'}
if hasattr(signal, 'SIGBREAK'):  # Windows: Ctrl-Break, and what a launcher sends a task
    STOP_SIGNALS[signal.SIGBREAK] = 'Stopped by Ctrl-Break'


_signal_receivers = []  # the thread stop_signals_off_this_thread starts, one a process (again after a fork)


def stop_signals_off_this_thread():
    """From now on a thread of its own, not the calling (main) one, receives STOP_SIGNALS; returns undo().

    Python still runs the handlers in the main thread, between two steps. TensorFlow's
    single-threaded executor runs a step's ops in the calling thread, and a Ctrl-C that
    arrives there in the middle of one can abort the process ("corrupted size vs.
    prev_size") instead of letting it save. POSIX only: Windows delivers Ctrl-C and
    Ctrl-Break on a thread of their own already, and has no signal masks.
    """
    if not hasattr(signal, 'pthread_sigmask'):
        return lambda: None
    if not (_signal_receivers and _signal_receivers[-1].is_alive()):
        _signal_receivers.append(threading.Thread(target=threading.Event().wait, name='stop signals',
                                                  daemon=True))
        _signal_receivers[-1].start()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, set(STOP_SIGNALS))
    return lambda: signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# Characters Windows does not allow in a file name (a colon only after a drive letter).
WINDOWS_FORBIDDEN = '*?"<>|:'
# File descriptor 2 can be swapped for a pipe to a filter process (mnist/startup_log.py).
CAN_FILTER_STDERR = os.name == 'posix'
UNLIMITED = 2 ** 60  # cgroup v1 writes "no limit" as a number near 2**63
# Where each cgroup version keeps a memory limit and the usage counted against it, by the
# controllers field of its /proc/self/cgroup line ('' is v2's unified hierarchy).
CGROUP_MEMORY_FILES = {'': ('', 'memory.max', 'memory.current'),
                       'memory': ('memory', 'memory.limit_in_bytes', 'memory.usage_in_bytes')}


def _proc(*parts):
    """A path under /proc, or under where psutil is told it is (psutil.PROCFS_PATH)."""
    return os.path.join(getattr(psutil, 'PROCFS_PATH', '/proc'), *parts)


class LockHeld(Exception):
    """The lock is held by another process; `holder` names it ('process 1234' or 'unknown')."""

    def __init__(self, holder):
        super().__init__(holder)
        self.holder = holder


class _FlockLock:
    """An flock on `path`, which holds the owner's process id for the message of a second run."""

    def __init__(self, path):
        self._file = open(path, 'a+')
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.seek(0)
            holder = self._file.read().strip()
            self._file.close()
            raise LockHeld('process %s' % holder if holder else 'unknown') from None
        self._file.seek(0)
        self._file.truncate()
        self._file.write('%d\n' % os.getpid())
        self._file.flush()

    def close(self):
        self._file.close()  # closing releases the flock


class _OwnerFileLock:
    """filelock's SoftFileLock at `path`.owner: taken over when its owner process has died."""

    def __init__(self, path):
        with warnings.catch_warnings():  # its import warns, off Windows, that only soft locks exist
            warnings.simplefilter('ignore')
            import filelock
        # Not timeout=0: filelock before 4.3 (all there is for Python 3.10) removes a dead
        # owner's file in one attempt and takes the lock only in the next, 50 ms on.
        self._lock = filelock.SoftFileLock(path + '.owner', timeout=1)
        try:
            self._lock.acquire()
        except filelock.Timeout:
            holder = self._lock.pid
            raise LockHeld('process %d' % holder if holder else 'unknown') from None

    def close(self):
        self._lock.release()


def lock(path):
    """Takes an exclusive lock named by `path` for this process; returns an object with close().

    Raises LockHeld when another process (or another lock in this one) holds
    it. A lock whose process has died never blocks.
    """
    return _FlockLock(path) if fcntl is not None else _OwnerFileLock(path)


def forbidden_character(path, system=sys.platform):
    """The first character of `path` that `system`'s file names cannot hold, or None."""
    if system != 'win32':
        return None
    rest = path[2:] if path[1:2] == ':' else path
    return next((c for c in rest if c in WINDOWS_FORBIDDEN), None)


def _system_available_memory():
    """What the operating system counts as available (MemAvailable on Linux), or None."""
    try:
        return psutil.virtual_memory().available
    except (OSError, RuntimeError, psutil.Error):  # e.g. no /proc
        return None


def _address_space_headroom():
    """Bytes left under RLIMIT_AS (`ulimit -v`), or None where there is no such limit."""
    if resource is None:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        return max(0, soft - psutil.Process().memory_info().vms)
    except (OSError, psutil.Error):
        return soft


def _read_number(path):
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # cgroup v2 writes "max" for no limit


def cgroup_headroom(cgroups='/sys/fs/cgroup'):
    """Bytes left under this process's cgroup memory limits (v2 and v1), or None where none is set.

    Looks at the process's cgroup and each parent (the lowest headroom wins).
    """
    try:
        with open(_proc('self', 'cgroup')) as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    headrooms = []
    for line in lines:
        if line.count(':') < 2:
            continue
        _, controllers, path = line.split(':', 2)
        version = '' if controllers == '' else 'memory' if 'memory' in controllers.split(',') else None
        if version is None:
            continue
        mount, limit_file, usage_file = CGROUP_MEMORY_FILES[version]
        parts = [p for p in path.split('/') if p]
        for depth in range(len(parts), -1, -1):
            directory = os.path.join(cgroups, mount, *parts[:depth])
            limit = _read_number(os.path.join(directory, limit_file))
            usage = _read_number(os.path.join(directory, usage_file))
            if limit is not None and usage is not None and limit < UNLIMITED:
                headrooms.append(max(0, limit - usage))
    return min(headrooms) if headrooms else None


def available_memory():
    """Bytes this process can still allocate without swapping, or None where nothing says.

    The lowest of what the system counts as available, the headroom under
    RLIMIT_AS (as `ulimit -v`, batch schedulers and containers set), and under
    the cgroup's memory limit. Swap is not counted: a data set that only fits
    in swap would make training crawl.
    """
    known = [m for m in (_system_available_memory(), _address_space_headroom(), cgroup_headroom())
             if m is not None]
    return min(known) if known else None


def peak_rss_bytes():
    """This process's peak resident memory, in bytes (for the benchmark's children)."""
    try:
        with open(_proc('self', 'status')) as f:  # Linux: ru_maxrss would carry over the parent's peak
            return next(int(line.split()[1]) for line in f if line.startswith('VmHWM:')) * 1024
    except (OSError, StopIteration):
        pass
    if resource is not None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == 'darwin' else peak * 1024  # macOS counts bytes, others KiB
    return psutil.Process().memory_info().peak_wset  # Windows


def cpu_has_bfloat16():
    """True where the CPU computes bfloat16 natively (AVX512-BF16, which every AMX CPU has too).

    From NumPy's CPU feature table, which asks the CPU itself (CPUID) on every
    system. NumPy before 2.3 lists no AVX512BF16; its AVX512_SPR (Sapphire
    Rapids' set, AMX's first CPUs) implies it. NumPy 1 (with TensorFlow 2.16
    and 2.17) keeps the table in numpy.core.
    """
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:
        try:
            from numpy.core._multiarray_umath import __cpu_features__
        except ImportError:
            return False
    return bool(__cpu_features__.get('AVX512BF16') or __cpu_features__.get('AVX512_SPR'))


def open_unnamed_file(directory):
    """A file descriptor of a file in `directory` that has no name yet, or None where that cannot be.

    Linux only (O_TMPFILE, published through /proc/self/fd): a process killed
    before link_unnamed_file leaves nothing behind.
    """
    if not hasattr(os, 'O_TMPFILE') or not os.path.isdir(_proc('self', 'fd')):
        return None
    try:
        return os.open(directory, os.O_TMPFILE | os.O_RDWR, 0o644)
    except OSError:  # a file system without O_TMPFILE support
        return None


def link_unnamed_file(fd, directory, name):
    """Gives the file of open_unnamed_file the name `name` in `directory`; FileExistsError if taken."""
    # os.link calls linkat(AT_SYMLINK_FOLLOW) only when given a dir_fd; plain
    # link() would link the /proc symlink itself and fail with EXDEV.
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.link(_proc('self', 'fd', str(fd)), name, dst_dir_fd=dir_fd, follow_symlinks=True)
    finally:
        os.close(dir_fd)


def _die_with_parent():
    """In a child on Linux, before exec: SIGKILL when the parent dies (prctl PR_SET_DEATHSIG)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def own_process_group():
    """subprocess.Popen arguments that start a child in its own process group.

    Ctrl-C in the terminal then reaches it only through its parent. On Linux
    the child also dies with its parent, so none is orphaned.
    """
    if WINDOWS:
        return {'creationflags': subprocess.CREATE_NEW_PROCESS_GROUP}
    if sys.platform.startswith('linux'):
        return {'start_new_session': True, 'preexec_fn': _die_with_parent}
    return {'start_new_session': True}


def interrupt(process):
    """Asks a child of own_process_group() to stop as Ctrl-C would (Ctrl-Break on Windows)."""
    try:
        os.kill(process.pid, signal.CTRL_BREAK_EVENT if WINDOWS else signal.SIGINT)
    except OSError:
        pass  # it has ended


def kill_group(process):
    """Kills a child of own_process_group() and whatever else runs in its group."""
    try:
        if WINDOWS:
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)  # its group id is its own pid
    except OSError:
        pass  # it has ended
