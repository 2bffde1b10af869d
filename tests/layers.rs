//! The architecture, held by a test: the modules of `src/` form layers, and
//! a module may use only its own layer and those below it. The test parses
//! every source file with `syn` and reads every path that reaches another
//! module: `crate::` paths in `use` trees (nested groups, renames and globs
//! included), in types and expressions, and in the tokens of macro calls
//! (`format!`, say), and `super::` chains that climb out to the crate root.
//! Names the crate root imports are resolved to the module that defines
//! them. It fails on any path that reaches up. Comments and string literals
//! are not code, so they never count. Test-only code (`#[cfg(test)]` items,
//! methods and the files of `#[cfg(test)] mod x;`) may build its worlds
//! through any layer. A new module must be given a layer here.

use proc_macro2::{TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// Lowest first, as ARCHITECTURE.md draws them.
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("handles", 0),
    ("arena", 0),
    ("data", 1),
    ("store", 2),
    ("access", 3),
    ("edit", 4),
    ("copy", 5),
    ("tasks", 6),
    ("reuse", 7),
    ("linked", 7),
    ("workspace", 8),
    ("json", 8),
    ("learn", 8),
    ("saved", 8),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Whether attributes hold `#[cfg(test)]`.
fn test_only(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && a.parse_args::<syn::Meta>().is_ok_and(|m| m.path().is_ident("test")))
}

/// The leaves of a `use` tree below `crate::` (or at the crate root), each
/// as the first segment of its path: the module it comes from, or, for a
/// name the root imports, that name. A rename counts by what it renames; a
/// glob by the module it empties.
fn leaves(tree: &syn::UseTree, first: Option<&str>, out: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(p) => {
            let head = p.ident.to_string();
            leaves(&p.tree, Some(first.unwrap_or(&head)), out);
        }
        syn::UseTree::Name(n) => out.push(first.map_or_else(|| n.ident.to_string(), str::to_string)),
        syn::UseTree::Rename(r) => out.push(first.map_or_else(|| r.ident.to_string(), str::to_string)),
        syn::UseTree::Glob(_) => out.extend(first.map(str::to_string)),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| leaves(t, first, out)),
    }
}

/// The names a `use` tree at the crate root brings in, each with the
/// module it comes from.
fn root_imports(tree: &syn::UseTree, module: Option<&str>, out: &mut BTreeMap<String, String>) {
    match tree {
        syn::UseTree::Path(p) => {
            let head = p.ident.to_string();
            let module = module.map(str::to_string).unwrap_or(head);
            root_imports(&p.tree, Some(&module), out);
        }
        syn::UseTree::Name(n) => drop(out.insert(n.ident.to_string(), module.unwrap_or("").to_string())),
        syn::UseTree::Rename(r) => drop(out.insert(r.rename.to_string(), module.unwrap_or("").to_string())),
        syn::UseTree::Glob(_) => {}
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| root_imports(t, module, out)),
    }
}

/// What `crate::Name` means for each name the crate root imports (`pub
/// use`, `pub(crate) use` or a plain `use`): the module it comes from.
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let file = syn::parse_file(lib).expect("lib.rs parses");
    let mut names = BTreeMap::new();
    for item in &file.items {
        if let syn::Item::Use(u) = item {
            root_imports(&u.tree, None, &mut names);
        }
    }
    names
}

/// Every module a file's code reaches, test-only code aside; and the files
/// of the test-only modules it declares.
struct Uses<'a> {
    root: &'a BTreeMap<String, String>,
    /// How many modules deep the code being read is: a `super::` chain
    /// this long or longer lands at the crate root.
    depth: usize,
    found: Vec<String>,
    test_modules: Vec<String>,
}

