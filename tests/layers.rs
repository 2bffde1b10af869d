//! The architecture, held by a test: the modules of `src/` form layers, and
//! a module may use only its own layer and those below it. The test parses
//! every source file with `syn`, reads every `crate::` path in it (in `use`
//! trees, however nested, and in types and expressions), resolves names
//! the crate root re-exports to the module that defines them, and fails on
//! any path that reaches up. Comments and string literals are not code, so
//! they never count. Test-only code (`#[cfg(test)]` items, and the files of
//! `#[cfg(test)] mod x;`) may build its worlds through any layer. A new
//! module must be given a layer here.

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

/// The leaf names of a `use` tree, each with the first segment of its
/// path (the module it comes from), below a `crate::` or at the root.
fn leaves(tree: &syn::UseTree, first: Option<&str>, out: &mut Vec<(String, String)>) {
    match tree {
        syn::UseTree::Path(p) => {
            let head = p.ident.to_string();
            leaves(&p.tree, Some(first.unwrap_or(&head)), out);
        }
        syn::UseTree::Name(n) => out.push((first.unwrap_or("").to_string(), n.ident.to_string())),
        syn::UseTree::Rename(r) => out.push((first.unwrap_or("").to_string(), r.rename.to_string())),
        syn::UseTree::Glob(_) => {}
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| leaves(t, first, out)),
    }
}

/// What `crate::Name` means for each name the crate root re-exports: the
/// module it comes from.
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let file = syn::parse_file(lib).expect("lib.rs parses");
    let mut names = BTreeMap::new();
    for item in &file.items {
        if let syn::Item::Use(u) = item
            && matches!(u.vis, syn::Visibility::Public(_))
        {
            let mut found = Vec::new();
            leaves(&u.tree, None, &mut found);
            for (module, name) in found {
                names.insert(name, module);
            }
        }
    }
    names
}

/// Every module a file's code reaches through `crate::`, test-only code
/// aside; and the files of the test-only modules it declares.
struct Uses<'a> {
    root: &'a BTreeMap<String, String>,
    found: Vec<String>,
    test_modules: Vec<String>,
}

impl Uses<'_> {
    fn module_of(&self, first: &str) -> String {
        self.root.get(first).cloned().unwrap_or_else(|| first.to_string())
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

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if let syn::UseTree::Path(p) = &u.tree
            && p.ident == "crate"
        {
            let mut found = Vec::new();
            leaves(&p.tree, None, &mut found);
            for (first, name) in found {
                let head = if first.is_empty() { name } else { first };
                let module = self.module_of(&head);
                self.found.push(module);
            }
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if segments.next().is_some_and(|s| s.ident == "crate")
            && let Some(second) = segments.next()
        {
            let module = self.module_of(&second.ident.to_string());
            self.found.push(module);
        }
        syn::visit::visit_path(self, path);
    }
}

/// The modules `text` reaches, and its test-only module declarations.
fn uses(text: &str, root: &BTreeMap<String, String>) -> (Vec<String>, Vec<String>) {
    let file = syn::parse_file(text).expect("the file parses");
    let mut visitor = Uses { root, found: Vec::new(), test_modules: Vec::new() };
    visitor.visit_file(&file);
    (visitor.found, visitor.test_modules)
}

/// The top-level module a source file belongs to.
fn module_of(path: &Path, src: &Path) -> String {
    let rel = path.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
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

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let root = root_names(&fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut read = BTreeMap::new();
    let mut test_files = BTreeSet::new();
    for path in &all {
        let (found, test_modules) = uses(&fs::read_to_string(path).unwrap(), &root);
        for name in test_modules {
            test_files.extend(module_files(path, &name));
        }
        read.insert(path.clone(), found);
    }
    let mut broken = Vec::new();
    for (path, found) in read {
        let module = module_of(&path, &src);
        if module == "lib" || test_files.contains(&path) {
            continue;
        }
        let own = layer(&module).unwrap_or_else(|| panic!("module `{module}` has no layer in tests/layers.rs"));
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
    assert!(broken.is_empty(), "modules that reach up a layer:\n{}", broken.join("\n"));
}

/// The checker itself: it sees paths that reach up through a root
/// re-export, a module path or a nested group, and skips comments, string
/// literals and test-only code.
#[test]
fn the_checker_finds_upward_paths_and_skips_what_is_not_code() {
    let root = root_names("pub use workspace::{Counts, Workspace};\npub use data::{Course, Reach};\nmod x;");
    assert_eq!(root.get("Workspace").map(String::as_str), Some("workspace"));
    let text = r#"
        use crate::{Course, tasks::{a::{b, c}, d}, Workspace};
        // crate::linked in a comment
        fn f() -> crate::store::Store { let s = "crate::reuse in a string"; todo!() }
        #[cfg(test)]
        mod tests { use crate::json::X; }
        #[cfg(test)]
        mod more;
    "#;
    let (found, test_modules) = uses(text, &root);
    let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(found, BTreeSet::from(["data", "store", "tasks", "workspace"]));
    assert_eq!(test_modules, ["more"]);
}
