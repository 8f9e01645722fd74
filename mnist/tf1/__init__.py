"""Run an unmodified TF 1.x (or 0.x) MNIST program on TensorFlow 2: `mnist-tf1 PROGRAM.py [args]`.

`python -m mnist.tf1 PROGRAM.py` is the same, except in a directory holding a mnist.py or mnist/
of the user's, which Python imports as `mnist` before the runner starts (see program.py).
`mnist-tf1 --figures DIR PROGRAM.py` saves the figures it shows in DIR (see figures.py).
`mnist-tf1 NOTEBOOK.ipynb` runs an old notebook; `%load_ext mnist.tf1` loads the runner in a kernel.

Inside the runner (or after `mnist.tf1.install()` in a notebook) `import
tensorflow as tf` gives the TF 1.x API: tf.compat.v1 with TF 2 behaviour off.
The parts, each mapping one kind of removed API:
  runner.py    install(), run_script(), main(): the program runs as __main__; its own
               exceptions show its traceback, the runner's errors are one line
  modules.py   the module map: tensorflow -> tf.compat.v1 (then TF 2's own names); tf.layers,
               tf.keras, tf.nn.rnn_cell -> Keras 2 (tf-keras); tensorflow.examples.tutorials.mnist
               -> mnist.input_data and mnist.fully_connected
  standalone_keras.py  `import keras` -> Keras 2 (tf-keras), with keras.objectives,
               keras.utils.np_utils, keras.backend.tensorflow_backend; never Keras 3
  app_flags.py tf.app.flags: a flag named as one of absl's own (--log_dir, -v, ...) is the program's;
               TF <= 1.4's FLAGS._parse_flags() and FLAGS.__flags
  contrib.py   tf.contrib.layers, slim, framework -> tf-slim; contrib.rnn -> tf.compat.v1.nn;
               contrib.keras -> tf-keras; contrib.distributions -> TensorFlow Probability;
               contrib.lookup, metrics, losses, factorization.KMeans, ... -> tf.compat.v1, in their
               own argument order; contrib.learn.datasets -> mnist.input_data; anything else: one
               line saying where it went
  renames.py   TF 0.x names TF 1.0 renamed (tf.mul, tf.scalar_summary, tf.train.SummaryWriter,
               the argument order of tf.concat and tf.split, ...); positional cross
               entropies read in TF 0.x order (logits, labels), with a note
  estimator.py tf.estimator: Estimator (train, evaluate, predict), the canned DNNClassifier and
               LinearClassifier, EstimatorSpec, ModeKeys, RunConfig, inputs.numpy_input_fn, the
               session hooks; on tf.compat.v1 graph mode
  program.py   the program and the modules of its directory, compiled as python2.py and numpy1.py
               say (a Python 2 program as a whole); its own mnist.py or mnist/ is its `mnist`;
               `import input_data`, or a copy of the tutorials' input_data.py, is mnist.input_data
  numpy1.py    NumPy 1's API that NumPy 2 removed (np.float, np.asscalar, ndarray.tostring,
               np.fromstring on bytes, ...), read through __numpy1__ in the program's files, with a
               note; NumPy integer scalars of any width read as Python ints in shapes and sizes
  libraries.py what matplotlib, scikit-learn and SciPy removed (hist(normed=), TSNE(n_iter=),
               scipy.misc.imsave, ...), read in the program's files as numpy1.py's names are
  python2.py   a Python 2 file: translated to Python 3 in memory by fissix (2to3), with a note,
               keeping Python 2's `/` and its text files' bytes; a Python 3 file never is
  child.py     multiprocessing's 'spawn' and 'forkserver' children run the program under the runner
  ipython.py, notebook.py, kernel.py  old notebooks: %load_ext mnist.tf1 runs each cell as a
               program's file; mnist-tf1 --install-kernel; mnist-tf1 NOTEBOOK.ipynb (nbclient)
  figures.py   matplotlib: plt.show(fig) as old matplotlib took it; without a display, shown
               figures saved as PNG files, each named in one line; --figures DIR made first
  namespace.py, errors.py   the module type they are built from, and the runner's errors
tf-keras, tf-slim, fissix, tensorflow-probability, Pillow, ipykernel and nbclient come with
`pip install -e ".[tf1]"`; without them, a construct that needs one stops with one
line saying so.
Nothing changes until install() is called.
"""
from mnist.tf1.runner import install, main, run_script

__all__ = ['install', 'main', 'run_script']


def load_ipython_extension(shell):
    """`%load_ext mnist.tf1` in a notebook: see mnist/tf1/ipython.py."""
    from mnist.tf1 import ipython
    ipython.load_ipython_extension(shell)
