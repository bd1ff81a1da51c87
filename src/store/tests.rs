use super::*;
use crate::domain::Submission;
use rusqlite::Connection;

fn submission(name: &str, kind: Kind, listed: bool) -> Submission {
    Submission {
        name: SignatoryName::parse(name).unwrap(),
        kind,
        affiliation: None,
        country: None,
        listed,
        website: None,
    }
}

pub(super) fn new_sig(name: &str, kind: Kind, nonce: u8, review: bool) -> NewSignature {
    NewSignature {
        submission: submission(name, kind, true),
        needs_review: review,
        token_nonce: [nonce; 16],
        token_forget_after: Day(u32::MAX),
        withdraw_hash: [nonce; 32],
        max_pending: 10,
        proof_token: None,
    }
}

/// The key [`new_sig`]'s withdrawal code is kept under, once it has an id.
pub(super) fn code_key(id: u64, nonce: u8) -> [u8; 32] {
    crate::tokens::withdrawal_key(id, &[nonce; 32])
}

pub(super) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

const OPTIONS: Options = Options { retention_days: 30, cache_bytes: 8 << 20, notice: |_| {} };

pub(super) fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path(), OPTIONS).unwrap()
}

#[test]
fn sign_publish_count_and_withdraw() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        let s = store.sign(new_sig("Ada Lovelace", Kind::Individual, 1, false)).await.unwrap();
        assert_eq!(s.status, Status::Published);
        assert_eq!(store.counts().published(Kind::Individual), 1);
        assert_eq!(store.published(Kind::Individual, 0, 10).unwrap()[0].name, "Ada Lovelace");
        assert!(store.withdraw(code_key(s.id, 1)).await.unwrap());
        assert!(!store.withdraw(code_key(s.id, 1)).await.unwrap());
        assert_eq!(store.counts(), Counts::default());
        assert!(store.published(Kind::Individual, 0, 10).unwrap().is_empty());
    });
}

#[test]
fn a_token_signs_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        store.sign(new_sig("A B", Kind::Individual, 7, false)).await.unwrap();
        let again = store.sign(new_sig("C D", Kind::Individual, 7, false)).await;
        assert_eq!(again, Err(SignError::TokenUsed));
    });
}

#[test]
fn duplicates_organisations_refused_individuals_held() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        store.sign(new_sig("Access Now", Kind::Organization, 1, true)).await.unwrap();
        let dup = store.sign(new_sig("ACCESS  now", Kind::Organization, 2, true)).await;
        assert_eq!(dup, Err(SignError::Duplicate));
        store.sign(new_sig("Jo Doe", Kind::Individual, 3, false)).await.unwrap();
        let twin = store.sign(new_sig("Jo Doe", Kind::Individual, 4, false)).await.unwrap();
        assert_eq!(twin.status, Status::Pending);
        assert_eq!(store.record(twin.id).unwrap().flags, vec![Flag::DuplicateName]);
    });
}

#[test]
fn look_alikes_are_flagged_and_held() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        store.sign(new_sig("Amnesty International", Kind::Organization, 1, false)).await.unwrap();
        let fake = store.sign(new_sig("Amnesty lnternational", Kind::Organization, 2, false)).await.unwrap();
        assert_eq!(fake.status, Status::Pending);
        assert_eq!(store.record(fake.id).unwrap().flags, vec![Flag::LookAlike]);
        let cyrillic =
            store.sign(new_sig("Amn\u{0435}sty International", Kind::Individual, 3, false)).await.unwrap();
        assert_eq!(store.record(cyrillic.id).unwrap().flags, vec![Flag::LookAlike, Flag::MixedScript]);
        let flagged = store.pending_page(None, Some(Flag::LookAlike), None, 10);
        assert_eq!(flagged.iter().map(|r| r.id).collect::<Vec<_>>(), vec![cyrillic.id, fake.id]);
        let orgs = store.pending_page(Some(Kind::Organization), Some(Flag::LookAlike), None, 10);
        assert_eq!(orgs.len(), 1);
    });
}

#[test]
fn pending_cap_refuses_past_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        for i in 0..10u8 {
            let name = format!("Org {}", (b'a' + i) as char);
            store.sign(new_sig(&name, Kind::Organization, i, true)).await.unwrap();
        }
        let full = store.sign(new_sig("Org z", Kind::Organization, 99, true)).await;
        assert_eq!(full, Err(SignError::ReviewQueueFull));
        // Individuals published at once are not held back by the queue.
        store.sign(new_sig("Al Bo", Kind::Individual, 100, false)).await.unwrap();
    });
}

