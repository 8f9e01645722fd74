"""Old APIs of the libraries MNIST programs use beside TensorFlow and NumPy: matplotlib, scikit-learn, SciPy.

What their later releases removed, each run as it ran then, with one note on stderr
naming the program's file and line the first time it is used:
  KEYWORDS    a keyword argument renamed (hist(normed=) is density=, TSNE(n_iter=) is
              max_iter=, axes(axisbg=) is facecolor=): given under its new name, only
              where the installed library no longer takes the old one
  ATTRIBUTES  a function or method removed (fig.canvas.set_window_title,
              ax.set_axis_bgcolor, scipy.misc.imsave, imread, imresize, toimage,
              bytescale): its successor, or the function below (SciPy's image helpers
              on Pillow, which took over from them)
As for NumPy 1 (numpy1.py), the program's own files are rewritten as they are
compiled, so nothing changes for the libraries themselves: a read `E.name` of a
name in ATTRIBUTES becomes `__numpy1__(E, 'name', line).name`, a call with a
keyword of KEYWORDS `__numpy1__.call(f, line)(...)`, and `from scipy.misc import
imsave` is read the same way; at run time each gives E or f itself unless it is
the library's object that lacks the name or keyword.
"""
import ast
import inspect
import sys
import types

import numpy as np

from mnist.tf1.errors import require

# (module, its callable's qualified name) -> {old keyword: new keyword}.
KEYWORDS = {
    ('matplotlib.pyplot', 'hist'): {'normed': 'density'},
    ('matplotlib.axes', 'Axes.hist'): {'normed': 'density'},
    ('matplotlib.pyplot', 'axes'): {'axisbg': 'facecolor'},
    ('matplotlib.pyplot', 'subplot'): {'axisbg': 'facecolor'},
    ('matplotlib.figure', 'Figure.add_subplot'): {'axisbg': 'facecolor'},
    ('matplotlib.figure', 'Figure.add_axes'): {'axisbg': 'facecolor'},
    ('numpy', 'histogram'): {'normed': 'density'},
    ('sklearn.manifold', 'TSNE'): {'n_iter': 'max_iter'},
}
KEYWORD_NAMES = frozenset(old for renamed in KEYWORDS.values() for old in renamed)


def _window_title_setter(canvas):
    manager = canvas.manager
    return manager.set_window_title if manager is not None else lambda title: None


def _window_title_getter(canvas):
    manager = canvas.manager
    return manager.get_window_title if manager is not None else lambda: ''


def bytescale(data, cmin=None, cmax=None, high=255, low=0):
    """scipy.misc.bytescale: data scaled from [cmin, cmax] (its own range by default) to uint8 [low, high]."""
    data = np.asarray(data)
    if data.dtype == np.uint8:
        return data
    cmin = data.min() if cmin is None else cmin
    cmax = data.max() if cmax is None else cmax
    scale = (high - low) / (cmax - cmin) if cmax != cmin else 1.0
    return ((data - cmin) * scale + low).clip(low, high).round().astype(np.uint8)


def toimage(arr, high=255, low=0, cmin=None, cmax=None, pal=None, mode=None, channel_axis=None):
    """scipy.misc.toimage: a PIL image of a 2-D array (grey) or of a 3-D one with 3 or 4 channels.

    Arrays other than uint8 are scaled to [low, high] first (bytescale), as SciPy did;
    mode 'F' keeps a 2-D array's float values.
    """
    image_module = require('PIL.Image', 'scipy.misc.toimage (on Pillow)', 'Pillow')
    data = np.asarray(arr)
    if pal is not None:
        raise ValueError('toimage: pal (a palette) is not provided; give a 2-D or RGB array')
    if data.ndim == 2:
        if mode == 'F':
            return image_module.fromarray(data.astype(np.float32), 'F')
        image = image_module.fromarray(bytescale(data, cmin, cmax, high, low), 'L')
        return image.convert(mode) if mode not in (None, 'L') else image
    if data.ndim == 3:
        axes = [channel_axis] if channel_axis is not None else [
            axis for axis in (2, 0, 1) if data.shape[axis] in (3, 4)]
        if axes:
            data = np.moveaxis(data, axes[0], -1)
            image = image_module.fromarray(bytescale(data, cmin, cmax, high, low),
                                           'RGB' if data.shape[-1] == 3 else 'RGBA')
            return image.convert(mode) if mode not in (None, image.mode) else image
    raise ValueError("toimage: an array of shape %s is no image: expected (height, width) or (height, "
                     "width, 3 or 4)" % (data.shape,))


