"""Old TF 1.x notebooks through the runner, three ways in: the installed kernel, `%load_ext mnist.tf1`
in a plain Python kernel, and `mnist-tf1 NOTEBOOK.ipynb`; and what each refuses, in one line.

The notebooks in tests/tf1_notebooks/ are our own, each in the style of its era: a 2017 lab
with a Python 2 kernel (print statements, xrange, np.float, %tensorflow_version, %matplotlib
inline, InteractiveSession, a Saver checkpoint restored in a later cell), and a 2018 one with
tf.app.flags, a shell line, summaries and %tensorboard.
"""
import json
import os
import signal
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import write_separable_mnist_dir
from mnist.tf1 import notebook as tf1_notebook

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NOTEBOOKS = os.path.join(HERE, 'tf1_notebooks')
LAB = 'python2_softmax.ipynb'


def runner(args, cwd, env=None):
    """`python -m mnist.tf1 ARGS` in cwd, this checkout first on the path (as the console script)."""
    env = dict(os.environ if env is None else env, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, '-m', 'mnist.tf1', *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd, env=env)


def jupyter_env(tmp_path):
    """Jupyter's directories under tmp_path, never the user's, and this checkout first on the path."""
    return dict(os.environ, JUPYTER_PATH=str(tmp_path / 'jupyter' / 'share' / 'jupyter'),
                JUPYTER_DATA_DIR=str(tmp_path / 'jupyter' / 'data'),
                JUPYTER_RUNTIME_DIR=str(tmp_path / 'jupyter' / 'runtime'), PYTHONPATH=ROOT)


@pytest.fixture
def lab(tmp_path):
    """The 2017 lab notebook in tmp_path beside MNIST_data/ of separable digits; returns its path."""
    write_separable_mnist_dir(tmp_path / 'MNIST_data')
    notebook = nbformat.read(os.path.join(NOTEBOOKS, LAB), as_version=4)
    path = tmp_path / LAB
    nbformat.write(notebook, str(path))
    return path


