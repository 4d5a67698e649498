"""
Loading the job: import the entrypoint module, pick and instantiate the entrypoint class,
and validate what it declares (input examples, auxiliary and static endpoints, metrics).

Everything that can be checked up front is checked here, so that a broken job fails at
startup (reported by ``/live``) instead of at its first call.
"""

import importlib.util
import inspect
import json
import logging
import os
import sys
import time

logger = logging.getLogger('racetrack_job_wrapper.loader')

MAX_INPUT_EXAMPLE_BYTES = 1024 * 1024
API_PREFIX = '/api/v1'
RESERVED_API_PATHS = ('/perform', '/parameters')


class JobLoadError(Exception):
    """The job can't be loaded for a reason that is the job's fault (not a bug of the wrapper)."""


class JobEndpoint:
    """A job method exposed over HTTP: called with the JSON body as keyword arguments."""

    __slots__ = ('path', 'function', 'signature', 'is_coroutine', '_names', '_required')

    def __init__(self, path: str, function):
        self.path = path  # relative to /api/v1, e.g. '/perform'; also the metrics label
        self.function = function
        self.signature = inspect.signature(function)
        self.is_coroutine = inspect.iscoroutinefunction(function)
        # Fast argument check for the common case of plain named parameters:
        # the keys must be known names and include every required one.
        params = self.signature.parameters.values()
        if all(p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params):
            self._names = frozenset(p.name for p in params)
            self._required = frozenset(p.name for p in params if p.default is p.empty)
        else:
            self._names = self._required = None

    def check_arguments(self, kwargs: dict) -> str | None:
        """Return None if ``function(**kwargs)`` binds to the signature, else an error message
        naming the offending argument (the call itself is not made)."""
        if self._names is not None:
            keys = kwargs.keys()
            if keys <= self._names and self._required <= keys:
                return None
            # Name every offending argument at once.
            problems = []
            unexpected = [name for name in kwargs if name not in self._names]
            if unexpected:
                problems.append('unexpected argument(s): ' + ', '.join(repr(n) for n in unexpected))
            missing = [name for name in self.signature.parameters if name in self._required and name not in keys]
            if missing:
                problems.append('missing required argument(s): ' + ', '.join(repr(n) for n in missing))
            return '; '.join(problems)
        try:
            self.signature.bind(**kwargs)
        except TypeError as e:
            return str(e)
        return None


class StaticEndpoint:
    """A file (or a directory, served recursively) exposed with GET."""

    __slots__ = ('path', 'file_path', 'mimetype', 'is_dir')

    def __init__(self, path: str, file_path: str, mimetype: str | None, is_dir: bool):
        self.path = path            # relative to /api/v1, e.g. '/ui'
        self.file_path = file_path  # absolute, real path inside the job directory
        self.mimetype = mimetype    # None: guessed per file
        self.is_dir = is_dir


class LoadedJob:
    """The instantiated entrypoint and everything derived from it."""

    def __init__(self):
        self.instance = None
        self.entrypoint_class: type | None = None
        self.root_dir = ''
        self.perform: JobEndpoint | None = None
        self.auxiliary: dict[str, JobEndpoint] = {}
        self.static: dict[str, StaticEndpoint] = {}
        self.input_examples: dict[str, dict] = {}  # endpoint path ('/perform', ...) -> example
        self.metrics_function = None


def load_job(entrypoint_path: str, class_name: str | None, root_dir: str | None = None) -> LoadedJob:
    """Import, instantiate and validate the job. Raises on any problem."""
    started = time.perf_counter()
    root_dir = os.path.realpath(root_dir or os.getcwd())
    module = _import_entrypoint_module(entrypoint_path, root_dir)
    cls = _find_entrypoint_class(module, class_name)

    job = LoadedJob()
    job.root_dir = root_dir
    job.entrypoint_class = cls
    logger.info(f'instantiating entrypoint class {cls.__name__} from {entrypoint_path}')
    job.instance = instance = cls()

    perform = getattr(instance, 'perform', None)
    if not callable(perform):
        raise JobLoadError(f"entrypoint class {cls.__name__} doesn't have a 'perform' method")
    job.perform = JobEndpoint('/perform', perform)
    job.input_examples = _collect_input_examples(instance)
    job.auxiliary = _collect_auxiliary_endpoints(instance)
    job.static = _collect_static_endpoints(instance, root_dir)
    metrics = getattr(instance, 'metrics', None)
    if metrics is not None and not callable(metrics):
        raise JobLoadError("'metrics' attribute of the entrypoint should be a method")
    job.metrics_function = metrics
    logger.info(f'job loaded in {(time.perf_counter() - started) * 1000:.1f} ms')
    return job


