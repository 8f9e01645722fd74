"""Runs the TF 1.x MNIST survey (docs/tf1_survey.tsv) through the runner and tables the outcomes.

    python tools/run_survey.py [--mirrors /work/.mirror] [--timeout 60] [--only TEXT]

Each row's program is written, at the row's commit, from the repository's git
directory that the search tool's `fetch` brought under --mirrors (fetch every
repository of the TSV first), into --work (git-ignored: their code is never
committed), together with the files of its own directory (those under
--max-file-bytes). The data directories the program names (DATA_DIRS), and the
tutorials' /tmp ones, get links to the four IDX files of --data (Fashion-MNIST:
MNIST cannot be downloaded here); a mnist.npz it names is written from them in
Keras's layout. A program that stops because MNIST cannot be downloaded into a
directory of its own choosing (in its repository or under /tmp) is given the
data there and run once more. What earlier runs left at the /tmp paths a program
names, other than the data directories, is removed first. Then, one at a time and
from its own directory, each program runs as `mnist-tf1 PROGRAM.py` at the lowest
priority with one thread, for at most --timeout seconds. Outcomes:

  ran       exited with status 0
  trained   still running at the time limit, with no traceback or error line
  failed    anything else; its class is the last `error:` line or the exception
            line `Type: message`, with paths, line numbers and numbers masked,
            and `needs` says what it needs that cannot be had here, where known

The results go to --results (TSV) and a table of counts per outcome and per
failure class is printed. The same mirrors, data and code give the same table,
except the seconds. Not part of the test suite.
"""
import argparse
import csv
import gzip
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time

import numpy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDX_FILES = ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
             't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')
# The directories, relative to a program's own, that the surveyed programs read MNIST from;
# each is made only for a program whose text names it, so that no other name is shadowed.
DATA_DIRS = ('.', 'MNIST_data', 'mnist_data', 'Mnist_data', 'MNIST', 'mnist',
             'mnist/data', 'data', 'data/MNIST', 'data/mnist', 'tf_mnist', '../MNIST_data',
             '../../MNIST_data', '../../datasets/MNIST_data')
# Where tf.contrib.learn.datasets.load_dataset('mnist') reads MNIST: the program names no directory.
CONTRIB_LEARN_DATA_DIR = 'MNIST-data'
# The absolute ones (the tutorials' defaults): links added where the files are absent, and left.
SHARED_DATA_DIRS = ('/tmp', '/tmp/data', '/tmp/mnist_data', '/tmp/mnist-data',
                    '/tmp/tensorflow/mnist/input_data')
ONE_THREAD = dict(OMP_NUM_THREADS='1', TF_NUM_INTEROP_THREADS='1', TF_NUM_INTRAOP_THREADS='1')
TRACEBACK = 'Traceback (most recent call last):'
# What a failure needs that this machine or the runner cannot give: (pattern of its class, need).
# A path of the program's author: a Windows drive (masked or not), a home or scratch directory.
AUTHORS_PATH = r'\b[A-Z]:(\.\.\.|[\\/])|/Users/|/home/|/scratch/'
NEEDS = ((AUTHORS_PATH, 'files where its author kept them'),
         (r'Could not download \S+-ubyte\.gz into', 'MNIST downloaded into a directory of its own'),
         (r'DownloadError|urlopen error|Temporary failure in name resolution|'
          r'Name or service not known|Network is unreachable|HTTP Error', 'network'),
         (r'GPU|CUDA|cudnn|device specification', 'a GPU'),
         (r'job_name|ps_hosts|worker_hosts|task_index|not defined in cluster', 'a cluster'),
         (r'EOFError: EOF when reading a line', 'a person at the keyboard'),
         (r'Nan in summary', 'a loss that stays finite (it reached NaN)'),
         (r"cannot import name 'MNIST' from 'mnist'", "the python-mnist package (`mnist` is this project's)"),
         (r"No module named '(?!tensorflow|keras|input_data)", 'a package not installed here'))