def outputs_text(notebook, output_type=None):
    """The text of the notebook's stream and text/plain outputs, in order."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get('outputs', []):
            if output_type and output['output_type'] != output_type:
                continue
            texts.append(output.get('text', '') or output.get('data', {}).get('text/plain', ''))
    return ''.join(texts)


def pictures(notebook):
    return [output for cell in notebook.cells for output in cell.get('outputs', [])
            if 'image/png' in output.get('data', {})]


def check_lab_ran(notebook):
    """The lab learnt, drew its two figures and restored its checkpoint to the same accuracy."""
    stdout = outputs_text(notebook)
    assert not [o for c in notebook.cells for o in c.get('outputs', []) if o['output_type'] == 'error']
    accuracy = float(stdout.split('test accuracy ')[1].split()[0])
    assert accuracy >= 0.8, stdout
    assert 'restored test accuracy %.4f' % accuracy in stdout
    assert len(pictures(notebook)) == 2
    assert 'training images: 600' in stdout
    return stdout


def test_install_kernel_writes_a_kernelspec_jupyter_finds(tmp_path):
    env = jupyter_env(tmp_path)
    prefix = tmp_path / 'jupyter'
    result = runner(['--install-kernel', '--prefix', str(prefix), '--name', 'tf1-lab',
                     '--display-name', 'TF 1.x lab'], tmp_path, env)
    assert result.returncode == 0, result.stderr
    spec_dir = prefix / 'share' / 'jupyter' / 'kernels' / 'tf1-lab'
    assert str(spec_dir) in result.stdout
    spec = json.loads((spec_dir / 'kernel.json').read_text())
    assert spec['argv'] == [sys.executable, tf1_notebook.KERNEL_SCRIPT, '-f', '{connection_file}']
    assert spec['display_name'] == 'TF 1.x lab' and spec['language'] == 'python'
    found = subprocess.run([sys.executable, '-c', 'from jupyter_client.kernelspec import KernelSpecManager; '
                            'print(KernelSpecManager().find_kernel_specs())'],
                           capture_output=True, text=True, env=env, timeout=60)
    assert 'tf1-lab' in found.stdout, found.stderr

    home = tmp_path / 'home'
    user = runner(['--install-kernel', '--user'], tmp_path, dict(env, HOME=str(home), JUPYTER_DATA_DIR=''))
    assert user.returncode == 0, user.stderr
    assert list(home.rglob('kernels/%s/kernel.json' % tf1_notebook.KERNEL_NAME))


def test_install_kernel_refuses_two_places_in_one_line(tmp_path):
    result = runner(['--install-kernel', '--user', '--prefix', str(tmp_path)], tmp_path,
                    jupyter_env(tmp_path))
    assert result.returncode == 2
    assert 'not allowed with argument' in result.stderr and 'Traceback' not in result.stderr


def test_a_notebook_runs_in_the_installed_kernel_and_a_cell_runs_again_as_on_tf1(lab, tmp_path, monkeypatch):
    env = jupyter_env(tmp_path)
    assert runner(['--install-kernel', '--prefix', str(tmp_path / 'jupyter')], tmp_path, env).returncode == 0
    for name in ('JUPYTER_PATH', 'JUPYTER_DATA_DIR', 'JUPYTER_RUNTIME_DIR'):
        monkeypatch.setenv(name, env[name])
    notebook = nbformat.read(str(lab), as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name=tf1_notebook.KERNEL_NAME,
                            resources={'metadata': {'path': str(tmp_path)}})
    with client.setup_kernel(env=env):
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        model = next(i for i, cell in enumerate(notebook.cells) if 'tf.placeholder' in cell.source)
        client.execute_cell(notebook.cells[model], model)  # run the graph's cell again
    check_lab_ran(notebook)
    # TF 1.x added a second copy of the graph's nodes, each name made unique.
    assert [output['text'] for output in notebook.cells[model].outputs if output.get('name') == 'stdout'] \
        == ['x_1:0\n']
    assert 'running it translated to Python 3' in outputs_text(notebook, 'stream')
    assert '%tensorflow_version 1.x: TensorFlow' in outputs_text(notebook, 'stream')


def test_load_ext_in_a_plain_python_kernel(lab, tmp_path):
    notebook = nbformat.read(str(lab), as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell('%load_ext mnist.tf1'))
    client = NotebookClient(notebook, timeout=300, kernel_name='python3',
                            resources={'metadata': {'path': str(tmp_path)}})
    client.execute(env=jupyter_env(tmp_path))
    check_lab_ran(notebook)
    assert 'numpy.float is not in NumPy' in outputs_text(notebook, 'stream')


def test_load_ext_after_tensorflow_was_imported_is_one_line_and_installs_nothing(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('import tensorflow as tf'),
        nbformat.v4.new_code_cell('%load_ext mnist.tf1'),
        nbformat.v4.new_code_cell("import sys\n"
                                  "print(hasattr(tf, 'placeholder'), 'mnist.tf1.modules' in sys.modules)"),
    ])
    client = NotebookClient(notebook, timeout=300, kernel_name='python3', allow_errors=True,
                            resources={'metadata': {'path': str(tmp_path)}})
    client.execute(env=jupyter_env(tmp_path))
    error = notebook.cells[1].outputs[0]
    assert error['output_type'] == 'error' and error['ename'] == 'ImportedBeforeError'
    assert error['traceback'] == ['error: ' + error['evalue']] and 'restart the kernel' in error['evalue']
    assert outputs_text(notebook) == 'False False\n'


def test_mnist_tf1_runs_a_notebook_headless_and_writes_the_executed_copy_beside_it(lab, tmp_path):
    before = lab.read_bytes()
    result = runner([str(lab)], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert lab.read_bytes() == before
    executed = nbformat.read(str(tmp_path / 'python2_softmax.tf1.ipynb'), as_version=4)
    stdout = check_lab_ran(executed)
    # Each cell's output came on the terminal as it ran, in the notebook's order.
    lines = [line for line in result.stdout.splitlines() if not line.startswith('Extracting')]
    assert lines[:2] == ['training images: 600', '[image/png, in the executed notebook]']
    assert result.stdout.index('step 40') < result.stdout.index('restored test accuracy')
    assert 'restored test accuracy' in stdout
    assert '--- In [3]: mnist = input_data.read_data_sets' in result.stderr
    assert 'note: In [3], line 2: Python 2' in result.stderr

    again = runner([str(lab)], tmp_path)  # its own executed copy is replaced
    assert again.returncode == 0, again.stderr[-3000:]


def test_notebook_arguments_are_its_flags_and_tensorboard_shows_its_runs(tmp_path):
    notebook = nbformat.read(os.path.join(NOTEBOOKS, 'flags_tensorboard.ipynb'), as_version=4)
    # While the kernel (and the TensorBoard it started) runs: ask TensorBoard which runs it shows.
    notebook.cells.append(nbformat.v4.new_code_cell(
        'import json, urllib.request\nfrom tensorboard import manager\n'
        "port = manager.get_all()[0].port\n"
        "print('runs', json.loads(urllib.request.urlopen('http://localhost:%d/data/runs' % port).read()))"))
    path = tmp_path / 'flags_tensorboard.ipynb'
    nbformat.write(notebook, str(path))
    env = dict(os.environ, TMPDIR=str(tmp_path))  # TensorBoard's records of its processes go there
    try:
        result = runner([str(path), '--max_steps', '7'], tmp_path, env)
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.startswith('max_steps 7\nsummaries go to logs/run1\nwrote 7 steps\n')
        assert "runs ['run1']" in result.stdout
    finally:
        for info in tmp_path.glob('.tensorboard-info/pid-*.info'):
            try:
                os.kill(json.loads(info.read_text())['pid'], 15)
            except ProcessLookupError:
                pass


def test_the_first_cell_that_raises_stops_the_run_with_its_traceback(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell('A lab whose third cell divides by zero.'),
        nbformat.v4.new_code_cell("print('first')"),
        nbformat.v4.new_code_cell("def rate(steps):\n    return 1 / steps\n\nrate(0)"),
        nbformat.v4.new_code_cell("print('never')", execution_count=3,
                                  outputs=[nbformat.v4.new_output('stream', text='never\n')]),  # saved
    ])
    path = tmp_path / 'lab.ipynb'
    nbformat.write(notebook, str(path))
    result = runner([str(path)], tmp_path)
    assert result.returncode == 1
    assert 'first' in result.stdout and 'never' not in result.stdout
    assert 'Cell In[2], line 4' in result.stderr and '----> 2     return 1 / steps' in result.stderr
    assert result.stderr.splitlines()[-1] == (
        'error: %s, In [2] raised ZeroDivisionError: division by zero (the executed notebook, with the '
        'outputs so far: %s)' % (path, tmp_path / 'lab.tf1.ipynb'))
    executed = nbformat.read(str(tmp_path / 'lab.tf1.ipynb'), as_version=4)
    assert executed.cells[2].outputs[0]['ename'] == 'ZeroDivisionError'
    assert executed.cells[3].outputs == [] and executed.cells[3].execution_count is None  # not reached


@pytest.mark.skipif(sys.platform == 'win32', reason='a signal sent to the runner; on Windows Ctrl-C '
                    'reaches it as KeyboardInterrupt, see the next test')
@pytest.mark.parametrize('signum, by, status', [(signal.SIGINT, 'Ctrl-C', 130),
                                                (signal.SIGTERM, 'SIGTERM', 143)])
def test_ctrl_c_stops_the_running_cell_as_jupyters_interrupt_and_keeps_the_outputs_so_far(
        tmp_path, signum, by, status):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import time\nprint('data ready')"),
        nbformat.v4.new_code_cell("for epoch in range(1000000):\n    time.sleep(0.05)\n"
                                  "    print('epoch', epoch, flush=True)"),
        nbformat.v4.new_code_cell("print('never')"),
    ])
    path = tmp_path / 'long_training.ipynb'
    nbformat.write(notebook, str(path))
    process = subprocess.Popen([sys.executable, '-m', 'mnist.tf1', str(path)], cwd=tmp_path, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=dict(os.environ, PYTHONPATH=ROOT))
    try:
        for line in process.stdout:
            if line == 'epoch 3\n':
                break
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
    executed_path = tmp_path / 'long_training.tf1.ipynb'
    assert process.returncode == status, stderr[-3000:]
    # The cell's own traceback, as Jupyter's Interrupt shows it, then one line; no traceback of the runner.
    assert 'KeyboardInterrupt' in stderr and 'Cell In[2], line ' in stderr
    assert 'nbclient' not in stderr and 'DeadKernelError' not in stderr
    assert stderr.splitlines()[-1] == ('error: %s, In [2]: stopped by %s (the executed notebook, with the '
                                       'outputs so far: %s)' % (path, by, executed_path))
    assert 'never' not in stdout
    executed = nbformat.read(str(executed_path), as_version=4)
    assert 'data ready\nepoch 0\nepoch 1\nepoch 2\nepoch 3\n' in outputs_text(executed)
    assert executed.cells[1].outputs[-1]['ename'] == 'KeyboardInterrupt'
    assert not executed.cells[2].outputs


@pytest.mark.parametrize('ctrl_c', ['KeyboardInterrupt', 'signal between cells'])
def test_ctrl_c_after_a_cell_keeps_its_outputs_and_runs_no_further_cell(tmp_path, monkeypatch, ctrl_c):
    """Ctrl-C as a KeyboardInterrupt in the runner (Windows: no signal handlers), or a signal after a cell."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print('data ready')"),
        nbformat.v4.new_code_cell("print('never')"),
    ])
    path = tmp_path / 'lab.ipynb'
    nbformat.write(notebook, str(path))
    client_class = tf1_notebook._client_class()

    class CtrlCAfterTheFirstCell(client_class):
        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            if cell_index == 1 and ctrl_c == 'KeyboardInterrupt':
                raise KeyboardInterrupt
            if cell_index == 1:
                self.stop(signal.SIGINT)
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)

    monkeypatch.setattr(tf1_notebook, '_client_class', lambda: CtrlCAfterTheFirstCell)
    monkeypatch.setenv('PYTHONPATH', ROOT)
    with pytest.raises(tf1_notebook.StoppedError) as stopped:
        tf1_notebook.run_notebook(str(path))
    assert stopped.value.exit_status == 130
    assert str(stopped.value) == ('%s, In [1]: stopped by Ctrl-C (the executed notebook, with the outputs so '
                                  'far: %s)' % (path, tmp_path / 'lab.tf1.ipynb'))
    executed = nbformat.read(str(tmp_path / 'lab.tf1.ipynb'), as_version=4)
    assert outputs_text(executed) == 'data ready\n'


