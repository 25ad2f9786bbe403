"""Plain data: a student's value as JSON that the grader decodes without running anything.

`encode` (in the student's kernel) turns what a student's function returned into JSON made of numbers,
strings, booleans, None, lists and one-key objects whose key is a tag:

    {"$float": "nan" | "inf" | "-inf"}                    a float that JSON cannot write
    {"$complex": [re, im]}                                 a Python complex
    {"$tuple": [...]}                                      a tuple (a list stays a list)
    {"$dict": {"key": ...}}                                a dict with str keys
    {"$array": {"dtype": "float64", "shape": [n, k], "data": base64 of the C-order little-endian bytes}}
    {"$scalar": {"dtype": "int64", "data": base64}}        a numpy scalar (np.float64, np.bool_, ...)
    {"$gmm": {"weights": $array, "means": $array, "covariances": $array}}   a coursepkg.mixture.GMM

Only numeric and boolean dtypes (`DTYPES`). Anything else (an object, a generator, a set, an object
array, an ndarray subclass) is refused with `NotPlain`, whose text completes "your function returned ...".
The size is capped: `TooLarge` once the JSON would exceed the budget, or more than `MAX_ITEMS` values,
or nesting deeper than `MAX_DEPTH`.

`decode` (in the grader) accepts exactly that and nothing else (`Malformed` otherwise): it builds
numbers, strings, lists, tuples, dicts, numpy arrays and scalars from bytes, and a GMM from three float
arrays (through GMM's own validation); no pickle, no eval, no import, no attribute lookup on anything the
record names.
"""

import base64
import json
import math

import numpy as np

from ...mixture import GMM

MAX_DEPTH = 32
MAX_ITEMS = 1_000_000  # values in one record (an array counts as one)
MAX_INT_BITS = 13_000  # about 3900 decimal digits: JSON parsers refuse more than 4300
DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
    + ["float16", "float32", "float64", "complex64", "complex128"]
)
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_GMM_FIELDS = ("weights", "means", "covariances")


class NotPlain(Exception):
    """A value the grader cannot read; the text describes it ("a set", "an object of type Foo")."""


class TooLarge(NotPlain):
    """More data than the record may hold."""


class Malformed(ValueError):
    """A record that is not what `encode` writes."""


def _article(name):
    return f"an {name}" if name[:1].lower() in "aeiou" else f"a {name}"


