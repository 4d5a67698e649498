"""JSON serialisation of whatever a job returns."""

import enum
import json


def _to_jsonable(obj):
    """``default`` hook of the encoder: map non-JSON types to JSON-friendly ones."""
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (bytes, bytearray)):
        return obj.decode('utf-8', errors='replace')
    cls = type(obj)
    if hasattr(cls, '__dataclass_fields__'):
        import dataclasses
        if not isinstance(obj, type):
            return dataclasses.asdict(obj)
    # numpy arrays and scalars, pandas objects, ...
    tolist = getattr(obj, 'tolist', None)
    if callable(tolist):
        return tolist()
    # pydantic v2 / v1 models
    for method_name in ('model_dump', 'dict'):
        method = getattr(obj, method_name, None)
        if callable(method) and not isinstance(obj, dict):
            try:
                return method()
            except TypeError:
                break
    # date, datetime, time
    isoformat = getattr(obj, 'isoformat', None)
    if callable(isoformat):
        return isoformat()
    if hasattr(obj, '__dict__') and not isinstance(obj, type):
        return {k: v for k, v in vars(obj).items() if not k.startswith('_')}
    if hasattr(obj, '__iter__') and not isinstance(obj, (str, type)):
        try:
            return list(obj)
        except TypeError:
            pass
    return str(obj)


_encoder = json.JSONEncoder(default=_to_jsonable, ensure_ascii=False, check_circular=True)


def encode_json(obj) -> bytes:
    """Serialise ``obj`` to UTF-8 JSON bytes, converting non-JSON types where possible.
    (Lone surrogates, which UTF-8 cannot carry, are replaced with '?'.)"""
    return _encoder.encode(obj).encode('utf-8', 'replace')


def error_json(message: str) -> bytes:
    """``{"error": message}`` as bytes."""
    return json.dumps({'error': message}, ensure_ascii=False).encode('utf-8', 'replace')
