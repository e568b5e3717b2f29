//! Behaviour of the public API beyond what the golden files cover: warnings, buffers, files,
//! errors, equality, re-binding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wb_core::ndarray::{Array2, Array3};
use wb_core::{DirRun, LogValue, Step, WbValue};
use wb_image::{Image, ImageFormat, ImageMask, ImageMode, ImageOptions, PixelScaling};

#[test]
fn jpeg_of_four_channels_drops_alpha_with_the_sdks_warning() {
    let a = Array3::<u8>::from_elem((4, 4, 4), 9);
    let img = Image::from_array_with(
        a.view(),
        ImageOptions::default().with_format(ImageFormat::Jpeg),
    )
    .unwrap();
    assert_eq!(img.format(), "jpeg");
    assert_eq!(
        img.warnings(),
        ["JPEG format does not support transparency. Ignoring alpha channel."]
    );
    assert_eq!(img.to_pixels().unwrap().mode(), ImageMode::Rgb);
    let png = Image::from_array(a.view()).unwrap();
    assert!(png.warnings().is_empty());
}

#[test]
fn image_crate_buffers_and_encoded_bytes() {
    let rgb = image::RgbImage::from_fn(5, 3, |x, y| image::Rgb([x as u8 * 40, y as u8 * 80, 7]));
    let img = Image::from_rgb(&rgb).unwrap().with_caption("buf");
    assert_eq!((img.width(), img.height()), (5, 3));
    assert_eq!(img.to_pixels().unwrap().data(), rgb.as_raw().as_slice());
    let gray =
        image::DynamicImage::ImageLuma8(image::GrayImage::from_pixel(2, 2, image::Luma([3])));
    let img = Image::from_pixels_with(
        wb_image::Pixels::from_dynamic(&gray).unwrap(),
        ImageOptions::default().with_format(ImageFormat::Bmp),
    )
    .unwrap();
    assert_eq!(img.format(), "bmp");
    assert!(img.file().bytes().unwrap().starts_with(b"BM"));
    let enc = Image::from_bytes(img.file().bytes().unwrap(), ImageFormat::Bmp).unwrap();
    assert_eq!((enc.width(), enc.height(), enc.format()), (2, 2, "bmp"));
    assert!(Image::from_bytes(&b"not an image"[..], ImageFormat::Png).is_err());
}

#[test]
fn files_are_copied_and_bad_files_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.PNG");
    let a = Array2::<u8>::from_elem((3, 7), 1);
    std::fs::write(
        &p,
        Image::from_array(a.view()).unwrap().file().bytes().unwrap(),
    )
    .unwrap();
    let img = Image::from_path(&p).unwrap();
    assert_eq!((img.width(), img.height(), img.format()), (7, 3, "PNG"));
    assert!(Image::from_path(dir.path().join("missing.png")).is_err());
    let txt = dir.path().join("t.png");
    std::fs::write(&txt, "hello").unwrap();
    let err = Image::from_path(&txt).unwrap_err().to_string();
    assert!(err.contains("cannot identify image file"), "{err}");
}

#[test]
fn legacy_scaling_is_an_explicit_opt_in() {
    let a = Array2::from_shape_vec((1, 2), vec![0.2f32, 1.0]).unwrap();
    let cast = Image::from_array(a.view()).unwrap();
    assert_eq!(cast.to_pixels().unwrap().data(), [0, 1]);
    let legacy = ImageOptions::default().with_pixel_scaling(PixelScaling::Legacy);
    let scaled = Image::from_array_with(a.view(), legacy).unwrap();
    assert_eq!(scaled.to_pixels().unwrap().data(), [51, 255]);
}

#[test]
fn equality_and_rebinding() {
    let a = Array3::<u8>::from_elem((2, 2, 3), 5);
    let x = Image::from_array(a.view()).unwrap().with_caption("c");
    let y = Image::from_array(a.view()).unwrap().with_caption("c");
    let z = Image::from_array(a.view()).unwrap().with_caption("d");
    assert!(x.wb_eq(&y));
    assert!(!x.wb_eq(&z));

    let m = Array2::<u8>::from_elem((2, 2), 1);
    let img = Image::from_array(a.view())
        .unwrap()
        .with_mask("seg", ImageMask::from_array(m.view()).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let run = DirRun::new(dir.path());
    let v = LogValue::media(img);
    let first = wb_core::internal::value::val_to_json(&run, "a", &v, Step::Num(0)).unwrap();
    // Logged again under another key: the SDK keeps the first binding and records nothing new.
    let again = wb_core::internal::value::val_to_json(&run, "b", &v, Step::Num(1)).unwrap();
    assert_eq!(first, again);
    let singletons = run.config_singletons();
    let masks = singletons["mask/class_labels"].as_object().unwrap();
    assert_eq!(masks.keys().collect::<Vec<_>>(), ["a_wandb_delimeter_seg"]);
    assert_eq!(run.published().len(), 2);
}

#[test]
fn errors_carry_the_sdks_messages() {
    let a = Array3::<u8>::zeros((3, 4, 6));
    let e = Image::from_array(a.view()).unwrap_err().to_string();
    assert_eq!(e, "Un-supported shape for image conversion [3, 4, 6]");
    let e = "tiff".parse::<ImageFormat>().unwrap_err().to_string();
    assert_eq!(e, "file_type must be one of ['png', 'jpg', 'jpeg', 'bmp']");
    let gif = ImageOptions::default().with_format(ImageFormat::Gif);
    let e = Image::from_array_with(a.view(), gif)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "file_type must be one of ['png', 'jpg', 'jpeg', 'bmp']");
    let m = Array3::<u8>::zeros((2, 2, 2));
    let e = ImageMask::from_array(m.view()).unwrap_err().to_string();
    assert_eq!(e, "mask_data must be a 2D array");
    let m = Array2::from_shape_vec((1, 2), vec![0i32, 256]).unwrap();
    let e = ImageMask::from_array(m.view()).unwrap_err().to_string();
    assert_eq!(e, "Mask data must be integers between 0 and 255");
    let rgba = Array3::<u8>::zeros((2, 2, 4));
    let options = ImageOptions::default()
        .with_mode(ImageMode::Rgba)
        .with_format(ImageFormat::Jpg);
    let e = Image::from_array_with(rgba.view(), options)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "cannot write mode RGBA as JPEG");
}
