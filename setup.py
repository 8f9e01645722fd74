from setuptools import find_packages, setup

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
        'test': ['pytest', 'matplotlib', 'websocket-client', 'nbclient', 'ipykernel', 'ruff'],
    },
)
