"""The classic TensorFlow 1.x MNIST tutorials, in graph mode on TensorFlow 2.

mnist.input_data   read_data_sets and DataSet (imports no TensorFlow)
mnist.softmax      the beginners' softmax regression
mnist.fully_connected  the "Mechanics 101" network (the tutorial's mnist.py)
mnist.cnn          the "Deep MNIST for experts" network
mnist.training     what the scripts share: do_eval, build_graph, session_config
mnist.checkpoints  a training run's log_dir: lock, resume, safe saves, stop signals
mnist.cli, mnist.flag_types, mnist.paths   the scripts' flags, run() and checks
mnist.with_summaries, mnist.visualize, mnist.tensorboard_screenshot   TensorBoard and pictures
mnist.benchmark    python -m mnist.benchmark: speed and memory, side by side
mnist.tf1          python -m mnist.tf1 PROGRAM.py: unmodified TF 1.x programs
mnist.replica, mnist.cluster   distributed training and its one-machine launcher
mnist.digit_images image files made into MNIST inputs (Pillow, scipy, scikit-image; no TensorFlow)
mnist.serving      a checkpoint restored to classify, or exported as a SavedModel
mnist.startup_log  TensorFlow's C++ startup notices off stderr, Ctrl-C during its import one line
mnist.platforms    what differs between Linux, macOS and Windows, in one place
"""

import os

# TensorFlow's C++ INFO and WARNING lines would bury the tutorials' own output.
# Set before TensorFlow is imported; a value in the environment wins (0 shows everything).
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

# TensorFlow writes a few INFO lines while its libraries load, before it reads
# TF_CPP_MIN_LOG_LEVEL and beyond any environment variable's reach: the first
# `import tensorflow` after this one filters them, and makes Ctrl-C during it one
# line (see mnist/startup_log.py).
from mnist import startup_log  # noqa: E402 (after the environment is set)

startup_log.filter_first_tensorflow_import()
