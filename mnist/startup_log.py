"""The first TensorFlow import: its C++ startup notices filtered, Ctrl-C during it one line (imports no TF).

Importing TensorFlow 2.21 (Linux, CPU) writes these lines, twice (two of its
shared libraries each carry a copy of absl's logging):

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 00:00:1795925351.027841   12714 port.cc:153] oneDNN custom operations are on. ...
    I0000 00:00:1795925351.028171   12714 cudart_stub.cc:31] Could not find cuda drivers ...

They come from static initializers that run while the libraries load, through
absl, which reads no environment variable. Measured: TF_CPP_MIN_LOG_LEVEL 1, 2
or 3, TF_CPP_MAX_VLOG_LEVEL, TF_CPP_VMODULE, GLOG_minloglevel,
GLOG_stderrthreshold, GLOG_logtostderr, ABSL_MIN_LOG_LEVEL, ABSL_STDERRTHRESHOLD
and CUDA_VISIBLE_DEVICES leave every one of them; only TF_ENABLE_ONEDNN_OPTS=0
drops the oneDNN line, by turning oneDNN off (other numbers, slower), so it is
not an option.

So mnist/__init__.py has the first `import tensorflow` after `import mnist` run
with file descriptor 2 sent through a filter: a child process that copies every
line to the real stderr except absl log lines below TF_CPP_MIN_LOG_LEVEL
(I=0 < W=1 < E=2 < F=3, as TensorFlow counts; default 2 in this package) and
absl's notice above. Python warnings, tracebacks and TensorFlow's errors pass,
in order. Being a separate process, the filter still forwards what it has read
if TensorFlow aborts the process. TF_CPP_MIN_LOG_LEVEL=0 turns it off.
A program that imports tensorflow before mnist gets TensorFlow's lines as usual,
and so does Windows (platforms.CAN_FILTER_STDERR), where the filter is untested.

Ctrl-C during that import (the first seconds of every script) stops the
process with one line, INTERRUPTED, and exit status 130, as Ctrl-C does later
on, instead of a KeyboardInterrupt traceback from deep inside TensorFlow. The
filter process runs in a session of its own, out of reach of the terminal's
Ctrl-C (sent to the whole foreground process group): it ends when the import does.
"""
import contextlib
import importlib.abc
import importlib.util
import os
import re
import subprocess
import sys

from mnist import platforms

ABSL_NOTICE = b'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR'
# absl's prefix: severity, MMDD hh:mm:ss.micros (before absl is initialized: 0000 00:00:<epoch>.micros),
# thread id, file:line]
LOG_LINE = re.compile(rb'([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [^ \]]+:\d+\] ')
SEVERITY = {b'I': 0, b'W': 1, b'E': 2, b'F': 3}
INTERRUPTED = 'Interrupted while starting (importing TensorFlow).'

# The filter process: copy_lines from stdin to stdout. argv: the directory holding mnist/, the level.
_FILTER_PROGRAM = ('import sys; sys.path.insert(0, sys.argv[1]); from mnist import startup_log; '
                   'startup_log.copy_lines(sys.stdin.buffer, sys.stdout.buffer, int(sys.argv[2]))')


def min_log_level():
    """TF_CPP_MIN_LOG_LEVEL as TensorFlow reads it: an int, 0 when unset or not a number."""
    try:
        return int(os.environ.get('TF_CPP_MIN_LOG_LEVEL', '0'))
    except ValueError:
        return 0


def is_hidden(line, min_level):
    """True for absl's notice and absl log lines (bytes) with a severity below min_level."""
    if min_level <= 0:
        return False
    if line.rstrip(b'\r\n') == ABSL_NOTICE:
        return True
    match = LOG_LINE.match(line)
    return bool(match) and SEVERITY[match.group(1)] < min_level


def copy_lines(source, sink, min_level):
    """Copies binary file source to sink line by line, as each line arrives, less the hidden ones."""
    for line in source:
        if not is_hidden(line, min_level):
            sink.write(line)
            sink.flush()


@contextlib.contextmanager
def filtered_stderr(min_level):
    """Sends file descriptor 2 through the filter process while the block runs, then restores it.

    min_level 0 or less hides nothing, so then no filter is started; nor is
    one where file descriptors cannot be swapped so (platforms.CAN_FILTER_STDERR).
    """
    if min_level <= 0 or not platforms.CAN_FILTER_STDERR:
        yield
        return
    try:
        os.fstat(2)
    except OSError:  # no stderr at all: nothing to filter
        yield
        return
    if sys.stderr is not None:
        sys.stderr.flush()
    real_stderr = os.dup(2)
    read_end, write_end = os.pipe()
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        child = subprocess.Popen([sys.executable, '-c', _FILTER_PROGRAM, package_parent,
                                  str(min_level)], stdin=read_end, stdout=real_stderr,
                                 stderr=real_stderr, start_new_session=True)
    except OSError:
        os.close(read_end)
        os.close(write_end)
        os.close(real_stderr)
        yield
        return
    os.close(read_end)
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield
    finally:
        if sys.stderr is not None:
            sys.stderr.flush()
        os.dup2(real_stderr, 2)  # closes our write end of the pipe: the filter sees EOF
        os.close(real_stderr)
        try:
            child.wait(timeout=10)  # it has forwarded everything: what follows comes after
        except subprocess.TimeoutExpired:
            pass  # a process started in the block holds the pipe; the filter ends when it does


class _FilteredLoader(importlib.abc.Loader):
    """Runs the real loader's exec_module under filtered_stderr; Ctrl-C there exits 130 with one line."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self._loader
        try:
            with filtered_stderr(min_log_level()):
                self._loader.exec_module(module)
        except KeyboardInterrupt:
            print(INTERRUPTED, file=sys.stderr)
            raise SystemExit(130) from None


class _FirstTensorFlowImport(importlib.abc.MetaPathFinder):
    """Finds `tensorflow` once, through the other finders, and hands it to _FilteredLoader."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != 'tensorflow':
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _FilteredLoader(spec.loader)
        return spec


def filter_first_tensorflow_import():
    """Makes the process's first `import tensorflow` (if still to come) run under _FilteredLoader."""
    if 'tensorflow' in sys.modules or not sys.executable:
        return
    if not any(isinstance(finder, _FirstTensorFlowImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _FirstTensorFlowImport())
