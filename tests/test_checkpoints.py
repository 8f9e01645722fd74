"""mnist.checkpoints: a user's model is never lost, whatever happens to the run or its log_dir.

Faults are real: files deleted or damaged, directories moved and copied,
locks held by other processes, signals sent to training processes, a full
file system (tmpfs), NaN losses.
"""
import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ctrl_c_as_from_a_terminal, run_main, tmpfs
from mnist import checkpoints
from test_scripts import ROOT, run_script
from test_training import evaluate, train

import tensorflow as tf

v1 = tf.compat.v1


def steps_on_disk(log_dir):
    return [int(path.rsplit('-', 1)[1]) for path in checkpoints.checkpoint_paths(str(log_dir))]


def state_file(log_dir):
    """The state file's model_checkpoint_path and all_model_checkpoint_paths, as written."""
    state = tf.train.get_checkpoint_state(str(log_dir))
    return state.model_checkpoint_path, list(state.all_model_checkpoint_paths)


@pytest.fixture
def trained(separable_data_sets, tmp_path):
    """A softmax run of 60 steps with checkpoints at 20, 40 and 60; returns its log_dir."""
    log_dir = tmp_path / 'run'
    train('softmax', log_dir, separable_data_sets, max_steps=60)
    return log_dir


def resume(log_dir, data_sets, max_steps=80, *flags):
    return train('softmax', log_dir, data_sets, '--resume', *flags, max_steps=max_steps)


def test_state_file_holds_relative_paths(trained):
    assert state_file(trained) == (str(trained / 'model.ckpt-60'),
                                   [str(trained / ('model.ckpt-%d' % s)) for s in (20, 40, 60)])
    with open(trained / 'checkpoint') as f:
        assert str(trained) not in f.read()


def test_resume_skips_a_checkpoint_without_index_and_says_why(trained, separable_data_sets, capsys):
    os.remove(trained / 'model.ckpt-60.index')
    metrics = resume(trained, separable_data_sets)
    captured = capsys.readouterr()
    assert 'Resumed from %s at step 40.' % (trained / 'model.ckpt-40') in captured.out
    assert 'model.ckpt-60.index does not exist' in captured.err
    assert metrics['global_step'] == 80


def test_resume_skips_a_corrupt_checkpoint(trained, separable_data_sets, capsys):
    with open(trained / 'model.ckpt-60.data-00000-of-00001', 'r+b') as f:
        f.truncate(10)
    resume(trained, separable_data_sets)
    captured = capsys.readouterr()
    assert 'Resumed from %s at step 40.' % (trained / 'model.ckpt-40') in captured.out
    assert 'model.ckpt-60 is corrupt' in captured.err


def test_resume_ignores_a_stale_or_garbage_state_file(trained, separable_data_sets, capsys):
    with open(trained / 'checkpoint', 'w') as f:
        f.write('model_checkpoint_path: "model.ckpt-999"\n')
    resume(trained, separable_data_sets)
    assert 'Resumed from %s at step 60.' % (trained / 'model.ckpt-60') in capsys.readouterr().out
    with open(trained / 'checkpoint', 'wb') as f:
        f.write(b'\x00\xffnot a state file {{{')
    assert evaluate('softmax', trained, separable_data_sets)['global_step'] == 80
    resume(trained, separable_data_sets, 100)
    assert state_file(trained)[0] == str(trained / 'model.ckpt-100')


def test_a_copied_log_dir_resumes_from_its_own_files(trained, separable_data_sets, tmp_path, capsys):
    copy = tmp_path / 'copy'
    shutil.copytree(trained, copy)
    # An older version's state file, with absolute paths into the original directory.
    with open(copy / 'checkpoint', 'w') as f:
        f.write('model_checkpoint_path: "%s/model.ckpt-40"\n' % trained)
    shutil.rmtree(trained)
    resume(copy, separable_data_sets)
    assert 'Resumed from %s at step 60.' % (copy / 'model.ckpt-60') in capsys.readouterr().out
    assert not trained.exists()


