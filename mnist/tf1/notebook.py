"""Old TF 1.x notebooks: the kernel `mnist-tf1 --install-kernel` registers, and `mnist-tf1 NOTEBOOK.ipynb`.

The kernel is ipykernel's, started by kernel.py with the runner loaded as an
IPython extension (ipython.py) before the first cell. install_kernel()
registers it through ipykernel's and jupyter_client's own kernel spec
machinery, as `python -m ipykernel install` does, with the same options.

run_notebook() executes a notebook top to bottom in that kernel with nbclient,
as `jupyter nbconvert --execute` would: the kernel runs in the notebook's
directory; each cell's output is printed as it comes (text as text, a picture
as a line naming it), each cell announced on stderr; the executed notebook,
with this run's outputs and pictures (none of those saved in the notebook), is
written beside it as NAME.tf1.ipynb (or --output), and never over a file that
is not such an output; the first cell that
raises stops the run with the notebook's own traceback and one line naming
the cell. Ctrl-C (or SIGTERM, a time limit's signal) interrupts the kernel as
Jupyter's Interrupt does: the running cell stops with its own KeyboardInterrupt
traceback, no further cell runs, the executed copy keeps the outputs so far, and
the run ends with one line and exit status 130 (143 for SIGTERM); a second signal
shuts the kernel down at once. A kernel that dies (killed, out of memory, a
crash in native code) is one line naming the cell. A file that is not a notebook, or a notebook in another
language, is one line before any kernel starts.
"""
import asyncio
import json
import os
import re
import signal
import sys
import tempfile

from mnist.tf1 import ipython
from mnist.tf1.errors import RunnerError, require

KERNEL_NAME = 'mnist-tf1'
DISPLAY_NAME = 'TensorFlow 1.x (mnist-tf1)'
KERNEL_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'kernel.py')
JUPYTER = 'Jupyter (ipykernel, nbclient)'
OUTPUT_SUFFIX = '.tf1.ipynb'
MARK = 'mnist_tf1_executed_from'  # the output notebook's metadata key: the notebook it was run from
_ANSI = re.compile(r'\x1b\[[0-9;]*m')


class NotebookError(RunnerError):
    """A notebook that cannot be run: not a notebook, another language, an output path refused."""


class CellError(RunnerError):
    """A cell of the notebook raised; the notebook's traceback has been printed."""


class _StoppedBetweenCells(Exception):
    """A signal came after a cell ended: no further cell runs (nbclient then shuts the kernel down)."""


class StoppedError(RunnerError):
    """The run was stopped by a signal (Ctrl-C, a time limit) or a dead kernel before the notebook's end."""

    def __init__(self, message, exit_status=1):
        super().__init__(message)
        self.exit_status = exit_status


def write_kernel_spec(directory, display_name=DISPLAY_NAME):
    """Writes the kernel spec (kernel.json and logos) into the new `directory` with ipykernel's writer."""
    require('ipykernel', 'a TF 1.x notebook', JUPYTER)
    from ipykernel.kernelspec import write_kernel_spec
    argv = [sys.executable, KERNEL_SCRIPT, '-f', '{connection_file}']
    return write_kernel_spec(directory, overrides={
        'argv': argv, 'display_name': display_name, 'metadata': {'debugger': False}})


def install_kernel(name=KERNEL_NAME, display_name=DISPLAY_NAME, user=False, prefix=None):
    """Registers the kernel as `name`, for this user, under `prefix` or system-wide; returns its path."""
    from jupyter_client.kernelspec import KernelSpecManager
    with tempfile.TemporaryDirectory() as temporary:
        spec = write_kernel_spec(os.path.join(temporary, name), display_name)
        return KernelSpecManager().install_kernel_spec(spec, name, user=user, prefix=prefix)


