"""Tensors as NumPy arrays: ONNX element types and NumPy dtypes, both ways."""

import numpy as np

try:  # bfloat16 and the float8 types: NumPy has none; ml_dtypes (onnx needs it) has them.
    import ml_dtypes
except ImportError:  # pragma: no cover - the types below are then unavailable
    ml_dtypes = None

STRING = 8

# TensorProto.DataType -> NumPy dtype (little-endian), for the types whose elements are
# whole bytes.
_DTYPES = {
    1: np.dtype("<f4"),
    2: np.dtype("u1"),
    3: np.dtype("i1"),
    4: np.dtype("<u2"),
    5: np.dtype("<i2"),
    6: np.dtype("<i4"),
    7: np.dtype("<i8"),
    9: np.dtype("?"),
    10: np.dtype("<f2"),
    11: np.dtype("<f8"),
    12: np.dtype("<u4"),
    13: np.dtype("<u8"),
    14: np.dtype("<c8"),
    15: np.dtype("<c16"),
}
if ml_dtypes is not None:
    _DTYPES.update({
        16: np.dtype(ml_dtypes.bfloat16),
        17: np.dtype(ml_dtypes.float8_e4m3fn),
        18: np.dtype(ml_dtypes.float8_e4m3fnuz),
        19: np.dtype(ml_dtypes.float8_e5m2),
        20: np.dtype(ml_dtypes.float8_e5m2fnuz),
    })


def dtype_of(data_type):
    """The NumPy dtype of an ONNX element type (TensorProto.DataType number)."""
    try:
        return _DTYPES[data_type]
    except KeyError:
        raise NotImplementedError(
            f"ONNX element type {data_type} has no NumPy dtype here "
            "(packed 2/4/6-bit types and float8e8m0 are not converted)") from None


def data_type_of(dtype):
    """The ONNX element type (TensorProto.DataType number) of a NumPy dtype."""
    dtype = np.dtype(dtype)
    if dtype.kind in "USO":
        return STRING
    for data_type, candidate in _DTYPES.items():
        if candidate == dtype.newbyteorder("<") or candidate == dtype:
            return data_type
    raise TypeError(f"NumPy dtype {dtype} has no ONNX element type")


def raw_to_numpy(raw, data_type, dims):
    """A read-only view of little-endian bytes (a uint8 array) as an array of `dims`."""
    array = raw.view(dtype_of(data_type)).reshape(dims)
    array.flags.writeable = False
    return array


def strings_to_numpy(strings, dims):
    """A string tensor's elements (bytes) as an object array of `dims`."""
    array = np.empty(len(strings), dtype=object)
    array[:] = strings
    return array.reshape(dims)


def from_numpy(value):
    """(data type, dims, data): data is little-endian bytes, or a list of bytes for strings."""
    array = np.asarray(value)
    data_type = data_type_of(array.dtype)
    dims = list(array.shape)
    if data_type == STRING:
        flat = [s.encode() if isinstance(s, str) else bytes(s) for s in array.reshape(-1)]
        return data_type, dims, flat
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return data_type, dims, little.tobytes()
