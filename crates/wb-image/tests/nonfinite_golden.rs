//! Float arrays holding NaN and infinities: the PNG is the SDK's, byte for byte.
//!
//! The expected sha256, size and dimensions are wandb 0.31.0's (numpy 2, Pillow 11.3.0), from
//! `val_to_json(run, key, wandb.Image(a), namespace=0)` on the arrays below; the SDK casts with
//! `astype(np.uint8)`, which gives 0 for NaN and for both infinities on x86-64.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ndarray::{Array2, Array3};
use wb_image::Image;

fn check(image: Image, sha256: &str, size: u64, width: u32, height: u32) {
    let f = image.file();
    assert_eq!(f.sha256(), sha256);
    assert_eq!(f.size(), size);
    assert_eq!((image.width(), image.height()), (width, height));
}

#[test]
fn float_arrays_with_nan_and_infinities_give_the_sdks_png() {
    let nan = f32::NAN;
    check(
        Image::from_array(Array2::from_elem((4, 5), nan).view()).unwrap(),
        "3dcf16ab12dec1f7851000e60a8184804e617fbf61454be268055805a9871fd0",
        68,
        5,
        4,
    );
    let a = Array2::from_shape_vec(
        (2, 3),
        vec![f32::INFINITY, f32::NEG_INFINITY, 0.5, nan, 1.0, 0.0],
    )
    .unwrap();
    check(
        Image::from_array(a.view()).unwrap(),
        "066d8ced9004597284ebef1de2ff30a2858c42840038ad3d324a2ffc65d12c21",
        73,
        3,
        2,
    );
    check(
        Image::from_array(Array3::from_elem((3, 4, 3), f64::NAN).view()).unwrap(),
        "d3a67710b6bcc7b5cb13cfa10d2fd256d372a44903e1c4056f00fabba1a073c0",
        69,
        4,
        3,
    );
    let a = Array2::from_shape_vec((1, 4), vec![0.0f32, 0.25, nan, 1.0]).unwrap();
    check(
        Image::from_array(a.view()).unwrap(),
        "67b59a9ec7265bac7b75e6dc82fb5e406bfd7b85dc388ea5e6702b65b1353c4c",
        70,
        4,
        1,
    );
}