def test_a_kernel_that_dies_is_one_line_naming_the_cell(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print('first')"),
        nbformat.v4.new_code_cell('import os\nos._exit(9)  # as the out-of-memory killer ends a process'),
        nbformat.v4.new_code_cell("print('never')"),
    ])
    path = tmp_path / 'lab.ipynb'
    nbformat.write(notebook, str(path))
    result = runner([str(path)], tmp_path)
    assert result.returncode == 1
    assert result.stdout == 'first\n'
    assert 'Traceback' not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        'error: %s, In [2]: the kernel died, its process ended without a Python error (killed, out of '
        'memory, a crash in native code) (the executed notebook, with the outputs so far: %s)'
        % (path, tmp_path / 'lab.tf1.ipynb'))
    executed = nbformat.read(str(tmp_path / 'lab.tf1.ipynb'), as_version=4)
    assert outputs_text(executed) == 'first\n'


def test_a_removed_api_in_a_cell_is_one_line_naming_the_cell(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('import tensorflow as tf\n\nforest = tf.contrib.tensor_forest'),
    ])
    path = tmp_path / 'forest.ipynb'
    nbformat.write(notebook, str(path))
    result = runner([str(path)], tmp_path)
    assert result.returncode == 1
    assert 'error: In [1], line 3: tf.contrib.tensor_forest was removed' in result.stderr
    assert 'Traceback' not in result.stderr


