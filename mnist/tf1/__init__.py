"""Run an unmodified TF 1.x (or 0.x) MNIST program on TensorFlow 2: `python -m mnist.tf1 PROGRAM.py [args]`.

`python -m mnist.tf1 --figures DIR PROGRAM.py` saves the figures it shows in DIR (see figures.py).

Inside the runner (or after `mnist.tf1.install()` in a notebook) `import
tensorflow as tf` gives the TF 1.x API: tf.compat.v1 with TF 2 behaviour off.
The parts, each mapping one kind of removed API:
  runner.py    install(), run_script(), main(): the program runs as __main__; its own
               exceptions show its traceback, the runner's errors are one line
  modules.py   the module map: tensorflow -> tf.compat.v1; tf.layers, tf.keras,
               tf.nn.rnn_cell -> Keras 2 (tf-keras); tensorflow.examples.tutorials.mnist
               -> mnist.input_data and mnist.fully_connected
  contrib.py   tf.contrib.layers, slim, framework -> tf-slim; contrib.rnn -> tf.compat.v1.nn;
               contrib.learn.datasets -> mnist.input_data; anything else: one line
  renames.py   TF 0.x names TF 1.0 renamed (tf.mul, tf.scalar_summary, tf.train.SummaryWriter,
               the argument order of tf.concat and tf.split, ...); positional cross
               entropies read in TF 0.x order (logits, labels), with a note
  estimator.py tf.estimator: Estimator (train, evaluate, predict), EstimatorSpec, ModeKeys,
               RunConfig, inputs.numpy_input_fn, the session hooks; on tf.compat.v1 graph mode
  numpy1.py    NumPy integer scalars of any width read as Python ints in shapes and sizes,
               as NumPy 1's promotion gave them
  python2.py   a Python 2 program: translated to Python 3 in memory by fissix (2to3), with a note
  figures.py   matplotlib: plt.show(fig) as old matplotlib took it; without a display, shown
               figures saved as PNG files, each named in one line
  namespace.py, errors.py   the module type they are built from, and the runner's errors
tf-keras, tf-slim and fissix come with `pip install -e ".[tf1]"`; without them, a
construct that needs one stops with one line saying so.
Nothing changes until install() is called.
"""
from mnist.tf1.runner import install, main, run_script

__all__ = ['install', 'main', 'run_script']
