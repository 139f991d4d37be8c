"""Protocol buffers that TensorFlow checkpoints and MetaGraphs use and tensorboardX does not ship.

Each message has TensorFlow's field numbers, so its wire format is TensorFlow's; the proto
package is `minitf` so the names never collide with TensorFlow's or tensorboardX's in the
default descriptor pool. Shared types (TensorShapeProto, DataType, VersionDef, GraphDef,
AttrValue, TensorProto) come from `tensorboardX.proto`.

The `*_pb2.py` files are generated from the `.proto` files beside them, from the repository
root, with the protoc of grpcio-tools 1.62.3 (protobuf 4.25 code generator). That generator
emits code without a runtime-version check, so the modules import under every protobuf
runtime from 3.20 to 7.x; newer generators emit a check that rejects runtimes older than
themselves. To regenerate (grpcio-tools in a throwaway venv, never a dependency):

    pip install grpcio-tools==1.62.3
    python -m grpc_tools.protoc -I. -I$(python -c "import os, tensorboardX; \
        print(os.path.dirname(os.path.dirname(tensorboardX.__file__)))") \
        --python_out=. minitf/protos/*.proto
"""
