//! `undersign::snapshot::verify` on any file a key holder could sign: the
//! input, signed with a key of the target's own under a trusted comment:
//! the input's first line when it is a snapshot comment (so the comment
//! parser is fuzzed too); else one that states the file's true digest and
//! what the file's own `snapshot` head says (so a real snapshot in the
//! corpus passes, and mutations of it reach every later check). Verifying
//! never panics, and a snapshot that passes is one whose signed comment
//! states its bytes and is not expired.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;
use undersign::domain::Day;
use undersign::snapshot::{verify, Comment, Digest};

struct Fixture {
    keys: minisign::KeyPair,
    file: PathBuf,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("undersign-fuzz-verify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let keys = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        Fixture { keys, file: dir.join("snapshot.json") }
    })
}

fuzz_target!(|bytes: &[u8]| {
    let f = fixture();
    let today = Day::today();
    let first_line = bytes.split(|b| *b == b'\n').next().and_then(|l| std::str::from_utf8(l).ok());
    let stated = first_line.and_then(|l| l.parse::<Comment>().ok());
    if let Some(c) = &stated {
        // What it says round-trips.
        assert_eq!(c.to_string().parse::<Comment>().as_ref(), Ok(c));
    }
    let comment = stated.unwrap_or_else(|| {
        let head = serde_json::from_slice::<serde_json::Value>(bytes).ok();
        let head = head.as_ref().and_then(|v| v.get("snapshot"));
        let field = |k: &str| head.and_then(|h| h.get(k)).and_then(|v| v.as_str()).map(str::to_owned);
        let seq = head.and_then(|h| h.get("seq")).and_then(|v| v.as_u64()).filter(|n| *n > 0);
        let day = field("day").and_then(|d| d.parse::<Day>().ok()).unwrap_or(today);
        Comment {
            seq: seq.unwrap_or(1),
            day,
            expires: field("expires").and_then(|d| d.parse().ok()).unwrap_or(day.plus(7)),
            letter: field("letter_sha256").and_then(|d| d.parse().ok()).unwrap_or(Digest::of(b"any letter")),
            sha256: Digest::of(bytes),
            prev: field("prev_sha256").and_then(|d| d.parse().ok()),
        }
    });
    // As of the day it states, so a real snapshot has not expired yet.
    let today = comment.day;
    std::fs::write(&f.file, bytes).unwrap();
    let signature =
        minisign::sign(Some(&f.keys.pk), &f.keys.sk, bytes, Some(&comment.to_string()), None).unwrap();
    std::fs::write(undersign::snapshot::signature_path(&f.file), signature.to_string()).unwrap();
    if let Ok(v) = verify(&f.file, &f.keys.pk, today, None) {
        assert_eq!(v.comment, comment);
        assert_eq!(v.comment.sha256, Digest::of(bytes), "a passing snapshot is the file its comment states");
        assert!(v.comment.expires > today, "a passing snapshot has not expired");
    }
});
