"""The program as __mp_main__ in a child process multiprocessing starts with 'spawn' or 'forkserver'.

multiprocessing runs this module by name in the child (runner._start_children_as_the_runner);
it installs the runner and runs the program's module in its place, as run_script() does.
"""
from mnist.tf1 import runner

runner.run_child_main(globals())
