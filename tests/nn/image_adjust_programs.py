"""The tf.image colour, geometry and augmentation programs that tests/nn/record_image_adjust.py
runs in TensorFlow and tests/nn/test_image_adjust.py runs in minitf: the same builders, given
either module as `tf`."""

import numpy as np


def rgb(shape=(2, 3, 4, 3)):
    """Deterministic pixel values in [0, 1] with distinct channels (no ties in max/min)."""
    n = int(np.prod(shape))
    return ((np.arange(n, dtype=np.float64) * 37 % 101) / 100.0).reshape(shape).astype(np.float32)


def rgb_uint8(shape=(3, 4, 3)):
    n = int(np.prod(shape))
    return (np.arange(n) * 53 % 256).reshape(shape).astype(np.uint8)


def images(tf):
    """The inputs of the value programs: a float32 batch, a float32 image, a uint8 image and a
    float64 image."""
    return (tf.constant(rgb(), name="x"), tf.constant(rgb((3, 4, 3)), name="x3"),
            tf.constant(rgb_uint8(), name="u8"),
            tf.constant(rgb((3, 4, 3)).astype(np.float64), name="x64"))


def deterministic(tf):
    """name -> tensor: values, dtypes, static shapes and tensor names to compare with TF."""
    x, x3, u8, x64 = images(tf)
    out = {}
    out["adjust_brightness"] = tf.image.adjust_brightness(x, 0.25)
    out["adjust_brightness_uint8"] = tf.image.adjust_brightness(u8, 0.3)
    out["adjust_brightness_float64"] = tf.image.adjust_brightness(x64, -0.1)
    out["adjust_contrast"] = tf.image.adjust_contrast(x, 1.7)
    out["adjust_contrast_3d"] = tf.image.adjust_contrast(x3, 0.4)
    out["adjust_contrast_uint8"] = tf.image.adjust_contrast(u8, 1.8)
    out["adjust_gamma"] = tf.image.adjust_gamma(x, 0.5, 2.0)
    out["adjust_gamma_uint8"] = tf.image.adjust_gamma(u8, 1.5)
    out["rgb_to_grayscale"] = tf.image.rgb_to_grayscale(x)
    out["rgb_to_grayscale_uint8"] = tf.image.rgb_to_grayscale(u8)
    gray = tf.constant(rgb((2, 3, 1)), name="gray")
    out["grayscale_to_rgb"] = tf.image.grayscale_to_rgb(gray)
    for k in (0, 1, 2, 3, -1, 6):
        out["rot90_3d_k%d" % k] = tf.image.rot90(x3, k)
    out["rot90_4d"] = tf.image.rot90(x)
    out["rot90_4d_k3"] = tf.image.rot90(x, 3)
    out["rot90_square"] = tf.image.rot90(tf.constant(rgb((2, 2, 1))), 2)
    out["transpose_image"] = tf.image.transpose_image(x)
    out["transpose_3d"] = tf.image.transpose(x3)
    out["crop_or_pad_crop"] = tf.image.resize_image_with_crop_or_pad(x, 2, 3)
    out["crop_or_pad_pad"] = tf.image.resize_image_with_crop_or_pad(x3, 6, 7)
    out["crop_or_pad_mixed"] = tf.image.resize_with_crop_or_pad(x3, 1, 6)
    out["crop_or_pad_same"] = tf.image.resize_with_crop_or_pad(x, 3, 4)
    out["total_variation"] = tf.image.total_variation(x)
    out["total_variation_3d"] = tf.image.total_variation(x3)
    dy, dx = tf.image.image_gradients(x)
    out["image_gradients_dy"], out["image_gradients_dx"] = dy, dx
    out["sobel_edges"] = tf.image.sobel_edges(x)
    y = tf.constant(rgb()[:, ::-1] * 0.9, name="y")
    out["psnr"] = tf.image.psnr(x, y, 1.0)
    out["psnr_uint8"] = tf.image.psnr(u8, tf.constant(rgb_uint8()[::-1]), 255)
    return out


def gradients(tf):
    """name -> d sum(w * f(x)) / dx for the differentiable ones (w fixed, non-uniform)."""
    x = tf.constant(rgb(), name="x")
    builders = {
        "adjust_brightness": lambda t: tf.image.adjust_brightness(t, 0.2),
        "adjust_gamma": lambda t: tf.image.adjust_gamma(t + 0.1, 0.5, 2.0),
        "rgb_to_grayscale": tf.image.rgb_to_grayscale,
        "rot90": lambda t: tf.image.rot90(t, 1),
        "transpose_image": tf.image.transpose_image,
        "crop_or_pad": lambda t: tf.image.resize_image_with_crop_or_pad(t, 2, 6),
        "total_variation": tf.image.total_variation,
        "sobel_edges": tf.image.sobel_edges,
        "psnr": lambda t: tf.image.psnr(t, tf.zeros_like(t) + 0.5, 1.0),
    }
    out = {}
    for name, build in builders.items():
        y = build(x)
        w = tf.reshape(tf.cast(tf.range(tf.size(y)) % 7, tf.float32), tf.shape(y)) + 0.5
        out[name] = tf.gradients(tf.reduce_sum(y * w), x)[0]
    return out


