"""The Jupyter kernel `mnist-tf1 --install-kernel` registers: ipykernel, `%load_ext mnist.tf1` at its start.

Started by path (`python .../mnist/tf1/kernel.py -f CONNECTION_FILE`), not with
`python -m`, which would put the notebook's directory first on sys.path and
import a mnist.py of the notebook's as `mnist` before the runner.
"""
import sys

if __name__ == '__main__':
    del sys.path[0]  # this file's directory: the runner's modules are no top-level modules of the notebook
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance(argv=sys.argv[1:] + ['--ext=mnist.tf1'])
