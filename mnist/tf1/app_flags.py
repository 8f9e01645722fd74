"""tf.app.flags as TF 0.x programs used it: a flag of the program may have the name of one of absl's own.

TF 0.x's tf.app.flags was its own argparse wrapper, with no flags but the
program's. From TF 1.5 on it is absl's, whose logging and app modules define
--log_dir, --logtostderr, --alsologtostderr, -v/--verbosity, --stderrthreshold,
--pdb, ... in the same registry, so `tf.app.flags.DEFINE_string('log_dir', ...)`
stops with absl's DuplicateFlagError. Under the runner such a flag is the
program's: it is defined in a FlagValues of the program's own, which FLAGS
reads first and which takes its values from the command line before absl's
flags do. absl keeps its own flags (at their defaults) for its own code.
Every other flag is defined in absl's registry, as TF 1.x did. This holds for
every DEFINE_* (DEFINE_enum('stderrthreshold', ...), DEFINE_flag, ...).

The internals of TF <= 1.4's FLAGS that programs used, with one note each:
FLAGS._parse_flags(args) parsed the command line and returned the arguments
left; after it, FLAGS.__flags was the dict {name: value} of the program's
flags (`for attr, value in sorted(FLAGS.__flags.items())`). Without
_parse_flags(), FLAGS.__flags is absl's {name: Flag} (TF 1.5+), with the
program's own flag for each name it shares with absl.
"""
import inspect
import sys

from absl import flags as absl_flags

from mnist.tf1.renames import note


def _absl_owns(name):
    """True if absl itself (absl.logging, absl.app) defined a flag `name` in its registry."""
    owner = absl_flags.FLAGS.find_module_defining_flag(name)
    return owner is not None and owner.split('.')[0] == 'absl'


class ProgramFlags:
    """tf.app.flags.FLAGS: the program's flags named as absl's own, then TensorFlow's wrapper of absl's FLAGS.

    Like TensorFlow's wrapper, reading a flag before they are parsed parses sys.argv.
    """

    def __init__(self, tf_flags):
        self.__dict__['own'] = absl_flags.FlagValues()
        self.__dict__['tf_flags'] = tf_flags
        self.__dict__['defined'] = []  # the names of the flags the program defined, in order
        self.__dict__['parsed_as_tf_1_4'] = False  # FLAGS._parse_flags() was called

    def __call__(self, argv, known_only=False):
        """Parses argv: the program's own flags first, then absl's; returns the arguments left."""
        rest = self.own(argv, known_only=True)
        return self.tf_flags(rest, known_only=known_only)

    def _parsed(self):
        if not absl_flags.FLAGS.is_parsed() or not self.own.is_parsed():
            self(sys.argv, known_only=True)

    def _parse_flags(self, args=None):
        """TF <= 1.4's FLAGS._parse_flags: parses args (default sys.argv[1:]), returns the arguments left."""
        note(sys._getframe(1), "FLAGS._parse_flags() is TF <= 1.4's (absl's FLAGS has none); run as TF 1.4 "
             "ran it: the command line parsed, FLAGS.__flags the program's {name: value}")
        self.__dict__['parsed_as_tf_1_4'] = True
        return self([sys.argv[0]] + list(sys.argv[1:] if args is None else args), known_only=True)[1:]

    def _flags_dict(self):
        """FLAGS.__flags: {name: value} of the program's flags after _parse_flags(), else {name: Flag}."""
        self._parsed()
        if self.parsed_as_tf_1_4:
            return {name: getattr(self, name) for name in self.defined}
        flags = dict(absl_flags.FLAGS._flags())
        flags.update(self.own._flags())
        return flags

    def __getattr__(self, name):
        if name == '__flags':  # written FLAGS.__flags in a module (no class mangles it)
            return self._flags_dict()
        if name in self.own or name in absl_flags.FLAGS:
            self._parsed()
        return getattr(self.own if name in self.own else self.tf_flags, name)

    def __setattr__(self, name, value):
        setattr(self.own if name in self.own else self.tf_flags, name, value)

    def __getitem__(self, name):
        return (self.own if name in self.own else self.tf_flags)[name]

    def __contains__(self, name):
        return name in self.own or name in absl_flags.FLAGS

    def __dir__(self):
        return sorted(set(dir(self.tf_flags)) | set(self.own))

    def flag_values_dict(self):
        self._parsed()
        return dict(self.tf_flags.flag_values_dict(), **self.own.flag_values_dict())


def _define(define, program_flags, define_float=None):
    """define(...) putting a flag named as one of absl's own in the program's registry; notes its name.

    With define_float (for DEFINE_integer): a float default, which TF <= 1.4's argparse kept as
    the flag's value (`DEFINE_integer('keep_prob', 0.5, ...)`) and absl refuses, defines a
    float flag, with a note.
    """
    signature = inspect.signature(define)

    def define_as_tf0(*args, **kwargs):
        try:
            arguments = signature.bind_partial(*args, **kwargs).arguments
        except TypeError:
            return define(*args, **kwargs)  # absl's own error
        if define_float is not None and isinstance(arguments.get('default'), float):
            note(sys._getframe(1), "DEFINE_integer(%r, %r): a float default, which TF <= 1.4 kept as the "
                 "flag's value and absl refuses; defined as a float flag" % (arguments.get('name'),
                                                                              arguments['default']))
            return _define(define_float, program_flags)(*args, **kwargs)
        name = arguments['flag'].name if 'flag' in arguments else arguments.get('name')
        if 'flag_values' not in arguments and name is not None:
            if _absl_owns(name):
                kwargs['flag_values'] = program_flags.own
            if name not in program_flags.defined:
                program_flags.defined.append(name)
        return define(*args, **kwargs)
    define_as_tf0.__doc__ = define.__doc__
    return define_as_tf0


def flags_module(tf_flags_module):
    """{name: object} for tf.app.flags (and tf.flags), built on TensorFlow's tf.compat.v1.app.flags."""
    program_flags = ProgramFlags(tf_flags_module.FLAGS)
    names = {name: _define(getattr(tf_flags_module, name), program_flags)
             for name in dir(tf_flags_module) if name.startswith('DEFINE')}
    names['DEFINE_integer'] = _define(tf_flags_module.DEFINE_integer, program_flags,
                                      tf_flags_module.DEFINE_float)
    names['FLAGS'] = program_flags
    return names


def run(tf_run, program_flags):
    """tf.app.run: TensorFlow's, given the arguments left once the program's own flags are read."""
    def run_as_tf0(main=None, argv=None):
        main = main or sys.modules['__main__'].main
        tf_run(main, program_flags.own(sys.argv if argv is None else argv, known_only=True))
    return run_as_tf0
