//! What the store's handle asks of the writer: a signature with the facts
//! recorded with it, a withdrawal, a moderator's action, a restore; and
//! what it answers.

use super::error::{SignError, StoreError};
use super::names::NameEntries;
use crate::domain::record::{Day, Phase, Record, RejectReason, Status};
use crate::domain::{Affiliation, Kind, SignatoryName, Submission};
use tokio::sync::oneshot;

/// The outcome of a signature the store accepted and made durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// The signature's id.
    pub id: u64,
    /// Published at once or waiting for review.
    pub status: Status,
    /// Whether the name will be shown.
    pub listed: bool,
}

/// A signing request as the writer sees it: checked input plus the anti-spam
/// facts it must record atomically with the signature.
pub struct NewSignature {
    /// What was signed.
    pub submission: Submission,
    /// Whether its kind waits for a moderator.
    pub needs_review: bool,
    /// The form token's nonce, recorded so the form cannot sign twice.
    pub token_nonce: [u8; 16],
    /// The day after which the token is expired anyway and can be forgotten.
    pub token_forget_after: Day,
    /// The keyed hash of the withdrawal code's random part
    /// ([`crate::tokens::Secret::withdrawal_hash`]); the store keeps it
    /// under [`crate::tokens::withdrawal_key`] of the signature's id, and
    /// the code shown is [`crate::tokens::withdrawal_code`] of that id.
    pub withdraw_hash: [u8; 32],
    /// Signatures waiting for review, at most.
    pub max_pending: u64,
    /// The token of the line that proves it, when an organisation or a
    /// company gave its website.
    pub proof_token: Option<String>,
}

/// What a moderator (or an offline command) does.
#[derive(Clone, Debug)]
pub enum Action {
    /// Publish pending signatures.
    Approve(Vec<u64>),
    /// Remove pending signatures, for a reason.
    Reject(Vec<u64>, RejectReason),
    /// Change what is shown of a signature.
    Edit {
        /// The signature.
        id: u64,
        /// Its new name.
        name: SignatoryName,
        /// Its new affiliation.
        affiliation: Option<Affiliation>,
    },
    /// Mark an organisation or company as checked, or not.
    Verify {
        /// The signature.
        id: u64,
        /// Marked, or the mark removed.
        verified: bool,
    },
    /// Back from the public list into the review queue.
    Unpublish(u64),
    /// Remove a signature for good.
    Delete(u64),
    /// Open, pause or close signing.
    SetPhase(Phase),
    /// Imports names as published signatures (offline `import --kind`).
    ImportNames(Kind, Vec<SignatoryName>),
    /// The letter's own lists, imported only if no first-start import has
    /// happened in this store's life.
    ImportFirstStart(Vec<(Kind, Vec<SignatoryName>)>),
    /// What a check of a proof found (the proof checker).
    ProofChecked(super::proof::ProofCheck),
}

/// A backup of everything needed to restore the letter's signatures.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Backup {
    /// The backup format's version.
    pub format: u32,
    /// The letter's phase.
    pub phase: Phase,
    /// Every signature, pending included.
    pub signatures: Vec<Record>,
    /// (signature id, hex of the withdrawal-code hash), so codes keep working.
    pub withdrawal_hashes: Vec<(u64, String)>,
}

pub(super) type Reply<T, E> = oneshot::Sender<Result<T, E>>;

/// One request to the writer, with where its answer goes.
pub(super) enum Request {
    Sign(Box<(NewSignature, NameEntries)>, Reply<Signed, SignError>),
    Withdraw([u8; 32], Reply<bool, SignError>),
    Moderate(String, Action, Reply<usize, StoreError>),
    Restore(Box<Backup>, Reply<usize, StoreError>),
    /// Makes the writer thread panic, as a bug in it would.
    #[cfg(test)]
    Crash,
}
