//! `cargo xtask api-check`: walks the public items of every crate under `crates/` (parsed from
//! their sources with `syn`) and checks the machine-checkable rules of `docs/api.md`. Crates
//! with `publish = false` (the project's own test machinery) are left out.
//!
//! An item's public paths are found from each crate's `lib.rs`, through `pub mod` and
//! `pub use` (globs, renames, other workspace crates). Items that no public path reaches are
//! not API and are not checked; items only reachable through a `#[doc(hidden)]` module
//! (`wb_core::internal`) are machinery and are not checked either. Each violation is reported
//! at the item's path in its own crate (`wb_image::Image::with_caption`); the exceptions in
//! `docs/api.md`'s `api-exceptions` block silence exactly the paths they name, and an exception
//! that silences nothing is an error, so the list cannot outlive its items.
//!
//! Not seen: items made by macros, and impls whose self type is not a plain path.

mod model;

use model::{
    CrateSrc, ExternalPaths, Model, PubPath, Reach, Target, has_docs, is_doc_hidden, item_attrs,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::process::ExitCode;

/// Public modules the convention itself names (docs/api.md, "Paths and surface").
const CONVENTION_MODULES: &[&str] = &["wb_types::prelude", "wb_core::internal"];
/// The one `#[doc(hidden)]` module the convention allows.
const HIDDEN_ALLOWED: &[&str] = &["wb_core::internal"];
/// Outside crates the convention re-exports, at these paths only.
const EXTERNAL_REEXPORTS: &[&str] = &["wb_core::ndarray", "wb_types::ndarray"];

/// A rule of docs/api.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// A public module that is not one the convention names.
    PubMod,
    /// An associated fn making `Self` not named `new`, `from_*`, `builder`, `default`.
    Constructor,
    /// A by-value `self` method returning `Self` not named `with_*`.
    Setter,
    /// A `get_` prefix.
    GetPrefix,
    /// A `bool` parameter outside a `with_*` setter.
    BoolParam,
    /// An `Option<..>` parameter.
    OptionParam,
    /// An `Option<Option<..>>` in a return type.
    NestedOption,
    /// A module path whose consecutive segments repeat (`run::run`).
    RepeatedPath,
    /// A module (or outside crate) reachable by more than one path of a crate.
    ReexportedTwice,
    /// A public item without docs.
    MissingDocs,
    /// `#[doc(hidden)]` outside `wb_core::internal`.
    DocHidden,
}

impl Rule {
    /// The rule's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::PubMod => "pub-mod",
            Rule::Constructor => "constructor-name",
            Rule::Setter => "setter-name",
            Rule::GetPrefix => "get-prefix",
            Rule::BoolParam => "bool-param",
            Rule::OptionParam => "option-param",
            Rule::NestedOption => "nested-option",
            Rule::RepeatedPath => "repeated-path",
            Rule::ReexportedTwice => "reexported-twice",
            Rule::MissingDocs => "missing-docs",
            Rule::DocHidden => "doc-hidden",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    /// The public path an exception names to silence it.
    pub path: String,
    pub rule: Rule,
    pub message: String,
    /// `file:line`.
    pub location: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {} ({})",
            self.path,
            self.rule.as_str(),
            self.message,
            self.location
        )
    }
}

/// One line of the `api-exceptions` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub path: String,
    pub reason: String,
    /// Line in docs/api.md.
    pub line: usize,
}

/// Reads the fenced ```` ```api-exceptions ```` block of docs/api.md: one `path: reason` a line
/// (blank lines are skipped).
pub fn parse_exceptions(md: &str) -> Result<Vec<Exception>, String> {
    let mut out: Vec<Exception> = Vec::new();
    let mut inside = false;
    let mut found = false;
    for (i, line) in md.lines().enumerate() {
        let t = line.trim();
        if !inside {
            if t == "```api-exceptions" {
                if found {
                    return Err(format!(
                        "docs/api.md:{}: a second api-exceptions block; keep one",
                        i + 1
                    ));
                }
                inside = true;
                found = true;
            }
            continue;
        }
        if t.starts_with("```") {
            inside = false;
            continue;
        }
        if t.is_empty() {
            continue;
        }
        let Some((path, reason)) = t.split_once(": ") else {
            return Err(format!(
                "docs/api.md:{}: {t:?} is not `path: reason`",
                i + 1
            ));
        };
        let (path, reason) = (path.trim(), reason.trim());
        if path.is_empty() || reason.is_empty() || path.contains(char::is_whitespace) {
            return Err(format!(
                "docs/api.md:{}: {t:?} is not `path: reason` (a path without spaces, a reason)",
                i + 1
            ));
        }
        if let Some(prev) = out.iter().find(|e| e.path == path) {
            return Err(format!(
                "docs/api.md:{}: {path} is already excepted on line {}",
                i + 1,
                prev.line
            ));
        }
        out.push(Exception {
            path: path.to_string(),
            reason: reason.to_string(),
            line: i + 1,
        });
    }
    if inside {
        return Err("docs/api.md: the api-exceptions block is not closed".into());
    }
    if !found {
        return Err("docs/api.md: no ```api-exceptions block".into());
    }
    Ok(out)
}

