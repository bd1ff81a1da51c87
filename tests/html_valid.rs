//! The Nu HTML checker (npm `vnu-jar`, run with the machine's `java`)
//! reports no errors on any public page: each is saved to a temporary dir
//! and vnu checks them all in one JVM start.

mod common;
use common::Server;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the one vnu run may take before it is killed.
const VNU_TIMEOUT: Duration = Duration::from_secs(180);

/// `$VNU_JAR` (CI sets it to where npm put the jar), else the usual places.
/// `Err` names what is missing.
fn vnu_jar() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("VNU_JAR") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("vnu.jar (VNU_JAR={} does not exist)", path.display()))
        };
    }
    let tail = "node_modules/vnu-jar/build/dist/vnu.jar";
    [Path::new("/opt/vnu").join(tail), Path::new(env!("CARGO_MANIFEST_DIR")).join(tail)]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| format!("vnu.jar (npm vnu-jar; set VNU_JAR or install /opt/vnu/{tail})"))
}

fn java_works() -> bool {
    Command::new("java")
        .arg("-version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn every_public_page_is_valid_html() {
    if !common::require_tool(java_works(), "java") {
        return;
    }
    let jar = match vnu_jar() {
        Ok(jar) => jar,
        Err(what) => {
            common::require_tool(false, &what);
            return;
        }
    };

    let server = Server::start();
    let mut pages: Vec<(&str, u16, common::Response)> = Vec::new();
    for (name, path, status) in [
        ("letter", "/", 200),
        ("privacy", "/privacy", 200),
        ("withdraw-form", "/withdraw", 200),
        ("search-found", "/signatories?q=amnesty", 200),
        ("search-empty-query", "/signatories?q=", 200),
        ("search-nothing-found", "/signatories?q=zzzqqq", 200),
        ("list-individuals", "/signatories/individual?page=1", 200),
        ("list-organisations-2", "/signatories/organization?page=2", 200),
        ("list-companies", "/signatories/company?page=1", 200),
        ("not-found", "/no-such-page", 404),
    ] {
        pages.push((name, status, server.get(path)));
    }
    let thanks = server.sign("Ada Lovelace", "individual", &[("country", "UK")]);
    let code = thanks.withdrawal_code();
    pages.push(("thank-you", 200, thanks));
    pages.push(("thank-you-pending", 200, server.sign("Digital Freedom Collective", "organization", &[])));
    pages.push(("sign-refused-empty-name", 400, server.sign("", "individual", &[])));
    pages.push((
        "sign-refused-bad-token",
        400,
        server.sign("Grace Hopper", "individual", &[("token", "forged")]),
    ));
    pages.push(("withdrawn", 200, server.post_form("/withdraw", &[("code", &code)])));
    pages.push(("withdraw-unknown-code", 404, server.post_form("/withdraw", &[("code", &code)])));
    pages.push((
        "method-not-allowed",
        405,
        server.request(b"DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    ));

    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, status, response) in &pages {
        assert_eq!(response.status, *status, "{name}: {}", response.body);
        assert!(
            response.header("content-type").is_some_and(|t| t.starts_with("text/html")),
            "{name} is not text/html"
        );
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, &response.body).unwrap();
        files.push(file);
    }

    let out = dir.path().join("vnu.out");
    let mut child = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "text"])
        .args(&files)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(dir.path().join("vnu.err")).unwrap())
        .spawn()
        .expect("start java");
    let deadline = Instant::now() + VNU_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("vnu did not finish within {VNU_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // vnu writes its messages (and "No errors found") to stderr in text
    // format; keep both streams for the report.
    let report = format!(
        "{}{}",
        std::fs::read_to_string(&out).unwrap_or_default(),
        std::fs::read_to_string(dir.path().join("vnu.err")).unwrap_or_default()
    );
    assert!(
        status.success() && !report.to_lowercase().contains("error:"),
        "vnu found errors ({status}) in {} pages:\n{report}",
        files.len()
    );
}
