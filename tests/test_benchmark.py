"""The benchmark's arithmetic and step counts, and a quick end-to-end run (no timing thresholds)."""
import json
import os

import pytest

from mnist import benchmark, training


def candidates(side):
    """How many distinct settings search_best measures: each setting's values, the best so far once."""
    counts = [len(set(values)) for _, values in benchmark.SEARCH[side]]
    return counts[0] + sum(count - 1 for count in counts[1:])


def test_difference_rate_divides_the_extra_steps_by_the_extra_time():
    # 100 steps in 3 s and 300 in 7 s: the 200 extra steps took 4 s, whatever both runs paid once.
    assert benchmark.difference_rate((3.0, 100), (7.0, 300)) == pytest.approx(50.0)
    # The steps that ran, not those asked for: a run that made 1100 and one that made 2200.
    assert benchmark.difference_rate((2.0, 1100), (4.2, 2200)) == pytest.approx(500.0)


def test_model_figures_are_the_ratios_of_the_rates_given():
    rates = {'ours': 600.0, 'tf_defaults': 400.0, 'ours_best': 660.0, 'keras': 150.0, 'keras_best': 500.0}
    figures = benchmark.model_figures(rates, batch_size=100)
    assert figures['examples_per_s'] == pytest.approx(60000.0)
    assert figures['ours_over_tf_defaults'] == pytest.approx(1.5)
    assert figures['ours_over_keras'] == pytest.approx(4.0)
    assert figures['ours_over_keras_best'] == pytest.approx(1.2)
    assert figures['ours_best_over_keras_best'] == pytest.approx(1.32)


def test_keras_fit_counts_the_steps_it_really_made(separable_data_sets):
    # 200 training images make 2 batches of 100: a fit asked for 5 steps runs 3 epochs, 6 steps,
    # counted by the optimizer itself.
    seconds, steps = benchmark.keras_fit('softmax', separable_data_sets, 5)
    assert steps == 6 and seconds > 0
    assert benchmark.keras_fit('softmax', separable_data_sets, 5, steps_per_execution=4)[1] == 6
    assert benchmark.measure_keras('softmax', separable_data_sets, steps=2, repeats=1) > 0


def test_our_loop_is_timed_as_a_run_of_2n_steps_less_one_of_n(separable_data_sets, monkeypatch):
    calls = []
    timed_run = benchmark._timed_run

    def recording(*args):
        seconds, global_step = timed_run(*args)
        calls.append(global_step)
        return seconds, global_step
    monkeypatch.setattr(benchmark, '_timed_run', recording)
    assert benchmark.measure_our_loop('softmax', separable_data_sets, steps=3, repeats=2) > 0
    assert calls == [3, 3, 6, 3, 6]  # a warm-up, then a 3-step and a 6-step run per repeat


def test_session_settings_set_the_executor_and_threads_and_restore_the_shipped_ones():
    settings = {'executor': '', 'threads': (1, 2), 'xla': False}
    with benchmark.session_settings('softmax', settings):
        config = training.session_config(model='softmax')
        assert config.experimental.executor_type == ''
        assert (config.inter_op_parallelism_threads, config.intra_op_parallelism_threads) == (1, 2)
    config = training.session_config(model='softmax')
    assert config.experimental.executor_type == 'SINGLE_THREADED_EXECUTOR'
    assert (config.inter_op_parallelism_threads, config.intra_op_parallelism_threads) == (0, 0)
    with pytest.raises(ValueError, match='TF_XLA_FLAGS'):
        with benchmark.session_settings('softmax', dict(settings, xla=True)):
            pass


def test_search_takes_each_settings_fastest_value_in_turn(monkeypatch):
    # A made-up machine where the single-threaded executor and one intra-op thread are fastest
    # and XLA fails: the search must find both and skip the failure.
    def rate(side, model, settings, data_dir, steps, repeats=1, mixed_precision=False):
        if settings['xla']:
            return 'error: XLA refused the graph'
        return 100.0 + 50 * (settings['executor'] != '') + 10 * (tuple(settings['threads']) == (1, 1))
    monkeypatch.setattr(benchmark, 'measure_in_child', rate)
    best, tried = benchmark.search_best('ours', 'softmax', 'data', 10)
    assert best == {'executor': 'SINGLE_THREADED_EXECUTOR', 'xla': False, 'threads': (1, 1)}
    assert len(tried) == candidates('ours')  # each setting's values, none measured twice


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir(benchmark.FASHION_MNIST_DIR),
                    reason='needs Debian\'s dataset-fashion-mnist (apt-get install dataset-fashion-mnist)')
def test_quick_benchmark_prints_the_table_and_writes_json(tmp_path, capsys):
    json_path = tmp_path / 'figures.json'
    benchmark.main(['--quick', '--models', 'softmax', '--json', str(json_path)])
    out = capsys.readouterr().out
    figures = json.loads(json_path.read_text())
    row = figures['models']['softmax']
    for key in ('steps_per_s', 'tf_defaults_steps_per_s', 'ours_best_steps_per_s', 'keras_steps_per_s',
                'keras_best_steps_per_s', 'floor_us_per_step', 'eval_examples_per_s'):
        assert row[key] > 0, key
    assert row['settings'] == benchmark.shipped_settings('softmax')
    assert len(row['search']) == candidates('ours') + candidates('keras')
    assert 'softmax (100)' in out and 'ours/kbest' in out and 'softmax: ours single-threaded executor' in out
    assert 0 < figures['read_data_sets']['peak_rss_mb_above_import'] < 2000
    assert figures['cnn_peak_rss_mb'] > 0
