//! The sharing graph as SVG, laid out in-process from the DOT the
//! library writes (`layout-rs`; no Graphviz needed).
//!
//! Costs: the layout's crossing reduction grows fast with the graph's
//! size (about 0.3 s for 200 nodes, minutes for 2,000, measured in a
//! release build), so graphs past [`OPTIMISED_UP_TO`] nodes are laid out
//! without it: about 2 s for 1,000 courses and their 1,000 learning
//! objects, with more crossed edges. Graphs past [`MAX_NODES`] are not
//! laid out at all (the DOT is still there). [`Layouts`] runs one layout
//! at a time, off the lock, on a blocking thread, and keeps the last SVG
//! until something changes.

use crate::app::SharedApp;
use coursecopy::GraphOptions;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// The most nodes a graph may have for its layout to reduce crossings.
pub const OPTIMISED_UP_TO: usize = 150;

/// The most nodes a graph may have to be laid out.
pub const MAX_NODES: usize = 3_000;

/// Why no SVG came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayoutError {
    /// The graph has more than [`MAX_NODES`] nodes.
    TooLarge {
        /// How many it has.
        nodes: usize,
    },
    /// The DOT could not be read, or the layout failed; in words.
    Failed(String),
}

impl std::fmt::Display for LayoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LayoutError::TooLarge { nodes } => {
                write!(f, "the graph has {nodes} nodes, more than the {MAX_NODES} laid out; its DOT has them all")
            }
            LayoutError::Failed(why) => write!(f, "the graph could not be laid out: {why}"),
        }
    }
}

/// `dot` laid out as an SVG document.
///
/// # Errors
/// DOT the layout cannot read, a graph of more than [`MAX_NODES`] nodes,
/// or a layout that failed (the crate's panics are caught and reported
/// here, never passed on).
pub fn render(dot: &str) -> Result<String, LayoutError> {
    let laid_out = catch_unwind(AssertUnwindSafe(|| {
        let mut parser = layout::gv::DotParser::new(dot);
        let graph = parser.process().map_err(|e| LayoutError::Failed(format!("its DOT could not be read: {e}")))?;
        let mut builder = layout::gv::GraphBuilder::new();
        builder.visit_graph(&graph);
        let mut visual = builder.get();
        let nodes = visual.num_nodes();
        if nodes > MAX_NODES {
            return Err(LayoutError::TooLarge { nodes });
        }
        let mut svg = layout::backends::svg::SVGWriter::new();
        visual.do_it(false, nodes > OPTIMISED_UP_TO, false, &mut svg);
        Ok(svg.finalize())
    }));
    laid_out.unwrap_or_else(|_| Err(LayoutError::Failed("the layout crate panicked".into())))
}

/// A layout and the change count it was made at.
type Kept = Option<(u64, Arc<String>)>;

/// The last layout, and the change count it was made at; its lock lets
/// one layout run at a time.
#[derive(Default)]
pub struct Layouts {
    last: Arc<tokio::sync::Mutex<Kept>>,
}

impl Layouts {
    /// The sharing graph of `app`'s model as SVG: the last layout if
    /// nothing changed since, else a new one, once any layout running now
    /// has ended. The layout runs in a task of its own, which holds the
    /// lock until it ends even if the caller goes away, so a client that
    /// hangs up cannot start a second one beside it.
    ///
    /// # Errors
    /// As [`render`], and a layout task that could not be joined.
    pub async fn sharing_graph(&self, app: &SharedApp) -> Result<Arc<String>, LayoutError> {
        let (last, app) = (self.last.clone(), app.clone());
        let layout = tokio::spawn(async move {
            let mut last = last.lock().await;
            let changes = app.lock().pulse_now().changes;
            if let Some((at, svg)) = last.as_ref()
                && *at == changes
            {
                return Ok(svg.clone());
            }
            // The DOT and the count it is laid out at are read together.
            let (changes, dot) = {
                let state = app.lock();
                (state.pulse_now().changes, state.model.ws.sharing_graph(GraphOptions::new().library(true)))
            };
            let svg = tokio::task::spawn_blocking(move || render(&dot))
                .await
                .map_err(|e| LayoutError::Failed(e.to_string()))??;
            let svg = Arc::new(svg);
            *last = Some((changes, svg.clone()));
            Ok(svg)
        });
        layout.await.map_err(|e| LayoutError::Failed(e.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A graph past the cap is refused before any layout; DOT the parser
    /// refuses is an error, not a panic; a small graph lays out with its
    /// labels escaped.
    #[test]
    fn large_graphs_are_refused_and_bad_dot_is_an_error() {
        let mut dot = String::from("digraph g {\n");
        for n in 0..=MAX_NODES {
            dot.push_str(&format!("  n{n} [label=\"{n}\"];\n"));
        }
        dot.push('}');
        assert_eq!(render(&dot), Err(LayoutError::TooLarge { nodes: MAX_NODES + 1 }));
        assert!(matches!(render("digraph { a -> ; }"), Err(LayoutError::Failed(_))));
        let svg = render("digraph { a [label=\"<b>&\"]; a -> b; }").unwrap();
        assert!(svg.contains("&lt;b&gt;&amp;") && !svg.contains("<b>"));
    }
}
