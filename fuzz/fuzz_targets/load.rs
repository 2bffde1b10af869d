//! Fuzzes the loader (INT-4, INT-5): any bytes either load into a
//! workspace whose invariants hold, and keep holding once its tasks run,
//! or are refused; never a panic. The corpus starts from a file of each
//! format (`corpus/load/seed.json` of format 1, `seed-format2.json`).
#![no_main]

use coursecopy::Workspace;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut ws) = serde_json::from_slice::<Workspace>(data) {
        assert!(ws.check_integrity().is_ok());
        ws.run_all_tasks();
        assert!(ws.check_integrity().is_ok());
    }
});