def _import_entrypoint_module(entrypoint_path: str, root_dir: str):
    path = os.path.realpath(os.path.join(root_dir, entrypoint_path))
    if not os.path.isfile(path):
        raise JobLoadError(f"entrypoint file doesn't exist: {entrypoint_path}")
    if not path.endswith('.py'):
        raise JobLoadError(f'entrypoint file should be a Python file (*.py): {entrypoint_path}')
    # Let the job import its sibling modules (and modules relative to the job's root).
    for directory in (os.path.dirname(path), root_dir):
        if directory not in sys.path:
            sys.path.insert(0, directory)

    module_name = os.path.splitext(os.path.basename(path))[0]
    if not module_name.isidentifier() or module_name in sys.modules:
        module_name = '_racetrack_job_entrypoint'
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise JobLoadError(f"can't import entrypoint file: {entrypoint_path}")
    module = importlib.util.module_from_spec(spec)
    # Registered before executing, so that e.g. dataclasses and pickle can find the module.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def _find_entrypoint_class(module, class_name: str | None) -> type:
    if class_name:
        cls = getattr(module, class_name, None)
        if not inspect.isclass(cls):
            raise JobLoadError(f"entrypoint class '{class_name}' not found in {module.__file__}")
        return cls
    classes = [
        obj for obj in vars(module).values()
        if inspect.isclass(obj) and obj.__module__ == module.__name__
    ]
    if len(classes) == 1:
        return classes[0]
    if not classes:
        raise JobLoadError(f'no class found in entrypoint file {module.__file__}')
    # Several classes (e.g. helper dataclasses): accept the single one that can perform.
    performing = [cls for cls in classes if callable(getattr(cls, 'perform', None))]
    if len(performing) == 1:
        return performing[0]
    names = ', '.join(sorted(cls.__name__ for cls in (performing or classes)))
    raise JobLoadError(
        f'multiple classes found in entrypoint file {module.__file__} ({names}); '
        f'choose one by setting the entrypoint class name'
    )


def _validate_input_example(example, where: str) -> dict:
    if not isinstance(example, dict):
        raise JobLoadError(f'{where} should return a dict, got {type(example).__name__}')
    try:
        encoded = json.dumps(example)
    except (TypeError, ValueError) as e:
        raise JobLoadError(f'{where} returned a value that is not JSON-serializable: {e}') from None
    if len(encoded.encode()) > MAX_INPUT_EXAMPLE_BYTES:
        raise JobLoadError(f'{where} returned an example larger than {MAX_INPUT_EXAMPLE_BYTES} bytes')
    return example


def _collect_input_examples(instance) -> dict[str, dict]:
    examples: dict[str, dict] = {}
    if hasattr(instance, 'docs_input_examples'):
        all_examples = instance.docs_input_examples()
        if not isinstance(all_examples, dict):
            raise JobLoadError(
                f'docs_input_examples() should return a dict (endpoint path -> example), '
                f'got {type(all_examples).__name__}'
            )
        for endpoint_path, example in all_examples.items():
            path = _normalize_path(str(endpoint_path))
            examples[path] = _validate_input_example(example, f'docs_input_examples() for {path}')
    if hasattr(instance, 'docs_input_example'):
        examples['/perform'] = _validate_input_example(instance.docs_input_example(), 'docs_input_example()')
    return examples


def _collect_auxiliary_endpoints(instance) -> dict[str, JobEndpoint]:
    if not hasattr(instance, 'auxiliary_endpoints'):
        return {}
    declared = instance.auxiliary_endpoints()
    if not isinstance(declared, dict):
        raise JobLoadError(f'auxiliary_endpoints() should return a dict, got {type(declared).__name__}')
    endpoints: dict[str, JobEndpoint] = {}
    for endpoint_path, handler in declared.items():
        path = _normalize_path(str(endpoint_path))
        if path in RESERVED_API_PATHS:
            raise JobLoadError(f'auxiliary endpoint {path} collides with a built-in endpoint')
        if not callable(handler):
            raise JobLoadError(f'auxiliary endpoint {path} should map to a method, got {type(handler).__name__}')
        endpoints[path] = JobEndpoint(path, handler)
        logger.info(f'configured auxiliary endpoint: {API_PREFIX}{path}')
    return endpoints


def _collect_static_endpoints(instance, root_dir: str) -> dict[str, StaticEndpoint]:
    if not hasattr(instance, 'static_endpoints'):
        return {}
    declared = instance.static_endpoints()
    if not isinstance(declared, dict):
        raise JobLoadError(f'static_endpoints() should return a dict, got {type(declared).__name__}')
    endpoints: dict[str, StaticEndpoint] = {}
    for endpoint_path, target in declared.items():
        path = _normalize_path(str(endpoint_path))
        if path in RESERVED_API_PATHS:
            raise JobLoadError(f'static endpoint {path} collides with a built-in endpoint')
        if isinstance(target, (tuple, list)) and len(target) == 2:
            filename, mimetype = str(target[0]), str(target[1])
        elif isinstance(target, (str, os.PathLike)):
            filename, mimetype = os.fspath(target), None
        else:
            raise JobLoadError(f'static endpoint {path} should map to a filename or (filename, mimetype)')
        file_path = os.path.realpath(os.path.join(root_dir, filename))
        if not is_within(file_path, root_dir):
            raise JobLoadError(f'static endpoint {path} points outside of the job directory: {filename}')
        if not os.path.exists(file_path):
            raise JobLoadError(f"static file of endpoint {path} doesn't exist: {filename}")
        endpoints[path] = StaticEndpoint(path, file_path, mimetype, os.path.isdir(file_path))
        logger.info(f'configured static endpoint: {API_PREFIX}{path} -> {filename}')
    return endpoints


def _normalize_path(path: str) -> str:
    """'explain', '/explain/' -> '/explain'."""
    return '/' + path.strip('/')


def is_within(path: str, directory: str) -> bool:
    """True if real ``path`` is ``directory`` or lies inside it (both already real paths)."""
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)