#[test]
fn the_queue_pages_newest_first_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        let mut ids = Vec::new();
        for i in 0..6u8 {
            let kind = if i % 2 == 0 { Kind::Organization } else { Kind::Company };
            ids.push(
                store
                    .sign(new_sig(&format!("Queue {}", (b'a' + i) as char), kind, i, true))
                    .await
                    .unwrap()
                    .id,
            );
        }
        let first = store.pending_page(None, None, None, 4);
        assert_eq!(first.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[5], ids[4], ids[3], ids[2]]);
        let second = store.pending_page(None, None, Some(first[3].id), 4);
        assert_eq!(second.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[1], ids[0]]);
        let companies = store.pending_page(Some(Kind::Company), None, None, 10);
        assert_eq!(companies.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[5], ids[3], ids[1]]);
    });
}

#[test]
fn moderation_approves_rejects_edits_verifies_and_audits() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        let a = store.sign(new_sig("Hivos", Kind::Organization, 1, true)).await.unwrap().id;
        let b = store.sign(new_sig("Spam Inc", Kind::Company, 2, true)).await.unwrap().id;
        assert_eq!(store.moderate("alice", Action::Approve(vec![a, 999])).await.unwrap(), 1);
        assert_eq!(store.moderate("alice", Action::Reject(vec![b], RejectReason::Spam)).await.unwrap(), 1);
        assert!(store.record(b).is_none(), "a rejected signature is not kept");
        let name = SignatoryName::parse("HIVOS Foundation").unwrap();
        store.moderate("bob", Action::Edit { id: a, name, affiliation: None }).await.unwrap();
        store.moderate("bob", Action::Verify { id: a, verified: true }).await.unwrap();
        let published = store.published(Kind::Organization, 0, 5).unwrap();
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].name, "HIVOS Foundation");
        assert!(published[0].verified);
        let c = store.counts();
        assert_eq!((c.published(Kind::Organization), c.pending(Kind::Company)), (1, 0));
        let audit: Vec<(String, AuditAction)> =
            store.audit(None, 10).into_iter().map(|(_, e)| (e.moderator, e.action)).collect();
        let edited = AuditAction::Edited { previous: "Hivos".into() };
        assert_eq!(
            audit,
            [
                ("bob".into(), AuditAction::Verified),
                ("bob".into(), edited),
                ("alice".into(), AuditAction::Rejected(RejectReason::Spam)),
                ("alice".into(), AuditAction::Approved)
            ]
        );
        let words: Vec<String> = store
            .audit(None, 4)
            .iter()
            .map(|(_, e)| {
                crate::messages::unmarked(&crate::messages::Catalogue::ENGLISH.audit_action(&e.action))
            })
            .collect();
        assert_eq!(words, ["verified", "edited (was “Hivos”)", "rejected (spam)", "approved"]);
        store.moderate("bob", Action::Unpublish(a)).await.unwrap();
        assert_eq!(store.counts().pending(Kind::Organization), 1);
        store.moderate("bob", Action::Delete(a)).await.unwrap();
        assert_eq!(store.counts(), Counts::default());
    });
}

#[test]
fn paused_and_closed_letters_take_no_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        store.moderate("m", Action::SetPhase(Phase::Paused)).await.unwrap();
        assert_eq!(store.sign(new_sig("A B", Kind::Individual, 1, false)).await, Err(SignError::Paused));
        store.moderate("m", Action::SetPhase(Phase::Open)).await.unwrap();
        store.sign(new_sig("A B", Kind::Individual, 1, false)).await.unwrap();
        store.moderate("m", Action::SetPhase(Phase::Closed { day: Day(0), purged: false })).await.unwrap();
        assert!(matches!(store.phase(), Phase::Closed { day, .. } if day == Day::today()));
        assert_eq!(store.sign(new_sig("C D", Kind::Individual, 2, false)).await, Err(SignError::Closed));
    });
}