def git_dir(mirrors, repository):
    """The git directory `fetch` brought for repository ('owner/name'), or None."""
    repo = os.path.join(mirrors, repository.replace('/', '+'), 'repo')
    for candidate in (os.path.join(repo, '.git'), repo):
        if os.path.isfile(os.path.join(candidate, 'HEAD')):
            return candidate
    return None


def materialize(git, commit, path, destination, max_file_bytes):
    """Writes path's directory (recursively, files up to max_file_bytes) at commit under destination."""
    directory = os.path.dirname(path)
    listing = subprocess.run(['git', '--git-dir', git, 'ls-tree', '-r', '-l', '-z', commit, '--',
                              directory + '/' if directory else '.'],
                             capture_output=True, check=True).stdout.decode()
    wanted = []
    for entry in listing.split('\0'):
        if not entry:
            continue
        info, name = entry.split('\t', 1)
        mode, kind, blob, size = info.split()
        # A size of '-' or 'BAD': a file the snapshot lacks (fetch leaves out files of 4 MiB and more).
        if kind == 'blob' and mode in ('100644', '100755') and size.isdigit() and (
                name == path or int(size) <= max_file_bytes):
            wanted.append((name, blob))
    if path not in [name for name, _ in wanted]:
        raise ValueError('%s: not at commit %s' % (path, commit))
    for name, blob in wanted:
        target = os.path.join(destination, *name.split('/'))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        content = subprocess.run(['git', '--git-dir', git, 'cat-file', 'blob', blob],
                                 capture_output=True, check=True).stdout
        with open(target, 'wb') as f:
            f.write(content)


def data_dirs(program_dir, source, work):
    """The data directories to give the program: those its text names, and the shared ones.

    A DATA_DIRS name counts as named where source (the program's text) has it as
    a string ('mnist/', "./mnist"); those outside work are left out. SHARED_DATA_DIRS
    are given to every program.
    """
    named = [name for name in DATA_DIRS
             if re.search(r'[\'"](\./)?%s/?[\'"]' % re.escape(name), source)]
    if re.search(r'\bload_(dataset|mnist)\(', source):
        named.append(CONTRIB_LEARN_DATA_DIR)
    relative = [os.path.normpath(os.path.join(program_dir, name)) for name in named]
    inside = [d for d in relative if os.path.commonpath([d, work]) == work]
    return inside + [d for d in SHARED_DATA_DIRS if os.name == 'posix']


def clear_tmp_outputs(source):
    """Removes what earlier runs left at the /tmp paths the program names (its model_dir, logs), so
    each program starts as on a machine where none of the survey ran; the data directories stay."""
    if os.name != 'posix':
        return
    for path in set(re.findall(r"""['"](/tmp/[^'"\s]+)""", source)):
        path = os.path.normpath(path)
        if any(path == d or d.startswith(path + '/') for d in SHARED_DATA_DIRS) or path.count('/') < 2:
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.lexists(path):
            os.remove(path)


def download_dir(error, program_dir, work):
    """The directory the runner could not download MNIST into, if it is one to give data to, else None.

    That is one inside work or under /tmp: a directory of the author's own
    (C:/..., /home/...) is not made.
    """
    match = re.search(r'Could not download \S+-ubyte\.gz into (.+?) \(', error)
    if not match or re.search(AUTHORS_PATH, match.group(1)):
        return None
    directory = os.path.normpath(os.path.join(program_dir, match.group(1)))
    for root in [work] + (['/tmp'] if os.name == 'posix' else []):
        if os.path.commonpath([directory, root]) == root:
            return directory
    return None


def link_data(directories, data, work):
    """Gives each directory the four IDX files of data as links, unless it holds all four already.

    Files of a part of a set there (a repository keeps MNIST's small label files, and
    fetch leaves out its images) are replaced inside work, so that images and labels
    always come from one data set; a directory outside work holding a part is left alone.
    """
    for directory in directories:
        if os.path.exists(directory) and not os.path.isdir(directory):
            continue
        os.makedirs(directory, exist_ok=True)
        places = [os.path.join(directory, f) for f in IDX_FILES]
        held = [p for place in places for p in (place, place[:-len('.gz')]) if os.path.lexists(p)]
        if len({p[:-len('.gz')] if p.endswith('.gz') else p for p in held}) == len(IDX_FILES):
            continue  # a whole set of its own
        if held and os.path.commonpath([directory, work]) != work:
            continue
        for p in held:
            os.remove(p)
        for f, place in zip(IDX_FILES, places):
            try:
                os.symlink(os.path.join(data, f), place)
            except OSError:  # no symlinks (Windows without developer mode)
                shutil.copyfile(os.path.join(data, f), place)


