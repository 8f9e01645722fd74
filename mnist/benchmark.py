"""Side-by-side speed and memory figures on real data: `python -m mnist.benchmark`.

For each model at its tutorial's batch size it measures our training loop
(the tutorial script's own, steps/s and examples/s) at the script's settings,
at TensorFlow's defaults and at its fastest settings; the same model trained
by `tf.keras` `model.fit` at Keras's defaults and at its fastest settings;
the floor (`Session.run` of the bare train op fed one fixed batch) and
batched evaluation; plus `read_data_sets`, and peak RSS of CNN training with
its test evaluation.

Every rate is timed the same way: after a warm-up run, the difference of a
run of 2n steps and one of n steps of the same setup (graph or model
building, compiling, converting the data, saving and evaluating cancel out),
counting the steps that really ran (the global step, or Keras's
optimizer.iterations). "Fastest settings" are searched the same way for both
sides over what a user can set (SEARCH), each candidate in a fresh Python.
Every figure is the median over the rounds, each round measuring every
setting once. The machine is shared and noisy: read the ratios, which come
from the same run, rather than the absolute times.
"""
import argparse
import contextlib
import dataclasses
import io
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist'
MODEL_ORDER = ('softmax', 'fully_connected', 'cnn')

# The children below run in a fresh interpreter, so their peak RSS is their work's alone.
_PEAK_RSS_MB = '''
from mnist import platforms
def peak_rss_mb():
    return platforms.peak_rss_bytes() / 2**20
'''

_READ_DATA_SETS_CHILD = _PEAK_RSS_MB + '''
import json, sys, time
import tensorflow as tf
from mnist import input_data
before = peak_rss_mb()
start = time.perf_counter()
data_sets = input_data.read_data_sets(sys.argv[1])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_rss_mb_above_import": peak_rss_mb() - before}))
'''

# Peak RSS of a whole CNN training run with its test evaluation, as a user runs it.
_CNN_RSS_CHILD = _PEAK_RSS_MB + '''
import json, sys
from mnist import cli
flags = ['--data_dir', sys.argv[1], '--log_dir', sys.argv[2], '--max_steps', sys.argv[3]]
cli.load_script('mnist_deep').main(flags + (['--mixed_precision'] if sys.argv[4] == '1' else []))
print(json.dumps({"peak_rss_mb": peak_rss_mb()}))
'''


# What a user can set, on either side: every combination is measured. Ours: the session's
# executor; Keras: steps_per_execution, how many batches one call of its compiled training function
# runs (a loop inside the graph: one Python round trip for all of them). Both: XLA (Keras's
# jit_compile; a session's global_jit_level, with TF_XLA_FLAGS=--tf_xla_cpu_global_jit) and the
# inter-op and intra-op thread pools (0 is TensorFlow's default, one thread per core).
THREADS = ((0, 0), (1, 1), (1, os.cpu_count() or 1))
SEARCH = {
    'ours': {'executor': ('', 'SINGLE_THREADED_EXECUTOR'), 'xla': (False, True), 'threads': THREADS},
    'keras': {'steps_per_execution': (1, 20, 200), 'xla': (False, True), 'threads': THREADS},
}
TF_DEFAULTS = {'ours': {'executor': '', 'xla': False, 'threads': (0, 0)},
               'keras': {'steps_per_execution': 1, 'xla': False, 'threads': (0, 0)}}
# TensorFlow reads the thread pools of Keras (tf.config.threading) when it starts, so each
# Keras thread setting runs in a Python of its own; a session takes them in its ConfigProto.
XLA_ON_CPU = '--tf_xla_cpu_global_jit'


def shipped_settings(model):
    """The settings our tutorial script runs `model` with: its executor, TensorFlow's defaults otherwise."""
    from mnist import training
    return dict(TF_DEFAULTS['ours'], executor=training.EXECUTORS[model])