def errors(tf):
    """name -> a call that must raise at graph-build time."""
    x = tf.constant(rgb(), name="x")
    return {
        "grayscale_to_rgb_channels": lambda: tf.image.grayscale_to_rgb(x),
        "rgb_to_grayscale_channels": lambda: tf.image.rgb_to_grayscale(x[..., :2]),
        "rot90_rank2": lambda: tf.image.rot90(x[0, 0]),
        "rot90_rank5": lambda: tf.image.rot90(tf.expand_dims(x, 0)),
        "transpose_rank2": lambda: tf.image.transpose_image(x[0, 0]),
        "crop_or_pad_rank2": lambda: tf.image.resize_image_with_crop_or_pad(x[0, 0], 2, 2),
        "crop_or_pad_target0": lambda: tf.image.resize_image_with_crop_or_pad(x, 0, 2),
        "total_variation_rank2": lambda: tf.image.total_variation(x[0, 0]),
        "image_gradients_rank3": lambda: tf.image.image_gradients(x[0]),
        "psnr_shapes": lambda: tf.image.psnr(x, x[:, :2], 1.0),
        "random_crop_too_big": lambda: tf.random_crop(x[0], [4, 4, 3]),
        "random_crop_rank": lambda: tf.random_crop(x[0], [2, 2]),
        "random_brightness_negative": lambda: tf.image.random_brightness(x, -0.1),
        "random_contrast_order": lambda: tf.image.random_contrast(x, 0.5, 0.5),
        "random_contrast_negative": lambda: tf.image.random_contrast(x, -0.5, 0.5),
        "adjust_contrast_rank2": lambda: tf.image.adjust_contrast(x[0, 0], 2.0),
        "adjust_gamma_negative": lambda: tf.image.adjust_gamma(x, -1.0),
    }


def static_shapes(tf):
    """name -> tensor built on placeholders with unknown dims: the static shapes TF infers."""
    batch = tf.placeholder(tf.float32, [None, 5, 6, 3])
    hw = tf.placeholder(tf.float32, [2, None, None, 3])
    one = tf.placeholder(tf.float32, [None, None, 3])
    out = {
        "random_crop": tf.random_crop(one, [2, 3, 3]),
        "random_brightness": tf.image.random_brightness(batch, 0.2),
        "random_contrast": tf.image.random_contrast(hw, 0.2, 1.8),
        "crop_or_pad_batch": tf.image.resize_image_with_crop_or_pad(batch, 4, 8),
        "crop_or_pad_hw": tf.image.resize_image_with_crop_or_pad(hw, 4, 8),
        "crop_or_pad_one": tf.image.resize_image_with_crop_or_pad(one, 4, 8),
        "rot90_batch": tf.image.rot90(batch),
        "rot90_hw": tf.image.rot90(hw, 2),
        "rot90_one": tf.image.rot90(one),
        "transpose_batch": tf.image.transpose_image(batch),
        "grayscale_batch": tf.image.rgb_to_grayscale(batch),
        "grayscale_one": tf.image.rgb_to_grayscale(one),
        "gray_to_rgb_one": tf.image.grayscale_to_rgb(tf.placeholder(tf.float32, [None, 4, 1])),
        "total_variation_batch": tf.image.total_variation(batch),
        "total_variation_one": tf.image.total_variation(one),
        "sobel_batch": tf.image.sobel_edges(batch),
        "psnr_batch": tf.image.psnr(batch, batch, 1.0),
        "adjust_gamma_hw": tf.image.adjust_gamma(hw, 2.0),
    }
    dy, dx = tf.image.image_gradients(hw)
    out["image_gradients_dy"], out["image_gradients_dx"] = dy, dx
    out["ssim_batch"] = tf.image.ssim(batch, batch, 1.0, filter_size=3)
    out["ssim_hw_map"] = tf.image.ssim(hw, hw, 1.0, filter_size=3, return_index_map=True)
    out["ssim_multiscale_hw"] = tf.image.ssim_multiscale(hw, hw, 1.0, (0.5, 0.5), filter_size=3)
    # What the functions above rely on: shapes made of slices and concats of tf.shape.
    dims = tf.shape(hw)
    out["reshape_to_concat_of_shape_pieces"] = tf.reshape(hw, tf.concat([[-1], dims[-3:]], 0))
    out["reshape_to_a_slice_of_a_shape"] = tf.reshape(tf.zeros([2]), dims[:-3])
    out["zeros_of_a_middle_slice"] = tf.zeros(dims[1:3])
    anyrank = tf.placeholder(tf.float32)
    out["rot90_unknown_rank"] = tf.image.rot90(anyrank, 3)
    out["transpose_unknown_rank"] = tf.image.transpose_image(anyrank)
    out["crop_or_pad_unknown_rank"] = tf.image.resize_image_with_crop_or_pad(anyrank, 3, 5)
    out["gray_to_rgb_unknown_rank"] = tf.image.grayscale_to_rgb(anyrank)
    return out


