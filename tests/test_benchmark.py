"""The benchmark counts the steps that really ran, and runs end to end (no timing thresholds)."""
import json
import os

import pytest

from mnist import benchmark, training


def test_keras_rate_counts_the_steps_fit_really_made(separable_data_sets, monkeypatch):
    # 200 training images make 2 batches of 100: slicing images[:10 * 100] would
    # have run 2 steps a fit and credited 10.
    nets = []
    build = benchmark.keras_model

    def recording(*args, **kwargs):
        nets.append(build(*args, **kwargs))
        return nets[-1]
    monkeypatch.setattr(benchmark, 'keras_model', recording)
    rate, steps_per_fit = benchmark.measure_keras('softmax', separable_data_sets, steps=5, repeats=2)
    assert rate > 0
    assert steps_per_fit == 6  # three epochs of two batches: at least the 5 asked for
    # The warm-up fit and the two timed ones, counted by the optimizer itself.
    assert int(nets[0].optimizer.iterations.numpy()) == 3 * steps_per_fit


def test_our_loop_rates_come_from_the_global_step(separable_data_sets, monkeypatch):
    reached = []
    timed_run = benchmark._timed_run

    def recording(*args):
        seconds, global_step = timed_run(*args)
        reached.append(global_step)
        return seconds, global_step
    monkeypatch.setattr(benchmark, '_timed_run', recording)
    ours, default = benchmark.measure_our_loop('softmax', separable_data_sets, steps=3, repeats=1,
                                               executor_types=(None, ''))
    assert ours > 0 and default > 0
    # A warm-up run per executor, then a 3-step and a 6-step run per executor.
    assert reached == [3, 3, 3, 6, 3, 6]


def test_session_executor_sets_the_models_executor_and_restores_it():
    assert training.session_config(model='softmax').experimental.executor_type == 'SINGLE_THREADED_EXECUTOR'
    assert training.session_config(model='cnn').experimental.executor_type == ''
    with benchmark.session_executor('softmax', ''):
        assert training.session_config(model='softmax').experimental.executor_type == ''
    assert training.session_config(model='softmax').experimental.executor_type == 'SINGLE_THREADED_EXECUTOR'


@pytest.mark.slow
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
        if model != 'cnn':  # the CNN runs TensorFlow's default executor
            assert row['ours_over_default_executor'] == pytest.approx(
                row['steps_per_s'] / row['default_executor_steps_per_s'])
        assert row['ours_over_keras'] == pytest.approx(row['steps_per_s'] / row['keras_steps_per_s'])
        assert row['ours_over_keras_best'] == pytest.approx(
            row['steps_per_s'] / row['keras_best_steps_per_s'])
        assert row['keras_best_settings'] == benchmark.KERAS_BEST[model]
        assert row['keras_steps_per_fit'] >= benchmark.QUICK.keras_steps[model]
        assert model + ' (' in out
    assert 0 < figures['read_data_sets']['peak_rss_mb_above_import'] < 2000
    assert figures['cnn_peak_rss_mb'] > 0
    assert 'ours/floor' in out and 'ours/tf' in out and 'ours/keras' in out and 'ours/best' in out