def imsave(name, arr, format=None):
    """scipy.misc.imsave: arr saved as an image file (toimage's scaling), its format from the name."""
    toimage(arr).save(name, format)


def imread(name, flatten=False, mode=None):
    """scipy.misc.imread (and scipy.ndimage.imread): the image file as an array; flatten: grey float32."""
    image_module = require('PIL.Image', 'scipy.misc.imread (on Pillow)', 'Pillow')
    with image_module.open(name) as image:
        if mode is not None:
            image = image.convert(mode)
        if flatten:
            image = image.convert('F')
        return np.array(image)


_RESAMPLING = {'nearest': 'NEAREST', 'lanczos': 'LANCZOS', 'bilinear': 'BILINEAR', 'bicubic': 'BICUBIC',
               'cubic': 'BICUBIC'}


def imresize(arr, size, interp='bilinear', mode=None):
    """scipy.misc.imresize: arr resized to size, an int (percent), a float (fraction) or (height, width)."""
    image_module = require('PIL.Image', 'scipy.misc.imresize (on Pillow)', 'Pillow')
    if interp not in _RESAMPLING:
        raise ValueError('imresize: interp %r: expected one of %s' % (interp, ', '.join(_RESAMPLING)))
    image = toimage(arr, mode=mode)
    if isinstance(size, (int, np.integer)):
        size = (image.size[1] * size // 100, image.size[0] * size // 100)
    elif isinstance(size, (float, np.floating)):
        size = (int(image.size[1] * size), int(image.size[0] * size))
    height, width = size[:2]
    resample = getattr(image_module.Resampling, _RESAMPLING[interp])
    return np.array(image.resize((int(width), int(height)), resample))


# (module, class in it or None for the module itself, removed name) -> (owner -> old value, successor).
ATTRIBUTES = {
    ('matplotlib.backend_bases', 'FigureCanvasBase', 'set_window_title'):
        (_window_title_setter, 'canvas.manager.set_window_title'),
    ('matplotlib.backend_bases', 'FigureCanvasBase', 'get_window_title'):
        (_window_title_getter, 'canvas.manager.get_window_title'),
    ('matplotlib.axes', 'Axes', 'set_axis_bgcolor'): (lambda axes: axes.set_facecolor, 'Axes.set_facecolor'),
    ('matplotlib.axes', 'Axes', 'get_axis_bgcolor'): (lambda axes: axes.get_facecolor, 'Axes.get_facecolor'),
    ('scipy.misc', None, 'imsave'): (lambda module: imsave, 'Pillow saves it, scaled to 0..255 as SciPy did'),
    ('scipy.misc', None, 'imread'): (lambda module: imread, 'Pillow reads it'),
    ('scipy.misc', None, 'imresize'): (lambda module: imresize, 'Pillow resizes it, scaled as SciPy did'),
    ('scipy.misc', None, 'toimage'): (lambda module: toimage, 'a Pillow image, scaled as SciPy did'),
    ('scipy.misc', None, 'bytescale'): (lambda module: bytescale, 'scaled to uint8 as SciPy did'),
    ('scipy.ndimage', None, 'imread'): (lambda module: imread, 'Pillow reads it'),
}
ATTRIBUTE_NAMES = frozenset(name for _, _, name in ATTRIBUTES)
MODULES = frozenset(module for module, owner, _ in ATTRIBUTES if owner is None)
_noted = set()  # (what, path, line) already noted


def _library(module_name):
    """'matplotlib 3.11.2': the library of module_name and its installed version."""
    top = module_name.split('.')[0]
    version = getattr(sys.modules.get(top), '__version__', '')
    return '%s %s' % ({'sklearn': 'scikit-learn', 'numpy': 'NumPy', 'scipy': 'SciPy'}.get(top, top), version)


def _note(path, line, what, module_name, how):
    if what not in _noted:
        _noted.add(what)
        print('note: %s, line %d: %s is not in %s; run as it ran then: %s'
              % (path, line, what, _library(module_name), how), file=sys.stderr)


def _find(module_name, qualified_name):
    """The object module_name.qualified_name if that module is imported (never importing it), else None."""
    found = sys.modules.get(module_name)
    for part in qualified_name.split('.') if found is not None else ():
        found = getattr(found, part, None)
    return found


def attribute(path, value, name, line):
    """What `value.name` reads in the program's file `path`: value itself, or an object whose .name is
    the old API's (with a note) if value is a library's module or object that no longer has `name`."""
    for (module_name, owner, removed_name), (old, how) in ATTRIBUTES.items():
        if removed_name != name:
            continue
        if owner is None:
            matches = value is sys.modules.get(module_name)
        else:
            cls = _find(module_name, owner)
            matches = isinstance(cls, type) and isinstance(value, cls)
        if matches and not hasattr(value, name):
            _note(path, line, '%s.%s' % (owner or module_name, name), module_name, how)
            return types.SimpleNamespace(**{name: old(value)})
    return value


def _accepts(function, keyword):
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return True  # a builtin without a signature: leave the call as written
    return keyword in parameters


def call(path, function, line):
    """function, or a function giving it the new names of its renamed keywords (with a note)."""
    target = getattr(function, '__func__', function)
    for (module_name, qualified_name), renamed in KEYWORDS.items():
        if _find(module_name, qualified_name) is not target:
            continue
        renamed = {old: new for old, new in renamed.items() if not _accepts(function, old)}
        if renamed:
            return _renaming(path, line, function, qualified_name.split('.')[-1], module_name, renamed)
        break
    return function


def _renaming(path, line, function, shown_name, module_name, renamed):
    def call_with_new_keywords(*args, **kwargs):
        for old, new in renamed.items():
            if old in kwargs:
                if new in kwargs:
                    raise TypeError('%s() got both %s= and its new name %s=' % (shown_name, old, new))
                _note(path, line, '%s(%s=)' % (shown_name, old), module_name, '%s=' % new)
                kwargs[new] = kwargs.pop(old)
        return function(*args, **kwargs)
    return call_with_new_keywords


def _read(value, name, line):
    call_ = ast.Call(ast.Name('__numpy1__', ast.Load()), [value, ast.Constant(name), ast.Constant(line)], [])
    return ast.Attribute(call_, name, ast.Load())


class _Rewrite(ast.NodeTransformer):
    """E.name (a name of ATTRIBUTES), f(..., old=...) (a keyword of KEYWORDS), `from scipy.misc import`."""

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr not in ATTRIBUTE_NAMES or not isinstance(node.ctx, ast.Load):
            return node
        return ast.copy_location(_read(node.value, node.attr, node.lineno), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        if not any(keyword.arg in KEYWORD_NAMES for keyword in node.keywords):
            return node
        reader = ast.Attribute(ast.Name('__numpy1__', ast.Load()), 'call', ast.Load())
        node.func = ast.copy_location(ast.Call(reader, [node.func, ast.Constant(node.lineno)], []), node.func)
        return node

    def visit_ImportFrom(self, node):
        if node.module not in MODULES or node.level:
            return node
        names = {name for module_name, _, name in ATTRIBUTES if module_name == node.module}
        if not any(alias.name in names for alias in node.names):
            return node
        kept = [alias for alias in node.names if alias.name not in names]
        statements = [ast.ImportFrom(node.module, kept, 0)] if kept else []
        module = ast.Call(ast.Name('__import__', ast.Load()), [ast.Constant(node.module)],
                          [ast.keyword('fromlist', ast.Constant(('__name__',)))])
        statements += [ast.Assign([ast.Name(alias.asname or alias.name, ast.Store())],
                                  _read(module, alias.name, node.lineno))
                       for alias in node.names if alias.name in names]
        return [ast.copy_location(statement, node) for statement in statements]


def rewrite(tree):
    """The module AST `tree` with the old library APIs above read through __numpy1__."""
    return ast.fix_missing_locations(_Rewrite().visit(tree))
