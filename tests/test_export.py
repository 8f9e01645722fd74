"""scripts/mnist_export.py: a SavedModel that plain TensorFlow 2 and saved_model_cli read, predicting
what the checkpoint predicts; existing versions kept, bad export dirs refused in one line."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from conftest import run_main
from fashion_cnn import trained_cnn
from mnist import input_data, paths, serving, training
from test_scripts import ROOT
from test_visualize import load_script, train

# Runs in a fresh process: TensorFlow 2 as it comes, eager, no tf.compat.v1.
EAGER_PREDICT = '''
import sys
import numpy as np
import tensorflow as tf
assert tf.executing_eagerly()
model = tf.saved_model.load(sys.argv[1])
serve = model.signatures["serving_default"]
images = np.load(sys.argv[2])
outputs = [serve(images=tf.constant(images[i:i + 500])) for i in range(0, len(images), 500)]
np.savez(sys.argv[3], classes=np.concatenate([o["classes"].numpy() for o in outputs]),
         probabilities=np.concatenate([o["probabilities"].numpy() for o in outputs]),
         classes_dtype=str(outputs[0]["classes"].dtype.name))
'''


def eager_predict(saved_model, images, tmp_path):
    """(classes, probabilities, classes dtype) of the SavedModel's serving_default, from a fresh process."""
    np.save(tmp_path / 'images.npy', images)
    result = subprocess.run([sys.executable, '-c', EAGER_PREDICT, saved_model, str(tmp_path / 'images.npy'),
                             str(tmp_path / 'predicted.npz')], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    predicted = np.load(tmp_path / 'predicted.npz')
    return predicted['classes'], predicted['probabilities'], str(predicted['classes_dtype'])


def export(*args):
    return load_script('mnist_export.py').main(list(args))


@pytest.fixture(scope='module')
def fully_connected(tmp_path_factory, make_separable_data_sets):
    """(log_dir, data_sets): a small fully connected model trained on separable data."""
    log_dir = tmp_path_factory.mktemp('fully_connected')
    data_sets = make_separable_data_sets()
    train('fully_connected', log_dir, data_sets, '--hidden1', 16, '--hidden2', 8, max_steps=40)
    return str(log_dir), data_sets


@pytest.fixture(scope='module')
def make_separable_data_sets():
    from separable import separable_data_sets
    return separable_data_sets


def test_savedmodel_predicts_in_plain_tf2_what_the_checkpoint_predicts(fully_connected, tmp_path):
    log_dir, data_sets = fully_connected
    exported = export('--model', 'fully_connected', '--log_dir', log_dir, '--export_dir', str(tmp_path / 'e'))
    assert exported['version'] == exported['global_step'] == 40
    assert exported['path'] == str(tmp_path / 'e' / '40')
    assert sorted(os.listdir(exported['path'])) == ['saved_model.pb', 'variables']
    assert os.listdir(tmp_path / 'e') == ['40']  # no temporary directory left behind

    images = data_sets.test.images
    with training.restored_model('fully_connected', log_dir) as model:
        expected = serving.predict(model, images)
    classes, probabilities, dtype = eager_predict(exported['path'], images, tmp_path)
    assert dtype == 'int64' and probabilities.dtype == np.float32
    assert np.array_equal(classes, expected.argmax(axis=1))
    np.testing.assert_allclose(probabilities, expected, rtol=1e-5, atol=1e-6)

    shown = subprocess.run([sys.executable, '-m', 'tensorflow.python.tools.saved_model_cli', 'show',
                            '--dir', exported['path'], '--all'], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    text = ' '.join(shown.stdout.split())
    for expected_text in ("signature_def['serving_default']",
                          "inputs['images'] tensor_info: dtype: DT_FLOAT shape: (-1, 784)",
                          "outputs['classes'] tensor_info: dtype: DT_INT64 shape: (-1)",
                          "outputs['probabilities'] tensor_info: dtype: DT_FLOAT shape: (-1, 10)",
                          'Method name is: tensorflow/serving/predict'):
        assert expected_text in text, shown.stdout


def test_an_existing_version_is_kept_unless_overwrite(fully_connected, tmp_path):
    log_dir, _ = fully_connected
    export_dir = str(tmp_path / 'e')
    first = export('--model', 'fully_connected', '--log_dir', log_dir, '--export_dir', export_dir)
    inode = os.stat(first['path']).st_ino
    with pytest.raises(serving.ExportError, match=re.escape(
            '%s already exists: version 40 of the model in --export_dir %s. Pass --overwrite'
            % (first['path'], export_dir))):
        export('--model', 'fully_connected', '--log_dir', log_dir, '--export_dir', export_dir)
    with pytest.raises(serving.ExportError, match='already exists'):
        export('--model', 'fully_connected', '--log_dir', log_dir, '--export_dir', export_dir,
               '--version', '40')
    assert os.stat(first['path']).st_ino == inode
    again = export('--model', 'fully_connected', '--log_dir', log_dir, '--export_dir', export_dir,
                   '--overwrite')
    assert os.stat(again['path']).st_ino != inode
    seven = export('--model', 'fully_connected', '--log_dir', log_dir, '--export_dir', export_dir,
                   '--version', '7')
    assert seven['version'] == 7 and seven['global_step'] == 40
    assert sorted(os.listdir(export_dir)) == ['40', '7']
    assert sorted(os.listdir(os.path.join(export_dir, '40'))) == ['saved_model.pb', 'variables']


def test_a_failed_export_leaves_no_version_directory(fully_connected, tmp_path, monkeypatch):
    log_dir, _ = fully_connected
    export_dir = tmp_path / 'e'

    def fail(self, *args, **kwargs):
        raise OSError('disk full (simulated)')
    monkeypatch.setattr(training.v1.saved_model.Builder, 'save', fail)
    with pytest.raises(OSError, match='simulated'):
        export('--model', 'fully_connected', '--log_dir', log_dir, '--export_dir', str(export_dir))
    assert os.listdir(export_dir) == []


def test_bad_export_dir_gets_one_line(fully_connected, read_only_dir, tmp_path):
    log_dir, _ = fully_connected
    a_file = tmp_path / 'a_file'
    a_file.write_text('')
    result = subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'mnist_export.py'), '--model',
                             'fully_connected', '--log_dir', log_dir, '--export_dir', str(a_file)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == \
        'error: --export_dir %s is a file, not a directory.' % a_file
    assert 'Traceback' not in result.stderr

    with pytest.raises(paths.PathError, match=re.escape(
            '--export_dir %s is not a writable directory: Read-only file system'
            % (read_only_dir / 'models'))):
        export('--model', 'fully_connected', '--log_dir', log_dir,
               '--export_dir', str(read_only_dir / 'models'))


@pytest.mark.slow
def test_cnn_savedmodel_has_the_checkpoints_test_accuracy(tmp_path_factory, tmp_path):
    log_dir, data_dir = trained_cnn(tmp_path_factory)
    exported = export('--model', 'cnn', '--log_dir', log_dir, '--export_dir', str(tmp_path / 'e'))
    evaluated = run_main('mnist_eval', ['--model', 'cnn', '--log_dir', log_dir, '--data_dir', data_dir])
    test = input_data.read_data_sets(data_dir, validation_size=0).test
    classes, _, _ = eager_predict(exported['path'], test.images, tmp_path)
    num_correct = int(np.sum(classes == test.labels))
    assert num_correct == evaluated['test']['num_correct']
    assert '%.4f' % (num_correct / len(test.labels)) == '%.4f' % evaluated['test']['precision']
    assert evaluated['test']['precision'] > 0.6
