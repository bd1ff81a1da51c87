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

#[test]
fn a_link_planted_where_a_snapshot_is_written_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "mine").unwrap();
    // The names the temporary files had, beside the output.
    for planted in [".snap.json.part", ".snap.json.minisig.part"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(planted)).unwrap();
    }
    let out = run_in(dir.path(), &["--data", "data", "snapshot", "--out", "snap.json"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine", "the link was followed");
    for written in ["snap.json", "snap.json.minisig"] {
        let meta = std::fs::symlink_metadata(dir.path().join(written)).unwrap();
        assert!(meta.file_type().is_file(), "{written} is a plain file");
        assert_eq!(meta.permissions().mode() & 0o777, 0o644, "{written} is public data");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.ends_with(".part")
                && !n.starts_with(".snap.json.part")
                && !n.starts_with(".snap.json.minisig.part")
        })
        .collect();
    assert_eq!(left, Vec::<String>::new(), "no temporary file is left behind");
}

#[test]
fn a_link_planted_where_a_static_export_works_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep.txt"), "mine").unwrap();
    // `exec` keeps the shell's process id: the planted name is the one
    // the export's working dir had, `.undersign-export-PID`.
    let out = Command::new("sh")
        .args([
            "-c",
            "umask 022; ln -s elsewhere .undersign-export-$$ && exec \"$0\" \"$@\"",
            common::binary(),
            "--data",
            "data",
            "export-static",
            "site",
            "--origin",
            "http://example.onion",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let links: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".undersign-export-"))
        .collect();
    assert_eq!(links.len(), 1, "the planted link is left alone, the working dir is gone: {links:?}");
    assert!(std::fs::symlink_metadata(&links[0]).unwrap().file_type().is_symlink());
    let kept: Vec<_> = std::fs::read_dir(&elsewhere).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(kept, vec![std::ffi::OsString::from("keep.txt")]);
    assert!(dir.path().join("site/index.html").is_file());
}
