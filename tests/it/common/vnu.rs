//! The Nu HTML checker (npm `vnu-jar`, run with the machine's `java`): pages
//! are saved to a directory and vnu checks them all in one JVM start.

use super::Response;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// How long the one vnu run may take before it is killed.
pub const VNU_TIMEOUT: Duration = Duration::from_secs(180);

/// `$VNU_JAR` (CI sets it to where npm put the jar), else the usual places.
/// `Err` names what is missing.
pub fn vnu_jar() -> Result<PathBuf, String> {
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

pub fn java_works() -> bool {
    Command::new("java")
        .arg("-version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The jar when java and vnu are both there; otherwise `None` after
/// [`super::require_tool`] (which fails the test under CI).
pub fn require_vnu() -> Option<PathBuf> {
    if !super::require_tool(java_works(), "java") {
        return None;
    }
    match vnu_jar() {
        Ok(jar) => Some(jar),
        Err(what) => {
            super::require_tool(false, &what);
            None
        }
    }
}

/// Checks that each page has its expected status and is HTML, saves it as
/// `{name}.html` under `vnu-{suite}/` in Cargo's target tmp dir (kept for
/// reading vnu's line numbers), and asserts that one vnu run over all of
/// them finds no errors, printing vnu's report if it does. Holds the machine
/// [shared](super::heavy::shared) while vnu runs.
pub fn assert_valid(jar: &Path, suite: &str, pages: &[(impl std::fmt::Display, u16, Response)]) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("vnu-{suite}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, status, response) in pages {
        assert_eq!(response.status, *status, "{name}: {}", response.body);
        assert!(
            response.header("content-type").is_some_and(|t| t.starts_with("text/html")),
            "{name} is not text/html"
        );
        let file = dir.join(format!("{name}.html"));
        // The bytes as sent, isolation marks and all.
        std::fs::write(&file, &response.marked).unwrap();
        files.push(file);
    }

    let (out, err) = (dir.join("vnu.out"), dir.join("vnu.err"));
    let _heavy = super::heavy::shared();
    let mut child = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "text"])
        .args(&files)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("start java");
    let finished = super::wait_at_most(&mut child, VNU_TIMEOUT, |c| drop(c.kill()));
    let Some(status) = finished else { panic!("vnu did not finish within {VNU_TIMEOUT:?}") };
    // vnu writes its messages (and "No errors found") to stderr in text
    // format; keep both streams for the report.
    let report = format!(
        "{}{}",
        std::fs::read_to_string(&out).unwrap_or_default(),
        std::fs::read_to_string(&err).unwrap_or_default()
    );
    assert!(
        status.success() && !report.to_lowercase().contains("error:"),
        "vnu found errors ({status}) in {} pages (saved in {}):\n{report}",
        files.len(),
        dir.display()
    );
}
