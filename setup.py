import subprocess
import sys

from setuptools import find_packages, setup

# What the tests run (noxfile.py): TensorFlow 2.21 on Python 3.10 to 3.13, the Pythons it has
# wheels for, and the oldest TensorFlow admitted below on one of them. pip refuses other
# Pythons by this range, before it looks for TensorFlow.
PYTHONS = '>=3.10,<3.14'
# pip checks python_requires before a package from an index, not before a local one like this
# (pip 23 went on to "No matching distribution found for tensorflow"): say it here first.
if not (3, 10) <= sys.version_info[:2] <= (3, 13):
    sys.exit('error: mnist needs Python 3.10 to 3.13, the Pythons TensorFlow 2.21 has wheels for; '
             'this is Python %d.%d.' % sys.version_info[:2])
# psutil: available memory everywhere; filelock: the log_dir lock where fcntl is missing
# (Windows), whose SoftFileLock names its owner and takes over a dead owner's lock (tested:
# 4.1.0, which pip picks for Python 3.10, and 4.3.1).
# TensorFlow 2.16 to 2.21: a TensorFlow already installed in that range stays (a hosted notebook's,
# conda's, one matched with an accelerator plugin). 2.16 and 2.17 need NumPy 1 (tested: 1.26.4).
TENSORFLOW = '>=2.16,<2.22'


def installed_tensorflow():
    """(major, minor) of the TensorFlow installed in the Python pip installs into, or None.

    pip builds this package in an environment of its own, where that TensorFlow is
    not seen, so that Python is asked, in isolated mode.
    """
    asked = subprocess.run([sys.executable, '-I', '-c', 'import importlib.metadata as m; '
                            'print(m.version("tensorflow"))'], capture_output=True, text=True)
    minor = tuple(int(n) for n in asked.stdout.split('.')[:2]) if asked.returncode == 0 else None
    return minor if minor and (2, 16) <= minor <= (2, 21) else None


INSTALLED = installed_tensorflow()
CORE = ['tensorflow' + TENSORFLOW, 'tensorboard' + TENSORFLOW, 'numpy>=1.26', 'psutil>=5.9', 'filelock>=4.1']
if INSTALLED == (2, 16):
    # TensorBoard 2.16 imports pkg_resources, which setuptools 82 removed.
    CORE.append('setuptools<82')

# python -m mnist.tf1: Keras 2 for tf.layers/tf.keras/tf.nn.rnn_cell, tf-slim for tf.contrib.slim/layers.
# tf-keras follows TensorFlow's minor version (tf-keras 2.16 requires TensorFlow 2.16): left to
# choose, pip would take the newest and upgrade the TensorFlow installed to match it.
# mnist/tf1/contrib.py repairs what tf-slim 1.1 needs from TensorFlow 2.21.
# fissix (the maintained fork of lib2to3, which Python 3.13 removed) translates Python 2 programs.
# ipykernel, nbclient: old notebooks (mnist-tf1 --install-kernel, %load_ext mnist.tf1, mnist-tf1 NB.ipynb).
# TensorFlow Probability stands for tf.contrib.distributions; each release checks the TensorFlow it
# runs on at import: 0.24 needs 2.16 or later, 0.25 (the newest) 2.18 or later (tested: 0.25.0 on
# 2.21 with tf-keras 2.21). Pillow: scipy.misc's image helpers (imsave, imread, imresize, toimage).
TF1_RUNNER = ['tf-keras~=%d.%d.0' % INSTALLED if INSTALLED else 'tf-keras' + TENSORFLOW,
              'tensorflow-probability~=%s' % ('0.24.0' if INSTALLED in ((2, 16), (2, 17)) else '0.25.0'),
              'tf-slim~=1.1.0', 'fissix>=24.4.24', 'ipykernel>=6.5', 'nbclient>=0.6', 'Pillow']

setup(
    name='mnist',
    version='0.1.0',
    description='The classic TensorFlow 1.x MNIST tutorials, in graph mode on TensorFlow 2',
    packages=find_packages(include=['mnist', 'mnist.*']),
    python_requires=PYTHONS,
    install_requires=CORE,
    entry_points={'console_scripts': ['mnist-tf1 = mnist.tf1:main']},
    extras_require={
        'plot': ['matplotlib'],
        'browser': ['websocket-client'],
        # scipy.ndimage: the paper's brightness (a closing), labelling the pieces of ink;
        # scikit-image: the Hough transform that finds the lines of squared and ruled paper.
        'images': ['Pillow', 'scipy', 'scikit-image'],
        'tf1': TF1_RUNNER,
        # scikit-learn: its bundled real handwritten digits, photographed in tests/photo_renderings.py.
        'test': ['pytest', 'matplotlib', 'websocket-client', 'Pillow', 'scipy', 'scikit-image',
                 'scikit-learn', 'nbclient', 'ipykernel', 'ruff', 'nox'] + TF1_RUNNER,
    },
)
