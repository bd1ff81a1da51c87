//! Snapshots over a view in memory: what a file holds, how the sequence
//! number survives restarts and crashes, and each way verifying fails.

use super::*;
use crate::domain::{Counts, Kind, Phase};
use std::sync::atomic::{AtomicU64, Ordering};

/// A view of some names; its counts can be made to disagree with them.
struct Names {
    names: Mutex<Vec<PublicSignatory>>,
    extra_listed: u64,
    generation: AtomicU64,
}

fn person(name: &str, kind: Kind) -> PublicSignatory {
    PublicSignatory {
        name: name.into(),
        kind,
        affiliation: None,
        country: Some("Chile".into()),
        verified: false,
        proof: None,
    }
}

impl Names {
    fn new(names: &[(&str, Kind)]) -> Names {
        Names {
            names: Mutex::new(names.iter().map(|(n, k)| person(n, *k)).collect()),
            extra_listed: 0,
            generation: AtomicU64::new(1),
        }
    }
}

impl PublicView for Names {
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
    fn phase(&self) -> Phase {
        Phase::Open
    }
    fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for s in lock(&self.names).iter() {
            let i = crate::domain::record::kind_index(s.kind);
            c.published[i] += 2;
            c.listed[i] += 1;
            c.pending[i] += 1;
        }
        c.listed[2] += self.extra_listed;
        c
    }
    fn published(&self, _: Kind, _: usize, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Ok(Vec::new())
    }
    fn each_published(&self, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
        lock(&self.names).iter().cloned().for_each(visit);
        Ok(())
    }
    fn search(&self, _: &str, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
        Ok(Vec::new())
    }
}

const TODAY: Day = Day(20_788);

fn letter() -> Letter {
    crate::letter::Content::embedded().letter
}

fn open(dir: &Path) -> Snapshots {
    Snapshots::open(dir, SigningKey::load_or_create(dir).unwrap(), letter(), 7).unwrap()
}

fn view() -> Names {
    Names::new(&[
        ("Access Now", Kind::Organization),
        ("Ada Lovelace", Kind::Individual),
        ("Zoë 名前", Kind::Individual),
    ])
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Writes a snapshot to a file of its own and returns its path.
fn written(dir: &Path, snapshots: &Snapshots, view: &dyn PublicView) -> PathBuf {
    let out = dir.join("out.json");
    snapshots.write_to(view, TODAY, &out).unwrap();
    out
}

fn check(snapshots: &Snapshots, file: &Path, today: Day) -> Result<Verified, VerifyError> {
    verify(file, snapshots.key().public(), today, None)
}

#[test]
fn a_snapshot_holds_the_view_and_its_comment_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let snapshots = open(dir.path());
    assert!(snapshots.current().is_none() && snapshots.due(TODAY));
    let signed = snapshots.sign(&view(), TODAY).unwrap();
    assert_eq!(signed.comment.seq, 1);
    assert_eq!((signed.comment.day, signed.comment.expires), (TODAY, TODAY.plus(7)));
    assert_eq!(signed.comment.prev, None);
    assert_eq!(signed.etag(), "\"1\"");
    assert_eq!(files(&dir.path().join("snapshots")), ["1.json", "1.json.minisig"]);
    let path = dir.path().join("snapshots/1.json");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes.len() as u64, signed.len);
    assert_eq!(Digest::of(&bytes), signed.comment.sha256);
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(value["snapshot"]["format"], "undersign-snapshot-1");
    assert_eq!(value["snapshot"]["seq"], 1);
    assert_eq!(value["snapshot"]["day"], "2026-12-01");
    assert_eq!(value["snapshot"]["expires"], "2026-12-08");
    assert_eq!(value["snapshot"]["prev_sha256"], serde_json::Value::Null);
    assert_eq!(value["letter"]["title"], letter().title.as_str());
    assert_eq!(value["counts"]["pending"]["individual"], 2);
    assert_eq!(value["signatories"][2]["name"], "Zoë 名前");
    let sig = String::from_utf8(signed.signature.to_vec()).unwrap();
    assert!(sig.contains(&format!("trusted comment: {}\n", signed.comment)), "{sig}");

    let ok = check(&snapshots, &path, TODAY).unwrap();
    assert_eq!((ok.names, ok.signatures, ok.comment.seq), (3, 6, 1));
    assert!(
        !snapshots.due(TODAY.plus(2)) && snapshots.due(TODAY.plus(3)),
        "signed again at half its validity"
    );
}