def test_glob_characters_in_log_dir(separable_data_sets, tmp_path, capsys):
    log_dir = tmp_path / 'run[1]*?'
    train('softmax', log_dir, separable_data_sets, max_steps=20)
    resume(log_dir, separable_data_sets, 40)
    assert 'Resumed from %s at step 20.' % (log_dir / 'model.ckpt-20') in capsys.readouterr().out
    assert evaluate('softmax', log_dir, separable_data_sets)['global_step'] == 40


def test_resume_stops_when_nothing_restores_and_changes_nothing(trained, separable_data_sets):
    for step in (20, 40, 60):
        with open(trained / ('model.ckpt-%d.index' % step), 'wb') as f:
            f.write(b'garbage')
    before = sorted(os.listdir(trained))
    with pytest.raises(checkpoints.CheckpointError,
                       match=r'--resume: no checkpoint in .* restores \(nothing was changed\)'):
        resume(trained, separable_data_sets)
    assert sorted(os.listdir(trained)) == before


def test_resume_of_an_empty_log_dir_starts_at_step_0(separable_data_sets, tmp_path, capsys):
    metrics = resume(tmp_path / 'new', separable_data_sets, 20)
    expected = 'No checkpoint in %s to resume from: starting at step 0.' % (tmp_path / 'new')
    assert expected in capsys.readouterr().out
    assert metrics['global_step'] == 20


def test_fresh_run_refuses_earlier_checkpoints_and_overwrite_replaces_them(trained, separable_data_sets,
                                                                          capsys):
    with pytest.raises(checkpoints.CheckpointError,
                       match=r'holds checkpoints of an earlier run \(newest model.ckpt-60\). Continue it '
                             r'with --resume, start again with --overwrite'):
        train('softmax', trained, separable_data_sets, max_steps=20)
    assert steps_on_disk(trained) == [60, 40, 20]
    train('softmax', trained, separable_data_sets, '--overwrite', max_steps=20)
    assert 'Deleted 3 checkpoints of an earlier run' in capsys.readouterr().err
    assert steps_on_disk(trained) == [20]
    assert state_file(trained) == (str(trained / 'model.ckpt-20'), [str(trained / 'model.ckpt-20')])


def test_resume_and_overwrite_together_are_refused(tmp_path):
    result = run_script('mnist_softmax.py', '--fake_data', '--resume', '--overwrite', '--log_dir',
                        str(tmp_path))
    assert result.returncode == 2
    assert 'argument --overwrite: not allowed with argument --resume' in result.stderr


def test_checkpoints_of_earlier_runs_take_part_in_the_rotation(trained, separable_data_sets):
    resume(trained, separable_data_sets, 140)
    assert steps_on_disk(trained) == [140, 120, 100, 80, 60]
    assert state_file(trained)[1] == [str(trained / ('model.ckpt-%d' % s)) for s in (60, 80, 100, 120, 140)]


