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

/// `undersign --data DATA ARGS…` with nothing on stdin.
fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(common::binary()).arg("--data").arg(data).args(args).stdin(Stdio::null()).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn approving_and_rejecting_say_what_was_done_and_an_id_not_pending_fails() {
    let mut server = common::Server::start();
    assert_eq!(server.sign("Digital Freedom Collective", "organization", &[]).status, 200);
    assert_eq!(server.sign("Visit www.example.org now", "organization", &[]).status, 200);
    server.stop();
    let data = server.data.clone();
    let pending = run(&data, &["pending"]);
    assert!(pending.status.success(), "{}", text(&pending));
    let listing = String::from_utf8(pending.stdout).unwrap();
    let id_of = |name: &str| {
        let line = listing.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{name}: {listing}"));
        (line.split('\t').next().unwrap().to_string(), line.to_string())
    };
    let (org, org_line) = id_of("Digital Freedom Collective");
    let (url, url_line) = id_of("www.example.org");
    // Flags in the console's words, nothing in Rust's.
    assert!(url_line.ends_with("\tweb address"), "{url_line:?}");
    assert!(org_line.ends_with('\t'), "no flags, no brackets: {org_line:?}");
    assert!(!listing.contains('[') && !listing.contains("Url"), "{listing}");

    let wrong = run(&data, &["approve", &org, "9999"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stderr(&wrong).contains("no pending signature with id 9999"), "{}", stderr(&wrong));
    let still = String::from_utf8(run(&data, &["pending"]).stdout).unwrap();
    assert!(still.contains("Digital Freedom Collective"), "a wrong id changes nothing: {still}");

    let approved = run(&data, &["approve", &org]);
    assert!(approved.status.success(), "{}", text(&approved));
    assert_eq!(stderr(&approved).trim(), format!("approved 1 signature: {org}"));
    let rejected = run(&data, &["reject", &url, "--reason", "spam"]);
    assert!(rejected.status.success(), "{}", text(&rejected));
    assert_eq!(stderr(&rejected).trim(), format!("rejected 1 signature as spam: {url}"));
    let again = run(&data, &["approve", &org]);
    assert!(!again.status.success(), "approved already: {}", text(&again));
    assert!(stderr(&again).contains(&format!("no pending signature with id {org}")));
    let none = run(&data, &["pending"]);
    assert!(none.status.success() && none.stdout.is_empty());
    assert_eq!(stderr(&none).trim(), "0 pending");
}

#[test]
fn each_command_fails_with_a_sentence_when_it_did_not_do_what_was_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let names = dir.path().join("names.txt");
    std::fs::write(&names, format!("Ada Lovelace\n{}\n", "a".repeat(400))).unwrap();
    let missing = dir.path().join("missing.txt");
    let cases: [(&[&str], &str); 7] = [
        (&["key"], "no snapshot key"),
        (&["import", missing.to_str().unwrap()], "cannot read"),
        (&["import", names.to_str().unwrap()], "not an undersign backup"),
        (&["import", "--kind", "individual", names.to_str().unwrap()], "line 2"),
        (&["verify", missing.to_str().unwrap(), "--key", "RWQ"], ""),
        (&["reject", "1", "--reason", "spam"], "no pending signature with id 1"),
        (&["serve", "--listen", "nowhere"], "`listen`"),
    ];
    for (args, says) in cases {
        let out = run(&data, args);
        assert!(!out.status.success(), "{args:?}: {}", text(&out));
        let err = stderr(&out);
        assert!(err.starts_with("undersign: ") || err.contains("\nundersign: "), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // Nothing was imported by the refused imports.
    let pending = run(&data, &["export"]);
    assert!(pending.status.success());
    let backup: serde_json::Value = serde_json::from_slice(&pending.stdout).unwrap();
    assert_eq!(backup["signatures"].as_array().unwrap().len(), 0);
    let short = Command::new(common::binary())
        .arg("--data")
        .arg(&data)
        .args(["admin", "passphrase"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = {
        let mut short = short;
        std::io::Write::write_all(&mut short.stdin.take().unwrap(), b"too short\n").unwrap();
        short.wait_with_output().unwrap()
    };
    assert!(!out.status.success(), "{}", text(&out));
    let bad_origin = run(&data, &["mirror", "--origin", "https://example.org", "--key", "RWQ"]);
    assert!(!bad_origin.status.success());
    assert!(stderr(&bad_origin).contains("only http://"), "{}", stderr(&bad_origin));
}

#[test]
fn a_command_that_makes_the_data_dir_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let first = Command::new(common::binary()).arg("pending").current_dir(dir.path()).output().unwrap();
    assert!(first.status.success(), "{}", text(&first));
    let made = dir.path().canonicalize().unwrap().join("undersign-data");
    assert!(made.is_dir());
    assert!(
        stderr(&first).contains(&format!("created the data dir {}", made.display())),
        "{}",
        stderr(&first)
    );
    let second = Command::new(common::binary()).arg("pending").current_dir(dir.path()).output().unwrap();
    assert!(second.status.success());
    assert!(!stderr(&second).contains("created"), "said once, when made: {}", stderr(&second));
}

#[test]
fn export_static_names_what_works_while_serving_and_explains_origin() {
    let mut server = common::Server::start();
    let busy =
        run(&server.data, &["export-static", server.data.parent().unwrap().join("site").to_str().unwrap()]);
    assert!(!busy.status.success());
    let err = stderr(&busy);
    assert!(err.contains("is in use") && err.contains("--snapshot"), "{err}");
    server.stop();
    let site = server.data.parent().unwrap().join("site");
    let done = run(&server.data, &["export-static", site.to_str().unwrap()]);
    assert!(done.status.success(), "{}", text(&done));
    assert!(
        stderr(&done).contains("no --origin") && stderr(&done).contains("--origin URL"),
        "{}",
        stderr(&done)
    );
    assert!(site.join("index.html").is_file());
}

/// Runs `undersign admin passphrase` on a terminal (util-linux `script`
/// gives it one), typing `typed` line by line, each once the prompt
/// before it shows. Returns what the terminal showed, and the exit code.
fn on_a_terminal(data: &Path, typed: &[&str]) -> Option<(String, Option<i32>)> {
    use std::io::{Read, Write};
    if Command::new("script").arg("--version").output().is_err() {
        let why = "skipped: util-linux `script` (a terminal for the test) is not installed";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
        eprintln!("{why}");
        return None;
    }
    let command =
        format!("{} --data {} admin passphrase --moderator alice", common::binary(), data.display());
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            let _ = tx.send(buf[..n].to_vec());
        }
    });
    let mut shown = Vec::new();
    let prompts = ["not shown as you type): ", "The same again: "];
    for (prompt, line) in prompts.iter().zip(typed) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !String::from_utf8_lossy(&shown).contains(prompt) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let chunk = rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no prompt {prompt:?}: {}", String::from_utf8_lossy(&shown)));
            shown.extend(chunk);
        }
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
        // The next prompt is looked for after this one.
        let at = String::from_utf8_lossy(&shown).find(prompt).unwrap() + prompt.len();
        let rest = shown.split_off(at);
        shown.extend(b"|");
        shown.extend(rest);
    }
    let status = common::wait_at_most(&mut child, std::time::Duration::from_secs(20), |c| drop(c.kill()))
        .expect("the command ends");
    drop(stdin);
    while let Ok(chunk) = rx.recv_timeout(std::time::Duration::from_millis(500)) {
        shown.extend(chunk);
    }
    Some((String::from_utf8_lossy(&shown).into_owned(), status.code()))
}

#[test]
fn a_passphrase_typed_at_a_terminal_is_not_shown_and_asked_twice() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let Some((shown, code)) = on_a_terminal(&data, &[PASSPHRASE, PASSPHRASE]) else { return };
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("passphrase set for alice"), "{shown}");
    assert!(!shown.contains("horse"), "the terminal showed the passphrase: {shown}");
    assert!(std::fs::read_to_string(data.join("moderators")).unwrap().contains("alice"));

    let other = dir.path().join("other");
    let Some((shown, code)) = on_a_terminal(&other, &[PASSPHRASE, "correct horse battery stapler"]) else {
        return;
    };
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("the two passphrases differ"), "{shown}");
    assert!(!shown.contains("horse"), "{shown}");
    assert!(!other.join("moderators").exists(), "nothing was set");
}
