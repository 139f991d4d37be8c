"""Gradient compression for allreduce, as Horovod's `hvd.Compression`: `none`, or `fp16` (floating
tensors travel as float16 and come back in their own dtype)."""

from minitf.ops.math_ops import cast


class Compressor:
    """Turns a tensor into what is sent (`compress` returns it with a context) and back."""

    @staticmethod
    def compress(tensor):
        raise NotImplementedError

    @staticmethod
    def decompress(tensor, ctx):
        raise NotImplementedError


class NoneCompressor(Compressor):
    """Sends tensors as they are."""

    @staticmethod
    def compress(tensor):
        return tensor, None

    @staticmethod
    def decompress(tensor, ctx):
        return tensor


class FP16Compressor(Compressor):
    """Sends floating tensors as float16: half the bytes, about 3 significant digits."""

    @staticmethod
    def compress(tensor):
        if tensor.dtype.is_floating and tensor.dtype.name != "float16":
            return cast(tensor, "float16"), tensor.dtype
        return tensor, None

    @staticmethod
    def decompress(tensor, ctx):
        return tensor if ctx is None else cast(tensor, ctx)


class Compression:
    """The compressors to pass as `compression=`."""

    none = NoneCompressor
    fp16 = FP16Compressor