#[test]
fn retention_purges_private_fields_after_closing() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        Store::open(dir.path(), Options { retention_days: 0, cache_bytes: 8 << 20, notice: |_| {} }).unwrap();
    let mut ids = Vec::new();
    rt().block_on(async {
        let mut quiet = new_sig("Quiet One", Kind::Individual, 1, false);
        quiet.submission.listed = false;
        quiet.submission.country = crate::domain::signatory::Country::parse("Chile").unwrap();
        ids.push(store.sign(quiet).await.unwrap().id);
        let refused = store.sign(new_sig("Refused Org", Kind::Organization, 2, true)).await.unwrap().id;
        store.moderate("m", Action::Reject(vec![refused], RejectReason::Fake)).await.unwrap();
        assert_eq!(store.audit(None, 1)[0].1.name.as_deref(), Some("Refused Org"));
        store.moderate("m", Action::SetPhase(Phase::Closed { day: Day(0), purged: false })).await.unwrap();
        let before = store.retention();
        assert_eq!(before.purge_on, Some(Day::today()));
        assert_eq!((before.withdrawal_codes, before.used_tokens, before.unlisted_details), (2, 2, 1));
    });
    // The writer's daily work runs when it starts, before any request.
    drop(store);
    let store =
        Store::open(dir.path(), Options { retention_days: 0, cache_bytes: 8 << 20, notice: |_| {} }).unwrap();
    rt().block_on(async {
        let closed = Phase::Closed { day: Day(0), purged: false };
        assert_eq!(store.moderate("m", Action::SetPhase(closed)).await.unwrap(), 0);
        let after = store.retention();
        assert!(after.purged);
        assert_eq!((after.withdrawal_codes, after.used_tokens, after.unlisted_details), (0, 0, 0));
        assert_eq!(store.record(ids[0]).unwrap().country, None);
        assert_eq!(store.counts().published(Kind::Individual), 1, "the signature still counts");
        let audit = store.audit(None, 10);
        assert_eq!((audit[0].1.moderator.as_str(), &audit[0].1.action), ("retention", &AuditAction::Purged));
        let rejected = audit.iter().find(|(_, e)| matches!(e.action, AuditAction::Rejected(_))).unwrap();
        assert_eq!(rejected.1.action, AuditAction::Rejected(RejectReason::Fake), "the reason stays");
        assert_eq!((rejected.1.name.as_deref(), rejected.1.signature), (None, None), "the name goes");
    });
}

#[test]
fn approve_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let store = open(&dir);
        let s = rt().block_on(store.sign(new_sig("Hivos", Kind::Organization, 1, true))).unwrap();
        assert_eq!(store.moderate_blocking("cli", Action::Approve(vec![s.id])).unwrap(), 1);
        s.id
    };
    let store = open(&dir);
    assert_eq!(store.record(id).unwrap().status, Status::Published);
    assert_eq!(store.counts().published(Kind::Organization), 1);
    assert_eq!(store.counts().pending(Kind::Organization), 0);
}

#[test]
fn import_happens_once_and_keeps_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let lists: Vec<(Kind, Vec<SignatoryName>)> = crate::letter::Content::embedded()
        .signatories
        .into_iter()
        .map(|(kind, names)| (kind, names.iter().map(|n| SignatoryName::parse(n).unwrap()).collect()))
        .collect();
    assert_eq!(rt().block_on(store.import_once(&lists)).unwrap(), 322);
    assert_eq!(rt().block_on(store.import_once(&lists)).unwrap(), 0);
    let c = store.counts();
    assert_eq!((c.published(Kind::Organization), c.published(Kind::Company)), (203, 32));
    assert_eq!(store.published(Kind::Organization, 0, 2).unwrap()[0].name, "18MillionRising.org");
    assert_eq!(store.search("amnesty", 10).unwrap().len(), 2);
}

#[test]
fn a_backup_restores_into_a_new_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let kept = rt().block_on(async {
        let kept = store.sign(new_sig("Kept Person", Kind::Individual, 1, false)).await.unwrap();
        store.sign(new_sig("Kept Org", Kind::Organization, 2, true)).await.unwrap();
        kept
    });
    let backup = store.backup().unwrap();
    assert_eq!(backup.signatures.len(), 2);
    let text = serde_json::to_string(&backup).unwrap();
    let other = tempfile::tempdir().unwrap();
    let restored = open(&other);
    assert_eq!(restored.restore_blocking(serde_json::from_str(&text).unwrap()).unwrap(), 2);
    assert_eq!(restored.counts(), store.counts());
    assert!(
        restored.restore_blocking(serde_json::from_str(&text).unwrap()).is_err(),
        "not into a full store"
    );
    rt().block_on(async {
        assert!(restored.withdraw(code_key(kept.id, 1)).await.unwrap(), "withdrawal codes still work");
        let next = restored.sign(new_sig("After Restore", Kind::Individual, 3, false)).await.unwrap();
        assert!(next.id > 2, "ids continue after the restored ones");
    });
}