def grid(side):
    """Every combination of SEARCH[side]'s values, TensorFlow's defaults first."""
    combinations = [{}]
    for name, values in SEARCH[side].items():
        combinations = [dict(c, **{name: value}) for c in combinations for value in dict.fromkeys(values)]
    return combinations


@dataclasses.dataclass
class Budget:
    """Steps per timed run (each rate is the difference of a run of 2n steps and one of n)."""
    steps: dict
    search_steps: dict
    repeats: int
    rss_steps: int


FULL = Budget(steps={'softmax': 2000, 'fully_connected': 2000, 'cnn': 60},
              search_steps={'softmax': 500, 'fully_connected': 500, 'cnn': 10},
              repeats=3, rss_steps=300)
QUICK = Budget(steps={'softmax': 60, 'fully_connected': 60, 'cnn': 4},
               search_steps={'softmax': 30, 'fully_connected': 30, 'cnn': 2},
               repeats=1, rss_steps=4)


class NoisyMeasurement(Exception):
    """The longer of two runs was not the slower one: too few steps for the machine's noise."""


def difference_rate(short, long):
    """Steps/s from two runs of the same setup, each (seconds, steps that really ran).

    Whatever both runs pay once (building, compiling, converting the data,
    saving, evaluating) cancels: the rate is what the extra steps cost.
    Raises NoisyMeasurement where the longer run took no more time.
    """
    (short_seconds, short_steps), (long_seconds, long_steps) = short, long
    if long_seconds <= short_seconds or long_steps <= short_steps:
        raise NoisyMeasurement('%d steps took %.3f s and %d steps %.3f s: more steps are needed'
                               % (short_steps, short_seconds, long_steps, long_seconds))
    return (long_steps - short_steps) / (long_seconds - short_seconds)


def _retrying(measure, tries=5):
    """measure(), measured again where the machine's noise made it NoisyMeasurement."""
    for attempt in range(tries):
        try:
            return measure()
        except NoisyMeasurement:
            if attempt == tries - 1:
                raise


def _child_json(code, *args):
    child = subprocess.run([sys.executable, '-c', code, *map(str, args)],
                           capture_output=True, text=True)
    if child.returncode:
        raise RuntimeError('benchmark child failed:\n' + child.stderr[-2000:])
    return json.loads(child.stdout.strip().splitlines()[-1])


def measure_read_data_sets(data_dir, repeats):
    """Median wall seconds of read_data_sets(data_dir) and its peak RSS above the TF import (MB)."""
    runs = [_child_json(_READ_DATA_SETS_CHILD, data_dir) for _ in range(repeats)]
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def tutorial_script(model):
    """The tutorial script that trains `model`, imported as a module."""
    from mnist import cli
    return cli.load_script(cli.TRAINING_SCRIPTS[model])


def batch_size_of(model):
    """The batch size of `model`'s tutorial."""
    return tutorial_script(model).DEFAULTS['batch_size']


def _timed_run(script, steps, log_dir, mixed_precision, data_sets):
    """(wall seconds, global step reached) of main() for `steps` steps, saving once, at the end."""
    script.CHECKPOINT_EVERY = steps + 1
    flags = ['--log_dir', log_dir, '--max_steps', str(steps), '--seed', '0']
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        metrics = script.main(flags + (['--mixed_precision'] if mixed_precision else []), data_sets)
    return time.perf_counter() - start, metrics['global_step']


