//! The background runner (SRV-8): a thread that drives the library's
//! budgeted task steps (LMS-5) off the request path. Each step holds the
//! lock for a bounded budget of work, so handlers never wait behind a
//! copy. `--units-per-second` throttles it; 0 runs as fast as it can.

use crate::app::SharedApp;
use coursecopy::Timestamp;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// Units one unthrottled step does: well under a millisecond of work in a
/// release build.
pub const UNTHROTTLED_STEP: u64 = 256;

/// How often a throttled runner steps.
const TICK: Duration = Duration::from_millis(10);

/// Starts the runner; it stops when `stop` is set (and the condvar woken).
pub fn spawn(app: SharedApp, stop: Arc<AtomicBool>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name("copy-runner".into()).spawn(move || run(&app, &stop))
}

fn run(app: &SharedApp, stop: &AtomicBool) {
    let per_second = app.config.units_per_second;
    let budget = if per_second == 0 { UNTHROTTLED_STEP } else { (per_second / 100).max(1) };
    let mut state = app.lock();
    while !stop.load(Ordering::Relaxed) {
        if state.runner.paused || state.model.unfinished() == 0 {
            state = app.wake.wait_timeout(state, Duration::from_millis(100)).map_or_else(|e| e.into_inner().0, |r| r.0);
            continue;
        }
        state.step(budget, Timestamp::now());
        drop(state);
        if per_second == 0 {
            std::thread::yield_now();
        } else {
            std::thread::sleep(TICK);
        }
        state = app.lock();
    }
}
