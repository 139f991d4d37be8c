"""tf.image: resizing, flips, standardization, crops, pads, dtype conversion, and the
augmentation and geometry functions (minitf/ops/image_adjust.py), colour spaces and adjustments
(minitf/ops/image_color.py), quality measures (minitf/ops/image_quality.py), the image file
codecs (minitf/ops/image_codec_ops.py) and the bounding-box ops (minitf/ops/image_boxes.py)."""

from minitf.ops import image_adjust as _image_adjust
from minitf.ops import image_boxes as _image_boxes
from minitf.ops import image_codec_ops as _image_codec_ops
from minitf.ops import image_color as _image_color
from minitf.ops import image_glimpse as _image_glimpse
from minitf.ops import image_ops as _image_ops
from minitf.ops import image_quality as _image_quality
from minitf.ops.image_adjust import *  # noqa: F401,F403
from minitf.ops.image_boxes import *  # noqa: F401,F403
from minitf.ops.image_codec_ops import *  # noqa: F401,F403
from minitf.ops.image_color import *  # noqa: F401,F403
from minitf.ops.image_glimpse import *  # noqa: F401,F403
from minitf.ops.image_ops import *  # noqa: F401,F403
from minitf.ops.image_quality import *  # noqa: F401,F403
from minitf.ops.space_batch_ops import extract_image_patches

# TF1's second names for the same functions (in TF 1.15, tf.image.resize is resize_images).
resize_with_crop_or_pad = _image_adjust.resize_image_with_crop_or_pad
transpose = _image_adjust.transpose_image
resize = _image_ops.resize_images

__all__ = (list(_image_ops.__all__) + list(_image_adjust.__all__) + list(_image_color.__all__)
           + list(_image_quality.__all__) + list(_image_codec_ops.__all__)
           + list(_image_boxes.__all__) + list(_image_glimpse.__all__)
           + ["resize_with_crop_or_pad", "transpose", "resize", "extract_image_patches"])
