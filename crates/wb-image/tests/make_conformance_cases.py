"""Writes the image family's conformance cases (tests/conformance/cases/image_*.json).

Run from the repository root with the reference interpreter (numpy and Pillow are needed for
the fixture files):  python crates/wb-image/tests/make_conformance_cases.py
The cases are plain case files (docs/conformance.md); this script only saves typing them by hand.
"""
import base64, io, json, os
import numpy as np
from PIL import Image as PILImage

OUT = "tests/conformance/cases"


def nd(a, dtype=None):
    a = np.asarray(a, dtype=dtype)
    data = a.ravel().tolist()
    if a.dtype.kind == "f":
        data = [{"$float": "nan"} if x != x else ({"$float": "inf"} if x == float("inf") else ({"$float": "-inf"} if x == float("-inf") else x)) for x in data]
    return {"$ndarray": {"dtype": str(a.dtype), "shape": list(a.shape), "data": data}}


def img(data, **kw):
    args = {"data_or_path": data}
    args.update(kw)
    return {"$wb": "Image", "args": args}


def ramp(shape, dtype="uint8", mul=7):
    n = int(np.prod(shape))
    return nd((np.arange(n) * mul % 256).reshape(shape), dtype)


def smooth(h, w, c=3):
    """A smooth photo-like gradient (JPEG's domain: sharp synthetic edges amplify encoder
    differences far beyond what real images show)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    chans = [128 + 100 * np.sin(x / 5.0 + k) * np.cos(y / 7.0 - k) for k in range(c)]
    return nd(np.stack(chans, -1).squeeze().astype(np.uint8), "uint8")


def case(name, about, log=None, add=None, expect="ok", step=0, files=None):
    c = {"about": about}
    if add is not None:
        c["target"] = "artifact"
        c["add"] = add
    else:
        c["step"] = step
        c["log"] = log
    c["expect"] = expect
    if files:
        c["files"] = files
    with open(os.path.join(OUT, f"image_{name}.json"), "w") as f:
        json.dump(c, f, indent=1)
        f.write("\n")


def pil_bytes(arr, fmt):
    b = io.BytesIO()
    PILImage.fromarray(np.asarray(arr, np.uint8)).save(b, format=fmt)
    return base64.b64encode(b.getvalue()).decode()


LABELS = {"$intkeys": {"1": "car", "3": "building"}}
BOXES = [
    {"position": {"minX": 0.1, "maxX": 0.2, "minY": 0.3, "maxY": 0.4}, "class_id": 1, "box_caption": "car", "scores": {"acc": 0.2, "loss": 1.2}},
    {"position": {"middle": [3, 2], "width": 2, "height": 1}, "domain": "pixel", "class_id": 3, "box_caption": "bldg", "scores": {"acc": 0.5}},
]
MASK = nd([[0, 1, 1, 3], [3, 3, 0, 1], [1, 1, 1, 1]], "uint8")
MASK_LABELS = {"$intkeys": {"0": "bg", "1": "car", "3": "building"}}


def boxes_with(box):
    return {"b": {"box_data": [box]}}


# --- pixels: dtypes, shapes, casts -------------------------------------------------------
case("uint8_rgb_caption", "RGB uint8 image with a caption", {"img": img(ramp((3, 4, 3)), caption="hi")}, step=3)
case("uint8_gray_2d", "2-D uint8 array is an L image", {"img": img(ramp((5, 7)))})
case("uint8_hw1_squeezed", "HxWx1 is squeezed to an L image", {"img": img(ramp((4, 6, 1)))})
case("uint8_rgba", "HxWx4 uint8 is RGBA", {"img": img(ramp((3, 5, 4), mul=13))})
case("int32_wraps", "int32 values wrap modulo 256 (plain cast, 0.31)", {"img": img(nd([[-1, 256, 1000], [300, 0, 255]], "int32"))})
case("int64_gray", "int64 gray image", {"img": img(nd([[5, 70000, -3], [255, 256, 128]], "int64"))})
case("int16_rgb", "int16 RGB image", {"img": img(ramp((2, 3, 3), "int16", mul=101))})
case("float32_truncates", "float32 values in [0,1] truncate to 0/1 and out-of-range values wrap", {"img": img(nd([[0.0, 0.5, 1.0, 0.99], [254.9, -1.0, 300.7, 128.5]], "float32"))})
case("float64_rgb", "float64 RGB image cast without scaling", {"img": img(nd(np.linspace(-3, 400, 2 * 3 * 3).reshape(2, 3, 3), "float64"))})
case("float64_nan_inf", "NaN and infinities cast to 0", {"img": img(nd([[float("nan"), float("inf")], [float("-inf"), 42.0]], "float64"))})
case("bool_mask_image", "bool array becomes 0/1 pixels", {"img": img(nd([[True, False, True], [False, True, False]], "bool"))})
case("squeeze_leading_axes", "leading singleton axes are squeezed: 1x1x4x5x3 is RGB", {"img": img(ramp((1, 1, 4, 5, 3)))})
case("squeeze_to_gray", "1x5x3 squeezes to a 5x3 L image (width 3)", {"img": img(ramp((1, 5, 3)))})
case("one_pixel_rgb", "1x1x3 squeezes to a 1-D array: a 1x3 column", {"img": img(ramp((1, 1, 3)))})
case("error_channel_first", "channel-first arrays are refused as the SDK refuses them", {"img": img(ramp((3, 4, 6)))}, expect="error")
case("error_five_channels", "5 channels is an unsupported shape", {"img": img(ramp((4, 4, 5)))}, expect="error")
case("error_two_channels", "2 channels (LA) cannot be guessed", {"img": img(ramp((2, 3, 2)))}, expect="error")
case("error_all_singleton", "1x1x1 squeezes to nothing", {"img": img(ramp((1, 1, 1)))}, expect="error")

# --- keyword arguments ----------------------------------------------------------------------
case("grouping", "grouping is written after width/height", {"img": img(ramp((2, 2, 3)), caption="cap", grouping=3)}, step=7)
case("grouping_zero_omitted", "grouping 0 is falsy and not written", {"img": img(ramp((2, 2)), grouping=0)})
case("mode_rgb_from_gray", "mode=RGB converts a 2-D array", {"img": img(ramp((3, 3)), mode="RGB")})
case("mode_l_from_rgb", "mode=L converts RGB with Pillow's luma", {"img": img(ramp((3, 4, 3), mul=37), mode="L")})
case("mode_la_from_two_channels", "mode=LA makes a gray+alpha PNG from HxWx2", {"img": img(ramp((2, 3, 2), mul=41), mode="LA")})
case("mode_rgba_from_rgb", "mode=RGBA adds an opaque alpha", {"img": img(ramp((2, 2, 3)), mode="RGBA")})
case("file_type_jpg", "file_type=jpg writes JPEG", {"img": img(smooth(16, 16), file_type="jpg")})
case("file_type_jpeg_rgba", "file_type=jpeg drops alpha (RGB) and keeps the name jpeg", {"img": img(smooth(16, 24, 4), file_type="jpeg")})
case("file_type_jpg_gray", "grayscale JPEG", {"img": img(smooth(8, 12, 1), file_type="jpg")})
case("file_type_bmp_rgb", "file_type=bmp, RGB", {"img": img(ramp((3, 5, 3), mul=11), file_type="bmp")})
case("file_type_bmp_gray", "file_type=bmp, L with a gray palette", {"img": img(ramp((4, 3), mul=19), file_type="bmp")})
case("file_type_bmp_rgba", "file_type=bmp, RGBA as 32-bit", {"img": img(ramp((2, 3, 4), mul=23), file_type="bmp")})
case("file_type_png_explicit", "file_type=png", {"img": img(ramp((2, 2, 3)), file_type="png")})
case("error_file_type_gif", "file_type must be png, jpg, jpeg or bmp", {"img": img(ramp((2, 2, 3)), file_type="gif")}, expect="error")
case("error_bmp_la", "Pillow cannot write LA as BMP", {"img": img(ramp((2, 3, 2)), mode="LA", file_type="bmp")}, expect="error")
case("key_with_slashes", "slashes in the key make sub-folders", {"a/b/c": img(ramp((2, 2, 3)))}, step=2)

# --- files ----------------------------------------------------------------------------------
rgb = (np.arange(6 * 5 * 3).reshape(6, 5, 3) * 9 % 256)
case("path_png", "a PNG file is copied as it is", {"img": img({"$file": "fixtures/five.png"}, caption="file")}, files={"fixtures/five.png": pil_bytes(rgb, "png")})
case("path_jpg", "a JPEG file is copied, format jpg", {"img": img({"$file": "fixtures/photo.jpg"})}, files={"fixtures/photo.jpg": pil_bytes(rgb, "jpeg")})
case("path_gif", "a GIF file is copied, format gif", {"img": img({"$file": "fixtures/anim.gif"})}, files={"fixtures/anim.gif": pil_bytes(rgb[..., 0], "gif")})
case("path_uppercase_ext", "the extension keeps its case in format", {"img": img({"$file": "fixtures/UP.PNG"})}, files={"fixtures/UP.PNG": pil_bytes(rgb[..., :2].sum(-1) % 256, "png")})
case("path_file_type_ignored", "file_type does not apply to files", {"img": img({"$file": "fixtures/b.bmp"}, file_type="jpg")}, files={"fixtures/b.bmp": pil_bytes(rgb, "bmp")})

# --- lists ----------------------------------------------------------------------------------
case("list_captions_with_nulls", "a list with captions, one missing (null)", {"imgs": [img(ramp((2, 3, 3)), caption="a"), img(ramp((2, 3, 3), mul=5)), img(ramp((2, 3, 3), mul=9), caption="c")]}, step=4)
case("list_no_caption_first", "captions are omitted when the first image has none", {"imgs": [img(ramp((2, 2))), img(ramp((2, 2), mul=3), caption="b")]})
case("list_over_108_pruned", "only the first 108 images of a list are kept", {"imgs": [img(nd([[i % 256, (i * 7) % 256]], "uint8")) for i in range(112)]})
case("list_sizes_differ", "width/height/format come from the first image", {"imgs": [img(ramp((2, 3))), img(ramp((4, 5), mul=3))]})
case("list_duplicates", "the same pixels twice give the same file name twice", {"imgs": [img(ramp((2, 2))), img(ramp((2, 2)))]})

# --- boxes ----------------------------------------------------------------------------------
case("boxes_both_forms", "boxes with minX.. and middle/width/height, labels, scores, captions", {"img": img(ramp((6, 8, 3)), boxes={"predictions": {"box_data": BOXES, "class_labels": LABELS}})}, step=1)
case("boxes_default_labels", "boxes without class_labels get class_<id> labels", {"img": img(ramp((4, 4, 3)), boxes={"gt": {"box_data": [BOXES[1], BOXES[0], dict(BOXES[0], class_id=7)]}})})
case("boxes_extra_keys", "extra keys of the box dict and of each box are kept in the file", {"img": img(ramp((4, 4)), boxes={"p": {"box_data": [dict(BOXES[0], extra={"x": [1, 2]}, note="é ☃")], "class_labels": LABELS, "meta": {"v": 1.5e-7}}})})
case("boxes_two_sets", "two box sets on one image", {"img": img(ramp((4, 4, 3)), boxes={"pred": {"box_data": BOXES, "class_labels": LABELS}, "truth": {"box_data": [BOXES[0]], "class_labels": {"$intkeys": {"1": "car"}}}})})
case("boxes_standalone", "a BoundingBoxes2D logged on its own", {"bx": {"$wb": "BoundingBoxes2D", "args": {"val": {"box_data": BOXES, "class_labels": LABELS}, "key": "pred"}}})
case("boxes_empty_list", "an empty box list", {"img": img(ramp((2, 2)), boxes={"p": {"box_data": []}})})
bad_boxes = {
    "no_position": {"class_id": 1},
    "incomplete_corners": {"position": {"minX": 0, "maxX": 1, "minY": 0}},
    "middle_three_values": {"position": {"middle": [1, 2, 3], "width": 1, "height": 1}},
    "width_not_number": {"position": {"middle": [1, 2], "width": "1", "height": 1}},
    "scores_not_dict": {"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1}, "scores": [1]},
    "score_not_number": {"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1}, "scores": {"acc": "high"}},
    "class_id_float": {"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1}, "class_id": 1.5},
    "caption_not_string": {"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1}, "class_id": 1, "box_caption": 5},
}
for name, box in bad_boxes.items():
    case(f"error_box_{name}", f"box validation: {name.replace('_', ' ')}", {"img": img(ramp((2, 2)), boxes=boxes_with(box))}, expect="error")
case("error_boxes_not_list", "box_data must be a list", {"img": img(ramp((2, 2)), boxes={"b": {"box_data": {"position": {}}}})}, expect="error")
case("error_box_labels_string_keys", "class labels must have number keys", {"img": img(ramp((2, 2)), boxes={"b": {"box_data": [BOXES[0]], "class_labels": {"car": "1"}}})}, expect="error")
case("error_box_labels_not_strings", "class label names must be strings", {"img": img(ramp((2, 2)), boxes={"b": {"box_data": [BOXES[0]], "class_labels": {"$intkeys": {"1": 5}}}})}, expect="error")
case("error_box_no_box_data", "the boxes dict needs box_data", {"img": img(ramp((2, 2)), boxes={"b": {"class_labels": LABELS}})}, expect="error")
case("boxes_class_id_bool", "a bool class_id passes (bool is an int)", {"img": img(ramp((2, 2)), boxes=boxes_with({"position": {"minX": 0, "maxX": 1, "minY": 0, "maxY": 1}, "class_id": True}))})

# --- masks ----------------------------------------------------------------------------------
case("masks_basic", "a mask with class labels", {"img": img(ramp((3, 4, 3)), masks={"seg": {"mask_data": MASK, "class_labels": MASK_LABELS}})}, step=5)
case("masks_default_labels_float", "float mask data truncates; default labels class_<n>", {"img": img(ramp((2, 3)), masks={"m": {"mask_data": nd([[0.0, 1.7, 254.9], [200.0, 127.5, 3.0]], "float64")}})})
case("masks_standalone", "an ImageMask logged on its own", {"m": {"$wb": "ImageMask", "args": {"val": {"mask_data": MASK, "class_labels": MASK_LABELS}, "key": "seg"}}})
case("masks_values_0_255", "values up to 255 are kept", {"img": img(ramp((2, 3)), masks={"m": {"mask_data": nd([[0, 127, 128], [200, 255, 1]], "int64")}})})
case("error_mask_3d", "mask_data must be 2-D", {"img": img(ramp((2, 2)), masks={"m": {"mask_data": ramp((2, 2, 3))}})}, expect="error")
case("error_mask_out_of_range", "mask values above 255 are refused", {"img": img(ramp((2, 2)), masks={"m": {"mask_data": nd([[0, 256]], "int32")}})}, expect="error")
case("error_mask_negative", "negative mask values are refused", {"img": img(ramp((2, 2)), masks={"m": {"mask_data": nd([[0, -1]], "int64")}})}, expect="error")
case("error_mask_missing_data", "a mask dict needs mask_data", {"img": img(ramp((2, 2)), masks={"m": {"class_labels": MASK_LABELS}})}, expect="error")
case("boxes_and_masks", "boxes and masks on one image", {"img": img(ramp((3, 4, 3)), caption="both", boxes={"predictions": {"box_data": BOXES, "class_labels": LABELS}}, masks={"seg": {"mask_data": MASK, "class_labels": MASK_LABELS}})}, step=2)
case("list_boxes_and_masks", "a list where some images have boxes or masks: all_boxes/all_masks with nulls", {"imgs": [
    img(ramp((3, 4, 3)), boxes={"predictions": {"box_data": BOXES, "class_labels": LABELS}}, masks={"seg": {"mask_data": MASK}}),
    img(ramp((3, 4, 3), mul=3)),
    img(ramp((3, 4, 3), mul=5), boxes={"predictions": {"box_data": [BOXES[0]], "class_labels": LABELS}}),
]}, step=6)

# --- artifacts ------------------------------------------------------------------------------
case("artifact_plain", "an image added to an artifact", add={"sample": img(ramp((3, 3, 3)), caption="c", grouping=2)})
case("artifact_classes", "classes are written as media/classes/<md5>_cls.classes.json", add={"sample": img(ramp((2, 2, 3)), classes=[{"id": 1, "name": "car"}, {"id": 0, "name": "bg"}])})
case("artifact_boxes_masks_classes", "boxes and masks with classes in an artifact", add={"sample": img(ramp((3, 4, 3)), caption="c", boxes={"pred": {"box_data": [BOXES[0]], "class_labels": {"$intkeys": {"1": "car"}}}}, masks={"m": {"mask_data": MASK, "class_labels": MASK_LABELS}}, classes=[{"id": 0, "name": "bg"}, {"id": 1, "name": "car"}, {"id": 2, "name": "bike"}])})
case("artifact_boxes_label_classes", "box labels alone make the classes file", add={"sample": img(ramp((2, 2, 3)), boxes={"pred": {"box_data": BOXES, "class_labels": LABELS}}, classes=[{"id": 3, "name": "house"}])})
case("error_artifact_boxes_no_classes", "boxes whose labels are empty leave no classes: refused in artifacts", add={"sample": img(ramp((2, 2, 3)), boxes={"pred": {"box_data": [BOXES[0]], "class_labels": {}}})}, expect="error")
case("error_artifact_masks_no_classes", "masks whose labels are empty leave no classes: refused in artifacts", add={"sample": img(ramp((2, 2, 3)), masks={"m": {"mask_data": MASK, "class_labels": {}}})}, expect="error")
case("artifact_path_file", "a file-backed image in an artifact: <sha20>/<basename>", add={"photo": img({"$file": "fixtures/five.png"})}, files={"fixtures/five.png": pil_bytes(rgb, "png")})
case("artifact_classes_alone", "Classes added to an artifact", add={"cls": {"$wb": "Classes", "args": {"class_set": [{"id": 1, "name": "car"}, {"id": 2, "name": "it's"}]}}})
