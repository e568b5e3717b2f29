//! Records the compiler's version for the run metadata (`WB_RUSTC_VERSION`), which stands in
//! for the Python version the SDK records.

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| v.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_default();
    println!("cargo:rustc-env=WB_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-changed=build.rs");
}