def hsv():
    """Hue, saturation and value triples: every sixth of the hue circle, its ends (0 and 1),
    grays (saturation 0) and black."""
    h = np.array([0.0, 0.05, 0.2, 0.3, 0.45, 0.55, 0.7, 0.8, 0.95, 1.0, 0.5, 0.1])
    s = np.array([0.5, 1.0, 0.3, 0.8, 0.0, 0.6, 0.9, 0.2, 0.4, 0.7, 1.0, 0.25])
    v = np.array([0.9, 0.6, 1.0, 0.4, 0.7, 0.0, 0.8, 0.5, 0.3, 0.6, 1.0, 0.75])
    return np.stack([h, s, v], -1).reshape(2, 2, 3, 3).astype(np.float32)


def color(tf):
    """name -> tensor: colour-space conversions and hue / saturation adjustments."""
    x, x3, u8, x64 = images(tf)
    out = {}
    out["rgb_to_hsv"] = tf.image.rgb_to_hsv(x)
    out["rgb_to_hsv_float64"] = tf.image.rgb_to_hsv(x64)
    out["rgb_to_hsv_grays"] = tf.image.rgb_to_hsv(
        tf.constant([[[0.0, 0.0, 0.0], [0.5, 0.5, 0.5], [1.0, 1.0, 1.0], [0.2, 0.2, 0.6]]]))
    out["hsv_to_rgb"] = tf.image.hsv_to_rgb(tf.constant(hsv()))
    out["hsv_to_rgb_float64"] = tf.image.hsv_to_rgb(tf.constant(hsv()[0].astype(np.float64)))
    out["hsv_round_trip"] = tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(x))
    for delta in (0.0, 0.1, -0.35, 0.5, 1.0):
        out["adjust_hue_%g" % delta] = tf.image.adjust_hue(x, delta)
    out["adjust_hue_3d"] = tf.image.adjust_hue(x3, 0.25)
    out["adjust_hue_uint8"] = tf.image.adjust_hue(u8, 0.2)
    out["adjust_hue_float64"] = tf.image.adjust_hue(x64, -0.1)
    for factor in (0.0, 0.5, 1.0, 2.5):
        out["adjust_saturation_%g" % factor] = tf.image.adjust_saturation(x, factor)
    out["adjust_saturation_uint8"] = tf.image.adjust_saturation(u8, 1.7)
    out["adjust_saturation_3d"] = tf.image.adjust_saturation(x3, 0.3)
    for name in ("rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb"):
        out[name] = getattr(tf.image, name)(x)
    out["yiq_round_trip"] = tf.image.yiq_to_rgb(tf.image.rgb_to_yiq(x3))
    out["rgb_to_yuv_float64"] = tf.image.rgb_to_yuv(x64)
    return out


def color_gradients(tf):
    """name -> d sum(w * f(x)) / dx for the colour functions TF can differentiate."""
    x = tf.constant(rgb().astype(np.float64), name="x")
    out = {}
    for name in ("rgb_to_hsv", "rgb_to_yiq", "yuv_to_rgb"):
        y = getattr(tf.image, name)(x)
        w = tf.reshape(tf.cast(tf.range(tf.size(y)) % 5, tf.float64), tf.shape(y)) + 0.5
        out[name] = tf.gradients(tf.reduce_sum(y * w), x)[0]
    return out


def color_errors(tf):
    """name -> a call that must raise at graph-build time."""
    x = tf.constant(rgb(), name="x")
    two = x[..., :2]
    return {
        "rgb_to_hsv_channels": lambda: tf.image.rgb_to_hsv(two),
        "hsv_to_rgb_channels": lambda: tf.image.hsv_to_rgb(two),
        "rgb_to_hsv_int": lambda: tf.image.rgb_to_hsv(tf.constant(rgb_uint8())),
        "adjust_hue_rank2": lambda: tf.image.adjust_hue(x[0, 0], 0.1),
        "adjust_saturation_rank2": lambda: tf.image.adjust_saturation(x[0, 0], 0.1),
        "random_hue_big": lambda: tf.image.random_hue(x, 0.6),
        "random_hue_negative": lambda: tf.image.random_hue(x, -0.1),
        "random_saturation_order": lambda: tf.image.random_saturation(x, 1.0, 0.5),
        "random_saturation_negative": lambda: tf.image.random_saturation(x, -1.0, 0.5),
        "rgb_to_yiq_channels": lambda: tf.image.rgb_to_yiq(two),
    }


