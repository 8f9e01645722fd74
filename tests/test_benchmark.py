"""The benchmark's arithmetic and step counts, and a quick end-to-end run (no timing thresholds)."""
import json
import os

import pytest

from mnist import benchmark, training


def test_difference_rate_divides_the_extra_steps_by_the_extra_time():
    # 100 steps in 3 s and 300 in 7 s: the 200 extra steps took 4 s, whatever both runs paid once.
    assert benchmark.difference_rate((3.0, 100), (7.0, 300)) == pytest.approx(50.0)
    # The steps that ran, not those asked for: a run that made 1100 and one that made 2200.
    assert benchmark.difference_rate((2.0, 1100), (4.2, 2200)) == pytest.approx(500.0)
    with pytest.raises(benchmark.NoisyMeasurement, match='100 steps took 3.000 s and 200 steps 2.900 s'):
        benchmark.difference_rate((3.0, 100), (2.9, 200))


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


def test_our_loop_is_timed_as_a_run_of_2n_steps_less_one_of_n(separable_data_sets, monkeypatch):
    calls = []
    timed_run = benchmark._timed_run

    def recording(*args):
        seconds, global_step = timed_run(*args)
        calls.append(global_step)
        return seconds, global_step
    monkeypatch.setattr(benchmark, '_timed_run', recording)
    pairs = []  # what difference_rate is given (3 steps are too few to time on a busy machine)
    monkeypatch.setattr(benchmark, 'difference_rate', lambda short, long: pairs.append((short, long)) or 7.0)
    assert benchmark.measure_our_loop('softmax', separable_data_sets, steps=3, repeats=2) == 7.0
    assert calls == [3, 3, 6, 3, 6]  # a warm-up, then a 3-step and a 6-step run per repeat
    assert [(short[1], long[1]) for short, long in pairs] == [(3, 6), (3, 6)]


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


def test_search_measures_every_combination_keras_threads_in_processes_of_their_own(monkeypatch):
    # A made-up machine where the single-threaded executor and one intra-op thread are fastest
    # and XLA fails: the search must find them and leave the failures out.
    children = []

    def measure_in_child(side, model, settings_list, data_dir, steps, repeats=1):
        children.append((side, settings_list))
        return ['error: XLA refused the graph' if settings['xla'] else
                100.0 + 50 * (settings.get('executor') == 'SINGLE_THREADED_EXECUTOR')
                + 10 * (tuple(settings['threads']) == (1, 1)) for settings in settings_list]
    monkeypatch.setattr(benchmark, 'measure_in_child', measure_in_child)
    best, tried = benchmark.search_best('ours', 'softmax', 'data', 10)
    assert best == {'executor': 'SINGLE_THREADED_EXECUTOR', 'xla': False, 'threads': (1, 1)}
    assert len(tried) == 2 * 2 * len(set(benchmark.THREADS)) and len(children) == 1
    assert sum(isinstance(rate, str) for _, rate in tried) == len(tried) // 2
    best, tried = benchmark.search_best('keras', 'softmax', 'data', 10)
    assert best == {'steps_per_execution': 1, 'xla': False, 'threads': (1, 1)}
    assert len(tried) == len(benchmark.grid('keras')) == 3 * 2 * len(set(benchmark.THREADS))
    keras_children = children[1:]
    assert len(keras_children) == len(set(benchmark.THREADS))
    assert all(len({tuple(s['threads']) for s in settings_list}) == 1 for _, settings_list in keras_children)


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
    assert row['settings'] == json.loads(json.dumps(benchmark.shipped_settings('softmax')))  # JSON's lists
    assert len(row['search']) == len(benchmark.grid('ours')) + len(benchmark.grid('keras'))
    assert 'softmax (100)' in out and 'ours/kbest' in out and 'softmax: ours single-threaded executor' in out
    assert 0 < figures['read_data_sets']['peak_rss_mb_above_import'] < 2000
    assert figures['cnn_peak_rss_mb'] > 0
