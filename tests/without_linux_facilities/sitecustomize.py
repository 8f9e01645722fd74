"""Imported by every Python process whose PYTHONPATH holds this folder: Linux made to look like
a system without Linux's own facilities (tests/test_platforms.py).

- `import fcntl` fails, as on Windows;
- os has no O_TMPFILE, as on macOS and Windows (tempfile is told too);
- psutil, and mnist.platforms through it, find no /proc, as on macOS and
  Windows (TensorFlow itself keeps the real /proc: it aborts without it);
- signal.SIGBREAK exists with Windows' number, 21, as Ctrl-Break's signal, and
  signal.pthread_sigmask does not, as on Windows.
"""
import importlib.abc
import os
import signal
import sys

import psutil


class _NoFcntl(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == 'fcntl':
            raise ModuleNotFoundError("No module named 'fcntl'", name=name)
        return None


sys.meta_path.insert(0, _NoFcntl())
sys.modules.pop('fcntl', None)
if hasattr(os, 'O_TMPFILE'):
    del os.O_TMPFILE
if 'tempfile' in sys.modules:
    sys.modules['tempfile']._O_TMPFILE_WORKS = False
psutil.PROCFS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'no-proc')
signal.SIGBREAK = 21
del signal.pthread_sigmask
