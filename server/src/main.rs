//! `coursecopy-server`: see the crate docs and `--help`.

use clap::Parser;
use coursecopy_server::CheckVerdict;
use coursecopy_server::app::App;
use coursecopy_server::config::{Command, Config};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    if let Some(Command::Check { data }) = &config.command {
        return match coursecopy_server::check_data_file(&config, data) {
            Ok((report, verdict)) => {
                println!("{report}");
                match verdict {
                    CheckVerdict::Whole => ExitCode::SUCCESS,
                    CheckVerdict::Damaged => ExitCode::FAILURE,
                    CheckVerdict::NotChecked => ExitCode::from(3),
                }
            }
            Err(e) => {
                eprintln!("coursecopy-server check: {e}");
                ExitCode::from(2)
            }
        };
    }
    let level = config.log.parse().unwrap_or(tracing::Level::INFO);
    // Logs go to stderr, coloured only on a terminal: stdout carries the
    // banner a script reads.
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    // The address first: a start that cannot listen changes no data file.
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("coursecopy-server: cannot listen on {}: {e}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    let app = match App::new(config.clone()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("coursecopy-server: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().map_or(config.listen, |a| a);
    print_banner(&app, address);
    match coursecopy_server::serve(app, listener, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("coursecopy-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_banner(app: &coursecopy_server::app::SharedApp, address: std::net::SocketAddr) {
    println!("coursecopy-server listening on http://{address}");
    match &app.config.data {
        Some(path) => {
            let made = match (app.created_data_file, &app.config.import) {
                (true, Some(import)) => format!("made now, from {}", import.display()),
                (true, None) => "made now, from the demo".to_string(),
                (false, Some(_)) => "existing, checked; --import is read only to make a new data file".to_string(),
                (false, None) => "existing, checked".to_string(),
            };
            println!("data: {} ({made}; answered changes survive a crash)", path.display());
        }
        None => println!("data: in memory only (start with --data FILE to keep changes)"),
    }
    println!("app keys (key / secret -> user):");
    for k in &app.keys {
        println!("  {} / {} -> {}", k.key, k.secret, k.user);
    }
    println!("Canvas access tokens (token -> user), for /api/v1/:");
    for t in &app.canvas_tokens {
        println!("  {} -> {}", t.token, t.user);
    }
    println!("admin token (for /_coursecopy/): {}", app.admin_token);
    if let Some(k) = app.keys.first() {
        println!("try:");
        println!(
            "  curl -s -u {}:{} -d grant_type=client_credentials http://{address}/learn/api/public/v1/oauth2/token",
            k.key, k.secret
        );
    }
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
