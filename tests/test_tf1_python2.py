"""The runner never changes what a program means: a Python 3 program runs exactly as under `python`;
a Python 2 program (all its own files) runs translated with Python 2's `/` and file writes, in its
PEP 263 encoding; the tutorials' input_data wherever a program looks for it; a program's objects
pickle and multiprocessing children run under the runner."""
import ast
import multiprocessing
import os
import pickle
import shutil
import subprocess
import sys

import numpy as np
import pytest

from mnist.tf1 import program, python2
from test_tf1 import PROGRAMS, ROOT, assert_learns, data_root, error_lines, run  # noqa: F401 (data_root: a fixture)

import tensorflow as tf


@pytest.fixture(scope='module')
def mnist_root(request):
    """test_tf1's data_root: MNIST_data/ of 600 training (5000 validation) and 200 test separable digits."""
    return request.getfixturevalue('data_root')


def notes(stderr):
    return [line for line in stderr.splitlines() if line.startswith('note:')]


def run_with_input(args, cwd, text):
    return subprocess.run([sys.executable, *args], input=text.encode(), capture_output=True, timeout=180,
                          cwd=cwd, env=dict(os.environ, PYTHONPATH=ROOT))


# --- 1. A Python 3 program is never translated ---------------------------------------------------

PYTHON3_PROGRAM = '''\
import sys
d = {'b': 2, 'a': 1}
items = d.items()
lazy = map(str, [1, 2])
print(type(items).__name__, type(lazy).__name__, 7 / 2, 7 // 2, end='|')
answer = input('? ')
with open('out.txt', 'w') as f:
    f.write(answer + '\\n')
print(repr(answer), sorted(items), file=sys.stdout)
'''


@pytest.mark.parametrize('program', ['python3_guards.py', 'inline'])
def test_python3_program_runs_byte_for_byte_as_under_python(tmp_path, program):
    if program == 'inline':
        path = tmp_path / 'prog.py'
        path.write_text(PYTHON3_PROGRAM)
    else:
        path = os.path.join(PROGRAMS, program)
    results = {}
    for how in (['-m', 'mnist.tf1'], []):
        cwd = tmp_path / ('runner' if how else 'python')
        cwd.mkdir()
        result = run_with_input([*how, str(path)], cwd, 'my-run 1+1\n')
        assert result.returncode == 0, result.stderr[-3000:]
        written = {name: (cwd / name).read_bytes() for name in os.listdir(cwd)}
        results[bool(how)] = (result.stdout, written)
        if how:
            assert b'note:' not in result.stderr
    assert results[True] == results[False]
    assert b'my-run 1+1' in results[True][0] or b'my-run 1+1' in b''.join(results[True][1].values())


def test_python3_program_beside_a_python2_file_it_does_not_import_is_not_translated(tmp_path):
    (tmp_path / 'old_script.py').write_text('print "an old script of the same folder"\n')
    (tmp_path / 'prog.py').write_text('import helper\nprint(helper.half(7), input())\n')
    (tmp_path / 'helper.py').write_text('def half(n):\n    return n / 2\n')
    result = run_with_input(['-m', 'mnist.tf1', 'prog.py'], tmp_path, 'a b\n')
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == b'3.5 a b\n' and b'note:' not in result.stderr


@pytest.mark.parametrize('source', [
    'import six\nfor k, v in six.iteritems({}):\n    pass\n',
    'from six import iteritems\nimport future.utils as fu\nfu.itervalues({})\n',
    'import sys\nPY2 = sys.version_info[0] == 2\ntext_type = unicode if PY2 else str\n',
    'import sys\nif sys.version_info[0] == 2:\n    range = xrange\n    s = unicode("a")\n'
    'else:\n    s = "a"\n',
    'import sys\nif sys.version_info < (3,):\n    n = long(3)\n',
    'import six\nif six.PY2:\n    b = basestring\n',
    'try:\n    input = raw_input\nexcept NameError:\n    pass\n',
    'try:\n    from itertools import izip\n    r = xrange(3)\nexcept ImportError:\n    r = range(3)\n',
    'd = {}\nif hasattr(d, "iteritems"):\n    items = d.iteritems()\nelse:\n    items = d.items()\n',
    'class Table(object):\n    def iteritems(self):\n        return iter([])\n'
    'for k in Table().iteritems():\n    pass\n',
    'x = input("name: ")\nprint(x)\n',
    'if str is bytes:\n    text = unicode\nelse:\n    text = str\n',
])
def test_guarded_or_python3_idioms_are_not_python2(source):
    assert python2.python2_idioms(ast.parse(source)) == []


