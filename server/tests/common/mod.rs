//! Starts the server in-process on an ephemeral port, and the HTTP helpers
//! the tests share.
#![allow(dead_code)]

use axum::serve::ListenerExt;
use clap::Parser;
use coursecopy_server::app::App;
use coursecopy_server::config::Config;
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const V1: &str = "/learn/api/public/v1";
pub const V3: &str = "/learn/api/public/v3";

/// A server running in this process.
pub struct Server {
    pub base: String,
    pub admin: String,
    pub client: Client,
    /// TCP connections it accepted so far.
    pub connections: Arc<AtomicUsize>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// Starts a server with these flags (besides `--listen`).
pub async fn start(flags: &[&str]) -> Server {
    let mut args = vec!["coursecopy-server", "--listen", "127.0.0.1:0", "--admin-token", "test-admin"];
    args.extend_from_slice(flags);
    let config = Config::parse_from(args);
    let app = App::new(config).expect("the server starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let listener = listener.tap_io(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let done = tokio::spawn(coursecopy_server::serve(app, listener, async move {
        let _ = rx.await;
    }));
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Server { base, admin: "test-admin".into(), client, connections, stop: Some(tx), done: Some(done) }
}

impl Server {
    /// Stops it gracefully, and waits.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(done) = self.done.take() {
            done.await.unwrap().unwrap();
        }
    }

    /// The URL of `path` on this server; an absolute URL (one the server
    /// wrote, such as Canvas's `progress_url`) as it is.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") { path.to_string() } else { format!("{}{path}", self.base) }
    }

    /// A form request, as canvasapi sends its keyword arguments: status
    /// and JSON body.
    pub async fn form(
        &self,
        method: Method,
        path: &str,
        token: &str,
        fields: &[(&str, String)],
    ) -> (StatusCode, Value) {
        read(self.client.request(method, self.url(path)).bearer_auth(token).form(fields).send().await.unwrap()).await
    }

    /// A bearer token for a demo key.
    pub async fn token(&self, key: &str) -> String {
        let secret = key.replace("-key", "-secret");
        let r = self
            .client
            .post(self.url(&format!("{V1}/oauth2/token")))
            .basic_auth(key, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_string()
    }

    /// A request with a bearer token and, if given, a JSON body.
    pub async fn call(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Response {
        let mut r = self.client.request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }

    /// A request with a raw body of the given content type, as a client
    /// that writes its own JSON sends it.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: &str,
    ) -> (StatusCode, Value) {
        let r = self.client.request(method, self.url(path)).bearer_auth(token).header("content-type", content_type);
        read(r.body(body.to_string()).send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        read(self.call(Method::GET, path, token, None).await).await
    }

    /// A test control.
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        read(self.call(method, path, &self.admin.clone(), body).await).await
    }

    /// Resets the server to `ws`, through the reset control.
    pub async fn reset_to(&self, ws: &coursecopy::Workspace) {
        let saved = serde_json::to_vec(ws).unwrap();
        let r =
            self.client.post(self.url("/_coursecopy/reset")).bearer_auth(&self.admin).body(saved).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }

    /// Polls a task's Location until it answers other than 200; gives
    /// that answer.
    pub async fn poll(&self, location: &str, token: &str) -> Response {
        for _ in 0..2000 {
            let r = self.call(Method::GET, location, token, None).await;
            if r.status() != StatusCode::OK {
                return r;
            }
            let body: Value = r.json().await.unwrap();
            if body["status"] == "Incomplete" {
                panic!("the task ended Incomplete: {body}");
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        panic!("{location} never ended");
    }
}

/// Status and JSON body (null when there is none).
pub async fn read(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub fn location(r: &Response) -> String {
    r.headers().get("location").expect("a Location header").to_str().unwrap().to_string()
}

/// Asserts a Learn error body with this status.
pub fn assert_error(status: StatusCode, body: &Value, want: StatusCode) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["status"], want.as_u16().to_string(), "{body}");
    assert!(body["message"].is_string(), "{body}");
}

/// The server binary, running as a child process; killed when dropped, so
/// that a failing test leaves no server behind.
pub struct Process {
    pub child: Child,
    pub base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with `args` (besides `--listen`) and waits for its
/// address line; stderr goes to the test's.
pub fn spawn_binary(args: &[&str]) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coursecopy-server"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").unwrap();
    let base = first.rsplit(' ').next().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{first}");
    // Keep reading so that the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Process { child, base }
}

/// A path in the temporary folder no other test uses.
pub fn temp_path(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    std::env::temp_dir().join(format!("coursecopy-{name}-{}-{nanos}.db", std::process::id()))
}

/// The file beside `path` with `suffix` added to its name.
pub fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a data file and its SQLite sidecars.
pub fn remove_data_file(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(path, suffix));
    }
}

/// A bearer token for the demo's author key, from a server at `base`.
pub async fn author_token(client: &Client, base: &str) -> String {
    let r = client
        .post(format!("{base}{V1}/oauth2/token"))
        .basic_auth("author-key", Some("author-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_string()
}

/// Runs `command` to its end, its output read as it comes; kills it, and
/// on Unix every process it started, and fails the test if it runs longer
/// than `limit`.
pub fn run_at_most(command: &mut Command, limit: std::time::Duration) -> Output {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the command starts");
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = reader(Box::new(child.stdout.take().unwrap()));
    let stderr = reader(Box::new(child.stderr.take().unwrap()));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            #[cfg(unix)]
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.kill();
            panic!("{command:?} ran longer than {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

/// Canvas's objects as the server writes them, closed JSON schemas
/// (`tests/canvas/schemas.json`, written from `canvas/API.md`).
pub const CANVAS_SCHEMAS: &str = include_str!("../canvas/schemas.json");

/// Checks `body` against the Canvas schema `definition`.
pub fn conforms(definition: &str, body: &Value) {
    let defs: Value = serde_json::from_str(CANVAS_SCHEMAS).unwrap();
    let schema = serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": defs["definitions"],
        "$ref": format!("#/definitions/{definition}"),
    });
    let validator = jsonschema::options().build(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{body} does not match {definition}: {errors:?}");
}
