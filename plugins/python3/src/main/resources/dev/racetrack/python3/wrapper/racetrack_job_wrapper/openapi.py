"""
API description derived from the job's code: the ``/api/v1/parameters`` listing and the
OpenAPI 3.0 document (type hints -> JSON schema, docstrings -> descriptions,
``docs_input_example`` -> request examples).
"""

import collections.abc
import inspect
import types
import typing

from .config import Config
from .loader import API_PREFIX, JobEndpoint, LoadedJob

OPENAPI_VERSION = '3.0.3'
AUTH_SCHEME = 'racetrackAuth'
AUTH_HEADER = 'X-Racetrack-Auth'

_SIMPLE_TYPES: dict[object, dict] = {
    int: {'type': 'integer'},
    float: {'type': 'number'},
    complex: {'type': 'string'},
    str: {'type': 'string'},
    bytes: {'type': 'string'},
    bool: {'type': 'boolean'},
    dict: {'type': 'object'},
    list: {'type': 'array', 'items': {}},
    tuple: {'type': 'array', 'items': {}},
    set: {'type': 'array', 'items': {}},
    frozenset: {'type': 'array', 'items': {}},
}

# typing.get_origin() of generic aliases: List[int] -> list, Sequence[int] -> collections.abc.Sequence, ...
_ARRAY_ORIGINS = (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.MutableSequence,
                  collections.abc.Set, collections.abc.MutableSet, collections.abc.Iterable,
                  collections.abc.Collection)
_OBJECT_ORIGINS = (dict, collections.abc.Mapping, collections.abc.MutableMapping)


# ---------------------------------------------------------------------------- parameters


def annotation_text(annotation) -> str | None:
    """Render a type annotation as text: ``int``, ``list[float]``, ``Optional[str]``; None if absent."""
    if annotation is inspect.Parameter.empty:
        return None
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__qualname__ if annotation.__module__ != 'builtins' else annotation.__name__
    return str(annotation).replace('typing.', '')


def list_parameters(endpoint: JobEndpoint) -> list[dict]:
    """Required parameters as ``{name, type}``, optional ones as ``{name, default_value, type}``."""
    result = []
    for param in endpoint.signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        entry: dict = {'name': param.name}
        if param.default is not param.empty:
            entry['default_value'] = param.default
        entry['type'] = annotation_text(param.annotation)
        result.append(entry)
    return result


# ---------------------------------------------------------------------------- JSON schema


def type_schema(annotation, _depth: int = 0) -> dict:
    """JSON schema (OpenAPI 3.0 flavour) of a type annotation; ``{}`` when unknown."""
    if _depth > 10:  # self-referencing types
        return {}
    depth = _depth + 1
    if annotation is inspect.Parameter.empty or annotation is typing.Any or annotation is object:
        return {}
    if annotation is None or annotation is type(None):
        return {'nullable': True}
    simple = _SIMPLE_TYPES.get(annotation)
    if simple is not None:
        return dict(simple)  # a copy: callers may add keys such as 'default'

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or origin is types.UnionType:
        non_null = [a for a in args if a is not type(None)]
        nullable = len(non_null) < len(args)
        if len(non_null) == 1:
            schema = type_schema(non_null[0], depth)
        else:
            schema = {'anyOf': [type_schema(a, depth) for a in non_null]}
        if nullable:
            schema['nullable'] = True
        return schema
    if origin is typing.Literal:
        schema = {'enum': list(args)}
        kinds = {type(a) for a in args}
        if len(kinds) == 1:
            schema.update(_SIMPLE_TYPES.get(kinds.pop(), {}))
        return schema
    if origin is typing.Annotated:
        return type_schema(args[0], depth) if args else {}
    if origin in _ARRAY_ORIGINS:
        items: dict = {}
        if origin is tuple and args:
            item_args = [a for a in args if a is not Ellipsis]
            items = type_schema(item_args[0], depth) if len(set(item_args)) == 1 else {}
        elif args:
            items = type_schema(args[0], depth)
        return {'type': 'array', 'items': items}
    if origin in _OBJECT_ORIGINS:
        schema = {'type': 'object'}
        if len(args) == 2 and args[1] is not typing.Any:
            schema['additionalProperties'] = type_schema(args[1], depth)
        return schema
    if isinstance(annotation, type):
        if issubclass(annotation, bool):
            return {'type': 'boolean'}
        if issubclass(annotation, int):
            return {'type': 'integer'}
        if issubclass(annotation, float):
            return {'type': 'number'}
        if issubclass(annotation, str):
            return {'type': 'string'}
        if issubclass(annotation, (list, tuple, set, frozenset)):
            return {'type': 'array', 'items': {}}
        if issubclass(annotation, dict):
            return {'type': 'object'}
        if hasattr(annotation, '__dataclass_fields__'):
            return _dataclass_schema(annotation, depth)
    return {}