@contextlib.contextmanager
def session_settings(model, settings):
    """Within it, the sessions of model's tutorial script run with settings' executor and thread pools.

    settings: {'executor', 'threads': (inter_op, intra_op), 'xla'}. XLA
    clusters a session's graph on the CPU only with TF_XLA_FLAGS=XLA_ON_CPU
    set before TensorFlow starts, as measure_in_child sets it.
    """
    from mnist import training

    import tensorflow as tf
    if settings['xla'] and XLA_ON_CPU not in os.environ.get('TF_XLA_FLAGS', ''):
        raise ValueError('xla=True needs TF_XLA_FLAGS=%s set before TensorFlow starts' % XLA_ON_CPU)
    shipped_executor, shipped_config = training.EXECUTORS[model], training.session_config

    def session_config(*args, **kwargs):
        config = shipped_config(*args, **kwargs)
        config.inter_op_parallelism_threads, config.intra_op_parallelism_threads = settings['threads']
        if settings['xla']:
            config.graph_options.optimizer_options.global_jit_level = tf.compat.v1.OptimizerOptions.ON_1
        return config
    training.EXECUTORS[model], training.session_config = settings['executor'], session_config
    try:
        yield
    finally:
        training.EXECUTORS[model], training.session_config = shipped_executor, shipped_config


def measure_our_loop(model, data_sets, steps, repeats, settings=None, mixed_precision=False):
    """Steps/s of the tutorial script's loop for `model` under settings (default: shipped_settings).

    After a warm-up run, each repeat times a run of `steps` steps and one of
    2 * steps, and its rate is difference_rate of the two, the steps read from
    the global step each run reached. Returns the median rate.
    """
    script = tutorial_script(model)
    settings = settings or shipped_settings(model)
    rates = []
    with tempfile.TemporaryDirectory() as log_root, session_settings(model, settings):
        runs = itertools.count()

        def timed(steps):
            log_dir = os.path.join(log_root, str(next(runs)))
            return _timed_run(script, steps, log_dir, mixed_precision, data_sets)

        timed(steps)
        for _ in range(repeats):
            rates.append(_retrying(lambda: difference_rate(timed(steps), timed(2 * steps))))
    return statistics.median(rates)


def measure_floor_and_eval(model, data_sets, steps, repeats, mixed_precision=False):
    """(µs per Session.run of the bare train op fed one fixed batch, eval examples/s of the test set).

    The floor runs the model's shipped session settings and is timed as our
    loop is: the difference of a loop of 2 * steps runs and one of `steps`,
    counted by the global step.
    """
    from mnist import training

    import tensorflow as tf
    v1 = tf.compat.v1
    batch_size = batch_size_of(model)
    images, labels = data_sets.train.images[:batch_size], data_sets.train.labels[:batch_size]
    with tf.Graph().as_default():
        v1.set_random_seed(0)
        graph = training.build_graph(model, training.MODELS[model].LEARNING_RATE)
        with v1.Session(config=training.session_config(mixed_precision, model)) as sess:
            sess.run(v1.global_variables_initializer())
            feed = graph.feed(images, labels, keep_prob=0.5)

            def timed(steps):
                first_step = sess.run(graph.global_step)
                start = time.perf_counter()
                for _ in range(steps):
                    sess.run(graph.train_op, feed)
                seconds = time.perf_counter() - start
                return seconds, sess.run(graph.global_step) - first_step

            timed(steps)
            floors, evals = [], []
            for _ in range(repeats):
                floors.append(1e6 / _retrying(lambda: difference_rate(timed(steps), timed(2 * steps))))
                start = time.perf_counter()
                training.do_eval(sess, graph.eval_correct, graph.images, graph.labels, data_sets.test,
                                 verbose=False)
                evals.append(data_sets.test.num_examples / (time.perf_counter() - start))
    return statistics.median(floors), statistics.median(evals)