def test_the_runners_notes_name_the_cell_that_holds_the_line(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[  # a 2016 lab: TF 0.x argument order, Python 2
        nbformat.v4.new_code_cell('import tensorflow as tf\n\n'
                                  'def cross_entropy(logits, labels):\n'
                                  '    return tf.nn.softmax_cross_entropy_with_logits(logits, labels)'),
        nbformat.v4.new_code_cell('sess = tf.Session()\n'
                                  'loss = cross_entropy(tf.constant([[2., 0.5]]), tf.constant([[1., 0.]]))\n'
                                  'print "loss %.4f" % sess.run(loss)[0]'),
    ])
    path = tmp_path / 'tf0_lab.ipynb'
    nbformat.write(notebook, str(path))
    result = runner([str(path)], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.endswith('\nloss 0.2014\n')  # -log(softmax([2, .5])[0]): logits first, as in TF 0.x
    assert ('note: In [1], line 4: tf.nn.softmax_cross_entropy_with_logits(logits, labels) with positional '
            'arguments is read in TF 0.x order' in result.stderr)
    assert 'note: In [2], line 3: Python 2' in result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith('note: ')]
    assert notes and not [line for line in notes if 'ipykernel' in line]


@pytest.mark.parametrize('content, expected', [
    ('print "hello"\n', 'not a Jupyter notebook (Notebook does not appear to be JSON'),
    ('{"cells": 3}', 'not a Jupyter notebook'),
    (json.dumps(nbformat.v4.new_notebook(
        metadata={'kernelspec': {'name': 'ir', 'language': 'R', 'display_name': 'R'}})),
     'a notebook in R (kernel ir); mnist-tf1 runs Python notebooks'),
])
def test_a_file_that_is_no_python_notebook_is_one_line(tmp_path, content, expected):
    path = tmp_path / 'lesson.ipynb'
    path.write_text(content)
    result = runner([str(path)], tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith('error: %s: ' % path)
    assert expected in result.stderr
    assert sorted(os.listdir(tmp_path)) == ['lesson.ipynb']


def test_the_executed_copy_never_replaces_a_users_file(tmp_path):
    path = tmp_path / 'lesson.ipynb'
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')]), str(path))
    users = tmp_path / 'lesson.tf1.ipynb'
    users.write_text('my own notes')
    result = runner([str(path)], tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ('error: %s exists and is not a notebook mnist-tf1 executed: move it, or '
                                     'name another file with --output' % users)
    assert users.read_text() == 'my own notes'
    same = runner(['--output', str(path), str(path)], tmp_path)
    assert same.returncode == 1 and 'that is the notebook itself' in same.stderr


@pytest.mark.parametrize('args, expected', [
    (['--figures', 'figs', 'lesson.ipynb'], "error: --figures is for programs; a notebook's figures are in"),
    (['--output', 'out.ipynb', 'program.py'], 'error: --output is for notebooks'),
    (['missing.ipynb'], 'error: missing.ipynb: no such notebook file'),
])
def test_options_that_do_not_fit_are_one_line(tmp_path, args, expected):
    result = runner(args, tmp_path)
    assert result.returncode in (1, 2)
    assert result.stderr.startswith(expected) and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize('exit_call, returncode', [('tf.app.run()', 0), ('sys.exit(3)', 1)])
def test_a_cell_that_exits_ends_the_notebook_as_it_ends_a_program(tmp_path, exit_call, returncode):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import sys\nimport tensorflow as tf\n\n"
                                  "def main(_):\n    print('main ran')"),
        nbformat.v4.new_code_cell("if __name__ == '__main__':\n    %s" % exit_call),
        nbformat.v4.new_code_cell("print('after')"),
    ])
    path = tmp_path / 'app.ipynb'
    nbformat.write(notebook, str(path))
    result = runner([str(path)], tmp_path)
    assert result.returncode == returncode, result.stderr[-2000:]
    assert 'after' not in result.stdout
    if returncode == 0:
        assert result.stdout == 'main ran\n'
        assert 'note: In [2] ended the notebook with sys.exit(), as tf.app.run() ends' in result.stderr
    else:
        assert 'error: %s, In [2] raised SystemExit: 3' % path in result.stderr
