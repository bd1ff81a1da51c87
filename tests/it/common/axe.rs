//! axe-core (npm `axe-core`, driven in headless Chromium by npm
//! `playwright-core`, run with the machine's `node`): pages are saved to a
//! directory and `tests/a11y/axe.cjs` checks them all in one browser start,
//! in the light and dark schemes, 1280 and 320 pixels wide.

use super::Response;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// How long the one axe run may take before it is killed.
const AXE_TIMEOUT: Duration = Duration::from_secs(300);

/// Where npm put axe-core and playwright-core: `$AXE_DIR` (CI sets it),
/// else `/opt/axe`. `Err` names what is missing.
fn modules() -> Result<PathBuf, String> {
    let dir = std::env::var_os("AXE_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/opt/axe"));
    let modules = dir.join("node_modules");
    for package in ["axe-core", "playwright-core"] {
        if !modules.join(package).join("package.json").is_file() {
            return Err(format!("npm {package} (in {}; set AXE_DIR)", modules.display()));
        }
    }
    Ok(modules)
}

fn node_works() -> bool {
    Command::new("node")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The node modules and the browser when all are there; otherwise `None`
/// after [`super::require_tool`] (which fails the test under CI).
pub fn require_axe() -> Option<(PathBuf, PathBuf)> {
    if !super::require_tool(node_works(), "node") {
        return None;
    }
    let chromium = super::browser::require_chromium()?;
    match modules() {
        Ok(modules) => Some((modules, chromium)),
        Err(what) => {
            super::require_tool(false, &what);
            None
        }
    }
}

/// Saves each page (checking its status) as `{name}.html` under
/// `axe-{suite}/` in Cargo's target tmp dir and asserts that axe finds no
/// WCAG 2.2 A or AA violation on any, printing what it found if it does.
pub fn assert_accessible(
    axe: &(PathBuf, PathBuf),
    suite: &str,
    pages: &[(impl std::fmt::Display, u16, Response)],
) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("axe-{suite}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, status, response) in pages {
        assert_eq!(response.status, *status, "{name}: {}", response.body);
        let file = dir.join(format!("{name}.html"));
        // The bytes as sent, isolation marks and all.
        std::fs::write(&file, &response.marked).unwrap();
        files.push(file);
    }
    let (ok, report) = run_script(axe, "axe.cjs", &files, &dir);
    assert!(ok, "axe found problems on the {suite} pages ({}):\n{report}", dir.display());
    eprintln!("{}", report.lines().last().unwrap_or_default());
}

/// Runs `tests/a11y/{script}` with node over `args`, with playwright-core
/// and axe-core from the modules `require_axe` found, its output kept in
/// `dir`; whether it exited 0, and what it printed.
pub fn run_script(axe: &(PathBuf, PathBuf), script: &str, args: &[PathBuf], dir: &Path) -> (bool, String) {
    let (modules, chromium) = axe;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/a11y").join(script);
    let (out, err) = (dir.join("node.out"), dir.join("node.err"));
    let _heavy = super::heavy::shared();
    let mut child = Command::new("node")
        .arg(&script)
        .args(args)
        .env("NODE_PATH", modules)
        .env("CHROMIUM", chromium)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        // Its own process group, so a timeout stops the browser too.
        .process_group(0)
        .spawn()
        .expect("start node");
    let status = super::wait_at_most(&mut child, AXE_TIMEOUT, |c| {
        let _ = Command::new("kill").args(["-KILL", &format!("-{}", c.id())]).status();
    });
    let report = format!(
        "{}{}",
        std::fs::read_to_string(&out).unwrap_or_default(),
        std::fs::read_to_string(&err).unwrap_or_default()
    );
    let status =
        status.unwrap_or_else(|| panic!("{} did not finish in {AXE_TIMEOUT:?}:\n{report}", script.display()));
    (status.success(), report)
}
