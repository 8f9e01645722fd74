from setuptools import find_packages, setup

# python -m mnist.tf1: Keras 2 for tf.layers/tf.keras/tf.nn.rnn_cell, tf-slim for tf.contrib.slim/layers.
# tf-keras follows TensorFlow's minor version: 2.21 goes with TensorFlow 2.21, which the tests use.
# mnist/tf1/contrib.py repairs what tf-slim 1.1 needs from TensorFlow 2.21.
TF1_RUNNER = ['tf-keras~=2.21.0', 'tf-slim~=1.1.0']

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
        # scipy.ndimage: the paper's brightness (a closing), labelling the pieces of ink.
        'images': ['Pillow', 'scipy'],
        'tf1': TF1_RUNNER,
        # scikit-learn: its bundled real handwritten digits, photographed in tests/photo_renderings.py.
        'test': ['pytest', 'matplotlib', 'websocket-client', 'Pillow', 'scipy', 'scikit-learn', 'nbclient',
                 'ipykernel', 'ruff'] + TF1_RUNNER,
    },
)