@pytest.mark.parametrize('source, idioms', [
    ('d = {}\nfor k, v in d.iteritems():\n    pass\n', [(2, 'dict.iteritems')]),
    ('d = {}\nif d.has_key("a"):\n    pass\n', [(2, 'dict.has_key')]),
    ('try:\n    r = xrange(3)\nexcept ValueError:\n    pass\n', [(2, 'xrange')]),  # not a guard
    ('PY2 = False\nif True:\n    s = unicode("a")\n', [(3, 'unicode')]),
])
def test_unguarded_python2_idioms_are_found(source, idioms):
    assert python2.python2_idioms(ast.parse(source)) == idioms


TRANSLATED = ("running it translated to Python 3 in memory by fissix (2to3's fixers), with Python 2's `/` "
              "and file writes, and the program's own modules with it; the files are unchanged")
FLOORS = ("`/` between integers (int, int) floors, as in Python 2; the runner keeps Python 2's `/` in this "
          "Python 2 program (`from __future__ import division` in a file makes it true division there)")


# --- 2. Python 2's meaning at run time -----------------------------------------------------------

@pytest.fixture
def runtime(capsys):
    python2._noted.clear()
    yield python2.Runtime('prog.py')
    python2._noted.clear()


def test_python2_division_floors_integers_as_python2_and_numpy_did(runtime, capsys):
    assert runtime.div(7, 2, 1) == 3 and runtime.div(-7, 2, 1) == -4 and runtime.div(True, 2, 1) == 0
    assert runtime.div(7.0, 2, 1) == 3.5 and runtime.div(7, 2.0, 1) == 3.5
    scalar = runtime.div(np.int64(7), 2, 1)
    assert scalar == 3 and isinstance(scalar, np.integer)
    floored = runtime.div(np.array([7, 255], np.uint8), 2, 1)
    assert floored.dtype.kind == 'u' and floored.tolist() == [3, 127]
    assert runtime.div(np.array([7, 8]), 2.0, 1).tolist() == [3.5, 4.0]
    assert runtime.div(np.array([7.0]), 2, 1).tolist() == [3.5]
    assert runtime.div(10, np.array([3, 4]), 1).tolist() == [3, 2]
    with pytest.raises(ZeroDivisionError):
        runtime.div(1, 0, 1)
    assert notes(capsys.readouterr().err) == ['note: prog.py, line 1: ' + FLOORS]


def test_python2_in_place_division_keeps_arrays_in_place(runtime):
    integers, floats = np.array([7, 9]), np.array([7.0, 9.0])
    assert runtime.idiv(integers, 2, 1) is integers and integers.tolist() == [3, 4]
    assert runtime.idiv(floats, 2, 1) is floats and floats.tolist() == [3.5, 4.5]
    assert runtime.idiv(9, 2, 1) == 4


def test_python2_division_uses_the_operands_own_div(runtime):
    class Old:
        def __div__(self, other):
            return 'div', other

        def __rdiv__(self, other):
            return 'rdiv', other
    assert runtime.div(Old(), 3, 1) == ('div', 3) and runtime.div(3, Old(), 1) == ('rdiv', 3)
    v1 = tf.compat.v1
    with tf.Graph().as_default():
        integers, floats = runtime.div(v1.constant([7, -7]), 2, 1), runtime.div(v1.constant([7.0]), 2, 1)
        with v1.Session() as sess:
            assert sess.run(integers).tolist() == [3, -4] and sess.run(floats).tolist() == [3.5]


def _run_translated(source, name='prog.py'):
    namespace = program.run_globals(name)
    tree = python2.translated_tree(source, name)
    exec(compile(tree, name, 'exec'), namespace)
    return namespace


def test_python2_division_is_rewritten_unless_the_file_imports_true_division(runtime):
    source = ('calls = []\ndef index():\n    calls.append(1)\n    return 0\n'
              'a = [9]\na[index()] /= 2\nx = 7\nx /= 2\nclass C(object):\n    n = 9\nc = C()\nc.n /= 2\n'
              'print "done"\n')
    namespace = _run_translated(source)
    assert (namespace['a'], namespace['calls'], namespace['x'], namespace['c'].n) == ([4], [1], 3, 4)
    future = _run_translated('from __future__ import division\nx = 7 / 2\ny = 7\ny /= 2\nprint "done"\n')
    assert (future['x'], future['y']) == (3.5, 3.5)