def _dataclass_schema(cls: type, depth: int) -> dict:
    import dataclasses
    hints = _type_hints(cls)
    properties = {}
    required = []
    for field in dataclasses.fields(cls):
        properties[field.name] = type_schema(hints.get(field.name, inspect.Parameter.empty), depth)
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            required.append(field.name)
    schema = {'type': 'object', 'properties': properties}
    if required:
        schema['required'] = required
    return schema


def _type_hints(obj) -> dict:
    """Resolved type hints (handles ``from __future__ import annotations``); raw ones on failure."""
    try:
        return typing.get_type_hints(obj)
    except Exception:
        return dict(getattr(obj, '__annotations__', {}) or {})


def request_schema(endpoint: JobEndpoint) -> dict:
    """Schema of the JSON object of keyword arguments accepted by ``endpoint``."""
    hints = _type_hints(endpoint.function)
    properties: dict[str, dict] = {}
    required: list[str] = []
    additional = False
    for param in endpoint.signature.parameters.values():
        if param.kind == param.VAR_KEYWORD:
            additional = True
            continue
        if param.kind in (param.VAR_POSITIONAL, param.POSITIONAL_ONLY):
            continue
        annotation = hints.get(param.name, param.annotation)
        if isinstance(annotation, str):  # unresolvable forward reference
            annotation = inspect.Parameter.empty
        schema = type_schema(annotation)
        if param.default is param.empty:
            required.append(param.name)
        elif _is_json_value(param.default):
            schema['default'] = param.default
        properties[param.name] = schema
    schema = {'type': 'object', 'properties': properties, 'additionalProperties': additional}
    if required:
        schema['required'] = required
    return schema


def _is_json_value(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_json_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json_value(v) for k, v in value.items())
    return False


# ---------------------------------------------------------------------------- document

def _json_response(description: str, schema: dict | None = None) -> dict:
    return {'description': description, 'content': {'application/json': {'schema': schema or {}}}}


_ERROR_SCHEMA = {'type': 'object', 'properties': {'error': {'type': 'string'}}}


def _job_call_operation(endpoint: JobEndpoint, summary: str, operation_id: str, example: dict | None) -> dict:
    docstring = inspect.getdoc(endpoint.function) or ''
    media: dict = {'schema': request_schema(endpoint)}
    if example is not None:
        media['example'] = example
    return {
        'summary': summary,
        'description': docstring or summary,
        'operationId': operation_id,
        'tags': ['API'],
        'requestBody': {'required': True, 'content': {'application/json': media}},
        'responses': {
            '200': _json_response('Result returned by the job'),
            '400': _json_response('Invalid arguments', _ERROR_SCHEMA),
            '429': _json_response('Too many requests waiting in a queue', _ERROR_SCHEMA),
            '500': _json_response('Error raised by the job', _ERROR_SCHEMA),
            '503': _json_response('Job is not ready yet', _ERROR_SCHEMA),
        },
    }


def _get_operation(summary: str, operation_id: str, tag: str, response: dict) -> dict:
    return {'get': {'summary': summary, 'operationId': operation_id, 'tags': [tag], 'responses': {'200': response}}}


def _operation_id(prefix: str, path: str) -> str:
    return prefix + ''.join(c if c.isalnum() else '_' for c in path)


