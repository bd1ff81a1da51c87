//! Plain data, shared by every layer above: what a signatory is
//! ([`signatory`]: names, kinds and the other form fields, parsed at the
//! edge, refused in the terms of [`field`]), what makes a name worth a
//! moderator's look ([`flags`]), the records the store keeps and the
//! public may see ([`record`]), an organisation's website ([`website`])
//! and the proof it gives ([`proof`]), and the [`day`], the finest time
//! kept. Nothing here does I/O or knows HTTP, HTML or the database.

pub mod day;
pub mod field;
pub mod flags;
pub mod proof;
pub mod record;
pub mod signatory;
pub mod website;

pub use flags::Flag;
pub use proof::{ProofMark, ProofProblem, ProofRow, ProofState};
pub use record::{
    AuditAction, AuditEntry, Counts, Day, Phase, PublicSignatory, Record, RejectReason, Retention, Status,
};
pub use signatory::{Affiliation, Country, Field, FieldError, FieldProblem, Kind, SignatoryName, Submission};
pub use website::Website;
