//! The server's settings: command-line flags (clap), with the defaults a
//! laptop or CI run wants.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// A Learn-compatible REST server over the coursecopy model.
#[derive(Clone, Debug, Parser)]
#[command(name = "coursecopy-server", version, about)]
pub struct Config {
    /// Something else than serving.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:9876")]
    pub listen: SocketAddr,

    /// The SQLite database that keeps the workspace. Without it the server
    /// runs in memory and forgets everything when it stops. A path where no
    /// file exists gets a new one; an existing file is used only if it
    /// passes the check `coursecopy-server check` makes, and is left as
    /// it was otherwise.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,

    /// A saved workspace (JSON) to start a new database, or an in-memory
    /// run, from, instead of the demo workspace.
    #[arg(long, value_name = "SAVED_JSON")]
    pub import: Option<PathBuf>,

    /// An app key, as `key:secret:user name`; repeat for more. The user
    /// must exist in the workspace. Without any, the demo keys are used.
    #[arg(long = "app-key", value_name = "KEY:SECRET:USER", global = true)]
    pub app_keys: Vec<String>,

    /// A file of app keys, one `key:secret:user name` a line (`#` starts a
    /// comment); read besides any `--app-key`.
    #[arg(long, value_name = "FILE", global = true)]
    pub app_keys_file: Option<PathBuf>,

    /// A Canvas access token and the user it acts as (repeatable; replaces
    /// the demo's Canvas tokens).
    #[arg(long = "canvas-token", value_name = "TOKEN:USER")]
    pub canvas_tokens: Vec<String>,

    /// Canvas routes answer a missing right with 403, as newer Canvas
    /// does, instead of the classic 401 without `WWW-Authenticate`.
    #[arg(long)]
    pub canvas_403_for_rights: bool,

    /// Canvas routes answer throttling with the classic `403 Forbidden
    /// (Rate Limit Exceeded)` instead of 429.
    #[arg(long)]
    pub canvas_403_for_throttling: bool,

    /// The token of the test controls under `/_coursecopy/`. A random one
    /// is made (and printed) if not given.
    #[arg(long, env = "COURSECOPY_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Seconds a bearer token lives.
    #[arg(long, default_value_t = 3600)]
    pub token_ttl: u64,

    /// Requests each app key may make per rate window.
    #[arg(long, default_value_t = 10_000)]
    pub rate_limit: u64,

    /// The rate window, in seconds.
    #[arg(long, default_value_t = 60)]
    pub rate_window: u64,

    /// Copy tasks that may wait or run at once before a copy request gets
    /// 429.
    #[arg(long, default_value_t = 100)]
    pub max_queued: usize,

    /// Copy tasks that run at once (Learn runs 4). It is set in a new
    /// workspace (the demo, an import, a reset); a data file keeps the
    /// limit it was made with, since its journal replays under it.
    #[arg(long, default_value_t = 4)]
    pub max_running: usize,

    /// Copy work units per second (about one page each); 0 runs copies as
    /// fast as the machine allows.
    #[arg(long, default_value_t = 1000)]
    pub units_per_second: u64,

    /// The largest request body, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body: usize,

    /// Journal records between two snapshots of the database, at least.
    /// A snapshot also waits for `--snapshot-work-per-page`.
    #[arg(long, default_value_t = 1000)]
    pub snapshot_every: u64,

    /// Replay work (units of copy work, about a page each) journaled since
    /// the last snapshot, a page of it, before the next is due: a snapshot
    /// costs as much as the workspace is large, so that a growing
    /// workspace is not written ever more often for the same work. 0
    /// leaves it to `--snapshot-every` alone.
    #[arg(long, default_value_t = 8)]
    pub snapshot_work_per_page: u64,

    /// Log level: error, warn, info, debug or trace.
    #[arg(long, default_value = "info")]
    pub log: String,
}

/// What the binary does instead of serving.
#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// Checks a data file as a start would, without starting or writing.
    ///
    /// Prints its schema version, its snapshot's counts, its number of
    /// journal records and the first bad one. Exits with 0 when a start
    /// would use the file, 1 when a start would refuse it (damaged, or no
    /// coursecopy data file), 3 when it could not be checked (missing,
    /// unreadable, or held by a running server). Journal records replay as
    /// the users of the app keys they were written under: give the same
    /// `--app-key` flags the server runs with.
    Check {
        /// The data file.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
    },
}
