"""mnist/tf1/numpy1.py beyond test_tf1.py's NumPy 1 tests: np.bool on NumPy 1.24 to 1.26, what
NumPy 2 took out of numpy.lib, and np.fromstring with its arguments positional."""
import numpy as np

from mnist.tf1 import numpy1, program


def run_source(tmp_path, source):
    """Runs `source` as the runner runs a program's file; returns (its globals, the notes' names)."""
    path = tmp_path / 'old_numpy.py'
    path.write_text(source)
    namespace = program.run_globals(str(path))
    numpy1._noted.clear()
    exec(program.compile_file(str(path)), namespace)
    return namespace


def noted(capsys):
    return [line.split(': ')[2].split(' is not')[0] for line in capsys.readouterr().err.splitlines()]


def test_np_bool_is_pythons_bool_where_numpy_lacks_it_and_numpys_own_elsewhere(tmp_path, capsys):
    values = run_source(tmp_path, 'import numpy as np\n'
                                  'values = [np.bool, np.array([1, 0], np.bool).tolist()]\n')
    if 'bool' in vars(np):  # NumPy 2: numpy.bool_ again
        assert values['values'][0] is np.bool_ and noted(capsys) == []
    else:  # NumPy 1.24 to 1.26
        assert values['values'][0] is bool and noted(capsys) == ['numpy.bool']
    assert values['values'][1] == [True, False]


def test_names_numpy2_took_out_of_numpy_lib_are_numpys_own(tmp_path, capsys):
    values = run_source(tmp_path, '''import numpy as np
from numpy.lib import pad, stride_tricks
values = [np.lib.pad(np.ones(2), 1).tolist(), pad(np.ones(1), 1, 'constant').tolist(),
          np.lib.stride_tricks.as_strided(np.arange(3), (2,), (8,)).tolist(),
          stride_tricks is np.lib.stride_tricks]
try:
    np.lib.no_such_name
except AttributeError as e:
    values.append(str(e))
''')['values']
    assert values[:4] == [[0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0, 1], True]
    assert values[4] == "module 'numpy.lib' has no attribute 'no_such_name'"  # NumPy's own error
    assert noted(capsys) == ([] if hasattr(np.lib, 'pad') else ['numpy.lib.pad'])  # once, NumPy 2 only


def test_fromstring_takes_its_arguments_positionally_as_numpy1_did(tmp_path):
    values = run_source(tmp_path, '''import numpy as np
values = [np.fromstring('1 2 3', float, -1, ' ').tolist(), np.fromstring('1,2', np.int64, 1, ',').tolist(),
          np.fromstring(b'\\x01\\x02\\x03', np.uint8, 2).tolist()]
''')['values']
    assert values == [[1.0, 2.0, 3.0], [1], [1, 2]]



def test_a_float_count_of_points_is_taken_as_numpy_1_17_took_it(tmp_path, capsys):
    values = run_source(tmp_path, '''import numpy as np
from numpy import linspace
values = [np.linspace(0, 1, num=10 / 2).tolist(), np.logspace(0, 2, 3.0).tolist(),
          linspace(0, 1, 2.9).tolist(), np.geomspace(1, 4, np.float64(3)).tolist(),
          np.linspace(0, 1, 3).tolist(), np.linspace is not None]
try:
    np.linspace(0, 1, '3')
except TypeError as e:
    values.append(type(e).__name__)
''')['values']
    assert values == [[0.0, 0.25, 0.5, 0.75, 1.0], [1.0, 10.0, 100.0], [0.0, 1.0], [1.0, 2.0, 4.0],
                      [0.0, 0.5, 1.0], True, 'TypeError']  # 2.9 points: int(2.9), as NumPy 1.17 did
    err = capsys.readouterr().err.splitlines()
    assert err == ['note: %s, line 3: numpy.linspace(num=<a float>) is not in NumPy %s; run as NumPy 1 ran '
                   'it: num=int(num)' % (tmp_path / 'old_numpy.py', np.__version__),
                   'note: %s, line 3: numpy.logspace(num=<a float>) is not in NumPy %s; run as NumPy 1 ran '
                   'it: num=int(num)' % (tmp_path / 'old_numpy.py', np.__version__),
                   'note: %s, line 4: numpy.geomspace(num=<a float>) is not in NumPy %s; run as NumPy 1 ran '
                   'it: num=int(num)' % (tmp_path / 'old_numpy.py', np.__version__)]


def test_the_float_count_functions_are_one_object_each_and_pickle(tmp_path):
    values = run_source(tmp_path, 'import functools, pickle\nimport numpy as np\n'
                                  'f = functools.partial(np.linspace, 0, 1)\n'
                                  'values = [np.linspace is np.linspace,\n'
                                  '          pickle.loads(pickle.dumps(f))(3).tolist()]\n')
    assert values['values'] == [True, [0.0, 0.5, 1.0]]