#[test]
fn a_store_open_elsewhere_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _store = open(&dir);
    // flock locks belong to open files, so a second open in this process
    // meets the lock just as another process would.
    assert!(matches!(Store::open(dir.path(), OPTIONS), Err(StoreError::InUse)));
}

/// A writer thread that dies (a bug, a panic) is told to the operator
/// once; from then on changes are refused as stopped, while reads go on.
#[test]
fn a_dead_writer_is_told_once_and_refuses_changes() {
    static NOTICES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let options = Options {
        notice: |m| {
            assert!(m.contains("writer stopped"), "{m}");
            NOTICES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        },
        ..OPTIONS
    };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), options).unwrap();
    let id = rt().block_on(store.sign(new_sig("Before Crash", Kind::Individual, 1, false))).unwrap().id;
    store.crash_writer();
    rt().block_on(async {
        for nonce in 2..5 {
            let refused = store.sign(new_sig("After Crash", Kind::Individual, nonce, false)).await;
            assert_eq!(refused, Err(SignError::Stopped));
            assert_eq!(store.withdraw([1; 32]).await, Err(SignError::Stopped));
            let approve = store.moderate("m", Action::Approve(vec![id])).await;
            assert!(matches!(approve, Err(StoreError::Stopped)), "{approve:?}");
        }
    });
    let phase = store.moderate_blocking("cli", Action::SetPhase(Phase::Paused));
    assert!(matches!(phase, Err(StoreError::Stopped)), "{phase:?}");
    assert_eq!(NOTICES.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(store.record(id).unwrap().name.as_str(), "Before Crash");
    assert_eq!(store.counts().published(Kind::Individual), 1);
    assert_eq!(store.published(Kind::Individual, 0, 10).unwrap().len(), 1);
    drop(store);
    // Dropping a store whose writer died still closes it.
    assert_eq!(open(&dir).counts().published(Kind::Individual), 1);
}

#[test]
fn the_counts_read_with_the_names_agree_with_them_while_signatures_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let signer = {
        let store = store.clone();
        std::thread::spawn(move || {
            rt().block_on(async {
                for i in 0..300u32 {
                    let mut sig = new_sig(&format!("Signer {i}"), Kind::Individual, 0, false);
                    sig.token_nonce[..4].copy_from_slice(&i.to_le_bytes());
                    sig.withdraw_hash[..4].copy_from_slice(&i.to_le_bytes());
                    store.sign(sig).await.unwrap();
                }
            })
        })
    };
    let mut scans = 0;
    while !signer.is_finished() || scans == 0 {
        let (mut listed, mut names) = (0, 0);
        store
            .each_published_with_counts(
                &mut |phase, counts| {
                    assert_eq!(phase, Phase::Open);
                    listed = counts.listed(Kind::Individual);
                },
                &mut |_| names += 1,
            )
            .unwrap();
        assert_eq!(listed, names, "scan {scans}");
        scans += 1;
    }
    signer.join().unwrap();
    assert!(scans > 1);
}

#[test]
fn after_an_unclean_stop_a_store_missing_rows_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        store.sign(new_sig("Ada Lovelace", Kind::Individual, 1, false)).await.unwrap();
        store.sign(new_sig("Grace Hopper", Kind::Individual, 2, false)).await.unwrap();
    });
    drop(store);
    // A page written back old, as a lost write leaves it: a row gone
    // without its count. Whole pages, so SQLite's own check finds nothing.
    let c = Connection::open(dir.path().join(schema::FILE)).unwrap();
    c.execute("DELETE FROM listed WHERE ord = (SELECT max(ord) FROM listed)", []).unwrap();
    drop(c);
    // A clean stop leaves no log; one with frames marks a crash.
    std::fs::write(dir.path().join(format!("{}-wal", schema::FILE)), [0u8; 64]).unwrap();
    match Store::open(dir.path(), OPTIONS) {
        Err(StoreError::Damaged { file, damage: Damage::Counts { what, rows: 1, expected: 2 } }) => {
            assert_eq!(file, dir.path().join(schema::FILE));
            assert_eq!(what, "listed signatures");
        }
        other => panic!("not refused: {:?}", other.err()),
    }
    // Without the mark of a crash the check is not made, and the lone
    // missing row is not noticed at start.
    std::fs::remove_file(dir.path().join(format!("{}-wal", schema::FILE))).unwrap();
    assert!(Store::open(dir.path(), OPTIONS).is_ok());
}

