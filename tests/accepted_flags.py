"""Prints, as JSON, the flags each named script or module of ours accepts.

    python tests/accepted_flags.py scripts/mnist_eval.py mnist.cluster ...

Each one's main() is called with ['--help'] while argparse is told to stop at its first parse:
the parser it built is read (its subcommands' too) and nothing runs. A main() that parses by
hand (the TF 1.x runner) is read from the --help text it prints. Runs in its own process: the
scripts import TensorFlow, and tests/test_docs.py keeps that out of the test process.
"""
import argparse
import contextlib
import importlib
import importlib.util
import inspect
import io
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Parsing(Exception):
    """Raised instead of parsing, carrying the parser about to parse."""

    def __init__(self, parser):
        super().__init__()
        self.parser = parser


def _stop_at_parse(parser, args=None, namespace=None):
    raise _Parsing(parser)


def _options(parser):
    """{'': the parser's option strings, SUBCOMMAND: the subcommand's (with the parser's)}."""
    own = sorted(parser._option_string_actions)
    flags = {'': own}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                flags[name] = sorted(set(own) | set(sub._option_string_actions))
    return flags


def _main_of(target):
    if target.endswith('.py'):
        path = os.path.join(ROOT, target)
        name = os.path.splitext(os.path.basename(target))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    return getattr(module, 'main', None)


def accepted_flags(target):
    """The flags `target` (a path under the repository, or a module name) accepts."""
    main = _main_of(target)
    if main is None:  # a module whose __main__ block takes positional arguments only
        return {'': []}
    takes_argv = bool(inspect.signature(main).parameters)
    original = argparse.ArgumentParser.parse_known_args
    argparse.ArgumentParser.parse_known_args = _stop_at_parse
    help_text = io.StringIO()
    try:
        with contextlib.redirect_stdout(help_text):
            main(['--help']) if takes_argv else main()
    except _Parsing as parsing:
        return _options(parsing.parser)
    finally:
        argparse.ArgumentParser.parse_known_args = original
    usage = help_text.getvalue().split('\n\n')[0]  # the usage, before any description
    return {'': sorted({'--help'} | set(re.findall(r'(?<![\w-])--?[a-z][\w-]*', usage)))}


if __name__ == '__main__':
    sys.path.insert(0, ROOT)
    print(json.dumps({target: accepted_flags(target) for target in sys.argv[1:]}))