def read(path):
    """The nbformat notebook in file `path`; NotebookError, one line, if it is none or not Python."""
    require('nbformat', 'a TF 1.x notebook', JUPYTER)
    import nbformat
    if not os.path.isfile(path):
        raise NotebookError('%s: no such notebook file' % path)
    try:
        notebook = nbformat.read(path, as_version=4)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, nbformat.reader.NotJSONError) as e:
        reason = str(e).splitlines()[0][:200]
        raise NotebookError('%s: not a Jupyter notebook (%s)' % (path, reason)) from None
    language = (notebook.metadata.get('kernelspec', {}).get('language')
                or notebook.metadata.get('language_info', {}).get('name') or 'python')
    if language.lower() != 'python':
        raise NotebookError('%s: a notebook in %s (kernel %s); mnist-tf1 runs Python notebooks'
                            % (path, language, notebook.metadata.get('kernelspec', {}).get('name', '?')))
    return notebook


def output_path(path, output=None):
    """Where the executed copy of notebook `path` goes; NotebookError if that would replace a user's file."""
    if output is None:
        output = re.sub(r'\.ipynb$', '', path) + OUTPUT_SUFFIX
    if os.path.abspath(output) == os.path.abspath(path):
        raise NotebookError('--output %s: that is the notebook itself; the executed copy goes to another '
                            'file' % output)
    if os.path.exists(output):
        try:
            with open(output, encoding='utf-8') as f:
                ours = MARK in json.load(f).get('metadata', {})
        except (OSError, ValueError, AttributeError):
            ours = False
        if not ours:
            raise NotebookError('%s exists and is not a notebook mnist-tf1 executed: move it, or name '
                                'another file with --output' % output)
    return output


def _write(notebook, path):
    """Writes the notebook to `path` through a temporary file beside it: never half a file."""
    import nbformat
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix='.' + os.path.basename(path), suffix='.part', dir=directory)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as f:
            nbformat.write(notebook, f)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _plain(text, stream):
    return text if stream.isatty() else _ANSI.sub('', text)


def _client_class():
    from nbclient import NotebookClient
    from nbclient.util import ensure_async

    class TerminalClient(NotebookClient):
        """nbclient's client: each output printed as it arrives; a signal stops it as Jupyter's Interrupt."""

        stopped_by = None  # the name of the signal that stopped the run
        cell_index = None  # the cell running, or the last one run

        async def async_start_new_kernel_client(self):
            client = await super().async_start_new_kernel_client()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):  # nbclient's own kill the kernel mid-cell
                try:
                    loop.add_signal_handler(signum, self.stop, signum)
                except (RuntimeError, ValueError):  # Windows: Ctrl-C is KeyboardInterrupt (run_notebook)
                    pass
            return client

        def stop(self, signum):
            """First signal: the kernel interrupted (a KeyboardInterrupt in the cell); a second: shut down."""
            if self.km is None:  # the kernel is shut down already
                return
            if self.stopped_by is None:
                self.stopped_by = signal.Signals(signum).name
                asyncio.ensure_future(self.interrupt_kernel())
            else:
                asyncio.ensure_future(self._async_cleanup_kernel())

        async def interrupt_kernel(self):
            manager = self.km
            if manager is not None and await ensure_async(manager.is_alive()):  # else it has ended meanwhile
                await ensure_async(manager.interrupt_kernel())

        async def _async_cleanup_kernel(self):
            if self.km is not None:  # nbclient cleans up once more after a cleanup on a signal
                await super()._async_cleanup_kernel()

        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            if self.stopped_by is not None:
                raise _StoppedBetweenCells
            self.cell_index = cell_index
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)

        def output(self, outs, msg, display_id, cell_index):
            out = super().output(outs, msg, display_id, cell_index)
            content = msg['content']
            if msg['msg_type'] == 'stream':
                stream = sys.stderr if content['name'] == 'stderr' else sys.stdout
                stream.write(_plain(content['text'], stream))
                stream.flush()
            elif msg['msg_type'] in ('execute_result', 'display_data'):
                data = content.get('data', {})
                pictures = [kind for kind in data if kind.startswith('image/')]
                if pictures:
                    print('[%s, in the executed notebook]' % ', '.join(pictures))
                elif 'text/plain' in data:
                    print(_plain(data['text/plain'], sys.stdout))
            return out

    return TerminalClient


def code_cell_number(notebook, cell_index):
    """The N of `In [N]` that cell cell_index gets when the notebook runs top to bottom."""
    run = notebook.cells[:cell_index + 1]
    return sum(cell.cell_type == 'code' and bool(cell.source.strip()) for cell in run)  # nbclient skips empty


