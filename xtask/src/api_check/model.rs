//! The crates' module trees as parsed from their sources, name resolution through `use`, and
//! the public paths every module and item is reachable by.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use syn::spanned::Spanned;

/// Reads a file under a crate's `src/`, `None` when it does not exist.
pub type Reader<'a> = Box<dyn Fn(&Path) -> Option<String> + 'a>;

/// Outside crates re-exported by one `pub use`: its public paths and the outside path.
pub type ExternalPaths = BTreeSet<(PubPath, Vec<String>)>;

/// One crate's sources: its name as Rust spells it (`wb_core`) and a reader of files under its
/// `src/` folder (paths relative to `src/`).
pub struct CrateSrc<'a> {
    /// The crate's name with `_` (`wb_types`).
    pub name: String,
    /// Where its `src/` is, for messages (`crates/wb-core/src`).
    pub display_dir: String,
    /// Reads a file under `src/`, `None` when it does not exist.
    pub read: Reader<'a>,
}

/// Whether an item is visible outside its crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vis {
    /// `pub`.
    Pub,
    /// Private, `pub(crate)`, `pub(super)`, `pub(in ..)`.
    Restricted,
}

impl Vis {
    fn of(v: &syn::Visibility) -> Vis {
        match v {
            syn::Visibility::Public(_) => Vis::Pub,
            _ => Vis::Restricted,
        }
    }
}

/// A `use` binding in a module: `use a::b::c as d;` is path `[a, b, c]` bound to `d`.
#[derive(Debug, Clone)]
pub struct UseEntry {
    pub vis: Vis,
    pub path: Vec<String>,
    pub binding: Binding,
    pub line: usize,
}

/// What a `use` binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    Name(String),
    Glob,
}

/// A named item defined in a module (not a module, not an impl).
pub struct ItemDef {
    pub vis: Vis,
    pub item: syn::Item,
    pub line: usize,
}

/// One module of a crate.
pub struct Module {
    pub krate: usize,
    /// Its own file (for an inline module, its parent's).
    pub file: String,
    /// Where `mod name` is written (`file:line`).
    pub decl: String,
    pub parent: Option<usize>,
    pub children: BTreeMap<String, (usize, Vis)>,
    pub items: BTreeMap<String, ItemDef>,
    pub uses: Vec<UseEntry>,
    pub impls: Vec<(syn::ItemImpl, usize)>,
    /// `#[doc(hidden)]` on the module.
    pub hidden: bool,
    /// Has `///` or `//!` docs.
    pub documented: bool,
}

/// Where a path resolves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Module(usize),
    Item(usize, String),
    /// A crate outside the workspace, and the path inside it.
    External(Vec<String>),
}

/// Every crate's modules.
pub struct Model {
    pub crates: Vec<(String, usize)>,
    pub modules: Vec<Module>,
}

/// A public path, and whether a `#[doc(hidden)]` module or item is on it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PubPath {
    pub segs: Vec<String>,
    pub hidden: bool,
}

impl PubPath {
    pub fn text(&self) -> String {
        self.segs.join("::")
    }
}

/// The public paths of every reachable module and item.
#[derive(Default)]
pub struct Reach {
    pub modules: BTreeMap<usize, BTreeSet<PubPath>>,
    pub items: BTreeMap<(usize, String), BTreeSet<PubPath>>,
    /// Re-exported outside crates and their items: `(where the `pub use` is: module and
    /// line) → (public path, path in the outside crate)`.
    pub external: BTreeMap<(usize, usize), ExternalPaths>,
}

pub fn line_of(span: proc_macro2::Span) -> usize {
    span.start().line
}

pub fn has_docs(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("doc") && matches!(a.meta, syn::Meta::NameValue(_)))
}

pub fn is_doc_hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("doc")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == "hidden"))
    })
}

/// `#[cfg(test)]` (or any `cfg` naming `test`): not part of the library.
pub fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == "test"))
    })
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Binding)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.last() {
                    out.push((prefix.clone(), Binding::Name(last.clone())));
                }
            } else {
                let mut p = prefix.clone();
                p.push(name.clone());
                out.push((p, Binding::Name(name)));
            }
        }
        syn::UseTree::Rename(r) => {
            let name = r.ident.to_string();
            let mut p = prefix.clone();
            if name != "self" {
                p.push(name);
            }
            let alias = r.rename.to_string();
            if alias != "_" {
                out.push((p, Binding::Name(alias)));
            }
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), Binding::Glob)),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix, out);
            }
        }
    }
}

