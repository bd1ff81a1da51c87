//! The command line as an organiser meets it in the first hour: what each
//! command leaves on disk (owner only, from the first byte), what it says,
//! and its exit code.

use crate::common;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `undersign ARGS…` under umask 022 (a usual default, under which a file
/// made with no mode of its own is readable by all), stdin from `input`.
fn run_in(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new("sh")
        .args(["-c", "umask 022; exec \"$0\" \"$@\"", common::binary()])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Every file and dir under `dir` whose mode lets its group or others in.
/// The store's dir (`DATA/store`) is the store's to make owner only, and
/// its own test's to check: it is left out here.
fn readable_by_others(dir: &Path) -> Vec<String> {
    let mut open = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        if path.parent() == Some(dir) && path.ends_with("store") {
            continue;
        }
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.permissions().mode() & 0o077 != 0 {
            open.push(format!("{:o} {}", meta.permissions().mode() & 0o777, path.display()));
        }
        if meta.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        }
    }
    open
}

const PASSPHRASE: &str = "correct horse battery staple";

#[test]
fn every_command_makes_the_data_dir_owner_only_from_the_first_byte() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("names.txt"), "Ada Lovelace\n").unwrap();
    let commands: [(&str, &[&str], &str); 7] = [
        ("import --kind", &["import", "--kind", "individual", "names.txt"], ""),
        ("admin passphrase", &["admin", "passphrase", "--moderator", "alice"], PASSPHRASE),
        ("snapshot", &["snapshot", "--out", "snap.json"], ""),
        ("export-static", &["export-static", "site", "--origin", "http://example.onion"], ""),
        ("pending", &["pending"], ""),
        ("export", &["export"], ""),
        ("approve", &["approve", "1"], ""),
    ];
    let mut backup = None;
    for (name, args, input) in commands {
        let data = dir.path().join(name.replace(' ', "-"));
        let mut all = vec!["--data", data.to_str().unwrap()];
        all.extend(args);
        let out = run_in(dir.path(), &all, input);
        assert!(data.is_dir(), "{name}: {}", text(&out));
        assert_eq!(readable_by_others(&data), Vec::<String>::new(), "{name}: {}", text(&out));
        if name == "export" {
            backup = Some(out.stdout);
        }
    }
    // Restoring a backup into a new data dir.
    std::fs::write(dir.path().join("backup.json"), backup.unwrap()).unwrap();
    let data = dir.path().join("restored");
    let out = run_in(dir.path(), &["--data", data.to_str().unwrap(), "import", "backup.json"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(readable_by_others(&data), Vec::<String>::new());
}

#[test]
fn serving_makes_the_data_dir_owner_only_from_the_first_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = Command::new("sh")
        .args(["-c", "umask 022; exec \"$0\" \"$@\"", common::binary()])
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains("serving"), "{line}");
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap();
    assert_eq!(readable_by_others(&data), Vec::<String>::new());
}