def add_keras_npz(program_dir, source, data, work):
    """Writes data as Keras's mnist.npz (x_train, y_train, x_test, y_test) where the program names one."""
    for name in sorted(set(re.findall(r'[\'"]((?:\./)?(?:[\w.-]+/)*mnist\.npz)[\'"]', source))):
        target = os.path.normpath(os.path.join(program_dir, name))
        if os.path.commonpath([target, work]) != work or os.path.exists(target):
            continue
        arrays = {}
        for key, f in zip(('x_train', 'y_train', 'x_test', 'y_test'), IDX_FILES):
            with gzip.open(os.path.join(data, f)) as idx:
                content = idx.read()
            dimensions = content[3]
            shape = struct.unpack('>%dI' % dimensions, content[4:4 + 4 * dimensions])
            arrays[key] = numpy.frombuffer(content, numpy.uint8, offset=4 + 4 * dimensions).reshape(shape)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        numpy.savez_compressed(target, **arrays)


def error_line(output):
    """The last `error:` line or exception line (`Type: message`) of output ('' if none)."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    found = ''
    for i, line in enumerate(lines):
        if re.match(r'(\S+: )?error: ', line):
            found = line
        elif line == TRACEBACK:  # its exception line: the first one after the indented frames
            rest = [later for later in lines[i + 1:] if not later[0].isspace()]
            if rest:
                found = rest[0]
            # TensorFlow's 'Graph execution error:' says what went wrong after the node's stack.
            if found.endswith('Graph execution error:'):
                cause = [later for later in rest[1:] if not later.startswith(('Detected at', 'Node:', '[['))]
                found += ' ' + (cause[0] if cause else '')
    return found


def failure_class(line, program):
    """line with program's name, paths, addresses and numbers masked: the same for the same failure."""
    found = line.replace(program, 'PROGRAM')
    found = re.sub(r'(/[\w.+-]+)+/([\w.-]+)', r'.../\2', found)  # absolute paths: their last part
    found = re.sub(r'0x[0-9a-fA-F]+', '0x?', found)
    found = re.sub(r'\bline \d+', 'line N', found)
    found = re.sub(r'(?<![\w.])\d+(\.\d+)?(?![\w.])', 'N', found)
    return found[:300]


def needs(failure, constructs, program_dir):
    """What the failure needs that this machine or the runner cannot give ('' if nothing known).

    constructs: the survey's keys for the program; `own_bug` is a program that fails on TF 1.x too.
    A module that is missing but is a file of program_dir's tree is the program's own, not a package.
    """
    missing = re.search(r"No module named '([\w.]+)'", failure)
    if missing and _has_module(program_dir, missing.group(1).split('.')[-1]):
        return ''
    for pattern, need in NEEDS:
        if re.search(pattern, failure):
            return need
    return 'its own bug fixed' if 'own_bug' in constructs.split(',') else ''


def _has_module(directory, name):
    """Whether name.py or a folder `name` is somewhere under directory."""
    for _, folders, files in os.walk(directory):
        if name + '.py' in files or name in folders:
            return True
    return False


def run_program(program_dir, program, timeout, log_path):
    """Runs program (a file name in program_dir) through the runner.

    Returns (outcome, failure class, error line, seconds); its output goes to log_path.
    """
    env = dict(os.environ, **ONE_THREAD)
    env['PYTHONPATH'] = os.pathsep.join(p for p in (ROOT, env.get('PYTHONPATH')) if p)
    env['MPLBACKEND'] = 'Agg'
    command = [runner_command(), program]
    if hasattr(os, 'nice'):
        command = ['nice', '-n', '19'] + command
    start = time.monotonic()
    with open(log_path, 'wb') as log:
        process = subprocess.Popen(command, cwd=program_dir, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=os.name == 'posix')
        try:
            status = process.wait(timeout)
        except subprocess.TimeoutExpired:
            status = None
            _stop(process)
    seconds = time.monotonic() - start
    with open(log_path, encoding='utf-8', errors='replace') as log:
        output = log.read()
    line = error_line(output)
    if status == 0:
        return 'ran', '', '', seconds
    if status is None and not line:
        return 'trained', '', '', seconds
    if not line:
        return 'failed', 'exit status %s, no error line' % status, '', seconds
    return 'failed', failure_class(line, program), line[:300], seconds