#[test]
fn an_empty_list_is_a_snapshot_too() {
    let dir = tempfile::tempdir().unwrap();
    let snapshots = open(dir.path());
    let signed = snapshots.sign(&Names::new(&[]), TODAY).unwrap();
    let path = dir.path().join("snapshots/1.json");
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(value["signatories"], serde_json::json!([]));
    assert_eq!(check(&snapshots, &path, TODAY).unwrap().names, 0);
    assert_eq!(signed.comment.seq, 1);
}

#[test]
fn the_sequence_grows_across_restarts_and_chains_each_to_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let first = open(dir.path()).sign(&view(), TODAY).unwrap();
    let snapshots = open(dir.path());
    let current = snapshots.current().expect("the last pair is served after a restart");
    assert_eq!(current.comment, first.comment);
    assert!(first.badge.is_some(), "a badge is made with each snapshot");
    assert_eq!(current.badge, first.badge, "and read back with it after a restart");
    let second = snapshots.sign(&view(), TODAY).unwrap();
    assert_eq!(second.comment.seq, 2);
    assert_eq!(second.comment.prev, Some(first.comment.sha256));
    assert_eq!(files(&dir.path().join("snapshots")), ["2.json", "2.json.minisig"], "the old pair is gone");
    let offline = written(dir.path(), &snapshots, &view());
    let third = check(&snapshots, &offline, TODAY).unwrap().comment;
    assert_eq!((third.seq, third.prev), (3, Some(second.comment.sha256)));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&offline).unwrap().permissions().mode() & 0o777, 0o644, "public data");
    assert_eq!(snapshots.current().unwrap().comment, third, "the chain goes on from an offline snapshot");
    assert_eq!(std::fs::read_to_string(dir.path().join(SEQ_FILE)).unwrap(), "3\n");
    let fourth = open(dir.path()).sign(&view(), TODAY).unwrap().comment.clone();
    assert_eq!((fourth.seq, fourth.prev), (4, Some(third.sha256)));
}

#[test]
fn a_crash_part_way_never_reuses_a_number_nor_serves_a_lone_file() {
    let dir = tempfile::tempdir().unwrap();
    let snapshots = open(dir.path());
    snapshots.sign(&view(), TODAY).unwrap();
    snapshots.sign(&view(), TODAY).unwrap();
    drop(snapshots);
    let sub = dir.path().join("snapshots");
    // A crash after the file of 3 was renamed, before its signature was;
    // and the temporary files of a 5 whose number was stored.
    std::fs::write(sub.join("3.json"), "{}").unwrap();
    std::fs::write(sub.join(".5.json.part"), "{").unwrap();
    std::fs::write(sub.join(".5.json.minisig.part"), "").unwrap();
    std::fs::write(dir.path().join(SEQ_FILE), "5\n").unwrap();
    let snapshots = open(dir.path());
    assert_eq!(snapshots.current().unwrap().comment.seq, 2, "the last whole pair");
    assert_eq!(files(&sub), ["2.json", "2.json.minisig"], "the rest is removed");
    assert_eq!(snapshots.sign(&view(), TODAY).unwrap().comment.seq, 6);

    // The number's file lost: the files still say where it was.
    std::fs::remove_file(dir.path().join(SEQ_FILE)).unwrap();
    std::fs::write(sub.join(".9.json.part"), "").unwrap();
    assert_eq!(open(dir.path()).sign(&view(), TODAY).unwrap().comment.seq, 10);
}

#[test]
fn a_sequence_file_that_does_not_read_stops_rather_than_starts_again() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(SEQ_FILE), "twelve\n").unwrap();
    let key = SigningKey::load_or_create(dir.path()).unwrap();
    let refused = Snapshots::open(dir.path(), key, letter(), 7).err().unwrap();
    assert!(refused.to_string().contains("does not hold a number"), "{refused}");
}

#[test]
fn a_pair_signed_by_another_key_is_not_served() {
    let dir = tempfile::tempdir().unwrap();
    open(dir.path()).sign(&view(), TODAY).unwrap();
    std::fs::rename(dir.path().join(KEY_FILE), dir.path().join("old.key")).unwrap();
    let snapshots = open(dir.path());
    assert!(snapshots.current().is_none());
    assert_eq!(snapshots.sign(&view(), TODAY).unwrap().comment.seq, 2, "the number still grows");
}

