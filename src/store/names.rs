//! What the store works out from a name alone: its folded form, its
//! confusable skeleton and its sort key, and the 64-bit digests the
//! duplicate and look-alike indexes are keyed by. Worked out on the
//! connection's thread, not the writer's (the one thread every signature
//! queues for).

use crate::domain::{flags, Flag, Kind, SignatoryName};
use sha2::{Digest, Sha256};

/// 64 bits of SHA-256: the duplicate and look-alike indexes find candidates
/// by it, and the names themselves are compared before anything is decided.
fn digest(parts: &[&[u8]]) -> i64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    let full = h.finalize();
    let mut d = [0u8; 8];
    d.copy_from_slice(&full[..8]);
    i64::from_be_bytes(d)
}

/// What the store works out from a name alone, once per signature and on
/// the connection's thread rather than the writer's (the one thread every
/// signature queues for).
pub(super) struct NameEntries {
    pub(super) folded: String,
    pub(super) fold: i64,
    pub(super) skeleton: String,
    pub(super) skel: i64,
    pub(super) sort_key: String,
    pub(super) intrinsic: Vec<Flag>,
}

impl NameEntries {
    /// The skeleton's digest (the look-alike index's key).
    pub(super) fn skel(&self) -> i64 {
        self.skel
    }

    pub(super) fn of(kind: Kind, name: &SignatoryName) -> NameEntries {
        let folded = name.folded();
        let skeleton = flags::skeleton(name);
        NameEntries {
            fold: digest(&[&[kind.tag()], folded.as_bytes()]),
            skel: digest(&[skeleton.as_bytes()]),
            folded,
            skeleton,
            sort_key: name.sort_key(kind),
            intrinsic: flags::intrinsic_as(kind, name),
        }
    }
}

/// A value of the functions that the derived indexes depend on (folding,
/// skeletons, sort keys): when it changes, they are rebuilt at start.
pub(super) fn name_functions_fingerprint() -> i64 {
    let probe = ["Amnesty Internati0nal", "Ｊosé  de la Peña-Müller", "Иван l1 Петров", "王伟"];
    let mut parts = Vec::new();
    for p in probe {
        if let Ok(name) = SignatoryName::parse(p) {
            let e = NameEntries::of(Kind::Individual, &name);
            parts.extend([e.folded, e.skeleton, e.sort_key, name.sort_key(Kind::Organization)]);
        }
    }
    digest(&parts.iter().map(|p| p.as_bytes()).collect::<Vec<_>>())
}
