"""`device_lib.list_local_devices()`: the devices minitf can run ops on, as TF1's
DeviceAttributes protocol buffers (the host's CPU, then each GPU cupy sees)."""

import random

from minitf import backend
from minitf.client.session import _memory_limit
from minitf.protos.config_pb2 import ConfigProto
from minitf.protos.device_attributes_pb2 import DeviceAttributes


def list_local_devices(session_config=None):
    """A DeviceAttributes per device. `session_config` (a tf.ConfigProto) limits the GPUs
    listed with `device_count={"GPU": n}`, as TF does; `MINITF_DISABLE_GPU` hides them all."""
    if session_config is not None and not isinstance(session_config, ConfigProto):
        raise TypeError("session_config must be a tf.ConfigProto, but got %s"
                        % type(session_config))
    max_gpus = None
    if session_config is not None and "GPU" in session_config.device_count:
        max_gpus = session_config.device_count["GPU"]
    return [_attributes(device) for device in backend.list_devices(max_gpus)]


def _attributes(device):
    attributes = DeviceAttributes(name=device.name, device_type=device.kind,
                                  memory_limit=_memory_limit(device),
                                  incarnation=random.getrandbits(64), xla_global_id=-1)
    attributes.locality.SetInParent()
    if device.kind == "GPU":
        name, bus, capability, _ = backend.gpu_properties(device)
        attributes.locality.bus_id = 1
        attributes.locality.links.SetInParent()
        attributes.physical_device_desc = (
            "device: %d, name: %s, pci bus id: %s, compute capability: %s"
            % (device.index, name, bus, capability))
    return attributes