def keras_model(model, **compile_options):
    """The same architecture, initialization, loss and optimizer as mnist.<model>, in tf.keras.

    compile_options go to Model.compile (steps_per_execution, jit_compile).
    """
    import math

    import tensorflow as tf
    keras = tf.keras
    normal = keras.initializers.TruncatedNormal

    if model == 'softmax':
        layers = [keras.layers.Dense(10, kernel_initializer='zeros')]
        optimizer = keras.optimizers.SGD(0.5)
    elif model == 'fully_connected':
        layers = [keras.layers.Dense(128, 'relu', kernel_initializer=normal(stddev=1 / math.sqrt(784))),
                  keras.layers.Dense(32, 'relu', kernel_initializer=normal(stddev=1 / math.sqrt(128))),
                  keras.layers.Dense(10, kernel_initializer=normal(stddev=1 / math.sqrt(32)))]
        optimizer = keras.optimizers.SGD(0.01)
    else:
        conv = dict(padding='same', activation='relu', kernel_initializer=normal(stddev=0.1),
                    bias_initializer=keras.initializers.Constant(0.1))
        dense = dict(kernel_initializer=normal(stddev=0.1),
                     bias_initializer=keras.initializers.Constant(0.1))
        layers = [keras.layers.Reshape((28, 28, 1)),
                  keras.layers.Conv2D(32, 5, **conv), keras.layers.MaxPooling2D(2, padding='same'),
                  keras.layers.Conv2D(64, 5, **conv), keras.layers.MaxPooling2D(2, padding='same'),
                  keras.layers.Flatten(), keras.layers.Dense(1024, 'relu', **dense),
                  keras.layers.Dropout(0.5), keras.layers.Dense(10, **dense)]
        optimizer = keras.optimizers.Adam(1e-4, epsilon=1e-8)  # TF 1.x AdamOptimizer's epsilon
    net = keras.Sequential([keras.Input((784,))] + layers)
    net.compile(optimizer=optimizer,
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), **compile_options)
    return net


