"""`nox`: the end-to-end tests on the other Pythons that TensorFlow 2.21 has wheels for, and on
the oldest TensorFlow that setup.py admits.

README's test command runs the whole suite on the Python at hand, then `nox`
runs these files again on Python 3.10 and 3.13, each in a fresh virtual
environment with `pip install -e ".[test]"`, and on Python 3.12 with
TensorFlow OLDEST_TENSORFLOW installed first (as a user's environment has it),
which the install leaves in place. Together they run every script, the
checkpoint guarantees, the platform simulation and the TF 1.x runner on
3.10, the Python at hand (3.11 here) and 3.13. `nox -s end_to_end -P 3.12`
runs them on 3.12 instead; `nox -- -k NAME` passes pytest arguments on.
"""
import glob
import os

import nox

PYTHONS = ['3.10', '3.13']
# The oldest TensorFlow setup.py admits, with NumPy 1 as pip picks for it; it has no wheels for
# Python 3.13, so it runs on 3.12 (a Python the other sessions leave out).
OLDEST_TENSORFLOW = '2.16.2'
OLDEST_PYTHON = '3.12'
END_TO_END = ['tests/test_scripts.py', 'tests/test_platforms.py', 'tests/test_checkpoints.py',
              'tests/test_tf1.py']
# What differs most on the oldest TensorFlow: NumPy 1.26, TensorFlow Probability 0.24, tf-keras 2.16.
# Run there only, so that CI's whole test command stays well inside its time.
OLDEST_TENSORFLOW_ALSO = ['tests/test_tf1_contrib.py', 'tests/test_tf1_estimator.py',
                          'tests/test_tf1_libraries.py', 'tests/test_tf1_numpy1.py',
                          'tests/test_tf1_app_flags.py']


def _pyenv_pythons_on_path():
    """Puts each Python that pyenv installed first on PATH, where nox looks for python3.X.

    pyenv's own shims answer python3.X only for the versions it has activated.
    """
    root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
    bins = sorted(glob.glob(os.path.join(root, 'versions', '3.*', 'bin')))
    os.environ['PATH'] = os.pathsep.join(bins + [os.environ.get('PATH', '')])


_pyenv_pythons_on_path()
nox.options.sessions = ['end_to_end', 'oldest_tensorflow']
nox.options.error_on_missing_interpreters = True


@nox.session(python=PYTHONS)
def end_to_end(session):
    """Every script, the checkpoint guarantees, the platform simulation and the TF 1.x runner."""
    session.install('-e', '.[test]')
    session.run('python', '-m', 'pytest', *END_TO_END, *session.posargs)


@nox.session(python=OLDEST_PYTHON)
def oldest_tensorflow(session):
    """The same tests on TensorFlow OLDEST_TENSORFLOW, installed before the package as a user has it."""
    session.install('tensorflow==' + OLDEST_TENSORFLOW)
    session.install('-e', '.[test]')
    installed = session.run('python', '-c', 'import importlib.metadata as m; print(m.version("tensorflow"))',
                            silent=True)  # None with --install-only
    if installed is not None and installed.strip() != OLDEST_TENSORFLOW:
        session.error('pip install -e ".[test]" replaced TensorFlow %s with %s'
                      % (OLDEST_TENSORFLOW, installed.strip()))
    session.run('python', '-m', 'pytest', *END_TO_END, *OLDEST_TENSORFLOW_ALSO, *session.posargs)
