"""README.md and the guides in docs/: their links resolve, and their commands name what exists.

A command of ours in a code block (or an inline `python scripts/...`) must name a script, test
file or module that exists, with flags its parser accepts (tests/accepted_flags.py reads the
parsers in one subprocess, without training anything).
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = ['README.md'] + sorted(os.path.relpath(path, ROOT)
                              for path in glob.glob(os.path.join(ROOT, 'docs', '*.md')))
FENCE = re.compile(r'^```([^\n]*)\n(.*?)^```', re.M | re.S)
INLINE = re.compile(r'`([^`\n]+)`')
LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)\)')
# The launcher passes every flag it does not take to each mnist_replica.py task.
PASSED_ON = {'mnist.cluster': 'scripts/mnist_replica.py'}


def _read(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as f:
        return f.read()


def _prose(text):
    """The text without its code blocks and inline code."""
    return INLINE.sub('', FENCE.sub('', text))


def slug(heading):
    """The #anchor GitHub gives a heading."""
    text = re.sub(r'[`*]', '', heading).strip().lower()
    return re.sub(r'[^\w\- ]', '', text).replace(' ', '-')


def anchors(path):
    return {slug(line.lstrip('#')) for line in FENCE.sub('', _read(path)).splitlines()
            if re.match(r'#{1,6} ', line)}


def links(path):
    """(target file relative to ROOT, anchor or None) of each relative link in `path`."""
    for target in LINK.findall(_prose(_read(path))):
        if re.match(r'[a-z]+:', target):
            continue
        file_part, _, anchor = target.partition('#')
        resolved = (os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                    if file_part else path)
        yield target, resolved, anchor or None


def _command_lines(text):
    """The shell command lines shown in `text`: code blocks, and inline commands of ours."""
    for language, body in FENCE.findall(text):
        if language.strip() not in ('', 'sh', 'bash', 'shell', 'console'):
            continue
        body = body.replace('\\\n', ' ')
        lines = body.splitlines()
        if any(line.startswith('$ ') for line in lines):  # a session: the rest is output
            lines = [line[2:] for line in lines if line.startswith('$ ')]
        variables = {}
        for line in lines:
            assignment = re.fullmatch(r"(\w+)='([^']*)'", line.strip())
            if assignment:
                variables[assignment.group(1)] = assignment.group(2)
                continue
            for name, value in variables.items():
                line = re.sub(r'\$%s\b' % name, value, line)
            yield line
    for span in INLINE.findall(FENCE.sub('', text)):
        if re.match(r'(python3? (-P )?(scripts/|tests/|-m mnist|-m pytest)|mnist-tf1 )', span):
            yield span