#[test]
fn a_failed_write_leaves_the_last_snapshot_and_no_temporary_file() {
    struct Broken;
    impl PublicView for Broken {
        fn generation(&self) -> u64 {
            1
        }
        fn phase(&self) -> Phase {
            Phase::Open
        }
        fn counts(&self) -> Counts {
            Counts::default()
        }
        fn published(&self, _: Kind, _: usize, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
            Ok(Vec::new())
        }
        fn each_published(&self, visit: &mut dyn FnMut(PublicSignatory)) -> Result<(), ScanError> {
            visit(person("Ada", Kind::Individual));
            Err(ScanError::Unreadable("test".into()))
        }
        fn search(&self, _: &str, _: usize) -> Result<Vec<PublicSignatory>, ScanError> {
            Ok(Vec::new())
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let snapshots = open(dir.path());
    snapshots.sign(&view(), TODAY).unwrap();
    assert!(matches!(snapshots.sign(&Broken, TODAY), Err(SnapshotError::Scan(_))));
    assert_eq!(snapshots.current().unwrap().comment.seq, 1);
    assert_eq!(files(&dir.path().join("snapshots")), ["1.json", "1.json.minisig"]);
    assert_eq!(snapshots.sign(&view(), TODAY).unwrap().comment.seq, 2, "a number no one saw is used");
}

/// Signs `bytes` as `file` with `snapshots`' key under `comment`.
fn sign_as(snapshots: &Snapshots, file: &Path, bytes: &[u8], comment: &str) {
    std::fs::write(file, bytes).unwrap();
    let sig = snapshots.key().sign(bytes, comment).unwrap();
    std::fs::write(signature_path(file), sig).unwrap();
}

#[test]
fn each_failure_says_which_check_failed() {
    let dir = tempfile::tempdir().unwrap();
    let snapshots = open(dir.path());
    let path = written(dir.path(), &snapshots, &view());
    let good = std::fs::read(&path).unwrap();
    let good_sig = std::fs::read_to_string(signature_path(&path)).unwrap();
    let comment: Comment = good_sig.lines().nth(2).unwrap()["trusted comment: ".len()..].parse().unwrap();
    let said = |r: Result<Verified, VerifyError>| r.unwrap_err().to_string();

    // One byte changed.
    let mut changed = good.clone();
    let at = changed.windows(3).position(|w| w == b"Ada").unwrap();
    changed[at] = b'E';
    std::fs::write(&path, &changed).unwrap();
    assert!(said(check(&snapshots, &path, TODAY)).starts_with("bad signature: "));
    std::fs::write(&path, &good).unwrap();

    // Another key.
    let other = tempfile::tempdir().unwrap();
    let other_key = SigningKey::load_or_create(other.path()).unwrap();
    let wrong = verify(&path, other_key.public(), TODAY, None);
    assert!(said(wrong).starts_with("wrong key: the snapshot is signed by key "));
    assert!(matches!(public_key("RWQnot-a-key"), Err(VerifyError::NotAKey(_))));
    let key_file = dir.path().join("key.pub");
    std::fs::write(&key_file, snapshots.key().public_key_file()).unwrap();
    assert_eq!(public_key(key_file.to_str().unwrap()).unwrap(), *snapshots.key().public());
    assert_eq!(public_key(&snapshots.key().public_key()).unwrap(), *snapshots.key().public());

    // Expired on its expiry day, not before.
    assert!(check(&snapshots, &path, TODAY.plus(6)).is_ok());
    let expired = said(check(&snapshots, &path, TODAY.plus(7)));
    assert_eq!(
        expired,
        "expired: this snapshot of 2026-12-01 expired on 2026-12-08; whoever serves it has not had a newer one since"
    );

    // Another letter asked for.
    let other_letter = Digest([7; 32]);
    let asked = verify(&path, snapshots.key().public(), TODAY, Some(other_letter));
    assert!(said(asked).starts_with("wrong letter: this is a snapshot of letter "));
    assert!(verify(&path, snapshots.key().public(), TODAY, Some(comment.letter)).is_ok());

    // The letter's text changed, and signed again by the key holder with a
    // comment that matches the file: the stale letter digest gives it away.
    let text = String::from_utf8(good.clone()).unwrap();
    let title = &letter().title;
    let retitled = text.replacen(title.as_str(), "Weaken the Internet", 1).into_bytes();
    let c = Comment { sha256: Digest::of(&retitled), ..comment.clone() };
    sign_as(&snapshots, &path, &retitled, &c.to_string());
    assert!(said(check(&snapshots, &path, TODAY)).starts_with("wrong letter: the letter's text has digest "));

    // Signed, but the comment is not a snapshot's, or not this file's.
    sign_as(&snapshots, &path, &good, "timestamp:1700000000\tfile:snapshot.json");
    assert!(said(check(&snapshots, &path, TODAY))
        .starts_with("malformed: the signature is valid but its signed comment"));
    let c = Comment { seq: 9, ..comment.clone() };
    sign_as(&snapshots, &path, &good, &c.to_string());
    assert!(said(check(&snapshots, &path, TODAY)).contains("not those of its signed comment"));
    let c = Comment { sha256: Digest([1; 32]), ..comment.clone() };
    sign_as(&snapshots, &path, &good, &c.to_string());
    assert!(said(check(&snapshots, &path, TODAY)).contains("the file's SHA-256 is "));
    let not_json = b"{\"snapshot\": 1}".to_vec();
    let c = Comment { sha256: Digest::of(&not_json), ..comment.clone() };
    sign_as(&snapshots, &path, &not_json, &c.to_string());
    assert!(said(check(&snapshots, &path, TODAY))
        .starts_with("malformed: the signature is valid but the file is not"));

    // A signature file that is not one.
    std::fs::write(&path, &good).unwrap();
    std::fs::write(signature_path(&path), "untrusted comment: x\nnot a signature\n").unwrap();
    assert!(said(check(&snapshots, &path, TODAY)).starts_with("malformed: "));
    std::fs::remove_file(signature_path(&path)).unwrap();
    assert!(said(check(&snapshots, &path, TODAY)).starts_with("cannot read "));

    std::fs::write(signature_path(&path), &good_sig).unwrap();
    assert!(check(&snapshots, &path, TODAY).is_ok(), "and back as it was");
}

#[test]
fn counts_that_disagree_with_the_names_are_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let snapshots = open(dir.path());
    let lying = Names { extra_listed: 1, ..view() };
    let path = written(dir.path(), &snapshots, &lying);
    let said = check(&snapshots, &path, TODAY).unwrap_err().to_string();
    assert!(said.contains("does not match its counts of listed names"), "{said}");
    let _ = lying.generation.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn the_letter_digest_is_of_its_compact_json() {
    let l = letter();
    assert_eq!(letter_digest(&l), Digest::of(&serde_json::to_vec(&l).unwrap()));
    let other = Letter { title: "Another".into(), ..l.clone() };
    assert_ne!(letter_digest(&other), letter_digest(&l));
    // The store records the same digest, as hex.
    assert_eq!(l.sha256_hex(), letter_digest(&l).to_string());
}

#[test]
fn an_amended_letters_snapshot_lists_its_versions_and_answers_for_the_first_one() {
    use crate::letter::{History, Version};
    let dir = tempfile::tempdir().unwrap();
    let plain = written(dir.path(), &open(dir.path()), &view());
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&plain).unwrap()).unwrap();
    assert!(value.get("letter_versions").is_none(), "a letter never amended: the format as before");
    assert_eq!(check(&open(dir.path()), &plain, TODAY).unwrap().letter_history, [letter_digest(&letter())]);

    let first = letter();
    let mut amended = letter();
    amended.closing_html.push_str("<p>Amended.</p>");
    let v = |number, day, l: &Letter| Version {
        number,
        sha256: l.sha256_hex(),
        title: l.title.clone(),
        day: Day(day),
        letter: l.clone(),
    };
    let history = History(vec![v(1, TODAY.0 - 5, &first), v(2, TODAY.0, &amended)]);
    let key = SigningKey::load_or_create(dir.path()).unwrap();
    let snapshots =
        Snapshots::open(dir.path(), key, amended.clone(), 7).unwrap().with_letter_versions(&history);
    let file = written(dir.path(), &snapshots, &view());
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(value["snapshot"]["format"], "undersign-snapshot-1");
    assert_eq!(value["letter_versions"][0]["version"], 1);
    assert_eq!(value["letter_versions"][0]["day"], "2026-11-26");
    assert_eq!(value["letter_versions"][1]["sha256"], amended.sha256_hex().as_str());
    let checked = check(&snapshots, &file, TODAY).unwrap();
    assert_eq!(checked.letter_history, [letter_digest(&first), letter_digest(&amended)]);
    // `verify --letter FIRST` accepts the amendment; another letter is not.
    let public = snapshots.key().public();
    assert!(verify(&file, public, TODAY, Some(letter_digest(&first))).is_ok());
    let other = verify(&file, public, TODAY, Some(Digest([9; 32])));
    assert!(matches!(other, Err(VerifyError::OtherLetter { .. })), "{other:?}");

    // A list whose last version is not the letter is no history of it.
    let wrong = History(vec![v(1, TODAY.0, &amended), v(2, TODAY.0, &first)]);
    let key = SigningKey::load_or_create(dir.path()).unwrap();
    let snapshots = Snapshots::open(dir.path(), key, amended, 7).unwrap().with_letter_versions(&wrong);
    let file = written(dir.path(), &snapshots, &view());
    let refused = check(&snapshots, &file, TODAY);
    assert!(matches!(&refused, Err(VerifyError::Malformed(why)) if why.contains("versions")), "{refused:?}");
}
