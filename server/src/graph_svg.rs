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
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

/// The most nodes a graph may have for its layout to reduce crossings.
pub const OPTIMISED_UP_TO: usize = 150;

/// The most nodes a graph may have to be laid out.
pub const MAX_NODES: usize = 3_000;

/// `dot` laid out as an SVG document.
///
/// # Errors
/// DOT the layout cannot read, a graph of more than [`MAX_NODES`] nodes,
/// or a layout that failed (the crate's panics are caught and reported
/// here, never passed on).
pub fn render(dot: &str) -> Result<String, String> {
    let laid_out = catch_unwind(AssertUnwindSafe(|| {
        let mut parser = layout::gv::DotParser::new(dot);
        let graph = parser.process().map_err(|e| format!("the graph's DOT could not be read: {e}"))?;
        let mut builder = layout::gv::GraphBuilder::new();
        builder.visit_graph(&graph);
        let mut visual = builder.get();
        let nodes = visual.num_nodes();
        if nodes > MAX_NODES {
            return Err(format!(
                "the graph has {nodes} nodes, more than the {MAX_NODES} laid out; its DOT has them all"
            ));
        }
        let mut svg = layout::backends::svg::SVGWriter::new();
        visual.do_it(false, nodes > OPTIMISED_UP_TO, false, &mut svg);
        Ok(svg.finalize())
    }));
    laid_out.unwrap_or_else(|_| Err("the graph could not be laid out".to_string()))
}

/// The last layout, and the change count it was made at; its lock lets
/// one layout run at a time.
#[derive(Default)]
pub struct Layouts {
    last: tokio::sync::Mutex<Option<(u64, Arc<String>)>>,
}

impl Layouts {
    /// The sharing graph of `app`'s model as SVG: the last layout if
    /// nothing changed since, else a new one, once any layout running now
    /// has ended.
    ///
    /// # Errors
    /// As [`render`], and a layout thread that could not be joined.
    pub async fn sharing_graph(&self, app: &SharedApp) -> Result<Arc<String>, String> {
        let mut last = self.last.lock().await;
        let (changes, dot) = {
            let state = app.lock();
            (state.pulse_now().changes, state.model.ws.sharing_graph(coursecopy::GraphOptions::new().library(true)))
        };
        if let Some((at, svg)) = last.as_ref()
            && *at == changes
        {
            return Ok(svg.clone());
        }
        let svg = tokio::task::spawn_blocking(move || render(&dot)).await.map_err(|e| e.to_string())??;
        let svg = Arc::new(svg);
        *last = Some((changes, svg.clone()));
        Ok(svg)
    }
}
