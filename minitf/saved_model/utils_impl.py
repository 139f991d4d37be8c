"""TensorInfo protos: the name, dtype and static shape of a tensor a signature names, and the
tensor a TensorInfo names in a graph (tf.saved_model.utils)."""

from minitf.framework.graph import get_default_graph
from minitf.framework.graph_def import shape_to_proto
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import Tensor
from minitf.ops.variables import Variable
from minitf.protos import meta_graph_pb2
from minitf.train.saver import _prepend_scope

# TF numbers each reference dtype as its value dtype plus 100 (DT_FLOAT_REF = 101).
_REF_OFFSET = 100


def build_tensor_info(tensor):
    """The TensorInfo proto of a Tensor or Variable (its name) or SparseTensor (the names of
    its three tensors), with its dtype (a Variable's is TF's reference dtype, DT_FLOAT_REF)
    and static shape (-1 for unknown dimensions)."""
    if not isinstance(tensor, (Tensor, SparseTensor, Variable)):
        raise TypeError("build_tensor_info takes a Tensor, SparseTensor or Variable, got %r"
                        % (tensor,))
    dtype = tensor.dtype.as_datatype_enum
    if isinstance(tensor, Variable):
        dtype += _REF_OFFSET  # TF1's variable tensors have reference dtypes (DT_FLOAT_REF)
    info = meta_graph_pb2.TensorInfo(dtype=dtype, tensor_shape=shape_to_proto(tensor.get_shape()))
    if isinstance(tensor, SparseTensor):
        info.coo_sparse.values_tensor_name = tensor.values.name
        info.coo_sparse.indices_tensor_name = tensor.indices.name
        info.coo_sparse.dense_shape_tensor_name = tensor.dense_shape.name
    else:
        info.name = tensor.name
    return info


def get_tensor_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """The Tensor (or SparseTensor) of `graph` (default: the default graph) that `tensor_info`
    names, its names prefixed with `import_scope/` when given. KeyError when there is no such
    tensor, ValueError for a TensorInfo without a name or coo_sparse encoding."""
    graph = graph or get_default_graph()

    def tensor(name):
        return graph.get_tensor_by_name(_prepend_scope(name, import_scope))

    encoding = tensor_info.WhichOneof("encoding")
    if encoding == "name":
        return tensor(tensor_info.name)
    if encoding == "coo_sparse":
        sparse = tensor_info.coo_sparse
        return SparseTensor(tensor(sparse.indices_tensor_name), tensor(sparse.values_tensor_name),
                            tensor(sparse.dense_shape_tensor_name))
    raise ValueError("Invalid TensorInfo.encoding: %s. Expected `coo_sparse`, "
                     "`composite_tensor`, or `name` for a dense tensor." % encoding)


def get_element_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """The Tensor or Operation whose name `tensor_info.name` is (TF 2's builder stores its
    init and train ops so, under reserved signature keys)."""
    graph = graph or get_default_graph()
    return graph.as_graph_element(_prepend_scope(tensor_info.name, import_scope))
