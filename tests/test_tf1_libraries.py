"""mnist/tf1/libraries.py: what matplotlib, scikit-learn and SciPy removed, run in the program's own
files as it ran then, with one note each; the same names elsewhere untouched."""
import os
import sys

import numpy as np
import pytest
from PIL import Image

import test_tf1
from mnist.tf1 import libraries, numpy1, program
from mnist.tf1.errors import MissingPackageError
from test_tf1 import PROGRAMS, assert_learns, run
from test_tf1_contrib import assert_learns_fashion

data_root = test_tf1.data_root  # the separable digits of test_tf1.py, a fixture


def run_source(tmp_path, source, name='old_calls.py'):
    """Compiles and runs `source` as the runner runs a program's file; returns its globals."""
    path = tmp_path / name
    path.write_text(source)
    namespace = program.run_globals(str(path))
    numpy1._noted.clear()
    libraries._noted.clear()
    exec(program.compile_file(str(path)), namespace)
    return namespace


def old_keyword_removed(module_name, qualified_name, keyword):
    """Whether the installed library's callable no longer takes `keyword` (scikit-learn < 1.7: n_iter)."""
    import importlib
    import inspect
    found = importlib.import_module(module_name)
    for part in qualified_name.split('.'):
        found = getattr(found, part)
    return keyword not in inspect.signature(found).parameters


def notes(stderr):
    """[(line, what)] of the runner's notes about old APIs."""
    found = []
    for line in stderr.splitlines():
        if line.startswith('note: ') and ' is not in ' in line:
            where, what = line[len('note: '):].split(': ', 1)
            found.append((int(where.rsplit(' ', 1)[1]), what.split(' is not in ')[0]))
    return found