/// What is left after the exceptions.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Violations no exception names.
    pub violations: Vec<Violation>,
    /// How many the exceptions silenced.
    pub excepted: usize,
    /// Exceptions that silenced nothing.
    pub stale: Vec<Exception>,
}

/// Silences the violations whose path an exception names.
pub fn apply_exceptions(violations: Vec<Violation>, exceptions: &[Exception]) -> Outcome {
    let mut used = BTreeSet::new();
    let mut out = Outcome::default();
    for v in violations {
        if exceptions.iter().any(|e| e.path == v.path) {
            used.insert(v.path.clone());
            out.excepted += 1;
        } else {
            out.violations.push(v);
        }
    }
    out.stale = exceptions
        .iter()
        .filter(|e| !used.contains(&e.path))
        .cloned()
        .collect();
    out
}

struct Checker<'m> {
    model: &'m Model,
    reach: Reach,
    out: BTreeSet<Violation>,
}

/// Checks the crates' public items against the rules.
pub fn check(crates: &[CrateSrc<'_>]) -> Result<Vec<Violation>, String> {
    let model = Model::build(crates)?;
    let reach = model.reach();
    let mut c = Checker {
        model: &model,
        reach,
        out: BTreeSet::new(),
    };
    c.modules();
    c.externals();
    c.items();
    c.impls();
    Ok(c.out.into_iter().collect())
}

fn location(file: &str, line: usize) -> String {
    format!("{file}:{line}")
}

fn normalized(seg: &str) -> String {
    seg.replace('_', "").to_lowercase()
}

impl Checker<'_> {
    fn push(&mut self, path: String, rule: Rule, message: String, file: &str, line: usize) {
        self.push_at(path, rule, message, location(file, line));
    }

    fn push_at(&mut self, path: String, rule: Rule, message: String, location: String) {
        self.out.insert(Violation {
            path,
            rule,
            message,
            location,
        });
    }

    fn modules(&mut self) {
        let model = self.model;
        let entries: Vec<(usize, BTreeSet<PubPath>)> = self
            .reach
            .modules
            .iter()
            .map(|(m, p)| (*m, p.clone()))
            .collect();
        for (m, paths) in entries {
            let module = &model.modules[m];
            let Some(canon) = model.canonical(module.krate, &paths) else {
                continue;
            };
            let is_root = module.parent.is_none();
            let text = canon.text();
            // Repeated segments, on every path (the umbrella's too).
            for p in &paths {
                if p.hidden {
                    continue;
                }
                if let Some(w) = p
                    .segs
                    .windows(2)
                    .find(|w| normalized(&w[0]) == normalized(&w[1]))
                {
                    self.push_at(
                        p.text(),
                        Rule::RepeatedPath,
                        format!(
                            "`{}` repeats `{}`: re-export the items one level up",
                            p.text(),
                            w[1]
                        ),
                        module.decl.clone(),
                    );
                }
            }
            // Reachable twice from one crate.
            let mut by_crate: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for p in paths.iter().filter(|p| !p.hidden) {
                by_crate.entry(&p.segs[0]).or_default().push(p.text());
            }
            for list in by_crate.values() {
                let mut list = list.clone();
                list.sort_by_key(|p| (p.len(), p.clone()));
                for extra in list.iter().skip(1) {
                    self.push_at(
                        extra.clone(),
                        Rule::ReexportedTwice,
                        format!(
                            "module `{extra}` is also `{}`: one path per module",
                            list[0]
                        ),
                        module.decl.clone(),
                    );
                }
            }
            if canon.hidden {
                if module.hidden && !HIDDEN_ALLOWED.contains(&text.as_str()) {
                    self.push_at(
                        text.clone(),
                        Rule::DocHidden,
                        "#[doc(hidden)] module: only `wb_core::internal` is hidden".into(),
                        module.decl.clone(),
                    );
                }
                continue;
            }
            if !is_root && !CONVENTION_MODULES.contains(&text.as_str()) {
                self.push_at(
                    text.clone(),
                    Rule::PubMod,
                    "public module: make it private and `pub use` the items users name".into(),
                    module.decl.clone(),
                );
            }
            if !module.documented {
                self.push_at(
                    text,
                    Rule::MissingDocs,
                    "module without docs".into(),
                    module.decl.clone(),
                );
            }
        }
    }

    fn externals(&mut self) {
        let model = self.model;
        let decls: Vec<((usize, usize), ExternalPaths)> = self
            .reach
            .external
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        for ((m, line), found) in decls {
            // `pub use some_crate;` (or `as`): the crate itself re-exported, reported once at
            // the path in the crate that writes the `pub use`.
            let module = &model.modules[m];
            let paths: BTreeSet<PubPath> = found
                .iter()
                .filter(|(_, target)| target.len() == 1)
                .map(|(p, _)| p.clone())
                .collect();
            let Some(canon) = model.canonical(module.krate, &paths) else {
                continue;
            };
            let text = canon.text();
            if canon.hidden || EXTERNAL_REEXPORTS.contains(&text.as_str()) {
                continue;
            }
            let target = found
                .iter()
                .find(|(p, _)| *p == canon)
                .map_or_else(String::new, |(_, t)| t.join("::"));
            self.push(
                text,
                Rule::ReexportedTwice,
                format!(
                    "re-exports crate `{target}`; the convention re-exports only ndarray, as `{}`",
                    EXTERNAL_REEXPORTS.join("` and `")
                ),
                &module.file,
                line,
            );
        }
    }

    fn items(&mut self) {
        let model = self.model;
        let entries: Vec<((usize, String), BTreeSet<PubPath>)> = self
            .reach
            .items
            .iter()
            .map(|(k, p)| (k.clone(), p.clone()))
            .collect();
        for ((m, name), paths) in entries {
            let module = &model.modules[m];
            let Some(def) = module.items.get(&name) else {
                continue;
            };
            let Some(canon) = model.canonical(module.krate, &paths) else {
                continue;
            };
            let path = canon.text();
            let file = module.file.clone();
            let attrs = item_attrs(&def.item);
            if canon.hidden {
                if is_doc_hidden(attrs) {
                    self.push(
                        path,
                        Rule::DocHidden,
                        "#[doc(hidden)] item: only `wb_core::internal` is hidden".into(),
                        &file,
                        def.line,
                    );
                }
                continue;
            }
            if !has_docs(attrs) {
                self.push(
                    path.clone(),
                    Rule::MissingDocs,
                    "item without docs".into(),
                    &file,
                    def.line,
                );
            }
            match &def.item {
                syn::Item::Fn(f) => self.check_fn(&path, &f.sig, None, &file),
                syn::Item::Struct(s) => {
                    if let syn::Fields::Named(fields) = &s.fields {
                        for f in &fields.named {
                            if matches!(f.vis, syn::Visibility::Public(_))
                                && !has_docs(&f.attrs)
                                && let Some(id) = &f.ident
                            {
                                self.push(
                                    format!("{path}::{id}"),
                                    Rule::MissingDocs,
                                    "public field without docs".into(),
                                    &file,
                                    model::line_of(id.span()),
                                );
                            }
                        }
                    }
                }
                syn::Item::Enum(e) => {
                    for v in &e.variants {
                        if !has_docs(&v.attrs) && !is_doc_hidden(&v.attrs) {
                            self.push(
                                format!("{path}::{}", v.ident),
                                Rule::MissingDocs,
                                "variant without docs".into(),
                                &file,
                                model::line_of(v.ident.span()),
                            );
                        }
                    }
                }
                syn::Item::Trait(t) => {
                    for ti in &t.items {
                        if let syn::TraitItem::Fn(f) = ti {
                            let p = format!("{path}::{}", f.sig.ident);
                            let line = model::line_of(f.sig.ident.span());
                            if is_doc_hidden(&f.attrs) {
                                self.push(
                                    p,
                                    Rule::DocHidden,
                                    "#[doc(hidden)] method: only `wb_core::internal` is hidden"
                                        .into(),
                                    &file,
                                    line,
                                );
                                continue;
                            }
                            if !has_docs(&f.attrs) {
                                self.push(
                                    p.clone(),
                                    Rule::MissingDocs,
                                    "method without docs".into(),
                                    &file,
                                    line,
                                );
                            }
                            self.check_fn(&p, &f.sig, Some(""), &file);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn impls(&mut self) {
        let model = self.model;
        for (m, module) in model.modules.iter().enumerate() {
            for (imp, _) in &module.impls {
                if imp.trait_.is_some() || is_doc_hidden(&imp.attrs) {
                    continue;
                }
                let syn::Type::Path(tp) = &*imp.self_ty else {
                    continue;
                };
                let segs: Vec<String> = tp
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                let Some(Target::Item(tm, tname)) = model.resolve(m, &segs, 0) else {
                    continue;
                };
                let Some(paths) = self.reach.items.get(&(tm, tname.clone())) else {
                    continue;
                };
                let Some(canon) = model.canonical(model.modules[tm].krate, paths) else {
                    continue;
                };
                if canon.hidden {
                    continue;
                }
                let type_path = canon.text();
                for ii in &imp.items {
                    match ii {
                        syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                            let p = format!("{type_path}::{}", f.sig.ident);
                            let line = model::line_of(f.sig.ident.span());
                            if is_doc_hidden(&f.attrs) {
                                self.push(
                                    p,
                                    Rule::DocHidden,
                                    "#[doc(hidden)] method: only `wb_core::internal` is hidden"
                                        .into(),
                                    &module.file,
                                    line,
                                );
                                continue;
                            }
                            if !has_docs(&f.attrs) {
                                self.push(
                                    p.clone(),
                                    Rule::MissingDocs,
                                    "method without docs".into(),
                                    &module.file,
                                    line,
                                );
                            }
                            self.check_fn(&p, &f.sig, Some(&tname), &module.file);
                        }
                        syn::ImplItem::Const(c)
                            if matches!(c.vis, syn::Visibility::Public(_))
                                && !has_docs(&c.attrs)
                                && !is_doc_hidden(&c.attrs) =>
                        {
                            self.push(
                                format!("{type_path}::{}", c.ident),
                                Rule::MissingDocs,
                                "associated const without docs".into(),
                                &module.file,
                                model::line_of(c.ident.span()),
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// The naming and parameter rules of one fn; `self_name` is the impl's type (`Some("")` in
    /// a trait, where only `Self` names it), `None` for a free fn.
    fn check_fn(&mut self, path: &str, sig: &syn::Signature, self_name: Option<&str>, file: &str) {
        let name = sig.ident.to_string();
        let line = model::line_of(sig.ident.span());
        let is_setter = name == "with" || name.starts_with("with_");
        // Conversions (`as_*`, `to_*`, `into_*`) may return `Self` in another form.
        let is_conversion = ["as_", "to_", "into_"].iter().any(|p| name.starts_with(p));
        if name.starts_with("get_") {
            self.push(
                path.into(),
                Rule::GetPrefix,
                format!("`{name}`: getters are plain nouns, no `get_`"),
                file,
                line,
            );
        }
        if let Some(self_name) = self_name {
            let ret = match &sig.output {
                syn::ReturnType::Type(_, t) => Some(&**t),
                syn::ReturnType::Default => None,
            };
            match sig.receiver() {
                None => {
                    if ret.is_some_and(|t| returns_self(t, self_name, true))
                        && !(name == "new"
                            || name == "default"
                            || name == "builder"
                            || name.starts_with("from_"))
                    {
                        self.push(path.into(), Rule::Constructor, format!("`{name}` makes a value: name it `new`, `from_*`, `builder` or `default`"), file, line);
                    }
                }
                Some(r) => {
                    if r.reference.is_none()
                        && r.colon_token.is_none()
                        && ret.is_some_and(|t| returns_self(t, self_name, false))
                        && !is_setter
                        && !is_conversion
                    {
                        self.push(
                            path.into(),
                            Rule::Setter,
                            format!("`{name}` takes `self` and returns `Self`: name it `with_*`"),
                            file,
                            line,
                        );
                    }
                }
            }
        }
        for arg in &sig.inputs {
            let syn::FnArg::Typed(pt) = arg else {
                continue;
            };
            let pname = match &*pt.pat {
                syn::Pat::Ident(i) => i.ident.to_string(),
                _ => "_".into(),
            };
            let ty = strip_refs(&pt.ty);
            if !is_setter && is_path(ty, "bool") {
                self.push(
                    path.into(),
                    Rule::BoolParam,
                    format!("`bool` parameter `{pname}`: use an enum or an options setter"),
                    file,
                    line,
                );
            }
            if last_segment(ty).is_some_and(|s| s.ident == "Option") {
                self.push(path.into(), Rule::OptionParam, format!("`Option` parameter `{pname}`: required inputs are plain, optional ones are `with_*` setters"), file, line);
            }
        }
        if let syn::ReturnType::Type(_, t) = &sig.output {
            let mut v = NestedOption(false);
            syn::visit::Visit::visit_type(&mut v, t);
            if v.0 {
                self.push(
                    path.into(),
                    Rule::NestedOption,
                    "returns `Option<Option<..>>`: use an enum".into(),
                    file,
                    line,
                );
            }
        }
    }
}

struct NestedOption(bool);

impl<'ast> syn::visit::Visit<'ast> for NestedOption {
    fn visit_path_segment(&mut self, seg: &'ast syn::PathSegment) {
        if seg.ident == "Option"
            && let syn::PathArguments::AngleBracketed(a) = &seg.arguments
            && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
            && last_segment(strip_refs(inner)).is_some_and(|s| s.ident == "Option")
        {
            self.0 = true;
        }
        syn::visit::visit_path_segment(self, seg);
    }
}

fn strip_refs(t: &syn::Type) -> &syn::Type {
    match t {
        syn::Type::Reference(r) => strip_refs(&r.elem),
        syn::Type::Paren(p) => strip_refs(&p.elem),
        syn::Type::Group(g) => strip_refs(&g.elem),
        other => other,
    }
}

fn last_segment(t: &syn::Type) -> Option<&syn::PathSegment> {
    match t {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn is_path(t: &syn::Type, name: &str) -> bool {
    matches!(t, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident(name))
}

/// `Self` (or the impl's type by name), or with `in_result`, also `Result<Self, ..>`.
fn returns_self(t: &syn::Type, self_name: &str, in_result: bool) -> bool {
    let Some(seg) = last_segment(t) else {
        return false;
    };
    if seg.ident == "Self" || (!self_name.is_empty() && seg.ident == self_name) {
        return true;
    }
    if in_result
        && seg.ident == "Result"
        && let syn::PathArguments::AngleBracketed(a) = &seg.arguments
        && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
    {
        return returns_self(inner, self_name, false);
    }
    false
}

/// Whether a crate's `Cargo.toml` says `publish = false` (test machinery such as `wb-cases`:
/// no user depends on it, so the convention does not apply).
fn unpublished(manifest: &Path) -> bool {
    std::fs::read_to_string(manifest).is_ok_and(|t| {
        t.lines()
            .any(|l| l.trim().replace(' ', "") == "publish=false")
    })
}

/// Every published crate under `crates/` that has a `src/lib.rs`.
pub fn load_workspace(root: &Path) -> Result<Vec<CrateSrc<'static>>, String> {
    let dir = root.join("crates");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("src/lib.rs").is_file())
        .filter(|e| !unpublished(&e.path().join("Cargo.toml")))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    Ok(names
        .into_iter()
        .map(|dir_name| {
            let src = dir.join(&dir_name).join("src");
            CrateSrc {
                name: dir_name.replace('-', "_"),
                display_dir: format!("crates/{dir_name}/src"),
                read: Box::new(move |p: &Path| std::fs::read_to_string(src.join(p)).ok()),
            }
        })
        .collect())
}

/// `cargo xtask api-check`.
pub fn main(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if let Some(a) = args.first() {
        eprintln!("api-check: unknown argument {a:?}\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let root = crate::conformance::root();
    let run = || -> Result<Outcome, String> {
        let md_path = root.join("docs/api.md");
        let md =
            std::fs::read_to_string(&md_path).map_err(|e| format!("{}: {e}", md_path.display()))?;
        let exceptions = parse_exceptions(&md)?;
        let crates = load_workspace(&root)?;
        Ok(apply_exceptions(check(&crates)?, &exceptions))
    };
    match run() {
        Ok(o) => {
            for v in &o.violations {
                println!("{v}");
            }
            for e in &o.stale {
                println!(
                    "docs/api.md:{}: exception `{}` matches no violation: remove it",
                    e.line, e.path
                );
            }
            let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
            for v in &o.violations {
                *by_rule.entry(v.rule.as_str()).or_default() += 1;
            }
            let summary: Vec<String> = by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
            println!(
                "api-check: {} violations ({}), {} excepted, {} stale exceptions",
                o.violations.len(),
                if summary.is_empty() {
                    "none".into()
                } else {
                    summary.join(", ")
                },
                o.excepted,
                o.stale.len()
            );
            if o.violations.is_empty() && o.stale.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("api-check: error: {e}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "\
usage: cargo xtask api-check

Walks the public items of every crate under crates/ and checks them against docs/api.md; prints
one line per violation (`path: rule: message (file:line)`) and a summary. The exceptions are the
`path: reason` lines of docs/api.md's api-exceptions block; an exception that silences nothing
is an error. Exits 1 on violations or stale exceptions, 2 when the sources cannot be read.";

#[cfg(test)]
mod tests;
