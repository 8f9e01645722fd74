"""The benchmark runs end to end (no timing thresholds: the figures are for reading)."""
import json
import os

import pytest

from mnist import benchmark

pytestmark = pytest.mark.slow


@pytest.mark.skipif(not os.path.isdir(benchmark.FASHION_MNIST_DIR),
                    reason='needs Debian\'s dataset-fashion-mnist (apt-get install dataset-fashion-mnist)')
def test_quick_benchmark_prints_the_table_and_writes_json(tmp_path, capsys):
    json_path = tmp_path / 'figures.json'
    benchmark.main(['--quick', '--json', str(json_path)])
    out = capsys.readouterr().out
    figures = json.loads(json_path.read_text())
    assert set(figures['models']) >= {'softmax', 'fully_connected', 'cnn'}
    for model in ('softmax', 'fully_connected', 'cnn'):
        row = figures['models'][model]
        assert row['steps_per_s'] > 0 and row['floor_us_per_step'] > 0
        assert row['ours_over_keras'] == pytest.approx(row['steps_per_s'] / row['keras_steps_per_s'])
        assert row['ours_over_keras_best'] == pytest.approx(
            row['steps_per_s'] / row['keras_best_steps_per_s'])
        assert row['keras_best_settings'] == benchmark.KERAS_BEST[model]
        assert model + ' (' in out
    assert 0 < figures['read_data_sets']['peak_rss_mb_above_import'] < 2000
    assert figures['cnn_peak_rss_mb'] > 0
    assert 'ours/floor' in out and 'ours/keras' in out and 'ours/best' in out