impl Uses<'_> {
    fn module_of(&self, first: &str) -> String {
        self.root.get(first).cloned().unwrap_or_else(|| first.to_string())
    }

    /// The module a path of these segments reaches, if it leaves this one
    /// for another: `crate::x…`, or `super::…::x…` that climbs to the root.
    fn reached(&self, segments: &[String]) -> Option<String> {
        let supers = segments.iter().take_while(|s| *s == "super").count();
        let next = match segments.first().map(String::as_str) {
            Some("crate") => segments.get(1),
            Some("super") if supers >= self.depth => segments.get(supers),
            _ => None,
        };
        next.map(|s| self.module_of(s))
    }

    /// `crate :: x` and `super :: … :: x` sequences in macro tokens.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            if let TokenTree::Group(g) = &trees[i] {
                self.scan_tokens(g.stream());
            }
            let mut segments = Vec::new();
            let mut j = i;
            while let Some(TokenTree::Ident(id)) = trees.get(j) {
                segments.push(id.to_string());
                let colons = matches!((trees.get(j + 1), trees.get(j + 2)),
                    (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':');
                if !colons {
                    break;
                }
                j += 3;
            }
            if segments.len() > 1
                && let Some(module) = self.reached(&segments)
            {
                self.found.push(module);
            }
            i += segments.len().max(1);
        }
    }
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Struct(s) => &s.attrs,
            syn::Item::Const(c) => &c.attrs,
            syn::Item::Macro(m) => &m.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if test_only(attrs) {
            if let syn::Item::Mod(m) = item
                && m.content.is_none()
            {
                self.test_modules.push(m.ident.to_string());
            }
            return;
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.depth += 1;
        syn::visit::visit_item_mod(self, m);
        self.depth -= 1;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !test_only(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let mut segments = Vec::new();
        let mut tree = &u.tree;
        while let syn::UseTree::Path(p) = tree {
            let ident = p.ident.to_string();
            if ident != "crate" && ident != "super" {
                break;
            }
            segments.push(ident);
            tree = &p.tree;
        }
        let climbs_to_root = segments.first().is_some_and(|s| s == "crate") || segments.len() >= self.depth;
        if segments.is_empty() || !climbs_to_root {
            return;
        }
        let mut found = Vec::new();
        leaves(tree, None, &mut found);
        for first in found {
            let module = self.module_of(&first);
            self.found.push(module);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(module) = self.reached(&segments) {
            self.found.push(module);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.scan_tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// The modules `text` reaches, and its test-only module declarations;
/// `depth` is how many modules deep its file is.
fn uses(text: &str, depth: usize, root: &BTreeMap<String, String>) -> (Vec<String>, Vec<String>) {
    let file = syn::parse_file(text).expect("the file parses");
    let mut visitor = Uses { root, depth, found: Vec::new(), test_modules: Vec::new() };
    visitor.visit_file(&file);
    (visitor.found, visitor.test_modules)
}

/// The module path of a source file below `src`: `store/tests.rs` is
/// `["store", "tests"]`, `store/mod.rs` is `["store"]`.
fn module_path(path: &Path, src: &Path) -> Vec<String> {
    let rel = path.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().to_string()).collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs").to_string();
        if stem != "mod" && stem != "lib" {
            parts.push(stem);
        }
    }
    parts
}

/// Where the file of `mod name;` declared in `file` lives.
fn module_files(file: &Path, name: &str) -> [PathBuf; 2] {
    let stem = file.file_stem().unwrap().to_string_lossy();
    let dir = file.parent().unwrap();
    let dir = if stem == "mod" || stem == "lib" { dir.to_path_buf() } else { dir.join(stem.as_ref()) };
    [dir.join(format!("{name}.rs")), dir.join(name).join("mod.rs")]
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every path of `sources` (files below `src`, with their text) that
/// reaches a layer above its module's.
fn violations(src: &Path, sources: &[(PathBuf, String)]) -> Vec<String> {
    let lib = sources.iter().find(|(p, _)| p == &src.join("lib.rs")).map_or("", |(_, t)| t.as_str());
    let root = root_names(lib);
    let mut read = Vec::new();
    let mut test_files = BTreeSet::new();
    for (path, text) in sources {
        let module = module_path(path, src);
        let (found, test_modules) = uses(text, module.len(), &root);
        for name in test_modules {
            test_files.extend(module_files(path, &name));
        }
        read.push((path.clone(), module, found));
    }
    let mut broken = Vec::new();
    for (path, module, found) in read {
        let Some(top) = module.first() else { continue };
        if test_files.contains(&path) {
            continue;
        }
        let own = layer(top).unwrap_or_else(|| panic!("module `{top}` has no layer in tests/layers.rs"));
        for used in found {
            let Some(theirs) = layer(&used) else {
                // Not a module of the crate: a macro or a name defined in lib.rs.
                continue;
            };
            if theirs > own {
                broken.push(format!("{} (layer {own}) uses `{used}` (layer {theirs})", path.display()));
            }
        }
    }
    broken.sort();
    broken.dedup();
    broken
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let sources: Vec<(PathBuf, String)> =
        all.into_iter().map(|p| (p.clone(), fs::read_to_string(&p).unwrap())).collect();
    let broken = violations(&src, &sources);
    assert!(broken.is_empty(), "modules that reach up a layer:\n{}", broken.join("\n"));
}

/// The checker itself: each way of reaching up is seen; comments, string
/// literals and test-only code are not.
#[test]
fn the_checker_sees_every_way_up_and_nothing_else() {
    let src = PathBuf::from("/crate/src");
    let lib = "pub use workspace::{Counts, Workspace};\npub(crate) use tasks::run;\nuse linked::Sync;\nmod store;";
    let check = |path: &str, text: &str| -> Vec<String> {
        violations(&src, &[(src.join("lib.rs"), lib.to_string()), (src.join(path), text.to_string())])
    };
    for (text, reached) in [
        ("use crate::workspace as w;", "workspace"),
        ("use crate::Workspace as W;", "workspace"),
        ("use crate::{data::{a, b}, tasks::*};", "tasks"),
        ("fn f() -> crate::reuse::X { todo!() }", "reuse"),
        ("fn f() { let x = crate::run(); }", "tasks"),
        ("fn f() { use crate::Sync; }", "linked"),
        ("fn f() { format!(\"{}\", crate::copy::X); }", "copy"),
        ("use super::super::edit::Y;", "edit"),
        ("fn f() -> super::super::access::Z { todo!() }", "access"),
    ] {
        let found = check("store/links.rs", text);
        assert!(
            found.len() == 1 && found[0].ends_with(&format!("uses `{reached}` (layer {})", layer(reached).unwrap())),
            "{text}: {found:?}"
        );
    }
    for text in [
        "// crate::workspace in a comment\nfn f() {}",
        "fn f() { let s = \"crate::workspace in a string\"; }",
        "#[cfg(test)]\nmod tests { use crate::workspace::X; }",
        "struct S;\nimpl S {\n    #[cfg(test)]\n    fn t() { crate::workspace::x(); }\n}",
        "use super::course_fields::X;",
        "use crate::data::X;\nuse crate::store::Y;",
    ] {
        assert!(check("store/links.rs", text).is_empty(), "{text}");
    }
    // The file of a test-only module may use any layer.
    let sources = [
        (src.join("lib.rs"), lib.to_string()),
        (src.join("store/mod.rs"), "#[cfg(test)]\nmod tests;".to_string()),
        (src.join("store/tests.rs"), "use crate::Workspace;".to_string()),
    ];
    assert!(violations(&src, &sources).is_empty());
}