/// Whether any file in `dir` holds `needle`, in any ASCII case.
fn any_file_holds(dir: &Path, needle: &str) -> Option<String> {
    let needle = needle.to_ascii_lowercase();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap().to_ascii_lowercase();
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            return Some(path.display().to_string());
        }
    }
    None
}

/// A withdrawal zeroes the record's bytes (secure_delete) and, while the
/// store runs, the indexer then empties the write-ahead logs, so that no
/// earlier version of a page keeps them: not only at a clean stop.
#[test]
fn a_withdrawal_leaves_no_byte_of_the_name_in_the_files_while_running() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    rt().block_on(async {
        store.sign(new_sig("Ada Lovelace", Kind::Individual, 1, false)).await.unwrap();
        let canary = store.sign(new_sig("Zanzibarqa Canaryfield", Kind::Individual, 2, false)).await.unwrap();
        // The name's search-log entry applied, so that the withdrawal's own
        // group drops it from the log.
        while store.inner.index.applied.load(Ordering::Acquire) < 2 {
            assert!(std::time::Instant::now() < deadline, "the indexer applies the log");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(any_file_holds(dir.path(), "canaryfield").is_some(), "there before");
        assert!(store.withdraw(code_key(canary.id, 2)).await.unwrap());
    });
    loop {
        match any_file_holds(dir.path(), "canaryfield") {
            None => break,
            Some(file) => assert!(std::time::Instant::now() < deadline, "{file} still holds the name"),
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(store.published(Kind::Individual, 0, 10).unwrap()[0].name, "Ada Lovelace", "the rest stays");
}

/// The store's files and the dirs it makes are the owner's alone from
/// their first byte, whatever the umask: pending signatures, unlisted
/// names and withdrawal hashes are in them.
#[test]
#[allow(unsafe_code, reason = "umask, to open the store under a permissive one")]
fn the_store_is_owner_only_from_the_first_byte_under_a_permissive_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").join("store");
    // SAFETY: umask has no memory effects; other tests that create files
    // meanwhile only ask for their own modes.
    let before = unsafe { libc::umask(0) };
    let opened = Store::open(&data, OPTIONS);
    unsafe { libc::umask(before) };
    let store = opened.unwrap();
    rt().block_on(store.sign(new_sig("Ada Lovelace", Kind::Individual, 1, false))).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("data")), 0o700, "the data dir made for the store");
    assert_eq!(mode(&data), 0o700);
    let files: Vec<_> = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().path()).collect();
    for name in
        ["signatures.sqlite", "signatures.sqlite-wal", "signatures.sqlite-shm", "search.sqlite", "lock"]
    {
        assert!(files.contains(&data.join(name)), "{name} is there: {files:?}");
    }
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
}

/// After a crash between a removal and the emptying of the logs, the next
/// start empties them: the database file's earlier page, which still held
/// the row, is replaced by the zeroed one from the log.
#[test]
fn a_start_after_a_crash_empties_the_logs_of_a_removal_or_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(store.sign(new_sig("Zanzibarqa Canaryfield", Kind::Individual, 1, false))).unwrap();
    drop(store);
    // The name overwritten as the writer would, in the log only; then a
    // crash: the connection is never closed, so nothing is checkpointed.
    let c = Connection::open(dir.path().join(schema::FILE)).unwrap();
    c.execute_batch(
        "PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = 0;
         UPDATE sig SET rec = CAST(replace(CAST(rec AS TEXT), 'Zanzibarqa Canaryfield', 'Ada Lovelace') AS BLOB);
         UPDATE listed SET skey = 'lovelace';",
    )
    .unwrap();
    std::mem::forget(c);
    assert!(any_file_holds(dir.path(), "canaryfield").is_some(), "the database file's page still has it");
    let store = open(&dir);
    assert_eq!(any_file_holds(dir.path(), "canaryfield"), None);
    drop(store);
}