fn item_name(item: &syn::Item) -> Option<String> {
    Some(
        match item {
            syn::Item::Const(i) => &i.ident,
            syn::Item::Enum(i) => &i.ident,
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Static(i) => &i.ident,
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::TraitAlias(i) => &i.ident,
            syn::Item::Type(i) => &i.ident,
            syn::Item::Union(i) => &i.ident,
            _ => return None,
        }
        .to_string(),
    )
}

fn item_vis(item: &syn::Item) -> Vis {
    match item {
        syn::Item::Const(i) => Vis::of(&i.vis),
        syn::Item::Enum(i) => Vis::of(&i.vis),
        syn::Item::Fn(i) => Vis::of(&i.vis),
        syn::Item::Static(i) => Vis::of(&i.vis),
        syn::Item::Struct(i) => Vis::of(&i.vis),
        syn::Item::Trait(i) => Vis::of(&i.vis),
        syn::Item::TraitAlias(i) => Vis::of(&i.vis),
        syn::Item::Type(i) => Vis::of(&i.vis),
        syn::Item::Union(i) => Vis::of(&i.vis),
        _ => Vis::Restricted,
    }
}

pub fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        _ => &[],
    }
}

struct Builder<'a, 'b> {
    model: Model,
    src: &'b CrateSrc<'a>,
    krate: usize,
}

impl Builder<'_, '_> {
    /// Adds a module whose items are `items`; `dir` is where its `mod x;` children's files are.
    #[allow(clippy::too_many_arguments)]
    fn add_module(
        &mut self,
        def_path: Vec<String>,
        parent: Option<usize>,
        file: &Path,
        decl: String,
        items: &[syn::Item],
        dir: &Path,
        hidden: bool,
        documented: bool,
    ) -> Result<usize, String> {
        let id = self.model.modules.len();
        self.model.modules.push(Module {
            krate: self.krate,
            file: format!("{}/{}", self.src.display_dir, file.display()),
            decl,
            parent,
            children: BTreeMap::new(),
            items: BTreeMap::new(),
            uses: Vec::new(),
            impls: Vec::new(),
            hidden,
            documented,
        });
        for item in items {
            if is_cfg_test(item_attrs(item)) {
                continue;
            }
            match item {
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    let mut path = def_path.clone();
                    path.push(name.clone());
                    let hidden = is_doc_hidden(&m.attrs);
                    let line = line_of(m.ident.span());
                    let decl = format!("{}/{}:{line}", self.src.display_dir, file.display());
                    let child = if let Some((_, inner)) = &m.content {
                        let child_dir = match path_attr(&m.attrs) {
                            Some(p) => normalize(&dir.join(p)),
                            None => dir.join(&name),
                        };
                        self.add_module(
                            path,
                            Some(id),
                            file,
                            decl,
                            inner,
                            &child_dir,
                            hidden,
                            has_docs(&m.attrs),
                        )?
                    } else {
                        let candidates: Vec<PathBuf> = match path_attr(&m.attrs) {
                            Some(p) => {
                                let file_dir = file.parent().unwrap_or(Path::new(""));
                                vec![normalize(&file_dir.join(p))]
                            }
                            None => vec![
                                dir.join(format!("{name}.rs")),
                                dir.join(&name).join("mod.rs"),
                            ],
                        };
                        let Some((child_file, text)) = candidates
                            .iter()
                            .find_map(|c| (self.src.read)(c).map(|t| (c.clone(), t)))
                        else {
                            return Err(format!(
                                "{}/{}:{line}: no file for `mod {name};` (looked for {})",
                                self.src.display_dir,
                                file.display(),
                                candidates
                                    .iter()
                                    .map(|c| c.display().to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ));
                        };
                        let parsed = syn::parse_file(&text).map_err(|e| {
                            format!(
                                "{}/{}:{}: {e}",
                                self.src.display_dir,
                                child_file.display(),
                                line_of(e.span())
                            )
                        })?;
                        let is_mod_rs = child_file.file_name().is_some_and(|f| f == "mod.rs");
                        let child_dir = if is_mod_rs {
                            child_file.parent().unwrap_or(Path::new("")).to_path_buf()
                        } else {
                            child_file.with_extension("")
                        };
                        self.add_module(
                            path,
                            Some(id),
                            &child_file,
                            decl,
                            &parsed.items,
                            &child_dir,
                            hidden || is_doc_hidden(&parsed.attrs),
                            has_docs(&m.attrs) || has_docs(&parsed.attrs),
                        )?
                    };
                    self.model.modules[id]
                        .children
                        .insert(name, (child, Vis::of(&m.vis)));
                }
                syn::Item::Use(u) => {
                    let mut flat = Vec::new();
                    flatten_use(&u.tree, &mut Vec::new(), &mut flat);
                    let line = line_of(u.span());
                    for (path, binding) in flat {
                        self.model.modules[id].uses.push(UseEntry {
                            vis: Vis::of(&u.vis),
                            path,
                            binding,
                            line,
                        });
                    }
                }
                syn::Item::Impl(i) => {
                    let line = line_of(i.span());
                    self.model.modules[id].impls.push((i.clone(), line));
                }
                syn::Item::ExternCrate(e) => {
                    let name = e
                        .rename
                        .as_ref()
                        .map_or_else(|| e.ident.to_string(), |(_, r)| r.to_string());
                    self.model.modules[id].uses.push(UseEntry {
                        vis: Vis::of(&e.vis),
                        path: vec![e.ident.to_string()],
                        binding: Binding::Name(name),
                        line: line_of(e.span()),
                    });
                }
                other => {
                    if let Some(name) = item_name(other) {
                        let line = line_of(other.span());
                        self.model.modules[id].items.insert(
                            name,
                            ItemDef {
                                vis: item_vis(other),
                                item: other.clone(),
                                line,
                            },
                        );
                    }
                }
            }
        }
        Ok(id)
    }
}