def keras_fit(model, data_sets, steps, steps_per_execution=1, xla=False):
    """(wall seconds, steps made) of building, compiling and fitting keras_model(model) for >= `steps` steps.

    The fit runs over whole batches of the training set for as many epochs as
    it takes to make at least `steps` steps (a small data set takes several);
    the steps it made are the optimizer's iterations.
    """
    import math

    import tensorflow as tf
    batch_size = batch_size_of(model)
    batches_per_epoch = max(1, min(steps, data_sets.train.num_examples // batch_size))
    images = data_sets.train.images[:batches_per_epoch * batch_size]
    labels = data_sets.train.labels[:batches_per_epoch * batch_size].astype('int32')
    tf.keras.backend.clear_session()
    start = time.perf_counter()
    net = keras_model(model, steps_per_execution=steps_per_execution, jit_compile=xla)
    net.fit(images, labels, batch_size=batch_size, epochs=math.ceil(steps / batches_per_epoch),
            shuffle=True, verbose=0)
    return time.perf_counter() - start, int(net.optimizer.iterations.numpy())


def measure_keras(model, data_sets, steps, repeats, settings=None):
    """Training steps/s of keras_model(model).fit under settings, timed as our loop is.

    settings: {'steps_per_execution', 'xla', 'threads'} (default: Keras's
    defaults); the thread pools are TensorFlow's when it starts (see
    measure_in_child), not set here. After a
    warm-up fit, each repeat times a keras_fit of `steps` steps and one of
    2 * steps, and its rate is difference_rate of the two. Returns the median rate.
    """
    settings = settings or TF_DEFAULTS['keras']
    options = dict(steps_per_execution=settings['steps_per_execution'], xla=settings['xla'])
    keras_fit(model, data_sets, steps, **options)
    rates = [_retrying(lambda: difference_rate(keras_fit(model, data_sets, steps, **options),
                                               keras_fit(model, data_sets, 2 * steps, **options)))
             for _ in range(repeats)]
    return statistics.median(rates)


def _key(settings):
    return json.dumps(settings, sort_keys=True)


def measure_settings(side, model, data_sets, steps, repeats, settings_list):
    """Steps/s of `side` ('ours' or 'keras') for `model` under each of settings_list, in this process.

    The settings take turns in every repeat, so that the machine's load weighs
    on them alike. An item may add 'mixed_precision': True (ours). Returns one
    median rate per item, or where it failed, its error's first line.
    """
    from mnist import training

    import tensorflow as tf
    rates = [[] for _ in settings_list]
    for _ in range(repeats):
        for i, settings in enumerate(settings_list):
            if isinstance(rates[i], str):
                continue
            try:
                if side == 'ours':
                    rates[i].append(measure_our_loop(model, data_sets, steps, 1, settings,
                                                     settings.get('mixed_precision', False)))
                else:
                    rates[i].append(measure_keras(model, data_sets, steps, 1, settings))
            except tf.errors.OpError as e:
                rates[i] = '%s: %s' % (type(e).__name__, training.op_error_reason(e))
            except (training.OpFailed, ValueError, NoisyMeasurement) as e:
                rates[i] = '%s: %s' % (type(e).__name__, e)
    return [r if isinstance(r, str) else statistics.median(r) for r in rates]


def measure_in_child(side, model, settings_list, data_dir, steps, repeats=1):
    """measure_settings in a fresh Python, whose thread pools are settings_list's (all alike for Keras)."""
    spec = dict(side=side, model=model, settings=settings_list, data_dir=data_dir, steps=steps,
                repeats=repeats)
    env = dict(os.environ, TF_XLA_FLAGS=(os.environ.get('TF_XLA_FLAGS', '') + ' ' + XLA_ON_CPU).strip())
    child = subprocess.run([sys.executable, '-m', 'mnist.benchmark', '--child', json.dumps(spec)],
                           capture_output=True, text=True, env=env)
    if child.returncode:
        raise RuntimeError('benchmark child %s failed:\n%s' % (json.dumps(spec), child.stderr[-3000:]))
    return json.loads(child.stdout.strip().splitlines()[-1])


def _child(spec):
    """A measure_in_child child: sets the thread pools, reads the data, prints measure_settings' list."""
    from mnist import input_data

    import tensorflow as tf
    settings_list = [dict(settings, threads=tuple(settings['threads'])) for settings in spec['settings']]
    if spec['side'] == 'keras':
        [(inter_op, intra_op)] = {settings['threads'] for settings in settings_list}
        tf.config.threading.set_inter_op_parallelism_threads(inter_op)
        tf.config.threading.set_intra_op_parallelism_threads(intra_op)
    with contextlib.redirect_stdout(io.StringIO()):
        data_sets = input_data.read_data_sets(spec['data_dir'], seed=0)
    print(json.dumps(measure_settings(spec['side'], spec['model'], data_sets, spec['steps'], spec['repeats'],
                                      settings_list)))


def measure_all(side, model, settings_list, data_dir, steps, repeats=1):
    """{_key(settings): steps/s or error line} of each settings, in one child per Keras thread setting."""
    groups = {}
    for settings in settings_list:
        process = tuple(settings['threads']) if side == 'keras' else ()
        groups.setdefault(process, {})[_key(settings)] = settings
    results = {}
    for group in groups.values():
        results.update(zip(group, measure_in_child(side, model, list(group.values()), data_dir, steps,
                                                   repeats)))
    return results


def search_best(side, model, data_dir, steps):
    """The fastest of grid(side) for `model`, each measured once for `steps` steps; both sides alike.

    Returns (best settings, [(settings, steps/s or error line), ...]).
    """
    candidates = grid(side)
    rates = measure_all(side, model, candidates, data_dir, steps)
    measured = [c for c in candidates if not isinstance(rates[_key(c)], str)]
    return max(measured, key=lambda c: rates[_key(c)]), [(c, rates[_key(c)]) for c in candidates]


def model_figures(rates, batch_size):
    """One model's figures from its rates (steps/s): ours, tf_defaults, ours_best, keras, keras_best."""
    ours = rates['ours']
    return {'batch_size': batch_size, 'steps_per_s': ours, 'examples_per_s': ours * batch_size,
            'tf_defaults_steps_per_s': rates['tf_defaults'],
            'ours_over_tf_defaults': ours / rates['tf_defaults'],
            'ours_best_steps_per_s': rates['ours_best'],
            'keras_steps_per_s': rates['keras'], 'ours_over_keras': ours / rates['keras'],
            'keras_best_steps_per_s': rates['keras_best'],
            'ours_over_keras_best': ours / rates['keras_best'],
            'ours_best_over_keras_best': rates['ours_best'] / rates['keras_best']}


def measure_cnn_rss(data_dir, steps, mixed_precision=False):
    """Peak RSS (MB) of a CNN training run of `steps` steps with its test evaluation."""
    with tempfile.TemporaryDirectory() as log_dir:
        return _child_json(_CNN_RSS_CHILD, data_dir, log_dir, steps, int(mixed_precision))['peak_rss_mb']


def run(data_dir=FASHION_MNIST_DIR, budget=FULL, mixed_precision=None, progress=sys.stderr,
        models=MODEL_ORDER):
    """Measures everything; returns the figures as a dict (what --json writes)."""
    from mnist import input_data, training

    def note(text):
        print(text, file=progress, flush=True)

    if mixed_precision is None:
        mixed_precision = training.mixed_precision_device() is not None
    results = {'data_dir': data_dir, 'repeats': budget.repeats, 'models': {}}
    note('read_data_sets ...')
    results['read_data_sets'] = measure_read_data_sets(data_dir, budget.repeats)
    with contextlib.redirect_stdout(io.StringIO()):
        data_sets = input_data.read_data_sets(data_dir, seed=0)
    for model in models:
        note('%s: measuring every setting of both sides ...' % model)
        best_ours, tried_ours = search_best('ours', model, data_dir, budget.search_steps[model])
        best_keras, tried_keras = search_best('keras', model, data_dir, budget.search_steps[model])
        note('%s: %d rounds of the settings compared ...' % (model, budget.repeats))
        ours = {'ours': shipped_settings(model), 'tf_defaults': TF_DEFAULTS['ours'], 'ours_best': best_ours}
        if mixed_precision and model == 'cnn':
            ours['ours_mixed_precision'] = dict(shipped_settings(model), mixed_precision=True)
        keras = {'keras': TF_DEFAULTS['keras'], 'keras_best': best_keras}
        steps = budget.steps[model]
        measured = measure_all('ours', model, list(ours.values()), data_dir, steps, budget.repeats)
        measured.update(measure_all('keras', model, list(keras.values()), data_dir, steps, budget.repeats))
        rates = {name: measured[_key(settings)] for name, settings in {**ours, **keras}.items()}
        failed = {name: rate for name, rate in rates.items() if isinstance(rate, str)}
        if failed:
            raise RuntimeError('%s: %s' % (model, failed))
        batch_size = batch_size_of(model)
        figures = model_figures(rates, batch_size)
        floor_us, figures['eval_examples_per_s'] = measure_floor_and_eval(
            model, data_sets, budget.steps[model], budget.repeats)
        figures.update(floor_us_per_step=floor_us, ours_over_floor=rates['ours'] * floor_us / 1e6,
                       settings=shipped_settings(model), ours_best_settings=best_ours,
                       keras_best_settings=best_keras, search=tried_ours + tried_keras)
        results['models'][model] = figures
        if 'ours_mixed_precision' in rates:
            mixed_rate = rates['ours_mixed_precision']
            floor_us, eval_rate = measure_floor_and_eval(model, data_sets, budget.steps[model],
                                                         budget.repeats, mixed_precision=True)
            results['models'][model + '_mixed_precision'] = {
                'batch_size': batch_size, 'steps_per_s': mixed_rate,
                'examples_per_s': mixed_rate * batch_size, 'floor_us_per_step': floor_us,
                'ours_over_floor': mixed_rate * floor_us / 1e6, 'eval_examples_per_s': eval_rate}
    note('CNN peak RSS ...')
    results['cnn_peak_rss_mb'] = measure_cnn_rss(data_dir, budget.rss_steps)
    return results


def describe(settings):
    """Settings in a few words: only what differs from TensorFlow's defaults."""
    words = []
    if settings.get('executor'):
        words.append('single-threaded executor' if settings['executor'] == 'SINGLE_THREADED_EXECUTOR'
                     else settings['executor'])
    if settings.get('steps_per_execution', 1) != 1:
        words.append('steps_per_execution=%d' % settings['steps_per_execution'])
    if settings['xla']:
        words.append('XLA')
    if tuple(settings['threads']) != (0, 0):
        words.append('inter/intra-op threads %d/%d' % tuple(settings['threads']))
    return ', '.join(words) or 'TensorFlow\'s defaults'


def format_table(results):
    """The figures as a plain-text table."""
    lines = ['%-26s %8s %10s %8s %10s %9s %8s %9s %10s %9s %9s %10s %9s %10s' % (
        'model (batch)', 'steps/s', 'examples/s', 'floor us', 'ours/floor', 'tf def/s', 'ours/tf',
        'keras/s', 'ours/keras', 'best/s', 'k best/s', 'ours/kbest', 'best/best', 'eval ex/s')]
    for key, f in results['models'].items():
        if 'keras_steps_per_s' in f:
            peers = '%9.0f %8.2f %9.0f %10.2f %9.0f %9.0f %10.2f %9.2f' % (
                f['tf_defaults_steps_per_s'], f['ours_over_tf_defaults'], f['keras_steps_per_s'],
                f['ours_over_keras'], f['ours_best_steps_per_s'], f['keras_best_steps_per_s'],
                f['ours_over_keras_best'], f['ours_best_over_keras_best'])
        else:
            peers = '%9s %8s %9s %10s %9s %9s %10s %9s' % (('-',) * 8)
        lines.append('%-26s %8.0f %10.0f %8.0f %10.2f %s %10.0f' % (
            '%s (%d)' % (key, f['batch_size']), f['steps_per_s'], f['examples_per_s'],
            f['floor_us_per_step'], f['ours_over_floor'], peers, f['eval_examples_per_s']))
    for key, f in results['models'].items():
        if 'settings' in f:
            lines.append('%s: ours %s; ours at best %s; Keras at best %s' % (
                key, describe(f['settings']), describe(f['ours_best_settings']),
                describe(f['keras_best_settings'])))
    read = results['read_data_sets']
    lines.append('read_data_sets: %.3f s, peak RSS %.0f MB above the TensorFlow import'
                 % (read['seconds'], read['peak_rss_mb_above_import']))
    lines.append('CNN training with test evaluation: peak RSS %.0f MB' % results['cnn_peak_rss_mb'])
    if 'cnn_mixed_precision' in results['models']:
        speedup = (results['models']['cnn_mixed_precision']['examples_per_s']
                   / results['models']['cnn']['examples_per_s'])
        lines.append('CNN bfloat16 mixed precision / fp32: %.2fx examples/s' % speedup)
    lines.append('(medians of %d rounds)' % results['repeats'])
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--data_dir', default=FASHION_MNIST_DIR,
                        help='Directory with the four MNIST-format .gz files.')
    parser.add_argument('--models', nargs='+', choices=MODEL_ORDER, default=list(MODEL_ORDER),
                        help='The models to measure.')
    parser.add_argument('--quick', action='store_true',
                        help='A few steps and one repeat: checks that everything runs.')
    parser.add_argument('--json', default=None, help='Also write the figures to this JSON file.')
    parser.add_argument('--child', help=argparse.SUPPRESS)  # measure_in_child's JSON spec
    args = parser.parse_args(argv)
    if args.child:
        return _child(json.loads(args.child))
    results = run(args.data_dir, QUICK if args.quick else FULL, models=args.models)
    print(format_table(results))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == '__main__':
    main()
