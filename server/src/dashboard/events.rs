//! The dashboard's live stream: server-sent events, one `state` event on
//! connecting and one after each burst of changes.
//!
//! A stream costs nothing while nothing changes: it waits on the server's
//! [`Pulse`](crate::app::Pulse). After each event it waits
//! [`EVENT_GAP`] before the next, so a busy server (a copy's every step
//! is a change) sends each open dashboard at most one event a second,
//! each built under the lock once. The stream ends when the server stops.
//!
//! Why a second: a progress bar that moves once a second is live, and
//! each event is built under the lock. It costs little either way: in
//! the `load` example, where with and without dashboards alternate every
//! second, 5 dashboards changed Learn's GET p99 by 0.87 to 1.06 times at
//! one event a second (four runs, idle and under copies, in memory and
//! with `--data`), and by 0.95 to 1.02 at four a second (one run). An
//! earlier form of that example, which measured each condition as two
//! long halves, had put four a second at 1.42 to 1.61 with `--data` under
//! copies. Most likely a few rare slow answers fell unevenly between the
//! halves: the same method swung from 0.52 to 1.77 in memory too.

use super::view;
use crate::app::{Pulse, SharedApp};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::watch;

/// The least time between two events of one stream (see the module's
/// docs for why).
pub const EVENT_GAP: Duration = Duration::from_millis(1000);

/// What one event says: the change count, the runner, the armed faults,
/// the counts, and the jobs.
pub fn snapshot(app: &SharedApp) -> Value {
    let state = app.lock();
    let pulse = state.pulse_now();
    json!({
        "changes": pulse.changes,
        "runnerPaused": state.runner.paused,
        "faults": crate::controls::faults_json(&state.faults),
        "courses": state.model.ws.counts().courses,
        "unfinished": state.model.unfinished(),
        "broken": state.broken,
        "jobs": view::jobs(&state.model),
    })
}

/// `GET /_coursecopy/ui/api/events`.
pub async fn stream(State(app): State<SharedApp>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let pulses = app.subscribe();
    let events = futures_util::stream::unfold((app, pulses, true), |(app, mut pulses, first)| async move {
        if !first && !next_change(&mut pulses).await {
            return None;
        }
        // Marked seen before it is read: a change made while the event is
        // built is in it or brings the next one.
        pulses.borrow_and_update();
        let data = snapshot(&app).to_string();
        Some((Ok(Event::default().event("state").data(data)), (app, pulses, false)))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// Waits [`EVENT_GAP`], then for a change if none came meanwhile; `false`
/// once the server is stopping.
async fn next_change(pulses: &mut watch::Receiver<Pulse>) -> bool {
    if pulses.borrow().closing {
        return false;
    }
    tokio::time::sleep(EVENT_GAP).await;
    if !pulses.has_changed().unwrap_or(false) && pulses.changed().await.is_err() {
        return false;
    }
    !pulses.borrow().closing
}
