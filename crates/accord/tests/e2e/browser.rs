//! The browser tests: the real `accord serve` on loopback, driven through Debian's Chromium by
//! `tests/browser/flows.mjs` (playwright-core, axe-core). This test creates the accounts, starts
//! the server, runs the flows and fails if they fail or if axe finds a violation.
//!
//! Skipped (and saying so) when Chromium or the npm packages are not installed, unless
//! `ACCORD_REQUIRE_BROWSER=1` (set by `scripts/test`, which installs both).

use crate::harness::accord_binary;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The accounts of the flows: (sign-in name, display name, role).
const ACCOUNTS: &[(&str, &str, &str)] = &[
    ("sgen", "Secretary-General", "secretariat"),
    ("amina", "Amina Diallo", "mediator"),
    ("harbour", "Grace Ho, Harbour Trading Ltd", "party-user"),
    ("indah", "Budi Santoso, PT Indah Logistik", "party-user"),
    ("arcadia", "Focal point, Republic of Arcadia", "party-user"),
    ("borealia", "Focal point, Kingdom of Borealia", "party-user"),
    (
        "caledonia",
        "Legal adviser, Republic of Caledonia",
        "party-user",
    ),
];

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Stops the server when the test ends, whatever happens.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn flows_in_chromium_and_axe_on_every_page_in_every_language() {
    let root = repo_root();
    let browser_dir = root.join("tests/browser");
    let chromium = std::env::var("ACCORD_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = Path::new(&chromium).exists()
        && browser_dir.join("node_modules/playwright-core").is_dir()
        && browser_dir
            .join("node_modules/@axe-core/playwright")
            .is_dir();
    if !ready {
        assert!(
            std::env::var("ACCORD_REQUIRE_BROWSER").is_err(),
            "the browser tests must run: install chromium and `npm ci` in tests/browser (scripts/test does both)"
        );
        eprintln!(
            "SKIPPED browser::flows_in_chromium_and_axe_on_every_page_in_every_language: chromium or tests/browser/node_modules missing"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut passwords = serde_json::Map::new();
    for (name, display, role) in ACCOUNTS {
        let password = format!("{name} walks by the harbour at dawn");
        let mut c = accord_binary()
            .args(["admin", "create-user", "--data"])
            .arg(&data)
            .args([
                "--username",
                name,
                "--display-name",
                display,
                "--role",
                role,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        passwords.insert((*name).to_owned(), password.into());
    }
    let mut child = accord_binary()
        .args(["serve", "--data"])
        .arg(&data)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("the server exited early").unwrap();
        if let Some(a) = line.strip_prefix("Accord is listening on http://") {
            break a.trim().to_owned();
        }
    };
    // Keep reading the server's output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let artifacts = std::env::var("ACCORD_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target/browser-artifacts"));
    let out = Command::new("node")
        .arg(browser_dir.join("flows.mjs"))
        .current_dir(&browser_dir)
        .env("ACCORD_BASE", format!("http://{addr}"))
        .env(
            "ACCORD_USERS",
            serde_json::Value::Object(passwords).to_string(),
        )
        .env("ACCORD_ARTIFACTS", &artifacts)
        .env("ACCORD_CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    drop(server);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    println!("screenshots in {}", artifacts.display());
    assert!(
        out.status.success(),
        "the browser flows failed:\n{stdout}\n{stderr}"
    );
    let figure = stdout
        .lines()
        .find(|l| l.starts_with("FIGURE axe "))
        .expect("the flows print the axe figure");
    assert!(figure.ends_with("violations=0"), "{figure}");
}
