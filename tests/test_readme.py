"""README.md's set-up commands are the ones CI runs."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def _setup_commands():
    """The commands in README.md's first code block."""
    readme = _read('README.md')
    block = readme.split('```')[1]
    return [line.strip() for line in block.splitlines()[1:] if line.strip()]


def test_readme_starts_with_two_setup_commands():
    commands = _setup_commands()
    assert len(commands) == 2, commands
    assert 'scripts/fully_connected_feed.py' in commands[0]
    assert 'pytest' in commands[1]


def test_ci_runs_the_readme_test_command():
    ci_lines = [line.strip() for line in _read('.ci/run').splitlines()]
    assert _setup_commands()[1] in ci_lines
