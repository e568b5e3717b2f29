//! The checker on small crates written inline: each rule fires, each exception silences its item.

use super::*;
use std::collections::BTreeMap;
use std::path::Path;

/// A crate from `(file under src/, text)` pairs.
fn krate(name: &str, files: &[(&str, &str)]) -> CrateSrc<'static> {
    let map: BTreeMap<String, String> = files
        .iter()
        .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
        .collect();
    CrateSrc {
        name: name.to_string(),
        display_dir: format!("crates/{name}/src"),
        read: Box::new(move |p: &Path| map.get(&p.to_string_lossy().to_string()).cloned()),
    }
}

fn run(crates: &[CrateSrc<'_>]) -> Vec<Violation> {
    match check(crates) {
        Ok(v) => v,
        Err(e) => panic!("check failed: {e}"),
    }
}

/// `(path, rule)` of every violation.
fn found(crates: &[CrateSrc<'_>]) -> Vec<(String, Rule)> {
    run(crates).into_iter().map(|v| (v.path, v.rule)).collect()
}

fn one(lib: &str) -> Vec<(String, Rule)> {
    found(&[krate("c", &[("lib.rs", lib)])])
}

fn pair(path: &str, rule: Rule) -> (String, Rule) {
    (path.to_string(), rule)
}

const CLEAN: &str = r#"
//! A crate on the convention.
mod thing;
pub use thing::{Thing, ThingOptions};

mod inner {
    /// Hidden from paths: not API.
    pub struct Unreachable;
    impl Unreachable {
        pub fn get_x(self, flag: bool) -> Self { self }
    }
}
"#;

const CLEAN_THING: &str = r#"
/// A thing.
pub struct Thing {
    /// Its size.
    pub size: u32,
}
/// How a thing is made.
#[derive(Default)]
#[non_exhaustive]
pub struct ThingOptions {}
impl Thing {
    /// Made.
    pub fn new() -> Self { Thing { size: 0 } }
    /// From bytes.
    pub fn from_bytes(b: &[u8]) -> Result<Self, String> { Ok(Thing { size: b.len() as u32 }) }
    /// A builder.
    pub fn builder() -> Thing { Thing::new() }
    /// Set.
    pub fn with_inject(self, inject: bool) -> Self { let _ = inject; self }
    /// Size.
    pub fn size(&self) -> u32 { self.size }
    /// Optional data.
    pub fn caption(&self) -> Option<&str> { None }
    fn private_helper(self, flag: bool, o: Option<u8>) -> Self { let _ = (flag, o); self }
    pub(crate) fn get_crate_only(&self) -> Option<Option<u8>> { None }
}
impl Default for Thing {
    fn default() -> Self { Thing::new() }
}
impl std::str::FromStr for Thing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> { Ok(Thing { size: s.len() as u32 }) }
}
#[cfg(test)]
mod tests {
    pub fn get_anything(b: bool) {}
}
"#;

#[test]
fn a_crate_on_the_convention_has_no_violation() {
    let v = run(&[krate("c", &[("lib.rs", CLEAN), ("thing.rs", CLEAN_THING)])]);
    assert!(v.is_empty(), "{v:#?}");
}

#[test]
fn pub_mod_fires_and_names_the_module() {
    let v = one("//! c\n/// m\npub mod machinery {}\n");
    assert_eq!(v, vec![pair("c::machinery", Rule::PubMod)]);
}

#[test]
fn private_and_crate_modules_are_not_public() {
    assert!(one("//! c\nmod a {}\npub(crate) mod b {}\n").is_empty());
}

#[test]
fn a_private_module_re_exported_as_a_module_is_public() {
    let v = one("//! c\n/// m\nmod a {}\npub use a as b;\n");
    assert_eq!(v, vec![pair("c::b", Rule::PubMod)]);
}

#[test]
fn constructor_names() {
    let v = one(r#"//! c
/// T
pub struct T;
impl T {
    /// ok
    pub fn new() -> T { T }
    /// ok
    pub fn from_array(x: u8) -> Result<Self, String> { Ok(T) }
    /// ok
    pub fn default() -> Self { T }
    /// bad: `with_*` naming a constructor
    pub fn with_num_bins(n: u32) -> Self { T }
    /// bad: `create`
    pub fn create() -> std::io::Result<T> { Ok(T) }
    /// not a constructor: returns something else
    pub fn count() -> u32 { 0 }
}
"#);
    assert_eq!(
        v,
        vec![
            pair("c::T::create", Rule::Constructor),
            pair("c::T::with_num_bins", Rule::Constructor)
        ]
    );
}

#[test]
fn setter_names() {
    let v = one(r#"//! c
/// T
pub struct T;
impl T {
    /// bad: a bare setter
    pub fn caption(self, c: &str) -> Self { self }
    /// ok
    pub fn with_caption(mut self, c: &str) -> Self { self }
    /// ok: `Row::with`
    pub fn with(self, k: &str) -> Self { self }
    /// not by value
    pub fn reset(&mut self) -> &mut Self { self }
    /// consuming into something else
    pub fn into_bytes(self) -> Vec<u8> { Vec::new() }
}
"#);
    assert_eq!(v, vec![pair("c::T::caption", Rule::Setter)]);
}

#[test]
fn conversions_returning_self_are_not_setters() {
    let v = one(r#"//! c
/// T
pub struct T;
impl T {
    /// ok: consuming conversion into another mode
    pub fn into_mode(self, m: u8) -> Self { self }
    /// ok: computed conversion
    pub fn to_rgb(self) -> Self { self }
    /// ok: free conversion
    pub fn as_gray(self) -> Self { self }
    /// bad: neither a conversion nor `with_*`
    pub fn mode(self, m: u8) -> Self { self }
}
"#);
    assert_eq!(v, vec![pair("c::T::mode", Rule::Setter)]);
}

#[test]
fn get_prefix_bool_and_option_parameters_nested_options() {
    let v = one(r#"//! c
/// T
pub struct T;
impl T {
    /// bad
    pub fn get_width(&self) -> u32 { 0 }
    /// bad: a positional bool
    pub fn from_html(data: &str, inject: bool) -> Self { T }
    /// bad: an Option parameter
    pub fn from_array_with_rate(x: u8, rate: Option<u32>) -> Self { T }
    /// bad: a reference to an Option
    pub fn log_with(&self, step: &Option<u64>) {}
    /// bad: Option<Option<..>>
    pub fn batch_limit(&self) -> Option<Option<usize>> { None }
    /// bad: nested inside a Result
    pub fn limit(&self) -> Result<Option<Option<usize>>, String> { Ok(None) }
    /// ok: a with_* setter may take a bool
    pub fn with_inject(self, inject: bool) -> Self { self }
}
/// bad: a free fn with a bool
pub fn render(b: bool) {}
"#);
    assert_eq!(
        v,
        vec![
            pair("c::T::batch_limit", Rule::NestedOption),
            pair("c::T::from_array_with_rate", Rule::OptionParam),
            pair("c::T::from_html", Rule::BoolParam),
            pair("c::T::get_width", Rule::GetPrefix),
            pair("c::T::limit", Rule::NestedOption),
            pair("c::T::log_with", Rule::OptionParam),
            pair("c::render", Rule::BoolParam),
        ]
    );
}

#[test]
fn trait_methods_are_checked_and_trait_impls_are_not() {
    let v = one(r#"//! c
/// A value.
pub trait Value {
    /// bad
    fn get_json(&self) -> String;
    /// ok
    fn from_json(s: &str) -> Result<Self, String> where Self: Sized;
    /// bad
    fn parse(s: &str) -> Self where Self: Sized;
}
/// T
pub struct T;
impl Value for T {
    fn get_json(&self) -> String { String::new() }
    fn from_json(s: &str) -> Result<Self, String> { Ok(T) }
    fn parse(s: &str) -> Self { T }
}
"#);
    assert_eq!(
        v,
        vec![
            pair("c::Value::get_json", Rule::GetPrefix),
            pair("c::Value::parse", Rule::Constructor)
        ]
    );
}

#[test]
fn missing_docs_on_items_methods_fields_variants_modules() {
    let v = found(&[krate(
        "c",
        &[(
            "lib.rs",
            r#"
pub struct S { pub x: u8 }
/// E
pub enum E { A, /// B
 B }
impl S { pub fn size(&self) -> u8 { 0 } }
/// documented module, private: not reported
mod quiet { pub struct Hidden; }
"#,
        )],
    )]);
    assert_eq!(
        v,
        vec![
            pair("c", Rule::MissingDocs),
            pair("c::E::A", Rule::MissingDocs),
            pair("c::S", Rule::MissingDocs),
            pair("c::S::size", Rule::MissingDocs),
            pair("c::S::x", Rule::MissingDocs),
        ]
    );
}

#[test]
fn repeated_paths_through_the_umbrella() {
    let family = krate(
        "fam",
        &[
            (
                "lib.rs",
                "//! fam\n/// run\npub mod run;\npub use run::Run;\n",
            ),
            ("run.rs", "//! run\n/// R\npub struct Run;\n"),
        ],
    );
    let umbrella = krate("umb", &[("lib.rs", "//! umb\npub use fam as run;\n")]);
    let v = found(&[family, umbrella]);
    assert_eq!(
        v,
        vec![
            pair("fam::run", Rule::PubMod),
            pair("umb::run::run", Rule::RepeatedPath)
        ]
    );
}

#[test]
fn a_module_reachable_twice_in_one_crate() {
    let v = one(
        "//! c\n/// a\npub mod a {\n    //! a\n    /// T\n    pub struct T;\n}\npub use a as b;\n",
    );
    assert_eq!(
        v,
        vec![
            pair("c::a", Rule::PubMod),
            pair("c::b", Rule::ReexportedTwice),
        ]
    );
}

#[test]
fn outside_crates_re_exported_only_where_the_convention_says() {
    let core = krate("wb_core", &[("lib.rs", "//! core\npub use ndarray;\n")]);
    let image = krate(
        "wb_image",
        &[(
            "lib.rs",
            "//! image\npub use ndarray;\npub use wb_core::ndarray as nd;\n",
        )],
    );
    let v = found(&[core, image]);
    assert_eq!(
        v,
        vec![
            pair("wb_image::nd", Rule::ReexportedTwice),
            pair("wb_image::ndarray", Rule::ReexportedTwice),
        ]
    );
}

#[test]
fn the_convention_modules_and_hidden_internal() {
    let core = krate(
        "wb_core",
        &[(
            "lib.rs",
            r#"//! core
#[doc(hidden)]
pub mod internal {
    pub fn get_undocumented(b: bool, o: Option<u8>) {}
}
/// Other machinery
#[doc(hidden)]
pub mod parallel {}
/// T
pub struct T;
impl T {
    /// hidden
    #[doc(hidden)]
    pub fn secret(&self) {}
}
"#,
        )],
    );
    let umbrella = krate(
        "wb_types",
        &[(
            "lib.rs",
            "//! umb\n/// The prelude.\npub mod prelude {\n    pub use wb_core::T;\n}\npub use wb_core::T;\n",
        )],
    );
    let v = found(&[core, umbrella]);
    assert_eq!(
        v,
        vec![
            pair("wb_core::T::secret", Rule::DocHidden),
            pair("wb_core::parallel", Rule::DocHidden),
        ]
    );
}

#[test]
fn globs_renames_and_file_modules_resolve() {
    let v = found(&[krate(
        "c",
        &[
            (
                "lib.rs",
                "//! c\nmod a;\nmod b;\npub use a::*;\npub use b::Thing as Renamed;\n",
            ),
            ("a.rs", "mod deep;\npub use deep::Deep;\n"),
            (
                "a/deep.rs",
                "pub struct Deep;\nimpl Deep { pub fn get_it(&self) {} }\n",
            ),
            (
                "b/mod.rs",
                "/// documented\npub struct Thing;\nimpl Thing { /// d\n pub fn get_it(&self) {} }\n",
            ),
        ],
    )]);
    assert_eq!(
        v,
        vec![
            pair("c::Deep", Rule::MissingDocs),
            pair("c::Deep::get_it", Rule::GetPrefix),
            pair("c::Deep::get_it", Rule::MissingDocs),
            pair("c::Renamed::get_it", Rule::GetPrefix),
        ]
    );
}

#[test]
fn a_missing_module_file_is_an_error() {
    let Err(e) = check(&[krate("c", &[("lib.rs", "mod gone;\n")])]) else {
        panic!("a missing module file must fail");
    };
    assert!(e.contains("mod gone;"), "{e}");
}

#[test]
fn exceptions_silence_exactly_their_item() {
    let lib = r#"//! c
/// T
pub struct T;
impl T {
    /// a
    pub fn get_a(&self) {}
    /// b
    pub fn get_b(&self) {}
}
"#;
    let v = run(&[krate("c", &[("lib.rs", lib)])]);
    assert_eq!(v.len(), 2);
    let md = "# x\n\n```api-exceptions\nc::T::get_a: the SDK's name\n\n```\n";
    let ex = match parse_exceptions(md) {
        Ok(e) => e,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        ex,
        vec![Exception {
            path: "c::T::get_a".into(),
            reason: "the SDK's name".into(),
            line: 4
        }]
    );
    let o = apply_exceptions(v, &ex);
    assert_eq!(o.excepted, 1);
    assert!(o.stale.is_empty());
    assert_eq!(
        o.violations
            .iter()
            .map(|v| v.path.as_str())
            .collect::<Vec<_>>(),
        vec!["c::T::get_b"]
    );
}

#[test]
fn an_exception_that_matches_nothing_is_reported() {
    let v = run(&[krate("c", &[("lib.rs", CLEAN), ("thing.rs", CLEAN_THING)])]);
    let ex = match parse_exceptions("```api-exceptions\nc::Thing::gone: was renamed\n```\n") {
        Ok(e) => e,
        Err(e) => panic!("{e}"),
    };
    let o = apply_exceptions(v, &ex);
    assert!(o.violations.is_empty());
    assert_eq!(o.stale.len(), 1);
    assert_eq!(o.stale[0].path, "c::Thing::gone");
}

#[test]
fn malformed_exception_blocks_are_errors() {
    for md in [
        "no block here",
        "```api-exceptions\nc::T::x\n```\n",
        "```api-exceptions\nc::T::x: a\nc::T::x: b\n```\n",
        "```api-exceptions\nc::T::x: a\n",
        "```api-exceptions\n```\n```api-exceptions\n```\n",
    ] {
        assert!(parse_exceptions(md).is_err(), "{md:?} must be rejected");
    }
    assert_eq!(parse_exceptions("```api-exceptions\n```\n"), Ok(Vec::new()));
}

#[test]
fn the_repository_parses() {
    // The real crates load and resolve (the violations themselves are not asserted: they
    // change while the families move onto the convention).
    let root = crate::conformance::root();
    let crates = match load_workspace(&root) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert!(crates.iter().any(|c| c.name == "wb_types"));
    assert!(
        !crates.iter().any(|c| c.name == "wb_cases"),
        "publish = false is not API"
    );
    if let Err(e) = check(&crates) {
        panic!("{e}");
    }
    let md = std::fs::read_to_string(root.join("docs/api.md")).unwrap_or_default();
    if let Err(e) = parse_exceptions(&md) {
        panic!("{e}");
    }
}
