"""The classic TensorFlow 1.x MNIST tutorials, in graph mode on TensorFlow 2.

mnist.input_data   read_data_sets and DataSet (imports no TensorFlow)
mnist.softmax      the beginners' softmax regression
mnist.fully_connected  the "Mechanics 101" network (the tutorial's mnist.py)
mnist.cnn          the "Deep MNIST for experts" network
mnist.training     the session loop the scripts share
"""

import os

# TensorFlow's C++ INFO and WARNING lines would bury the tutorials' own output.
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