impl Model {
    /// Parses every crate from its `src/lib.rs`.
    pub fn build(crates: &[CrateSrc<'_>]) -> Result<Model, String> {
        let mut model = Model {
            crates: Vec::new(),
            modules: Vec::new(),
        };
        for (k, src) in crates.iter().enumerate() {
            let lib = Path::new("lib.rs");
            let text =
                (src.read)(lib).ok_or_else(|| format!("{}/lib.rs: missing", src.display_dir))?;
            let parsed = syn::parse_file(&text)
                .map_err(|e| format!("{}/lib.rs:{}: {e}", src.display_dir, line_of(e.span())))?;
            let mut b = Builder {
                model,
                src,
                krate: k,
            };
            let root = b.add_module(
                vec![src.name.clone()],
                None,
                lib,
                format!("{}/lib.rs:1", src.display_dir),
                &parsed.items,
                Path::new(""),
                false,
                has_docs(&parsed.attrs),
            )?;
            model = b.model;
            model.crates.push((src.name.clone(), root));
        }
        Ok(model)
    }

    fn crate_root(&self, name: &str) -> Option<usize> {
        self.crates.iter().find(|(n, _)| n == name).map(|(_, r)| *r)
    }

    fn root_of(&self, m: usize) -> usize {
        self.crates[self.modules[m].krate].1
    }

    /// Resolves `path` as written in module `m` (a `use` path or a type path).
    pub fn resolve(&self, m: usize, path: &[String], depth: usize) -> Option<Target> {
        if depth > 24 {
            return None;
        }
        let (first, rest) = path.split_first()?;
        let mut cur = match first.as_str() {
            "crate" => Target::Module(self.root_of(m)),
            "self" => Target::Module(m),
            "super" => Target::Module(self.modules[m].parent?),
            name => self.lookup(m, name, true, depth + 1)?,
        };
        for seg in rest {
            cur = match cur {
                Target::Module(c) => match seg.as_str() {
                    "super" => Target::Module(self.modules[c].parent?),
                    "self" => Target::Module(c),
                    s => self.lookup(c, s, false, depth + 1)?,
                },
                Target::External(mut p) => {
                    p.push(seg.clone());
                    Target::External(p)
                }
                // Enum variants and associated items are not followed.
                Target::Item(..) => return None,
            };
        }
        Some(cur)
    }

    /// The name `name` in module `m`: a child module, an item, a `use`, a glob import, and for
    /// the first segment of a path, a crate.
    pub fn lookup(&self, m: usize, name: &str, first: bool, depth: usize) -> Option<Target> {
        if depth > 24 {
            return None;
        }
        let module = &self.modules[m];
        if let Some((c, _)) = module.children.get(name) {
            return Some(Target::Module(*c));
        }
        if module.items.contains_key(name) {
            return Some(Target::Item(m, name.to_string()));
        }
        for u in &module.uses {
            if u.binding == Binding::Name(name.to_string()) {
                // `use ndarray;` names the crate: resolve it outside this module.
                if u.path.len() == 1 && u.path[0] == name {
                    return Some(self.crate_target(name));
                }
                if let Some(t) = self.resolve(m, &u.path, depth + 1) {
                    return Some(t);
                }
            }
        }
        for u in &module.uses {
            if u.binding == Binding::Glob
                && let Some(Target::Module(g)) = self.resolve(m, &u.path, depth + 1)
                && g != m
                && let Some(t) = self.lookup(g, name, false, depth + 1)
            {
                return Some(t);
            }
        }
        if first {
            return Some(self.crate_target(name));
        }
        None
    }

    fn crate_target(&self, name: &str) -> Target {
        match self.crate_root(name) {
            Some(r) => Target::Module(r),
            None => Target::External(vec![name.to_string()]),
        }
    }

    /// The names module `m` makes public: `pub` children, items and `use`s, and what its
    /// `pub use x::*` globs bring.
    fn public_names(&self, m: usize, depth: usize, out: &mut BTreeSet<String>) {
        if depth > 8 {
            return;
        }
        let module = &self.modules[m];
        for (n, (_, v)) in &module.children {
            if *v == Vis::Pub {
                out.insert(n.clone());
            }
        }
        for (n, d) in &module.items {
            if d.vis == Vis::Pub {
                out.insert(n.clone());
            }
        }
        for u in &module.uses {
            if u.vis != Vis::Pub {
                continue;
            }
            match &u.binding {
                Binding::Name(n) => {
                    out.insert(n.clone());
                }
                Binding::Glob => {
                    if let Some(Target::Module(g)) = self.resolve(m, &u.path, 0)
                        && g != m
                    {
                        self.public_names(g, depth + 1, out);
                    }
                }
            }
        }
    }

    /// Every public path of every module and item, starting from each crate's root.
    pub fn reach(&self) -> Reach {
        let mut reach = Reach::default();
        for (name, root) in &self.crates {
            let path = PubPath {
                segs: vec![name.clone()],
                hidden: false,
            };
            self.walk(*root, path, &mut reach, 0);
        }
        reach
    }

    fn walk(&self, m: usize, path: PubPath, reach: &mut Reach, depth: usize) {
        if depth > 10 || !reach.modules.entry(m).or_default().insert(path.clone()) {
            return;
        }
        let module = &self.modules[m];
        let child = |name: &str, hidden: bool| PubPath {
            segs: path
                .segs
                .iter()
                .cloned()
                .chain([name.to_string()])
                .collect(),
            hidden: path.hidden || hidden,
        };
        for (n, (c, v)) in &module.children {
            if *v == Vis::Pub {
                self.walk(*c, child(n, self.modules[*c].hidden), reach, depth + 1);
            }
        }
        for (n, d) in &module.items {
            if d.vis == Vis::Pub {
                let p = child(n, is_doc_hidden(item_attrs(&d.item)));
                reach.items.entry((m, n.clone())).or_default().insert(p);
            }
        }
        for u in &module.uses {
            if u.vis != Vis::Pub {
                continue;
            }
            let names: Vec<String> = match &u.binding {
                Binding::Name(n) => vec![n.clone()],
                Binding::Glob => {
                    let mut set = BTreeSet::new();
                    if let Some(Target::Module(g)) = self.resolve(m, &u.path, 0)
                        && g != m
                    {
                        self.public_names(g, 0, &mut set);
                    }
                    set.into_iter().collect()
                }
            };
            for n in names {
                let target = match &u.binding {
                    Binding::Name(_) if u.path.len() == 1 && u.path[0] == n => {
                        Some(self.crate_target(&n))
                    }
                    Binding::Name(_) => self.resolve(m, &u.path, 0),
                    Binding::Glob => match self.resolve(m, &u.path, 0) {
                        Some(Target::Module(g)) => self.lookup(g, &n, false, 0),
                        Some(Target::External(mut p)) => {
                            p.push(n.clone());
                            Some(Target::External(p))
                        }
                        _ => None,
                    },
                };
                match target {
                    Some(Target::Module(t)) => {
                        self.walk(t, child(&n, self.modules[t].hidden), reach, depth + 1)
                    }
                    Some(Target::Item(im, iname)) => {
                        let hidden = self.modules[im]
                            .items
                            .get(&iname)
                            .is_some_and(|d| is_doc_hidden(item_attrs(&d.item)));
                        reach
                            .items
                            .entry((im, iname))
                            .or_default()
                            .insert(child(&n, hidden));
                    }
                    Some(Target::External(p)) => {
                        reach
                            .external
                            .entry((m, u.line))
                            .or_default()
                            .insert((child(&n, false), p));
                    }
                    None => {}
                }
            }
        }
    }

    /// The path a reachable thing is reported under: its own crate's shortest visible path.
    pub fn canonical(&self, krate: usize, paths: &BTreeSet<PubPath>) -> Option<PubPath> {
        let own = &self.crates[krate].0;
        paths
            .iter()
            .min_by_key(|p| (p.hidden, p.segs[0] != *own, p.segs.len(), p.text()))
            .cloned()
    }
}
