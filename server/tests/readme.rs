//! The README's server section runs as written: its `sh` blocks, top to
//! bottom in one `bash`, against the binary, and every `# =>` line it
//! promises matches what the command before it printed (`...` stands for
//! any text). So the README cannot drift from the server.
//!
//! What the test changes, and only this: `cargo run -p coursecopy-server
//! -- ARGS` starts the binary under test in the background (on a port the
//! system picks, whose address replaces `127.0.0.1:9876` everywhere in
//! the section), the blocks run in an empty temporary folder, and `curl`
//! uses no proxy.

mod common;
use common::run_at_most;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const SECTION: &str = "## Run the Learn-compatible server";
const ADDRESS: &str = "127.0.0.1:9876";
const MARK: &str = "@@readme step@@";

/// One stretch of a block: the script lines since the last check, and the
/// output promised for them.
struct Step {
    script: Vec<String>,
    promised: Vec<String>,
}

/// The `sh` blocks of the server section, cut into steps at each run of
/// `# =>` lines.
fn steps(readme: &str) -> Vec<Step> {
    let start = readme.find(SECTION).expect("the README has a server section");
    let rest = &readme[start + SECTION.len()..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut steps = Vec::new();
    let mut in_block = false;
    for line in section.lines() {
        match (in_block, line.trim_end()) {
            (false, "```sh") => {
                in_block = true;
                steps.push(Step { script: Vec::new(), promised: Vec::new() });
            }
            (true, "```") => in_block = false,
            (true, line) => {
                let step = steps.last_mut().expect("inside a block");
                match line.strip_prefix("# => ") {
                    Some(promise) => step.promised.push(promise.to_string()),
                    None if !step.promised.is_empty() => {
                        steps.push(Step { script: vec![line.to_string()], promised: Vec::new() })
                    }
                    None => step.script.push(line.to_string()),
                }
            }
            _ => {}
        }
    }
    steps
}

/// Whether `text` matches `pattern`, where `...` stands for any text.
fn matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == text;
    }
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// The bash that runs before the README's lines: `cargo run -p
/// coursecopy-server -- ARGS` becomes the binary under test, in the
/// background on a port the system picks (its address then in
/// `$COURSECOPY_ADDRESS`), waited for until it listens; every server
/// started is stopped at the end.
fn prelude() -> String {
    let binary = env!("CARGO_BIN_EXE_coursecopy-server");
    format!(
        r#"exec 2>&1
export no_proxy='*' NO_PROXY='*'
trap 'kill $(jobs -p) 2>/dev/null' EXIT
cargo() {{
  if [ "$1 $2 $3 $4" != "run -p coursecopy-server --" ]; then echo "the README runs: cargo $*"; return 1; fi
  shift 4
  "{binary}" --listen 127.0.0.1:0 --log warn "$@" > server.out 2>&1 &
  for _ in $(seq 200); do
    COURSECOPY_ADDRESS=$(sed -n 's|^coursecopy-server listening on http://||p' server.out)
    [ -n "$COURSECOPY_ADDRESS" ] && return 0
    sleep 0.05
  done
  cat server.out; return 1
}}
"#
    )
}

/// A folder removed when the test ends, passed or not.
struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn readme_server_section_runs_as_written() {
    let readme_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let steps = steps(&readme);
    assert!(steps.len() >= 10, "the section's blocks, cut at each promise: {}", steps.len());
    assert!(steps[0].script.iter().any(|l| l.starts_with("cargo run -p coursecopy-server")), "it starts the server");

    let mut script = prelude();
    for step in &steps {
        script.push_str(&format!("echo '{MARK}'\n"));
        for line in &step.script {
            script.push_str(&line.replace(ADDRESS, "$COURSECOPY_ADDRESS"));
            script.push('\n');
        }
    }
    let folder = Folder(std::env::temp_dir().join(format!("coursecopy-readme-{}", std::process::id())));
    std::fs::create_dir_all(&folder.0).unwrap();
    let run = run_at_most(Command::new("bash").arg("-c").arg(&script).current_dir(&folder.0), Duration::from_secs(120));
    let output = String::from_utf8_lossy(&run.stdout).to_string();
    let banner = std::fs::read_to_string(folder.0.join("server.out")).unwrap_or_default();
    let address = banner.lines().next().and_then(|l| l.strip_prefix("coursecopy-server listening on http://"));
    let address = address.unwrap_or_else(|| panic!("the server's banner: {banner}\n{output}"));
    let printed: Vec<&str> = output.split(&format!("{MARK}\n")).skip(1).collect();
    assert_eq!(printed.len(), steps.len(), "every step ran:\n{output}");
    let mut checked = 0;
    for (step, printed) in steps.iter().zip(printed) {
        let promised = step.promised.join("\n").replace(ADDRESS, address);
        let printed = printed.trim_end();
        assert!(
            matches(&promised, printed),
            "README:\n{}\npromises:\n{promised}\nbut printed:\n{printed}",
            step.script.join("\n")
        );
        checked += step.promised.len();
    }
    assert!(checked >= 10, "{checked} promised lines checked");
}

#[test]
fn the_wildcard_matches_what_it_says() {
    assert!(matches("{...\"id\":\"_4_1\",...}", "{\"a\":1,\"id\":\"_4_1\",\"b\":2}"));
    assert!(matches("abc", "abc"));
    assert!(!matches("abc", "abcd"));
    assert!(!matches("a...c", "ab"));
    assert!(matches("a...b...c", "a1b2c"));
    assert!(!matches("a...b...c", "a1c2b"));
    assert!(matches("", ""));
}