def test_a_second_run_in_the_same_log_dir_stops_naming_the_first(separable_data_sets, tmp_path):
    log_dir = tmp_path / 'run'
    os.makedirs(log_dir)
    holder = subprocess.Popen([sys.executable, '-c', (
        'import fcntl, os, sys, time\n'
        'f = open(sys.argv[1], "a+"); fcntl.flock(f, fcntl.LOCK_EX)\n'
        'f.write("%d\\n" % os.getpid()); f.flush(); print("locked", flush=True); time.sleep(60)'),
        str(log_dir / checkpoints.LOCK_FILE)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == 'locked'
        with pytest.raises(checkpoints.CheckpointError,
                           match=r'is in use by another training run \(process %d\)' % holder.pid):
            train('softmax', log_dir, separable_data_sets, max_steps=5)
    finally:
        holder.kill()
        holder.wait()
    # The holder is dead: its lock went with it, though the file and its pid stay.
    assert os.path.exists(log_dir / checkpoints.LOCK_FILE)
    assert train('softmax', log_dir, separable_data_sets, max_steps=5)['global_step'] == 5


def test_diverging_run_stops_and_keeps_the_good_checkpoint_latest(separable_data_sets, tmp_path):
    log_dir = tmp_path / 'run'
    train('fully_connected', log_dir, separable_data_sets, max_steps=20)
    before = state_file(log_dir)
    with pytest.raises(checkpoints.Diverged,
                       match=r'the loss is (nan|inf) at step \d+: training diverged .* the latest '
                             r'checkpoint is still .*model.ckpt-20\.'):
        train('fully_connected', log_dir, separable_data_sets, '--resume', '--learning_rate', 1e6,
              max_steps=100)
    assert steps_on_disk(log_dir) == [20]
    assert state_file(log_dir) == before
    assert evaluate('fully_connected', log_dir, separable_data_sets)['global_step'] == 20


def test_non_finite_weights_are_never_saved(tmp_path):
    with checkpoints.TrainingRun(str(tmp_path)) as run, tf.Graph().as_default():
        weights = tf.Variable([1.0, 2.0], name='weights')
        step = v1.train.get_or_create_global_step()
        poison = tf.group(weights.assign([1.0, float('nan')]), step.assign_add(1))
        with v1.Session() as sess:
            run.start(sess, v1.train.Saver(max_to_keep=None))
            assert run.save(sess) == str(tmp_path / 'model.ckpt-0')
            sess.run(poison)
            with pytest.raises(checkpoints.Diverged, match='weights became NaN or infinite by step 1: '
                                                           'not saved; the latest checkpoint is still '
                                                           '.*model.ckpt-0'):
                run.save(sess)


@pytest.mark.parametrize('value', ['inf', 'nan', '-0.1', '-inf'])
def test_learning_rates_that_cannot_train_are_refused_when_parsed(value, tmp_path):
    result = run_script('fully_connected_feed.py', '--fake_data', '--learning_rate=' + value,
                        '--log_dir', str(tmp_path))
    assert result.returncode == 2
    assert ("argument --learning_rate: expected a finite number >= 0, got '%s'" % value) in result.stderr
    assert not os.listdir(tmp_path)


def test_a_save_on_a_full_disk_leaves_the_previous_checkpoint_latest(separable_data_sets, tmp_path):
    with tmpfs(tmp_path / 'disk', 'size=2m') as disk:
        log_dir = disk / 'A' / 'Big' / 'Run'  # the message keeps the capitals
        train_set = separable_data_sets.train
        next_batch, calls = train_set.next_batch, []

        def filling_next_batch(*args):
            calls.append(1)
            if len(calls) == 30:  # after the save at step 20, the disk fills up
                fill(disk)
            return next_batch(*args)
        train_set.next_batch = filling_next_batch
        with pytest.raises(checkpoints.CheckpointError) as raised:
            train('softmax', log_dir, separable_data_sets, max_steps=60)
        assert str(raised.value) == ('could not save %s: No space left on device. The latest checkpoint '
                                     'is still %s.' % (log_dir / 'model.ckpt-40', log_dir / 'model.ckpt-20'))
        assert steps_on_disk(log_dir) == [20]
        assert not [name for name in os.listdir(log_dir) if name.startswith('model.ckpt-40')]
        assert state_file(log_dir)[0] == str(log_dir / 'model.ckpt-20')
        os.remove(disk / 'filler')
        train_set.next_batch = next_batch
        assert resume(log_dir, separable_data_sets, 40)['global_step'] == 40


def fill(disk):
    """Writes a file into `disk` until the file system is full; returns its path."""
    path = disk / 'filler'
    with open(path, 'wb') as f, contextlib.suppress(OSError):
        while True:
            f.write(b'\0' * 65536)
            f.flush()
    return path


def test_resume_on_a_full_disk_is_one_line_and_keeps_the_checkpoints(tmp_path):
    with tmpfs(tmp_path / 'disk', 'size=4m') as disk:
        log_dir = disk / 'run'
        flags = ['--fake_data', '--log_dir', str(log_dir), '--batch_size', '10']
        assert run_script('mnist_softmax.py', *flags, '--max_steps', '20').returncode == 0
        before = {name: (log_dir / name).read_bytes() for name in os.listdir(log_dir)}
        filler = fill(disk)
        result = run_script('mnist_softmax.py', *flags, '--max_steps', '40', '--resume')
        assert result.returncode == 1 and 'Traceback' not in result.stderr
        # The last line (TensorFlow 2.16 logs its CUDA plugins' registration errors before it).
        assert result.stderr.strip().splitlines()[-1] == (
            'error: --log_dir %s is full: No space left on device. Free some space or choose another '
            '--log_dir.' % log_dir)
        assert {name: (log_dir / name).read_bytes() for name in os.listdir(log_dir)} == before
        os.remove(filler)
        resumed = run_script('mnist_softmax.py', *flags, '--max_steps', '40', '--resume')
        assert resumed.returncode == 0, resumed.stderr
        assert steps_on_disk(log_dir) == [40, 20]


ROOM_REFUSED = re.compile(
    r'error: --log_dir (.*) has (\d+) KiB free; this run needs (\d+) KiB \(6 checkpoints of (\d+) KiB, '
    r'the events file and the state file\)\. Free some space or choose another --log_dir\.')


def test_a_small_disk_trains_where_the_checkpoints_fit_and_refuses_with_the_numbers_where_not(tmp_path):
    flags = ['--fake_data', '--max_steps', '6000']  # six saves: five kept, and a sixth while saving
    with tmpfs(tmp_path / 'small', 'size=300k') as disk:
        refused = run_script('mnist_softmax.py', *flags, '--log_dir', str(disk / 'run'))
        assert refused.returncode == 1
        numbers = ROOM_REFUSED.fullmatch(refused.stderr.strip().splitlines()[-1])
        assert numbers and numbers[1] == str(disk / 'run'), refused.stderr
        assert os.listdir(disk / 'run') == ['.training.lock']  # refused before anything was written
    free, needed, checkpoint = (int(n) for n in numbers.groups()[1:])
    assert free < needed and checkpoint >= 784 * 10 * 4 // 1024  # the weights alone are 31 KB
    used = 300 - free  # the lock file
    # Exactly the room it asked for: it trains, saves six times and keeps five.
    with tmpfs(tmp_path / 'enough', 'size=%dk' % (used + needed)) as disk:
        log_dir = disk / 'run'
        trained = run_script('mnist_softmax.py', *flags, '--log_dir', str(log_dir))
        assert trained.returncode == 0, trained.stderr
        assert steps_on_disk(log_dir) == [6000, 5000, 4000, 3000, 2000]
        checkpoints.variables(str(log_dir / 'model.ckpt-6000'))  # reads
        # --overwrite counts the room of the checkpoints it would delete; the events file stays, so
        # the run does not fit again, and is refused before it deletes anything.
        again = run_script('mnist_softmax.py', *flags, '--log_dir', str(log_dir), '--overwrite')
        assert again.returncode == 1
        assert again.stderr.strip().splitlines()[-1].endswith(
            'this run needs %d KiB (6 checkpoints of %d KiB, the events file and the state file, less the '
            '%d KiB of the checkpoints --overwrite deletes). Free some space or choose another --log_dir.'
            % (needed - 5 * checkpoint, checkpoint, 5 * checkpoint)), again.stderr
        assert steps_on_disk(log_dir) == [6000, 5000, 4000, 3000, 2000]


def test_log_dir_on_a_read_only_file_system_is_one_line(read_only_dir):
    result = run_script('mnist_softmax.py', '--fake_data', '--log_dir', str(read_only_dir / 'run'))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        'error: --log_dir %s is not a writable directory: Read-only file system.' % (read_only_dir / 'run'))
    assert 'Traceback' not in result.stderr


@pytest.mark.parametrize('make,what', [(lambda p: open(p, 'w').close(), 'a file'),
                                       (lambda p: os.symlink(p + '-missing', p), 'a dangling symbolic link')])
def test_log_dir_that_is_not_a_directory_is_one_line(make, what, tmp_path):
    path = str(tmp_path / 'log')
    make(path)
    result = run_script('fully_connected_feed.py', '--fake_data', '--log_dir', path)
    assert result.returncode == 1
    expected = 'error: --log_dir %s is %s, not a directory.' % (path, what)
    assert result.stderr.strip().splitlines()[-1] == expected


def start_training(log_dir, *flags):
    """fully_connected_feed.py on fake data for a million steps (saving every 1000), in the background."""
    with ctrl_c_as_from_a_terminal():
        return subprocess.Popen(
            [sys.executable, os.path.join(ROOT, 'scripts', 'fully_connected_feed.py'), '--fake_data',
             '--log_dir', str(log_dir), '--max_steps', '1000000', '--batch_size', '10', *flags],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def wait_for_checkpoint(process, log_dir, timeout=120):
    deadline = time.time() + timeout
    while not steps_on_disk(log_dir) or not os.path.exists(os.path.join(log_dir, 'checkpoint')):
        assert process.poll() is None, process.stderr.read()
        assert time.time() < deadline, 'no checkpoint after %d s' % timeout
        time.sleep(0.05)


@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_saves_a_resumable_checkpoint(signum, tmp_path):
    log_dir = tmp_path / 'run'
    process = start_training(log_dir)
    wait_for_checkpoint(process, log_dir)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, err
    newest = checkpoints.checkpoint_paths(str(log_dir))[0]
    step = int(newest.rsplit('-', 1)[1])
    # The message names the checkpoint by the global step it holds.
    assert tf.train.load_checkpoint(newest).get_tensor('global_step') == step
    what = 'Stopped by SIGTERM' if signum == signal.SIGTERM else 'Interrupted'
    assert '%s at global step %d; saved %s. Continue with --resume.' % (what, step, newest) in err
    assert state_file(log_dir)[0] == newest
    resumed = run_script('fully_connected_feed.py', '--fake_data', '--log_dir', str(log_dir), '--resume',
                         '--batch_size', '10', '--max_steps', str(step + 10))
    assert resumed.returncode == 0, resumed.stderr
    assert 'Resumed from %s at step %d.' % (newest, step) in resumed.stdout


def test_a_second_signal_during_the_save_changes_nothing(tmp_path):
    log_dir = tmp_path / 'run'
    process = start_training(log_dir)
    wait_for_checkpoint(process, log_dir)
    process.send_signal(signal.SIGINT)
    for _ in range(20):  # more Ctrl-C and SIGTERM while it saves
        time.sleep(0.005)
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(random.choice([signal.SIGINT, signal.SIGTERM]))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    newest = checkpoints.checkpoint_paths(str(log_dir))[0]
    assert state_file(log_dir)[0] == newest
    checkpoints.variables(newest)  # reads


def test_sigkill_at_any_moment_leaves_a_resumable_checkpoint(tmp_path):
    log_dir = tmp_path / 'run'
    rng = random.Random(0)
    for _ in range(3):
        process = start_training(log_dir, '--resume')
        wait_for_checkpoint(process, log_dir)
        time.sleep(rng.uniform(0, 1.5))  # saves come every second or so
        process.kill()
        process.communicate(timeout=30)
    resumed = run_script('fully_connected_feed.py', '--fake_data', '--log_dir', str(log_dir), '--resume',
                         '--batch_size', '10', '--max_steps', str(steps_on_disk(log_dir)[0] + 1000))
    assert resumed.returncode == 0, resumed.stderr
    assert 'Resumed from' in resumed.stdout


def test_run_main_entry_point_refuses_negative_seed(tmp_path):
    with pytest.raises(SystemExit):
        run_main('mnist_softmax', ['--fake_data', '--seed', '-1', '--log_dir', tmp_path])


def test_stop_signals_reach_a_thread_of_their_own_and_the_main_thread_gets_them_back():
    import threading

    from mnist import platforms
    if not hasattr(signal, 'pthread_sigmask'):
        pytest.skip('no signal masks on this system')
    before = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    undo = platforms.stop_signals_off_this_thread()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    assert set(platforms.STOP_SIGNALS) <= blocked
    assert any(thread.name == 'stop signals' for thread in threading.enumerate())
    undo()
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == before