def test_old_libraries_program_runs_with_one_note_each_and_learns(data_root, tmp_path):
    program_path = os.path.join(PROGRAMS, 'old_libraries.py')
    env = dict(os.environ, MPLBACKEND='Agg')
    result = run(['-m', 'mnist.tf1', '--figures', str(tmp_path / 'figs'), program_path, str(tmp_path)],
                 data_root, env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert_learns(result.stdout)
    expected = [(10, 'scipy.misc.imresize'), (39, 'numpy.lib.pad'), (40, 'scipy.misc.imsave'),
                (41, 'scipy.misc.imread'), (46, 'FigureCanvasBase.set_window_title'),
                (47, 'add_subplot(axisbg=)'), (48, 'hist(normed=)'), (52, 'TSNE(n_iter=)')]
    present = {'numpy.lib.pad': hasattr(np.lib, 'pad'),  # NumPy 1.26 still has it
               'TSNE(n_iter=)': not old_keyword_removed('sklearn.manifold', 'TSNE', 'n_iter')}
    assert notes(result.stderr) == [(line, what) for line, what in expected if not present.get(what)]
    assert 'note: %s, line 48: hist(normed=) is not in matplotlib ' % program_path in result.stderr
    assert 'saved digit (32, 32) uint8, read back at half size (16, 16)' in result.stdout
    assert 'weights histogram area 1.000' in result.stdout and 't-SNE map (200, 2)' in result.stdout
    with Image.open(tmp_path / 'digit.png') as digit:
        pixels = np.array(digit)
    assert digit.size == (32, 32) and pixels.max() == 255 and (pixels[:2] == 0).all()  # scaled, padded
    assert os.listdir(tmp_path / 'figs') == ['old_libraries_figure1.png']


@pytest.mark.slow
def test_old_libraries_program_learns_fashion_mnist(tmp_path):
    assert_learns_fashion('old_libraries.py', tmp_path, str(tmp_path))


OLD_CALLS = '''import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from sklearn.manifold import TSNE

fig = plt.figure()
fig.canvas.set_window_title('old')
ax = plt.subplot(1, 1, 1, axisbg='red')
ax.set_axis_bgcolor('blue')
counts, bins, _ = plt.hist([1, 2, 2, 3], bins=3, normed=True)
density, _ = np.histogram([1, 2, 2, 3], bins=3, normed=True)
Figure().canvas.set_window_title('no window')
tsne = TSNE(n_iter=300)


class Own:
    def set_window_title(self, title):
        return 'its own ' + title


def hist(values, normed=False):
    return 'its own', normed


values = [ax.get_facecolor(), float((counts * np.diff(bins)).sum()), density.tolist(), tsne.max_iter,
          Own().set_window_title('x'), hist([1], normed=True), plt.get_fignums()]
'''


def test_old_calls_run_as_they_did_and_the_programs_own_names_are_untouched(tmp_path, capsys):
    values = run_source(tmp_path, OLD_CALLS)['values']
    assert values[0] == (0.0, 0.0, 1.0, 1.0)  # blue, set after axisbg='red'
    assert values[1] == pytest.approx(1.0) and values[2] == pytest.approx([0.375, 0.75, 0.375])
    assert values[3:6] == [300, 'its own x', ('its own', True)]
    expected = [(9, 'FigureCanvasBase.set_window_title'), (10, 'subplot(axisbg=)'),
                (11, 'Axes.set_axis_bgcolor'), (12, 'hist(normed=)'), (13, 'histogram(normed=)'),
                (15, 'TSNE(n_iter=)')]
    if not old_keyword_removed('sklearn.manifold', 'TSNE', 'n_iter'):
        expected.pop()
    assert notes(capsys.readouterr().err) == expected
    import matplotlib.pyplot as plt
    plt.close('all')


def test_old_keyword_beside_its_new_name_is_one_line(tmp_path):
    with pytest.raises(TypeError, match=r'^hist\(\) got both normed= and its new name density=$'):
        run_source(tmp_path, 'import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as plt\n'
                   'plt.hist([1, 2], normed=True, density=True)\n')


def test_scipy_misc_image_helpers_on_pillow(tmp_path, capsys):
    path = str(tmp_path / 'image.png')
    namespace = run_source(tmp_path, '''import numpy as np
import scipy.misc
from scipy.misc import imsave, imresize, toimage, bytescale

image = np.linspace(0, 1, 12).reshape(3, 4)
imsave(%r, image)
grey = scipy.misc.imread(%r)
flat = scipy.misc.imread(%r, flatten=True)
rgb = scipy.misc.imread(%r, mode='RGB')
values = [grey.tolist(), flat.dtype.name, rgb.shape, imresize(grey, 200).shape, imresize(grey, 0.5).shape,
          imresize(grey, (6, 2), interp='nearest').shape, toimage(np.zeros((3, 4, 5))).mode,
          toimage(np.ones((3, 2, 5))).size,
          bytescale(np.array([0.0, 0.5, 1.0])).tolist(), bytescale(np.array([7, 7])).tolist(),
          bytescale(np.array([3, 200], np.uint8)).tolist()]
''' % (path, path, path, path))
    values = namespace['values']
    assert values[0][0] == [0, 23, 46, 70] and values[0][-1][-1] == 255  # scaled from 0..1 to 0..255
    assert values[1:7] == ['float32', (3, 4, 3), (6, 8), (1, 2), (6, 2), 'RGB']
    assert values[7] == (5, 2)  # channels first: the axis of 3 is the channels
    assert values[8:] == [[0, 128, 255], [0, 0], [3, 200]]
    assert [what for _, what in notes(capsys.readouterr().err)] == [
        'scipy.misc.imsave', 'scipy.misc.imresize', 'scipy.misc.toimage', 'scipy.misc.bytescale',
        'scipy.misc.imread']


def test_scipy_misc_bad_input_is_one_line():
    with pytest.raises(ValueError, match=r'^toimage: an array of shape \(5,\) is no image: expected '
                       r'\(height, width\) or \(height, width, 3 or 4\)$'):
        libraries.toimage(np.zeros(5))
    with pytest.raises(ValueError, match=r"^imresize: interp 'best': expected one of nearest, lanczos, "):
        libraries.imresize(np.zeros((4, 4)), 50, interp='best')


def test_scipy_misc_without_pillow_is_one_line_with_the_pip_command(monkeypatch):
    monkeypatch.setitem(sys.modules, 'PIL', None)
    monkeypatch.setitem(sys.modules, 'PIL.Image', None)
    with pytest.raises(MissingPackageError, match=r'^scipy.misc.toimage \(on Pillow\) needs the Pillow '
                       r'package, which is not installed: pip install -e "\.\[tf1\]"$'):
        libraries.imsave('never.png', np.zeros((2, 2)))
