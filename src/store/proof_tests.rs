//! The store's side of organisations' proofs: a proof taken, kept while
//! its website cannot be reached, lost and audited; `publish_proven`; and
//! nothing of the proof left once its signature is removed.

use super::tests::{code_key, new_sig, open, rt};
use super::*;

/// A signature with a website, as the site hands it over.
fn with_website(name: &str, nonce: u8, token: &str) -> NewSignature {
    let mut new = new_sig(name, Kind::Organization, nonce, true);
    new.submission.website = crate::domain::Website::parse("example.org").unwrap();
    new.proof_token = Some(token.into());
    new
}

fn checked(id: u64, token: &str, outcome: Result<(), crate::domain::ProofProblem>, publish: bool) -> Action {
    Action::ProofChecked(ProofCheck { signature: id, token: token.into(), outcome, publish })
}

#[test]
fn a_proof_found_marks_the_signature_and_one_gone_unmarks_it_in_the_audit_list() {
    use crate::domain::{ProofProblem, ProofState};
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        let id = store.sign(with_website("Proving Org", 1, "aa")).await.unwrap().id;
        let p = store.proof(id).unwrap();
        assert_eq!(
            (p.domain.as_str(), p.token.as_str(), p.state, p.checked),
            ("example.org", "aa", ProofState::Pending, None)
        );
        assert_eq!(p.line(), "undersign-proof aa");

        // Another token's result (not this signature's) changes nothing.
        assert_eq!(store.moderate(CHECKER, checked(id, "bb", Ok(()), false)).await.unwrap(), 0);
        assert_eq!(store.moderate(CHECKER, checked(id, "aa", Ok(()), false)).await.unwrap(), 1);
        let r = store.record(id).unwrap();
        assert_eq!(r.proof.as_ref().map(|m| (m.domain.as_str(), m.day)), Some(("example.org", Day::today())));
        assert_eq!(r.status, Status::Pending, "without publish_proven a moderator still decides");
        assert_eq!(store.proof(id).unwrap().state, ProofState::Held);

        // Unreachable: the proof stays as last found, the problem is kept.
        store.moderate(CHECKER, checked(id, "aa", Err(ProofProblem::Unreachable), false)).await.unwrap();
        assert!(store.record(id).unwrap().proof.is_some());
        let p = store.proof(id).unwrap();
        assert_eq!(
            (p.state, p.problem, p.checked),
            (ProofState::Held, Some(ProofProblem::Unreachable), Some(Day::today()))
        );

        // The line gone: the mark goes, and the audit list says so.
        store.moderate(CHECKER, checked(id, "aa", Err(ProofProblem::LineMissing), false)).await.unwrap();
        assert!(store.record(id).unwrap().proof.is_none());
        assert_eq!(store.proof(id).unwrap().state, ProofState::Pending);
        let audit: Vec<(String, AuditAction)> =
            store.audit(None, 10).into_iter().map(|(_, e)| (e.moderator, e.action)).collect();
        let domain = || "example.org".to_string();
        assert_eq!(
            audit,
            [
                (CHECKER.into(), AuditAction::ProofLost { domain: domain() }),
                (CHECKER.into(), AuditAction::ProofTaken { domain: domain() }),
            ]
        );
    });
}

#[test]
fn publish_proven_publishes_and_a_removed_signature_takes_its_proof_along() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        let id = store.sign(with_website("Published Org", 1, "aa")).await.unwrap().id;
        store.moderate(CHECKER, checked(id, "aa", Ok(()), true)).await.unwrap();
        let published = store.published(Kind::Organization, 0, 5).unwrap();
        assert_eq!(published.len(), 1);
        assert_eq!(published[0].proof.as_ref().map(|p| p.domain.as_str()), Some("example.org"));
        assert_eq!(store.audit(None, 1)[0].1.action, AuditAction::Approved);
        assert_eq!(store.proofs_after(0, 10).unwrap().len(), 1);
        store.moderate("alice", Action::Delete(id)).await.unwrap();
        assert!(store.proof(id).is_none());
        assert!(store.proofs_after(0, 10).unwrap().is_empty());

        // An individual's website is never a proof (the site refuses it first).
        let mut person = with_website("Some One", 2, "cc");
        person.submission.kind = Kind::Individual;
        let id = store.sign(person).await.unwrap().id;
        assert!(store.proof(id).is_none());
    });
}

/// A withdrawn organisation's proof leaves the audit list with it: the
/// entries say a proof was found and lost, not on which website.
#[test]
fn a_withdrawn_signatures_proof_entries_keep_no_website() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    rt().block_on(async {
        let id = store.sign(with_website("Proving Org", 1, "aa")).await.unwrap().id;
        store.moderate(CHECKER, checked(id, "aa", Ok(()), false)).await.unwrap();
        let named = store.audit(None, 10);
        assert!(named.iter().any(|(_, e)| e.names_signer()), "{named:?}");
        assert!(store.withdraw(code_key(id, 1)).await.unwrap());
        let audit = store.audit(None, 10);
        assert!(!audit.is_empty());
        for (_, e) in &audit {
            assert!(!e.names_signer(), "{e:?}");
            assert_eq!(e.signature, Some(id));
        }
        assert!(store.proof(id).is_none());
    });
}