/// Forgetting a signature finds its audit entries through their index,
/// never by reading the whole audit list (which grows with every action).
#[test]
fn a_signatures_audit_entries_are_found_through_an_index() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(&dir));
    let c = Connection::open(dir.path().join(schema::FILE)).unwrap();
    let plan: Vec<String> = c
        .prepare(
            "EXPLAIN QUERY PLAN SELECT seq, entry FROM audit \
             WHERE json_extract(CAST(entry AS TEXT), '$.signature') = ?1",
        )
        .unwrap()
        .query_map([1], |row| row.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(plan.iter().any(|step| step.contains("USING INDEX audit_signature")), "{plan:?}");
}

/// Withdrawal codes handed out before codes carried their signature's id
/// were kept under their whole hash: they still withdraw, in the data dir
/// they were kept in and after a backup is restored, beside codes of the
/// new form; and a new code's key goes after every earlier one.
#[test]
fn withdrawal_codes_of_the_earlier_form_still_withdraw() {
    let secret = crate::tokens::Secret::fixed(3);
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let codes: Vec<String> = (0..4).map(|_| secret.new_withdrawal_code()).collect();
    let sign = |name: &str, nonce: u8, code: &str| {
        let new = NewSignature {
            withdraw_hash: secret.withdrawal_hash(code),
            ..new_sig(name, Kind::Individual, nonce, false)
        };
        rt().block_on(store.sign(new)).unwrap().id
    };
    let ids: Vec<u64> = ["Ada Old", "Bob Old", "Cy New", "Di New"]
        .iter()
        .zip(&codes)
        .enumerate()
        .map(|(i, (name, code))| sign(name, i as u8 + 1, code))
        .collect();
    // What an earlier version kept for the first two: the hash of the code
    // as shown (four groups, no id).
    let c = Connection::open(dir.path().join(schema::FILE)).unwrap();
    for (id, code) in ids.iter().zip(&codes).take(2) {
        c.execute(
            "UPDATE withdrawal SET hash = ?1 WHERE id = ?2",
            (&secret.withdrawal_hash(code)[..], *id as i64),
        )
        .unwrap();
    }
    let keys: Vec<Vec<u8>> = c
        .prepare("SELECT hash FROM withdrawal WHERE id > 2 ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "new keys sort as their ids");
    drop(c);
    let shown: Vec<String> =
        ids.iter().zip(&codes).map(|(id, code)| crate::tokens::withdrawal_code(*id, code)).collect();
    let backup = serde_json::to_string(&store.backup().unwrap()).unwrap();
    rt().block_on(async {
        assert!(
            store.withdraw(secret.withdrawal_lookup(&codes[0].to_uppercase())).await.unwrap(),
            "an old code"
        );
        assert!(store.withdraw(secret.withdrawal_lookup(&shown[2])).await.unwrap(), "a new code");
        assert!(
            !store.withdraw(secret.withdrawal_lookup(&shown[0])).await.unwrap(),
            "an id put in front of an old code is not it"
        );
    });
    let other = tempfile::tempdir().unwrap();
    let restored = open(&other);
    assert_eq!(restored.restore_blocking(serde_json::from_str(&backup).unwrap()).unwrap(), 4);
    rt().block_on(async {
        for (old, new) in [(&codes[0], &shown[2]), (&codes[1], &shown[3])] {
            assert!(restored.withdraw(secret.withdrawal_lookup(old)).await.unwrap(), "{old} after a restore");
            assert!(restored.withdraw(secret.withdrawal_lookup(new)).await.unwrap(), "{new} after a restore");
        }
    });
    assert_eq!(restored.counts(), Counts::default());
}

/// A power cut between a commit and its sync can take the store's last
/// commits but not the search index's own: the index is then ahead of the
/// store's log, and is rebuilt rather than skip the names logged next.
#[test]
fn a_search_index_ahead_of_the_store_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(&dir);
        rt().block_on(async {
            for (i, name) in ["Ada Lovelace", "Grace Hopper"].into_iter().enumerate() {
                store.sign(new_sig(name, Kind::Individual, i as u8 + 1, false)).await.unwrap();
            }
        });
    }
    let index = Connection::open(dir.path().join("search.sqlite")).unwrap();
    index.execute("UPDATE applied SET seq = seq + 1000", []).unwrap();
    drop(index);
    let store = open(&dir);
    rt().block_on(async {
        store.sign(new_sig("Zed Newcomer", Kind::Individual, 3, false)).await.unwrap();
    });
    assert_eq!(store.search("newcomer", 10).unwrap().len(), 1, "the name logged after the cut is found");
    assert_eq!(store.search("hopper", 10).unwrap().len(), 1);
}