def _segments(line):
    """Each simple command of a shell line, as a list of words."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = '#'
    segment = []
    for token in lexer:
        if token and set(token) <= set('();<>|&'):
            if segment:
                yield segment
            segment = []
        else:
            segment.append(token)
    if segment:
        yield segment


def commands_of_ours(path):
    """(target, words after it) of each command in `path` that runs a script or module of ours.

    target: 'scripts/NAME.py', 'tests/NAME.py' or a module name ('mnist.cluster', 'pytest').
    """
    for line in _command_lines(_read(path)):
        for words in _segments(line):
            while words and (re.fullmatch(r'\w+=.*', words[0]) or words[0] in ('do', 'then')):
                words = words[1:]
            if not words:
                continue
            if words[0] == 'mnist-tf1':
                yield line, 'mnist.tf1', words[1:]
                continue
            if words[0] not in ('python', 'python3'):
                continue
            words = [word for word in words[1:] if word not in ('-P', '-u', '-B')]
            if not words or words[0] == '-c':
                continue
            if words[0] == '-m':
                if words[1] == 'pytest' or words[1].split('.')[0] == 'mnist':
                    yield line, words[1], words[2:]
                continue
            script = words[0].replace('REPO/', '')
            if script.startswith(('scripts/', 'tests/')):
                yield line, script, words[1:]


def _all_commands():
    return [(path, line, target, words) for path in DOCS
            for line, target, words in commands_of_ours(path)]


def _module_exists(name):
    base = os.path.join(ROOT, *name.split('.'))
    return os.path.isfile(base + '.py') or os.path.isfile(os.path.join(base, '__main__.py'))


def _flags_in(target, words, subcommands):
    """The flags `words` give `target`, and its subcommand ('' if none)."""
    if target == 'mnist.tf1':  # mnist-tf1 [--figures DIR] PROGRAM.py ARGS: ARGS are the program's
        ours, rest = [], iter(words)
        for word in rest:
            if not word.startswith('-'):
                break
            ours += [word, next(rest, '')] if word == '--figures' else [word]
        words = ours
    positionals = [word for word in words if not word.startswith('-')]
    subcommand = positionals[0] if positionals and positionals[0] in subcommands else ''
    flags = [word.strip('[]').split('=')[0] for word in words if re.match(r'\[?--?[A-Za-z]', word)]
    return subcommand, flags


@pytest.mark.parametrize('path', DOCS)
def test_relative_links_resolve(path):
    for target, resolved, anchor in links(path):
        assert os.path.exists(os.path.join(ROOT, resolved)), '%s: %s does not exist' % (path, target)
        if anchor:
            assert resolved.endswith('.md'), '%s: %s: an anchor in a file not markdown' % (path, target)
            assert anchor in anchors(resolved), '%s: %s: no such heading in %s' % (path, target, resolved)


def test_every_guide_and_picture_is_reached_from_the_readme():
    reached, queue = {'README.md'}, ['README.md']
    while queue:
        for _, resolved, _ in links(queue.pop()):
            if resolved not in reached:
                reached.add(resolved)
                if resolved.endswith('.md'):
                    queue.append(resolved)
    pictures = {os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, 'docs', '*.png'))}
    assert set(DOCS) - reached == set()
    assert pictures - reached == set()


def test_a_newcomer_finds_how_to_train_evaluate_and_view_each_model_on_the_first_screen():
    first_screen = '\n'.join(_read('README.md').splitlines()[:50])
    for command in ('python scripts/mnist_softmax.py', 'python scripts/fully_connected_feed.py',
                    'python scripts/mnist_deep.py', 'python scripts/mnist_with_summaries.py',
                    'python scripts/mnist_eval.py --model softmax',
                    'python scripts/mnist_eval.py --model fully_connected',
                    'python scripts/mnist_eval.py --model cnn', 'tensorboard --logdir'):
        assert command in first_screen, command


def test_the_command_parser_reads_what_the_guides_write():
    found = {(target, tuple(words)) for _, target, words in commands_of_ours('docs/distributed.md')}
    assert ('scripts/mnist_replica.py', ('--ps_hosts', 'ps0:2222', '--worker_hosts', 'w0:2222,w1:2222',
            '--train_steps', '2000', '--data_dir', 'MNIST_data', '--log_dir', '/tmp/replica',
            '--job_name', 'ps', '--task_index', '0')) in found
    assert _flags_in('mnist.tf1', ['--figures', 'figs', 'p.py', '--log_dir', 'x'], {}) == ('', ['--figures'])
    assert _flags_in('scripts/mnist_visualize.py', ['curves', '--log_dir', 'L'], {'curves': []}) == (
        'curves', ['--log_dir'])
    targets = {target for _, _, target, _ in _all_commands()}
    assert {'scripts/mnist_softmax.py', 'scripts/mnist_eval.py', 'mnist.tf1', 'mnist.cluster',
            'mnist.benchmark', 'tests/photo_agreement.py', 'pytest'} <= targets


def test_commands_name_files_and_modules_that_exist():
    for path, line, target, words in _all_commands():
        if target == 'pytest':
            for word in words:
                if word.startswith('tests/'):
                    test_file = word.split('::')[0]
                    assert os.path.exists(os.path.join(ROOT, test_file)), '%s: %s' % (path, line)
        elif target.endswith('.py'):
            assert os.path.isfile(os.path.join(ROOT, target)), '%s: %s' % (path, line)
        else:
            assert _module_exists(target), '%s: no module %s: %s' % (path, target, line)


def test_commands_use_only_flags_their_scripts_accept():
    commands = [(path, line, target, words) for path, line, target, words in _all_commands()
                if target != 'pytest']
    targets = sorted({target for _, _, target, _ in commands} | set(PASSED_ON.values()))
    result = subprocess.run([sys.executable, os.path.join(ROOT, 'tests', 'accepted_flags.py')] + targets,
                            cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL='3'))
    assert result.returncode == 0, result.stderr[-3000:]
    accepted = json.loads(result.stdout.splitlines()[-1])
    for path, line, target, words in commands:
        subcommand, flags = _flags_in(target, words, accepted[target])
        known = set(accepted[target][subcommand])
        if target in PASSED_ON:
            known |= set(accepted[PASSED_ON[target]][''])
        unknown = [flag for flag in flags if flag not in known]
        assert not unknown, '%s: %s does not take %s: %s' % (path, target, ', '.join(unknown), line)