def runner_command():
    """The mnist-tf1 console script of this Python.

    Not `python -m mnist.tf1`: that puts the current directory first on sys.path,
    where a program's own mnist.py would hide the package.
    """
    name = 'mnist-tf1.exe' if os.name == 'nt' else 'mnist-tf1'
    for directory in (os.path.dirname(sys.executable), os.path.join(sys.prefix, 'Scripts')):
        if os.path.isfile(os.path.join(directory, name)):
            return os.path.join(directory, name)
    sys.exit('error: no mnist-tf1 beside %s: install this project (pip install -e ".[tf1]")'
             % sys.executable)


def _stop(process):
    """Kills process and whatever it started (its own process group on POSIX)."""
    if os.name == 'posix':
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:
        process.kill()
    process.wait()


def reclassify(results_path, rows, work):
    """Classifies the failures of results_path again from the output each left in work; rewrites it."""
    constructs = {(r['repository'], r['path']): r['constructs'] for r in rows}
    with open(results_path, newline='') as f:
        results = list(csv.DictReader(f, delimiter='\t'))
    for r in results:
        output_path = os.path.join(work, r['repository'].replace('/', '+'), 'output.txt')
        if r['outcome'] != 'failed' or not os.path.isfile(output_path):
            continue
        with open(output_path, encoding='utf-8', errors='replace') as f:
            line = error_line(f.read())
        if line:
            r.update(failure=failure_class(line, os.path.basename(r['path'])), error=line[:300])
        program_dir = os.path.join(work, r['repository'].replace('/', '+'), 'repo',
                                   *os.path.dirname(r['path']).split('/'))
        r['needs'] = needs(r['error'] or r['failure'], constructs.get((r['repository'], r['path']), ''),
                           program_dir)
    write_results(results_path, results)
    return results


def write_results(path, results):
    """Writes results (dicts of one row each) as a TSV."""
    with open(path, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(results[0]) if results else ['repository'],
                                delimiter='\t', lineterminator='\n')
        writer.writeheader()
        writer.writerows(results)


