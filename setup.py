from setuptools import find_packages, setup

# python -m mnist.tf1: Keras 2 for tf.layers/tf.keras/tf.nn.rnn_cell, tf-slim for tf.contrib.slim/layers.
# tf-keras follows TensorFlow's minor version: 2.21 goes with TensorFlow 2.21, which the tests use.
# mnist/tf1/contrib.py repairs what tf-slim 1.1 needs from TensorFlow 2.21.
# fissix (the maintained fork of lib2to3, which Python 3.13 removed) translates Python 2 programs.
TF1_RUNNER = ['tf-keras~=2.21.0', 'tf-slim~=1.1.0', 'fissix>=24.4.24']

setup(
    name='mnist',
    version='0.1.0',
    description='The classic TensorFlow 1.x MNIST tutorials, in graph mode on TensorFlow 2',
    packages=find_packages(include=['mnist', 'mnist.*']),
    python_requires='>=3.9',
    install_requires=['tensorflow>=2.16', 'tensorboard', 'numpy'],
    entry_points={'console_scripts': ['mnist-tf1 = mnist.tf1:main']},
    extras_require={
        'plot': ['matplotlib'],
        'browser': ['websocket-client'],
        'images': ['Pillow'],
        'tf1': TF1_RUNNER,
        'test': ['pytest', 'matplotlib', 'websocket-client', 'Pillow', 'nbclient', 'ipykernel', 'ruff']
                + TF1_RUNNER,
    },
)
