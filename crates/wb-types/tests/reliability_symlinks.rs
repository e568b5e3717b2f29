//! Media given by a symlinked path. The SDK copies them with `shutil.copy`, which follows the
//! link: the run gets a regular file holding the target's content, named after the path given
//! (its extension included). We do the same. A dangling link, a link loop or a link to a
//! folder is an error naming the path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ndarray::Array2;
use std::os::unix::fs::symlink;
use std::path::Path;
use wb_types::audio::Audio;
use wb_types::core::internal::hash::sha256_hex;
use wb_types::core::json::Value;
use wb_types::image::Image;
use wb_types::video::{Video, VideoFormat};
use wb_types::{DirRun, Html, Step, WbValue};

/// Binds `v` and returns the stored file's path; checks it is a regular file with `want`.
fn stored(v: &dyn WbValue, files: &Path, key: &str, want: &[u8]) -> String {
    let run = DirRun::new(files);
    v.bind_to_run(&run, key, Step::Num(0)).unwrap();
    let j = v.to_run_json(&run).unwrap();
    let path = j.get("path").and_then(Value::as_str).unwrap().to_owned();
    let abs = files.join(&path);
    let meta = std::fs::symlink_metadata(&abs).unwrap();
    assert!(meta.file_type().is_file(), "{path} is not a regular file");
    assert_eq!(std::fs::read(&abs).unwrap(), want);
    assert_eq!(
        j.get("sha256").and_then(Value::as_str),
        Some(sha256_hex(want).as_str())
    );
    path
}

#[test]
fn symlinked_media_are_copied_as_regular_files_with_the_targets_content() {
    let tmp = tempfile::tempdir().unwrap();
    let files = tmp.path().join("files");
    let px = Array2::from_shape_fn((8, 8), |(y, x)| (y * 8 + x) as u8);
    let png = Image::from_array(px.view())
        .unwrap()
        .file()
        .bytes()
        .unwrap()
        .to_vec();
    std::fs::write(tmp.path().join("real.png"), &png).unwrap();
    symlink(tmp.path().join("real.png"), tmp.path().join("link.png")).unwrap();
    // A chain of links, one relative.
    symlink("link.png", tmp.path().join("link2.png")).unwrap();
    for name in ["link.png", "link2.png"] {
        let img = Image::from_path(tmp.path().join(name)).unwrap();
        assert_eq!((img.width(), img.height()), (8, 8));
        let path = stored(&img, &files, name, &png);
        assert!(
            path.starts_with(&format!("media/images/{name}_0_")),
            "{path}"
        );
    }
    // A link whose name has another extension than its target: the name given counts.
    std::fs::write(tmp.path().join("page.txt"), "<p>linked</p>").unwrap();
    symlink(tmp.path().join("page.txt"), tmp.path().join("page.html")).unwrap();
    let h = Html::from_path_with(
        tmp.path().join("page.html"),
        wb_types::core::HtmlOptions::default().with_inject(false),
    )
    .unwrap();
    let path = stored(&h, &files, "h", b"<p>linked</p>");
    assert!(path.ends_with(".html"), "{path}");

    let wav = Audio::from_samples(&[0.0f32, 0.5, -0.5], 8000)
        .unwrap()
        .file()
        .bytes()
        .unwrap()
        .to_vec();
    std::fs::write(tmp.path().join("a.wav"), &wav).unwrap();
    symlink(tmp.path().join("a.wav"), tmp.path().join("alink.wav")).unwrap();
    stored(
        &Audio::from_path(tmp.path().join("alink.wav")).unwrap(),
        &files,
        "a",
        &wav,
    );

    let gif = Video::from_bytes(b"GIF89a not really".to_vec(), VideoFormat::Gif)
        .file()
        .bytes()
        .unwrap()
        .to_vec();
    std::fs::write(tmp.path().join("v.gif"), &gif).unwrap();
    symlink(tmp.path().join("v.gif"), tmp.path().join("vlink.gif")).unwrap();
    stored(
        &Video::from_path(tmp.path().join("vlink.gif")).unwrap(),
        &files,
        "v",
        &gif,
    );

    // Changing the link's target after binding does not change what was logged.
    std::fs::write(tmp.path().join("real.png"), b"changed").unwrap();
    let mut all = Vec::new();
    for e in std::fs::read_dir(files.join("media/images"))
        .unwrap()
        .flatten()
    {
        all.push(std::fs::read(e.path()).unwrap());
    }
    assert!(all.iter().all(|b| b == &png));
}

#[test]
fn dangling_looping_and_folder_links_are_errors_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    symlink(
        tmp.path().join("missing.png"),
        tmp.path().join("dangling.png"),
    )
    .unwrap();
    symlink(tmp.path().join("loop_b.png"), tmp.path().join("loop_a.png")).unwrap();
    symlink(tmp.path().join("loop_a.png"), tmp.path().join("loop_b.png")).unwrap();
    std::fs::create_dir(tmp.path().join("dir")).unwrap();
    symlink(tmp.path().join("dir"), tmp.path().join("folder.png")).unwrap();
    for name in ["dangling.png", "loop_a.png", "folder.png"] {
        let p = tmp.path().join(name);
        let err = Image::from_path(&p).unwrap_err().to_string();
        assert!(err.contains(name), "{name}: {err}");
        let err = Audio::from_path(&p).unwrap_err().to_string();
        assert!(err.contains(name), "{name}: {err}");
        let err = Html::from_path_with(
            &p,
            wb_types::core::HtmlOptions::default().with_inject(false),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(name), "{name}: {err}");
    }
}
