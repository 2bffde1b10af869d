//! The dashboard's files, embedded in the binary: one page, one script,
//! one style sheet.

/// The file named `name` (`""` is the page): its content type and bytes.
pub fn find(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "" | "index.html" => Some(("text/html; charset=utf-8", include_str!("assets/index.html"))),
        "dashboard.js" => Some(("text/javascript; charset=utf-8", include_str!("assets/dashboard.js"))),
        "dashboard.css" => Some(("text/css; charset=utf-8", include_str!("assets/dashboard.css"))),
        _ => None,
    }
}
