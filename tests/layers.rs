//! The architecture, held by a test: the modules of `src/` form layers, and
//! a module may use only its own layer and those below it. The test reads
//! every `crate::` path in the code (comments aside), resolves names the
//! crate root re-exports to the module that defines them, and fails on any
//! path that reaches up. A new module must be given a layer here.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

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

/// The top-level module a source file belongs to.
fn module_of(path: &Path, src: &Path) -> String {
    let rel = path.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file without comments and string contents, so that docs
/// and messages that mention paths do not count.
fn code(text: &str) -> String {
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// What `crate::Name` means for each name the crate root re-exports: the
/// module it comes from.
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let code = code(lib);
    for stmt in code.split(';') {
        let stmt = stmt.trim();
        let Some(rest) = stmt.strip_prefix("pub use ").or_else(|| stmt.split("pub use ").nth(1)) else { continue };
        let module = rest.split("::").next().unwrap().trim().to_string();
        let list = rest.split_once("::").map_or("", |(_, l)| l);
        for name in list.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|n| !n.is_empty()) {
            names.insert(name.to_string(), module.clone());
        }
    }
    names
}

/// Every module a file reaches through `crate::`.
fn uses(code: &str, root: &BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if rest.starts_with('{') {
            let group = &rest[1..rest.find('}').unwrap_or(rest.len())];
            for name in group.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).filter(|n| !n.is_empty())
            {
                let head = name.split("::").next().unwrap();
                found.push(root.get(head).cloned().unwrap_or_else(|| head.to_string()));
            }
        } else {
            let head: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            found.push(root.get(&head).cloned().unwrap_or(head));
        }
    }
    found
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
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
    let mut broken = Vec::new();
    for path in all {
        let module = module_of(&path, &src);
        if module == "lib" {
            continue;
        }
        let own = layer(&module).unwrap_or_else(|| panic!("module `{module}` has no layer in tests/layers.rs"));
        let text = fs::read_to_string(&path).unwrap();
        for used in uses(&code(&text), &root) {
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

/// The checker itself: it sees a path that reaches up, through a root
/// re-export or a module path, and ignores comments.
#[test]
fn the_checker_finds_upward_paths_and_skips_comments() {
    let root = root_names("pub use workspace::{Counts, Workspace};\npub use data::{Course, Reach};");
    assert_eq!(root.get("Workspace").map(String::as_str), Some("workspace"));
    let found = uses(&code("use crate::{Course, Workspace};\n// crate::tasks\nlet x = crate::store::Store;"), &root);
    assert_eq!(found, ["data", "workspace", "store"]);
}
