//! Images, masks and videos too large to encode, or with a zero dimension, are refused with a
//! clear error before any pixel buffer is allocated. The huge inputs are broadcast views (one
//! element, zero strides), so the test itself allocates nothing: a constructor that copied or
//! cast the pixels first would need gigabytes and minutes, and fail this test by running out
//! of memory or time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ndarray::{Array, ArrayView, IxDyn};
use std::time::{Duration, Instant};
use wb_types::image::{Image, ImageFormat, ImageMask};
use wb_types::video::Video;

/// A view of `shape` where every element is the same byte.
fn broadcast<'a>(one: &'a Array<u8, IxDyn>, shape: &[usize]) -> ArrayView<'a, u8, IxDyn> {
    one.broadcast(IxDyn(shape)).unwrap()
}

fn quick<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let r = f();
    // Generous: refusing must not depend on the pixel count (a copy of 4 GB takes seconds).
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{what} took {:?}: the input was processed before being refused",
        start.elapsed()
    );
    r
}

#[test]
fn a_65500_by_65500_image_is_refused_before_allocating() {
    let one = Array::from_elem(IxDyn(&[1]), 7u8);
    for shape in [
        vec![65_500, 65_500],
        vec![65_500, 65_500, 3],
        vec![65_500, 65_500, 4],
    ] {
        let view = broadcast(&one, &shape);
        let err = quick("Image::from_array", || Image::from_array(view)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("65500x65500") && msg.contains("too large"),
            "{shape:?}: {msg}"
        );
    }
    // Floats too (a cast buffer would be the allocation).
    let onef = Array::from_elem(IxDyn(&[1]), 0.5f32);
    let view = onef.broadcast(IxDyn(&[65_500, 65_500])).unwrap();
    let err = quick("Image::from_array f32", || Image::from_array(view)).unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
}

#[test]
fn an_image_with_a_zero_dimension_is_refused() {
    for shape in [
        vec![0, 10],
        vec![10, 0],
        vec![0, 0, 3],
        vec![0],
        vec![5, 0, 4],
    ] {
        let a = Array::<u8, _>::zeros(IxDyn(&shape));
        let r = Image::from_array(a.view());
        // The SDK (Pillow) fails too: "tile cannot extend outside image".
        let err = r.err().unwrap_or_else(|| panic!("{shape:?} was accepted"));
        assert!(!err.to_string().is_empty());
    }
    let a = Array::<u8, _>::zeros(IxDyn(&[0, 7]));
    let err = Image::from_array(a.view()).unwrap_err();
    assert!(err.to_string().contains("at least one pixel"), "{err}");
}

#[test]
fn a_huge_mask_is_refused_before_allocating() {
    let one = Array::from_elem(IxDyn(&[1]), 1u8);
    let view = broadcast(&one, &[65_500, 65_500]);
    let err = quick("ImageMask::from_array", || ImageMask::from_array(view)).unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
    let empty = Array::<u8, _>::zeros(IxDyn(&[0, 4]));
    assert!(ImageMask::from_array(empty.view()).is_err());
}

#[test]
fn a_huge_video_is_refused_before_allocating() {
    let one = Array::from_elem(IxDyn(&[1]), 1u8);
    for shape in [
        vec![1, 3, 65_500, 65_500],
        vec![100_000_000, 3, 4096, 4096],
        vec![64, 10_000_000, 3, 1024, 1024],
        vec![1 << 40, 3, 8, 8],
    ] {
        let view = broadcast(&one, &shape);
        let err = quick("Video::from_array", || Video::from_array(view)).unwrap_err();
        assert!(err.to_string().contains("too large"), "{shape:?}: {err}");
    }
    for shape in [vec![0, 3, 8, 8], vec![2, 3, 0, 8], vec![2, 0, 8, 8]] {
        let a = Array::<u8, _>::zeros(IxDyn(&shape));
        assert!(Video::from_array(a.view()).is_err(), "{shape:?}");
    }
}

#[test]
fn an_encoded_image_declaring_huge_dimensions_is_not_decoded() {
    // A PNG header declaring 65500x65500 and no pixel data: the image is stored as it is (as the
    // SDK stores files it is given) and its size read from the header; nothing is decoded.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&65_500u32.to_be_bytes());
    png.extend_from_slice(&65_500u32.to_be_bytes());
    png.extend_from_slice(&[8, 0, 0, 0, 0]);
    let crc = crc(&png[12..]);
    png.extend_from_slice(&crc.to_be_bytes());
    // Reading its size needs nothing but the header; a file cut there is refused or kept,
    // quickly either way, and its pixels are never decoded into a 4 GB buffer.
    match quick("from_encoded", || {
        Image::from_bytes(png.clone(), ImageFormat::Png)
    }) {
        Ok(img) => {
            assert_eq!((img.width(), img.height()), (65_500, 65_500));
            let err = quick("pixels", || img.to_pixels()).unwrap_err();
            assert!(
                err.to_string().contains("cannot identify image file"),
                "{err}"
            );
        }
        Err(e) => assert!(e.to_string().contains("cannot identify image file"), "{e}"),
    }
}

/// CRC-32 (IEEE), bit by bit.
fn crc(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for b in data {
        c ^= u32::from(*b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}