def color_run_errors(tf):
    """name -> a tensor whose run must fail (TF checks these in the kernel)."""
    x = tf.constant(rgb(), name="x")
    two = x[..., :2]
    return {
        "adjust_hue_channels": tf.image.adjust_hue(two, 0.1),
        "adjust_saturation_channels": tf.image.adjust_saturation(two, 0.5),
    }


def textured(shape, seed):
    """A smooth image in [0, 1] with structure at several scales (SSIM needs some)."""
    grids = np.meshgrid(*[np.arange(n, dtype=np.float64) for n in shape], indexing="ij")
    value = sum(np.sin(g * (0.3 + 0.17 * i + 0.05 * seed)) for i, g in enumerate(grids))
    return ((value - value.min()) / np.ptp(value)).astype(np.float32)


def quality(tf):
    """name -> tensor: SSIM and MS-SSIM in their forms (batches, single images, more batch
    axes, integer images, index maps, other filters)."""
    a = textured((2, 16, 16, 3), 0)
    b = np.clip(a * 0.8 + 0.15 * textured((2, 16, 16, 3), 1), 0, 1).astype(np.float32)
    x, y = tf.constant(a, name="a"), tf.constant(b, name="b")
    out = {"ssim": tf.image.ssim(x, y, 1.0)}
    out["ssim_self"] = tf.image.ssim(x, x, 1.0)
    out["ssim_3d_filter5"] = tf.image.ssim(x[0], y[0], 1.0, filter_size=5, filter_sigma=0.8,
                                           k1=0.02, k2=0.05)
    out["ssim_5d"] = tf.image.ssim(tf.reshape(x, [2, 1, 16, 16, 3]), tf.reshape(y, [1, 2, 16, 16, 3])[0:1], 2.0)
    u8a = tf.constant((a * 255).astype(np.uint8))
    u8b = tf.constant((b * 255).astype(np.uint8))
    out["ssim_uint8"] = tf.image.ssim(u8a, u8b, 255)
    out["ssim_index_map"] = tf.image.ssim(x, y, 1.0, filter_size=7, return_index_map=True)
    c = textured((2, 27, 30, 3), 2)
    d = np.clip(c * 0.9 + 0.1 * textured((2, 27, 30, 3), 3), 0, 1).astype(np.float32)
    out["ssim_multiscale"] = tf.image.ssim_multiscale(
        tf.constant(c), tf.constant(d), 1.0, power_factors=(0.3, 0.3, 0.4), filter_size=5)
    out["ssim_multiscale_32"] = tf.image.ssim_multiscale(
        x[:, :, :, :], y, 1.0, power_factors=(0.5, 0.5), filter_size=3, filter_sigma=0.7)
    return out


def quality_gradients(tf):
    """name -> d f(x) / dx (summed over the batch) of SSIM and MS-SSIM."""
    a = textured((2, 16, 16, 3), 0)
    b = np.clip(a * 0.8 + 0.15 * textured((2, 16, 16, 3), 1), 0, 1).astype(np.float32)
    x, y = tf.constant(a), tf.constant(b)
    return {"ssim": tf.gradients(tf.reduce_sum(tf.image.ssim(x, y, 1.0, filter_size=7)), x)[0],
            "ssim_multiscale": tf.gradients(tf.reduce_sum(tf.image.ssim_multiscale(
                x, y, 1.0, power_factors=(0.6, 0.4), filter_size=3)), x)[0]}


def quality_errors(tf):
    """name -> a call that must raise at graph-build time."""
    x = tf.constant(textured((2, 16, 16, 3), 0), name="x")
    return {
        "ssim_rank2": lambda: tf.image.ssim(x[0, 0], x[0, 0], 1.0),
        "ssim_shapes": lambda: tf.image.ssim(x, x[:, :12], 1.0),
        "ssim_batch_shapes": lambda: tf.image.ssim(x, tf.concat([x, x, x], 0), 1.0),
        "ssim_multiscale_shapes": lambda: tf.image.ssim_multiscale(x, x[..., :2], 1.0),
    }


def quality_run_errors(tf):
    """name -> a tensor whose run must fail."""
    small = tf.placeholder_with_default(textured((1, 8, 9, 3), 0), [None, None, None, 3])
    return {"ssim_smaller_than_filter": tf.image.ssim(small, small, 1.0)}
