//! The sharing graph as SVG, laid out in-process from the DOT the
//! library writes (`layout-rs`; no Graphviz needed).
//!
//! Costs: the layout's crossing reduction grows fast with the graph's
//! size (about 0.3 s for 200 nodes, minutes for 2,000, measured in a
//! release build), so graphs past [`OPTIMISED_UP_TO`] nodes are laid out
//! without it: about 2 s for 1,000 courses and their 1,000 learning
//! objects, with more crossed edges. The layout runs off the lock, on a
//! blocking thread.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// The most nodes a graph may have for its layout to reduce crossings.
pub const OPTIMISED_UP_TO: usize = 150;

/// `dot` laid out as an SVG document.
///
/// # Errors
/// DOT the layout cannot read, or a layout that failed (the crate's
/// panics are caught and reported here, never passed on).
pub fn render(dot: &str) -> Result<String, String> {
    let nodes =
        dot.lines().filter(|l| l.contains('[') && !l.contains("->") && !l.trim_start().starts_with("node")).count();
    let optimise = nodes <= OPTIMISED_UP_TO;
    let laid_out = catch_unwind(AssertUnwindSafe(|| {
        let mut parser = layout::gv::DotParser::new(dot);
        let graph = parser.process()?;
        let mut builder = layout::gv::GraphBuilder::new();
        builder.visit_graph(&graph);
        let mut visual = builder.get();
        let mut svg = layout::backends::svg::SVGWriter::new();
        visual.do_it(false, !optimise, false, &mut svg);
        Ok::<String, String>(svg.finalize())
    }));
    match laid_out {
        Ok(Ok(svg)) => Ok(svg),
        Ok(Err(e)) => Err(format!("the graph's DOT could not be read: {e}")),
        Err(_) => Err("the graph could not be laid out".to_string()),
    }
}