def _announcer(notebook):
    """nbclient's on_cell_execute: one line on stderr as each code cell starts."""
    def announce(cell, cell_index, **kwargs):
        first = next((line for line in cell.source.splitlines() if line.strip()), '')
        print('--- In [%d]: %s' % (code_cell_number(notebook, cell_index), first[:100]),
              file=sys.stderr, flush=True)
    return announce


def run_notebook(path, args=(), output=None):
    """Executes notebook `path` in the runner's kernel, with sys.argv[1:] = args (see the module docstring).

    Returns the executed copy's path; raises CellError after printing the
    traceback of the first cell that raised, NotebookError for a bad notebook.
    """
    notebook = read(path)
    output = output_path(path, output)
    require('nbclient', 'a TF 1.x notebook', JUPYTER)
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    notebook.metadata[MARK] = os.path.basename(path)
    for cell in notebook.cells:  # the copy shows this run's outputs: a cell the run did not reach has none
        if cell.cell_type == 'code':
            cell.outputs, cell.execution_count = [], None
    directory = os.path.dirname(os.path.abspath(path))
    with tempfile.TemporaryDirectory() as kernels:
        write_kernel_spec(os.path.join(kernels, KERNEL_NAME))
        manager = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                     kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        client = _client_class()(notebook, km=manager, timeout=None, kernel_name=KERNEL_NAME,
                                 resources={'metadata': {'path': directory}},
                                 on_cell_execute=_announcer(notebook))
        env = dict(os.environ, **{ipython.ARGV_VARIABLE: json.dumps(list(args)),
                                  ipython.NOTEBOOK_VARIABLE: os.path.abspath(path)})
        try:
            client.execute(env=env, cleanup_kc=True)  # shut down the kernel given as km, too
        except CellExecutionError as e:
            _write(notebook, output)
            index, error = _failed_cell(notebook)
            number = code_cell_number(notebook, index)
            if e.ename == 'SystemExit' and e.evalue.strip() in ('', '0', 'None'):
                print('note: In [%d] ended the notebook with sys.exit(%s), as tf.app.run() ends a program; '
                      'the cells after it were not run. The executed notebook: %s'
                      % (number, e.evalue, output),
                      file=sys.stderr)
                return output
            if error is not None:
                print(_plain('\n'.join(error.get('traceback', [])), sys.stderr), file=sys.stderr)
            if client.stopped_by is not None:
                raise _stopped(path, number, client.stopped_by, output) from None
            raise CellError('%s, In [%d] raised %s: %s (the executed notebook, with the outputs so far: %s)'
                            % (path, number, e.ename, _plain(e.evalue, sys.stderr), output)) from None
        except (KeyboardInterrupt, DeadKernelError, _StoppedBetweenCells) as e:
            _write(notebook, output)
            number = code_cell_number(notebook, client.cell_index or 0)
            if isinstance(e, DeadKernelError) and client.stopped_by is None:
                raise StoppedError('%s, In [%d]: the kernel died, its process ended without a Python error '
                                   '(killed, out of memory, a crash in native code) (the executed notebook, '
                                   'with the outputs so far: %s)' % (path, number, output)) from None
            raise _stopped(path, number, client.stopped_by or 'SIGINT', output) from None
    _write(notebook, output)
    print('note: the executed notebook, with its outputs: %s' % output, file=sys.stderr)
    return output


def _stopped(path, number, signal_name, output):
    """The StoppedError of a run stopped by signal_name while (or after) cell In [number] ran."""
    by = 'Ctrl-C' if signal_name == 'SIGINT' else signal_name
    message = ('%s, In [%d]: stopped by %s (the executed notebook, with the outputs so far: %s)'
               % (path, number, by, output))
    return StoppedError(message, 128 + getattr(signal, signal_name))


def _failed_cell(notebook):
    """(index, error output) of the cell whose error stopped the run, or (last index, None)."""
    for index, cell in enumerate(notebook.cells):
        for out in cell.get('outputs', []):
            if out.get('output_type') == 'error':
                return index, out
    return len(notebook.cells) - 1, None