def summary(results):
    """The printed table: counts per outcome, per need of the failed programs, per failure class."""
    lines = []
    outcomes = ('ran', 'trained', 'failed')
    lines.append('%-8s %4s' % ('outcome', 'n'))
    for outcome in outcomes:
        lines.append('%-8s %4d' % (outcome, sum(r['outcome'] == outcome for r in results)))
    lines.append('%-8s %4d' % ('total', len(results)))
    failed = [r for r in results if r['outcome'] == 'failed']
    lines.append('')
    lines.append('%4s  failed programs by what they need' % 'n')
    counts = {}
    for r in failed:
        counts[r['needs']] = counts.get(r['needs'], 0) + 1
    for need, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        lines.append('%4d  %s' % (n, need or '(nothing known: the runner, or a class to look at)'))
    classes = {}
    for r in results:
        if r['outcome'] == 'failed':
            key = (r['needs'] and 'needs %s: ' % r['needs']) + r['failure']
            classes.setdefault(key, []).append(r)
    lines.append('')
    lines.append('%4s  failure class (example)' % 'n')
    for key, members in sorted(classes.items(), key=lambda item: (-len(item[1]), item[0])):
        lines.append('%4d  %s' % (len(members), key))
        lines.append('      e.g. %s/%s' % (members[0]['repository'], members[0]['path']))
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--survey', default=os.path.join(ROOT, 'docs', 'tf1_survey.tsv'),
                        help='the survey TSV (default: %(default)s)')
    parser.add_argument('--mirrors', default='/work/.mirror',
                        help='where fetch put the repositories (default: %(default)s)')
    parser.add_argument('--work', default=os.path.join(ROOT, 'survey_runs'),
                        help='where the programs are written and run, git-ignored (default: %(default)s)')
    parser.add_argument('--data', default='/usr/share/datasets/fashion-mnist',
                        help='a directory with the four MNIST-format IDX .gz files (default: %(default)s)')
    parser.add_argument('--timeout', type=float, default=60,
                        help='seconds each program may run (default: %(default)s)')
    parser.add_argument('--max-file-bytes', type=int, default=1 << 20,
                        help="largest file of a program's directory written (default: %(default)s)")
    parser.add_argument('--only', default='',
                        help='run only the rows whose repository/path contains this text, keeping '
                             "the other rows of --results (default: all)")
    parser.add_argument('--reclassify', action='store_true',
                        help="run nothing: classify --results' failures again from their saved output")
    parser.add_argument('--results', default=None,
                        help='the results TSV (default: WORK/results.tsv)')
    args = parser.parse_args(argv)
    args.work = os.path.abspath(args.work)
    for f in IDX_FILES:
        if not os.path.isfile(os.path.join(args.data, f)):
            parser.error('--data %s: no %s there; expected the four MNIST-format IDX files' % (args.data, f))
    with open(args.survey, newline='') as f:
        rows = [r for r in csv.DictReader(f, delimiter='\t')
                if args.only in r['repository'] + '/' + r['path']]
    results_path = args.results or os.path.join(args.work, 'results.tsv')
    if args.reclassify:
        print(summary(reclassify(results_path, rows, args.work)))
        return 0
    os.makedirs(args.work, exist_ok=True)
    results = []
    for number, row in enumerate(rows, 1):
        name = row['repository'].replace('/', '+')
        destination = os.path.join(args.work, name, 'repo')
        shutil.rmtree(os.path.join(args.work, name), ignore_errors=True)
        git = git_dir(args.mirrors, row['repository'])
        result = dict(repository=row['repository'], path=row['path'], outcome='failed', needs='',
                      failure='', seconds='', error='')
        if git is None:
            result['failure'] = 'not fetched: no %s under %s' % (name, args.mirrors)
        else:
            materialize(git, row['commit'], row['path'], destination, args.max_file_bytes)
            program_dir = os.path.join(destination, *os.path.dirname(row['path']).split('/'))
            with open(os.path.join(destination, *row['path'].split('/')), 'rb') as f:
                source = f.read().decode('utf-8', 'replace')
            data = os.path.abspath(args.data)
            clear_tmp_outputs(source)
            link_data(data_dirs(program_dir, source, args.work), data, args.work)
            add_keras_npz(program_dir, source, data, args.work)
            log = os.path.join(args.work, name, 'output.txt')
            program = os.path.basename(row['path'])
            outcome, failure, error, seconds = run_program(program_dir, program, args.timeout, log)
            # A directory of its own choosing that it would download MNIST into: given the data, once.
            directory = download_dir(error, program_dir, args.work)
            if directory:
                link_data([directory], data, args.work)
                outcome, failure, error, seconds = run_program(program_dir, program, args.timeout, log)
            result.update(outcome=outcome, failure=failure, seconds='%.0f' % seconds, error=error,
                          needs=needs(error or failure, row['constructs'], program_dir))
        results.append(result)
        print('%3d/%d %-8s %s/%s %s' % (number, len(rows), result['outcome'], row['repository'],
                                        row['path'], result['failure']), flush=True)
    if args.only and os.path.isfile(results_path):  # the other rows of the last run stay
        with open(results_path, newline='') as f:
            earlier = {(r['repository'], r['path']): r for r in csv.DictReader(f, delimiter='\t')}
        earlier.update({(r['repository'], r['path']): r for r in results})
        with open(args.survey, newline='') as f:
            order = [(r['repository'], r['path']) for r in csv.DictReader(f, delimiter='\t')]
        results = [earlier[key] for key in order if key in earlier]
    write_results(results_path, results)
    print()
    print(summary(results))
    print('\nresults: %s' % results_path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
