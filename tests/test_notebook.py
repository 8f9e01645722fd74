"""docs/visual_tutorial.ipynb runs in a real Jupyter kernel on Fashion-MNIST and draws its pictures.

The data directory is $MNIST_DATA_DIR (default: Debian's Fashion-MNIST).
`python tests/test_notebook.py` executes the notebook and saves it with its
outputs, as committed.
"""
import base64
import os
import re
import sys

import pytest

from mnist import visualize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK = os.path.join(ROOT, 'docs', 'visual_tutorial.ipynb')
DATA_DIR = os.environ.get('MNIST_DATA_DIR', '/usr/share/datasets/fashion-mnist')
DATA_FILES = ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
              't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')
PICTURES = 5  # digits, weights, mistakes, confusion, PCA of pixels and logits
MAX_BYTES = 1_000_000


def execute(notebook, data_dir, cwd):
    """Runs every cell of the nbformat notebook in a fresh python3 kernel, in place.

    The kernel gets MNIST_DATA_DIR=data_dir and this checkout first on its
    PYTHONPATH. Raises nbclient's CellExecutionError at the first failing cell.
    """
    from nbclient import NotebookClient
    python_path = os.pathsep.join(filter(None, [ROOT, os.environ.get('PYTHONPATH')]))
    env = dict(os.environ, MNIST_DATA_DIR=data_dir, PYTHONPATH=python_path)
    client = NotebookClient(notebook, timeout=600, kernel_name='python3', record_timing=False,
                            resources={'metadata': {'path': str(cwd)}})
    client.execute(env=env)
    return notebook


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == 'code']


def png_outputs(notebook):
    """The PNG bytes of every image output, in order."""
    return [base64.b64decode(output['data']['image/png'])
            for cell in code_cells(notebook) for output in cell.outputs
            if 'image/png' in output.get('data', {})]


def text_output(notebook):
    return ''.join(output.get('text', '') for cell in code_cells(notebook) for output in cell.outputs)


def check_pictures(notebook, tmp_path):
    pictures = png_outputs(notebook)
    assert len(pictures) == PICTURES
    for index, png in enumerate(pictures):
        path = tmp_path / ('picture%d.png' % index)
        path.write_bytes(png)
        width, height = visualize.png_size(str(path))
        assert width >= 400 and height >= 200


def test_committed_notebook_renders_with_its_pictures_and_is_small(tmp_path):
    import nbformat
    assert os.path.getsize(NOTEBOOK) < MAX_BYTES
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(cell.execution_count for cell in code_cells(notebook))
    check_pictures(notebook, tmp_path)


@pytest.mark.slow
def test_notebook_runs_in_a_real_kernel(tmp_path):
    pytest.importorskip('nbclient', reason='pip install -e ".[test]" installs nbclient')
    pytest.importorskip('ipykernel', reason='pip install -e ".[test]" installs ipykernel')
    import nbformat
    missing = [f for f in DATA_FILES if not os.path.isfile(os.path.join(DATA_DIR, f))]
    if missing:
        pytest.skip('%s lacks %s: set MNIST_DATA_DIR to a directory with the four MNIST-format '
                    'files, or apt-get install dataset-fashion-mnist' % (DATA_DIR, ', '.join(missing)))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in code_cells(notebook):  # what ran must be this run's
        cell.outputs, cell.execution_count = [], None

    execute(notebook, DATA_DIR, tmp_path)

    cells = code_cells(notebook)
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1))
    errors = [o for cell in cells for o in cell.outputs if o.output_type == 'error']
    assert errors == []
    check_pictures(notebook, tmp_path)
    text = text_output(notebook)
    ours = float(re.search(r'^test accuracy (\d\.\d+)', text, re.M).group(1))
    tf1 = float(re.search(r'^TF 1\.x program: test accuracy (\d\.\d+)', text, re.M).group(1))
    assert ours > 0.5 and tf1 > 0.5  # chance is 0.1


if __name__ == '__main__':
    import nbformat
    path = sys.argv[1] if len(sys.argv) > 1 else NOTEBOOK
    executed = execute(nbformat.read(path, as_version=4), DATA_DIR, os.path.dirname(path))
    nbformat.write(executed, path)
    print('Wrote %s (%d bytes)' % (path, os.path.getsize(path)))