def test_python2_text_file_for_writing_takes_bytes_and_text(tmp_path, runtime):
    path = tmp_path / 'mixed.bin'
    with runtime.open(str(path), 'w') as f:
        f.write('header\n')
        f.write(pickle.dumps([1, 2], 2))
        f.writelines(['a\n', b'\x00\xff'])
    assert path.read_bytes() == b'header\n' + pickle.dumps([1, 2], 2) + b'a\n\x00\xff'
    with runtime.open(str(path), 'a') as f:
        f.write(np.arange(2, dtype='<i4').tobytes())
    assert path.read_bytes().endswith(b'\x00\x00\x00\x00\x01\x00\x00\x00')
    assert type(runtime.open(str(path), 'rb').read()) is bytes
    with runtime.open(str(path)) as f:
        assert type(f) is not python2.BytesWritingTextFile  # reading is Python 3's own
    with pytest.raises(FileNotFoundError):
        runtime.open(str(tmp_path / 'no' / 'such.txt'), 'w')


def test_python2_project_runs_as_one_python2_program(mnist_root, tmp_path):
    project = os.path.join(PROGRAMS, 'python2_project')
    before = {name: open(os.path.join(project, name), 'rb').read() for name in ('train.py', 'batcher.py')}
    os.symlink(mnist_root / 'MNIST_data', tmp_path / 'MNIST_data')
    result = run(['-m', 'mnist.tf1', os.path.join(project, 'train.py')], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    losses = [float(line.split()[-1]) for line in out.splitlines() if line.startswith('step ')]
    assert len(losses) == 4 and losses[-1] < losses[0] / 2
    assert out.endswith('\n200 of 200 right: 100%\ntest accuracy 1.0000\n')
    # range(n / batch)[n / 2:] as Python 2 computed it; helpers/stats.py's true division kept
    assert '12 batches of 50 per epoch, from the middle batch on: [6, 7, 8, 9, 10, 11]\n' in out
    assert 'mean label 4.60, 0.08333333333333333 of the labels in the first batch\n' in out
    rates = [line.split()[4] for line in out.splitlines() if line.startswith('step ')]
    assert rates == ['0.5,', '0.5,', '0.25,', '0.25,']  # helpers/schedule.py: epoch / 2 floors
    weights, biases = pickle.loads((tmp_path / 'weights.pkl').read_bytes())  # cPickle into open(..., 'w')
    assert weights.shape == (784, 10) and biases.shape == (10,)
    train = os.path.join(project, 'train.py')
    assert notes(result.stderr) == [
        "note: %s, line 17: Python 2 (Missing parentheses in call to 'print'. Did you mean print(...)?): "
        % train + TRANSLATED,
        "note: %s, line 16: " % train + FLOORS,
        "note: %s, line 8: numpy.float is not in NumPy %s; run as NumPy 1 ran it: float"
        % (os.path.join(project, 'helpers', 'stats.py'), np.__version__)]
    for name, content in before.items():
        assert open(os.path.join(project, name), 'rb').read() == content


def test_python3_program_importing_a_python2_module_is_translated_whole(tmp_path):
    (tmp_path / 'prog.py').write_text('import helper\nprint(7 / 2, helper.greeting())\n')
    (tmp_path / 'helper.py').write_text('def greeting():\n    print "hello",\n    return "world"\n')
    result = run(['-m', 'mnist.tf1', 'prog.py'], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == "hello (3, 'world')\n"  # Python 2's print statement of a tuple, and 7 / 2
    assert notes(result.stderr)[0].startswith('note: %s, line 2: Python 2 (' % (tmp_path / 'helper.py'))


def test_python2_program_in_a_folder_with_init_py_imports_its_siblings(tmp_path):
    (tmp_path / '__init__.py').write_text('')
    (tmp_path / 'prog.py').write_text('import helper\nprint helper.half\n')
    (tmp_path / 'helper.py').write_text('half = 7 / 2\n')
    result = run(['-m', 'mnist.tf1', 'prog.py'], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == '3\n'  # `import helper` stays absolute: the program is no package's module


@pytest.mark.parametrize('files, python2_file', [
    ({'prog.py': 'import pkg.mod\n', 'pkg/__init__.py': '', 'pkg/mod.py': 'import helper\n',
      'pkg/helper.py': 'print "x"\n'}, 'pkg/helper.py'),  # an implicit relative import
    ({'prog.py': 'from ns import mod\n', 'ns/mod.py': 'for i in xrange(2):\n    pass\n'}, 'ns/mod.py'),
    ({'prog.py': 'from . import nothing\nimport os, numpy\nimport local\n', 'local.py': 'x = 1\n',
      'unused.py': 'print "x"\n'}, None),
    ({'prog.py': 'import broken\n', 'broken.py': 'def f(:\n'}, None),  # left to its import
    ({'prog.py': 'import sys\nif sys.version_info[0] == 2:\n    import compat2 as compat\n'
                 'else:\n    import compat3 as compat\n',
      'compat2.py': 'print "x"\n', 'compat3.py': 'half = 7 / 2\n'}, None),  # Python 3 never imports it
    ({'prog.py': 'from pkg import model\n', 'pkg/__init__.py': '', 'pkg/model.py': 'import json\n',
      'pkg/json.py': 'print "x"\n'}, None),  # Python 3's `import json` is the standard library's
])
def test_python2_program_follows_the_programs_own_imports(tmp_path, files, python2_file):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    why = program.python2_program(str(tmp_path / 'prog.py'))
    if python2_file is None:
        assert why is None
    else:
        assert why.startswith('%s, line ' % (tmp_path / python2_file))


def test_source_encodings_are_honoured_and_bad_ones_are_pythons_own_error(tmp_path):
    latin = b'# -*- coding: latin-1 -*-\nname = "Jos\xe9"\nprint len(name), name\n'
    (tmp_path / 'latin.py').write_bytes(latin)
    result = run(['-m', 'mnist.tf1', 'latin.py'], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == '4 Jos\u00e9\n'
    (tmp_path / 'klingon.py').write_bytes(b'# -*- coding: klingon -*-\nprint "x"\n')
    (tmp_path / 'undeclared.py').write_bytes(b'name = "Jos\xe9"\nprint name\n')  # Python 2 refused it too
    for name, message in (
            ('klingon.py', 'SyntaxError: unknown encoding: klingon'),
            ('undeclared.py', "SyntaxError: (unicode error) 'utf-8' codec can't decode byte 0xe9")):
        result = run(['-m', 'mnist.tf1', name], tmp_path)
        assert result.returncode == 1 and 'note:' not in result.stderr
        assert result.stderr.splitlines()[-1].startswith(message), result.stderr


def test_python3_tree_of_notebook_cells_says_and_takes_python2(tmp_path, capsys):
    python2._noted.clear()
    tree = program.python3_tree('x = 7 / 2\n', 'cell1')
    assert tree.python2 is False and capsys.readouterr().err == ''
    tree = program.python3_tree('print "a"\n', 'cell2')
    assert tree.python2 is True and capsys.readouterr().err.startswith('note: cell2, line 1: Python 2 (')
    tree = program.python3_tree(b'x = 7 / 2\ny = input()\n', 'cell3', python2=True)
    assert tree.python2 is True and capsys.readouterr().err == ''
    namespace = program.run_globals('cell3')
    namespace['input'] = lambda: '6 * 7'
    exec(compile(tree, 'cell3', 'exec'), namespace)
    assert (namespace['x'], namespace['y']) == (3, 42)  # Python 2's input() evaluated what was typed
    python2._noted.clear()


# --- 3. The tutorials' input_data wherever a program looks for it --------------------------------

def test_tutorials_input_data_copy_is_replaced_with_one_note_and_learns(mnist_root, tmp_path):
    folder = os.path.join(PROGRAMS, 'input_data_2015')
    copy = os.path.join(folder, 'input_data.py')
    os.symlink(mnist_root / 'MNIST_data', tmp_path / 'MNIST_data')
    # The copy itself stops on recent NumPy, as the issue reports
    as_it_is = run(['-c', 'import sys; sys.path.insert(0, %r); import input_data; '
                          'input_data.read_data_sets("MNIST_data")' % folder], tmp_path)
    assert as_it_is.returncode == 1 and 'TypeError' in as_it_is.stderr.splitlines()[-1]
    result = run(['-m', 'mnist.tf1', os.path.join(folder, 'softmax.py')], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert_learns(result.stdout)
    assert notes(result.stderr) == [
        "note: %s: a copy of the TF tutorials' input_data.py; running mnist.input_data in its place "
        "(the same functions, reading the same files)" % copy]


def test_import_input_data_without_a_file_gives_the_tutorials_with_one_note(mnist_root, tmp_path):
    program_path = os.path.join(PROGRAMS, 'input_data_missing.py')
    os.symlink(mnist_root / 'MNIST_data', tmp_path / 'MNIST_data')
    result = run(['-m', 'mnist.tf1', program_path], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert_learns(result.stdout)
    assert notes(result.stderr) == [
        "note: %s, line 3: import input_data: the program has no input_data.py; using the TF tutorials' "
        "input_data, mnist.input_data" % program_path]


def test_a_copy_of_input_data_under_another_name_is_replaced(mnist_root, tmp_path):
    # As programs kept it: the 2015 loader as their own data_api/mnist.py, imported from a package
    (tmp_path / 'data_api').mkdir()
    (tmp_path / 'data_api' / '__init__.py').write_text('')
    (tmp_path / 'data_api' / 'mnist.py').write_text(_copy_2015())
    (tmp_path / 'vae.py').write_text(
        'from data_api import mnist\n'
        'data = mnist.read_data_sets("MNIST_data/", one_hot=True)\n'
        'print(data.train.next_batch(5)[0].shape, mnist.__name__)\n')
    os.symlink(mnist_root / 'MNIST_data', tmp_path / 'MNIST_data')
    result = run(['-m', 'mnist.tf1', 'vae.py'], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines()[-1] == '(5, 784) mnist.input_data'
    assert notes(result.stderr) == [
        "note: %s: a copy of the TF tutorials' input_data.py; running mnist.input_data in its place "
        "(the same functions, reading the same files)" % (tmp_path / 'data_api' / 'mnist.py')]


def test_only_input_data_py_is_recognized_by_its_import_of_read_data_sets(tmp_path):
    source = 'from tensorflow.contrib.learn.python.learn.datasets.mnist import read_data_sets\n'
    (tmp_path / 'input_data.py').write_text(source)
    (tmp_path / 'data.py').write_text(source)
    assert program.is_tutorials_input_data(str(tmp_path / 'input_data.py'))
    assert not program.is_tutorials_input_data(str(tmp_path / 'data.py'))  # the program's own module


def _copy_2015():
    with open(os.path.join(PROGRAMS, 'input_data_2015', 'input_data.py')) as f:
        return f.read()


LATER_COPY = '''\
"""Functions for downloading and reading MNIST data (the 2017 layout, as a copy of it)."""
import collections
import gzip
import numpy
from tensorflow.python.framework import dtypes

Datasets = collections.namedtuple('Datasets', ['train', 'validation', 'test'])


def _read32(bytestream):
  return numpy.frombuffer(bytestream.read(4), dtype=numpy.dtype(numpy.uint32).newbyteorder('>'))[0]


def extract_images(f):
  return None


def extract_labels(f, one_hot=False, num_classes=10):
  return None


class DataSet(object):
  def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=dtypes.float32, reshape=True,
               seed=None):
    pass

  @property
  def images(self):
    return self._images

  def next_batch(self, batch_size, fake_data=False, shuffle=True):
    return None


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=dtypes.float32, reshape=True,
                   validation_size=5000, seed=None, source_url='https://storage.googleapis.com/cvdf-datasets/mnist/'):
  return None


def load_mnist(train_dir='MNIST-data'):
  return read_data_sets(train_dir)
'''


@pytest.mark.parametrize('source, copy', [
    (_copy_2015(), True),
    (LATER_COPY, True),
    (_copy_2015().replace('from __future__ import print_function\n', '').replace(
        "print('Extracting', filename)", "print 'Extracting', filename"), True),  # made Python 2
    (_copy_2015() + '\n\ndef show(image):\n  pass\n', False),  # a function of the program's own
    (LATER_COPY.replace('validation_size=5000', 'validation_size=0'), False),  # its own split
    (LATER_COPY.replace('  def next_batch', '  def next_batch_balanced'), False),
    (LATER_COPY.replace('(train_dir,', '(train_images_file, validation_size,'), False),  # its own arguments
    (LATER_COPY.replace('batch_size, fake_data=False, shuffle=True', 'batch_size, balanced=True'), False),
    ('def read_data_sets(train_dir):\n    return None\n', False),
    ('this is not Python {\n', False),
    ('"""Functions for downloading and reading MNIST data."""\nfrom __future__ import print_function\n'
     'import gzip\nfrom tensorflow.contrib.learn.python.learn.datasets.mnist import read_data_sets\n', True),
    ('from tensorflow.contrib.learn.python.learn.datasets.mnist import read_data_sets\nDATA = "x"\n', False),
], ids=['2015', '2017', 'python2', 'own_function', 'own_default', 'own_method', 'own_arguments',
         'own_batches', 'own_loader', 'not_python', '2016_import', 'import_and_more'])
def test_tutorials_input_data_is_recognized_by_its_content(tmp_path, source, copy):
    path = tmp_path / 'input_data.py'
    path.write_text(source)
    assert program.is_tutorials_input_data(str(path)) is copy


def test_a_programs_own_input_data_loader_stays_its_own(tmp_path):
    (tmp_path / 'input_data.py').write_text(
        'import numpy as np\n\n\ndef read_data_sets(train_dir, one_hot=False):\n'
        '    return np.zeros((3, 784))\n')
    (tmp_path / 'prog.py').write_text('import input_data\nprint(input_data.read_data_sets("d").shape)\n')
    result = run(['-m', 'mnist.tf1', 'prog.py'], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout == '(3, 784)\n' and 'note:' not in result.stderr


# --- 6. Pickle and multiprocessing ----------------------------------------------------------------

@pytest.mark.parametrize('method', ['spawn', 'fork', 'forkserver'])
def test_multiprocessing_workers_get_the_programs_pickled_objects(mnist_root, tmp_path, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip('%s is not a start method on this platform' % method)
    os.symlink(mnist_root / 'MNIST_data', tmp_path / 'MNIST_data')
    program_path = os.path.join(PROGRAMS, 'multiprocessing_class_means.py')
    result = run(['-m', 'mnist.tf1', program_path, method], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[-2] == 'pickled training set: 600 examples'
    assert lines[-1].startswith('%s: test accuracy' % method) and float(lines[-1].split()[-1]) >= 0.8


def test_program_beside_its_own_mnist_pickles_and_spawns(mnist_root, tmp_path):
    folder = tmp_path / 'project'
    folder.mkdir()
    shutil.copy(os.path.join(PROGRAMS, 'multiprocessing_class_means.py'), folder)
    (folder / 'mnist.py').write_text('NUM_CLASSES = 10\n')  # Mechanics 101's layout
    os.symlink(mnist_root / 'MNIST_data', tmp_path / 'MNIST_data')
    result = run(['-m', 'mnist.tf1', str(folder / 'multiprocessing_class_means.py'), 'spawn'], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines()[-2:] == ['pickled training set: 600 examples',
                                               'spawn: test accuracy 1.0000']
    assert error_lines(result.stderr) == []


def test_notebook_cells_after_a_python2_cell_run_as_python2(capsys):
    import types

    from mnist.tf1 import ipython
    shell = types.SimpleNamespace(execution_count=1, user_ns={})
    cells = ipython.Cells(shell)
    python2._noted.clear()
    results = []
    for number, cell in enumerate(['x = 7 / 2\n', 'print "python 2"\n', 'y = 7 / 2\nz = input()\n'], 1):
        shell.execution_count = number
        lines = cells.translate_python2(cell.splitlines(keepends=True))
        tree = cells.visit(ast.parse(''.join(lines)))
        shell.user_ns['input'] = lambda: '6 * 7'
        exec(compile(tree, 'In [%d]' % number, 'exec'), shell.user_ns)
        results.append(cells.python2)
    assert results == [False, True, True]
    assert (shell.user_ns['x'], shell.user_ns['y'], shell.user_ns['z']) == (3.5, 3, 42)
    err = capsys.readouterr().err
    assert notes(err) == ["note: In [2], line 1: Python 2 (Missing parentheses in call to 'print'. "
                          "Did you mean print(...)?): " + TRANSLATED, 'note: In [3], line 1: ' + FLOORS]
    python2._noted.clear()