def build_openapi(job: LoadedJob, config: Config) -> dict:
    """Build the OpenAPI 3.0 document of the job."""
    paths: dict[str, dict] = {}
    perform = job.perform
    perform_doc = inspect.getdoc(perform.function)
    paths[f'{API_PREFIX}/perform'] = {
        'post': _job_call_operation(
            perform, 'Call main action', 'perform', job.input_examples.get('/perform'),
        ),
    }
    paths[f'{API_PREFIX}/parameters'] = _get_operation(
        'List parameters of the perform method', 'parameters', 'API',
        _json_response('Required and optional parameters', {
            'type': 'array',
            'items': {'type': 'object', 'properties': {
                'name': {'type': 'string'}, 'type': {'type': 'string', 'nullable': True}, 'default_value': {},
            }},
        }),
    )
    for path in sorted(job.auxiliary):
        paths[f'{API_PREFIX}{path}'] = {
            'post': _job_call_operation(
                job.auxiliary[path], f'Call auxiliary endpoint: {path}', _operation_id('auxiliary_endpoint', path),
                job.input_examples.get(path),
            ),
        }
    for path in sorted(job.static):
        static = job.static[path]
        mimetype = static.mimetype or ('application/octet-stream' if static.is_dir else _guess_mimetype(static.file_path))
        response = {'description': 'Static content', 'content': {mimetype: {'schema': {'type': 'string'}}}}
        operation = _get_operation(f'Fetch static content: {path}', _operation_id('static_endpoint', path),
                                   'Static', response)
        paths[f'{API_PREFIX}{path}'] = operation
        if static.is_dir:
            subpath_operation = _get_operation(
                f'Fetch static file from directory: {path}', _operation_id('static_endpoint', path + '/file'),
                'Static', response,
            )
            subpath_operation['get']['parameters'] = [{
                'name': 'file_path', 'in': 'path', 'required': True, 'schema': {'type': 'string'},
                'description': 'Path of a file inside the directory',
            }]
            paths[f'{API_PREFIX}{path}/{{file_path}}'] = subpath_operation

    bool_schema = {'type': 'boolean'}
    paths['/live'] = _get_operation('Liveness probe', 'live', 'Health', _json_response('Job is alive', {
        'type': 'object', 'properties': {'live': bool_schema, 'deployment_timestamp': {'type': 'integer'},
                                         'error': {'type': 'string'}},
    }))
    paths['/ready'] = _get_operation('Readiness probe', 'ready', 'Health', _json_response('Job is ready', {
        'type': 'object', 'properties': {'ready': bool_schema},
    }))
    paths['/health'] = _get_operation('Health status', 'health', 'Health', _json_response('Job is healthy', {
        'type': 'object', 'properties': {
            'service': {'type': 'string'}, 'job_name': {'type': 'string'}, 'job_version': {'type': 'string'},
            'live': bool_schema, 'ready': bool_schema, 'status': {'type': 'string', 'enum': ['pass', 'fail']},
            'error': {'type': 'string', 'nullable': True},
        },
    }))
    paths['/metrics'] = _get_operation('Prometheus metrics', 'metrics', 'Health', {
        'description': 'Metrics in the Prometheus text format',
        'content': {'text/plain': {'schema': {'type': 'string'}}},
    })

    description = 'Job wrapped in a REST server by Racetrack.'
    if perform_doc:
        description += '\n\n' + perform_doc
    class_doc = inspect.getdoc(job.entrypoint_class) if job.entrypoint_class is not None else None
    if class_doc and class_doc != inspect.getdoc(object):
        description += '\n\n' + class_doc
    return {
        'openapi': OPENAPI_VERSION,
        'info': {'title': config.job_name, 'version': config.job_version, 'description': description},
        'servers': [{'url': config.base_url}],
        'paths': paths,
        'components': {
            'securitySchemes': {AUTH_SCHEME: {'type': 'apiKey', 'in': 'header', 'name': AUTH_HEADER}},
        },
        'security': [{AUTH_SCHEME: []}],
        'tags': [
            {'name': 'API', 'description': 'Calling the job'},
            {'name': 'Static', 'description': 'Static content served by the job'},
            {'name': 'Health', 'description': 'Probes and monitoring'},
        ],
    }


def _guess_mimetype(file_path: str) -> str:
    import mimetypes
    return mimetypes.guess_type(file_path, strict=False)[0] or 'text/plain'