class Encoder:
    """Encodes values against one budget of JSON characters and `MAX_ITEMS` values (one per record)."""

    def __init__(self, budget):
        self.budget = budget
        self.items = 0

    def spend(self, chars):
        self.budget -= chars
        if self.budget < 0:
            raise TooLarge("too much data")

    def __call__(self, value, depth=0):
        if depth > MAX_DEPTH:
            raise NotPlain(f"values nested more than {MAX_DEPTH} levels deep")
        self.items += 1
        if self.items > MAX_ITEMS:
            raise TooLarge(f"more than {MAX_ITEMS:,} values")
        kind = type(value)
        if value is None or kind is bool:
            self.spend(6)
            return value
        if kind is int:
            if value.bit_length() > MAX_INT_BITS:
                raise NotPlain("an integer with thousands of digits")
            self.spend(value.bit_length() // 3 + 2)
            return value
        if kind is float:
            self.spend(26)
            return value if math.isfinite(value) else {"$float": repr(value)}
        if kind is complex:
            return {"$complex": [self(value.real, depth + 1), self(value.imag, depth + 1)]}
        if kind is str:
            self.spend(len(json.dumps(value)))  # as ASCII JSON: the most it can take in a message
            return value
        if isinstance(value, np.ndarray):
            if kind is not np.ndarray:
                raise NotPlain(_article(kind.__name__) + " (a subclass of numpy's ndarray)")
            return {"$array": self.array(value)}
        if isinstance(value, np.generic):
            body = self.array(np.asarray(value))
            del body["shape"]
            return {"$scalar": body}
        if isinstance(value, tuple):  # a namedtuple too, as a plain tuple
            return {"$tuple": [self(v, depth + 1) for v in value]}
        if isinstance(value, list):
            return [self(v, depth + 1) for v in value]
        if isinstance(value, dict):
            if not all(type(k) is str for k in value):
                raise NotPlain("a dict whose keys are not all strings")
            return {"$dict": {k: self(v, depth + 1) for k, v in value.items()}}
        if kind is GMM:
            body = {f: {"$array": self.array(getattr(value, f))} for f in _GMM_FIELDS}
            if value.covariance_type != "full":  # the default is left out: older records stay readable
                body["covariance_type"] = value.covariance_type
            return {"$gmm": body}
        if isinstance(value, np.dtype) or callable(value):
            raise NotPlain(f"{_article(kind.__name__)} (a function or a type, not a value)")
        raise NotPlain(f"{_article(kind.__name__)} object")

    def array(self, arr):
        if arr.dtype.name not in DTYPES or arr.dtype.fields is not None:
            raise NotPlain(f"an array of dtype {arr.dtype}")
        self.spend(4 * (arr.nbytes + 2) // 3 + 80 + 8 * arr.ndim)
        little = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<"))
        data = base64.b64encode(little.tobytes()).decode("ascii")
        return {"dtype": arr.dtype.name, "shape": list(arr.shape), "data": data}


class Decoder:
    """Decodes what `Encoder` writes, counting values against `MAX_ITEMS` (one per record)."""

    def __init__(self):
        self.items = 0

    def __call__(self, data, depth=0):
        if depth > MAX_DEPTH:
            raise Malformed(f"nested more than {MAX_DEPTH} levels deep")
        self.items += 1
        if self.items > MAX_ITEMS:
            raise Malformed(f"more than {MAX_ITEMS:,} values")
        kind = type(data)
        if data is None or kind in (bool, str):
            return data
        if kind is int:
            if data.bit_length() > MAX_INT_BITS:
                raise Malformed("an integer with too many digits")
            return data
        if kind is float:
            if not math.isfinite(data):
                raise Malformed("a non-finite number written as a bare number")
            return data
        if kind is list:
            return [self(v, depth + 1) for v in data]
        if kind is not dict or len(data) != 1:
            raise Malformed(f"unexpected {kind.__name__} {short(data)}")
        ((tag, body),) = data.items()
        if tag == "$float":
            if body not in _NONFINITE:
                raise Malformed(f"unknown float {short(body)}")
            return _NONFINITE[body]
        if tag == "$complex":
            parts = body if type(body) is list and len(body) == 2 else None
            values = [self(p, depth + 1) for p in parts] if parts else []
            if len(values) != 2 or any(type(v) not in (int, float) for v in values):
                raise Malformed("a complex number that is not two numbers")
            return complex(*values)
        if tag == "$tuple":
            if type(body) is not list:
                raise Malformed("a tuple that is not a list")
            return tuple(self(v, depth + 1) for v in body)
        if tag == "$dict":
            if type(body) is not dict:
                raise Malformed("a dict that is not an object")
            return {k: self(v, depth + 1) for k, v in body.items()}
        if tag == "$array":
            return _array(body, scalar=False)
        if tag == "$scalar":
            return _array(body, scalar=True)
        if tag == "$gmm":
            return _gmm(body)
        raise Malformed(f"unknown tag {short(tag)}")


def short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _array(body, scalar):
    keys = {"dtype", "data"} if scalar else {"dtype", "shape", "data"}
    if type(body) is not dict or set(body) != keys:
        raise Malformed(f"an array whose fields are not {sorted(keys)}")
    name, data = body["dtype"], body["data"]
    if type(name) is not str or name not in DTYPES:
        raise Malformed(f"an array of dtype {short(name)}")
    shape = () if scalar else body["shape"]
    if type(shape) not in (list, tuple) or len(shape) > MAX_DEPTH or any(type(s) is not int or s < 0 for s in shape):
        raise Malformed(f"an array of shape {short(shape)}")
    if type(data) is not str:
        raise Malformed("array data that is not a string")
    dtype = np.dtype(name)
    size = math.prod(shape)
    if size * dtype.itemsize != 3 * len(data) // 4 - data[-2:].count("="):
        raise Malformed(f"array data whose length does not match dtype {name} and shape {tuple(shape)}")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError as exc:
        raise Malformed(f"array data that is not base64 ({exc})") from None
    if len(raw) != size * dtype.itemsize:
        raise Malformed(f"array data whose length does not match dtype {name} and shape {tuple(shape)}")
    arr = np.frombuffer(raw, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(shape)
    return arr[()] if scalar else arr


def _gmm(body):
    if type(body) is not dict or set(body) - {"covariance_type"} != set(_GMM_FIELDS):
        raise Malformed(f"a GMM whose fields are not {list(_GMM_FIELDS)} (and optionally covariance_type)")
    covariance_type = body.get("covariance_type", "full")
    if type(covariance_type) is not str:
        raise Malformed("a GMM whose covariance_type is not a string")
    arrays = []
    for field in _GMM_FIELDS:
        part = body[field]
        if type(part) is not dict or set(part) != {"$array"}:
            raise Malformed(f"a GMM whose {field} is not an array")
        arrays.append(_array(part["$array"], scalar=False))
    w, m, c = arrays
    if any(a.dtype != np.float64 for a in arrays):
        raise Malformed("a GMM whose arrays are not float64")
    try:
        return GMM(w, m, c, covariance_type)
    except ValueError as exc:
        raise Malformed(f"a GMM that is not valid ({exc})") from None
