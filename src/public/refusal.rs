//! Every way a read page says no, and the one mapping from each to its
//! status, `Retry-After`, heading and reason.

use crate::http::{Answer, Miss, RequestError};
use crate::messages::MessageId::*;
use hyper::StatusCode;

/// A refusal of a read page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadRefusal {
    /// No page at this address, or not with this method.
    Miss(Miss),
    /// `?page=` is not a whole number.
    BadPageNumber,
    /// The list has fewer pages.
    NoSuchPage,
    /// The search query is too long.
    SearchTooLong,
    /// A scan of every published name failed.
    ScanFailed,
    /// Too many searches and exports wait already, or this one waited too
    /// long: the server is busy with them.
    Busy,
    /// No snapshot has been signed yet (just after the first start).
    SnapshotNotReady,
    /// The request's head is ambiguous.
    Request(RequestError),
}

impl ReadRefusal {
    /// The status, headers and words of the refusal.
    pub fn answer(&self) -> Answer {
        use StatusCode as S;
        match self {
            ReadRefusal::Miss(m) => m.answer(),
            ReadRefusal::BadPageNumber => Answer::new(S::BAD_REQUEST, BadPageNumberHeading, BadPageNumber),
            ReadRefusal::NoSuchPage => Answer::new(S::NOT_FOUND, NoSuchPageHeading, NoSuchPage),
            ReadRefusal::SearchTooLong => Answer::new(S::BAD_REQUEST, SearchTooLongHeading, SearchTooLong),
            ReadRefusal::ScanFailed => {
                Answer::new(S::SERVICE_UNAVAILABLE, ScanFailedHeading, ScanFailed).retry_after(60)
            }
            ReadRefusal::Busy => Answer::new(S::SERVICE_UNAVAILABLE, BusyHeading, Busy).retry_after(10),
            ReadRefusal::SnapshotNotReady => {
                Answer::new(S::SERVICE_UNAVAILABLE, SnapshotNotReadyHeading, SnapshotNotReady).retry_after(10)
            }
            ReadRefusal::Request(e) => Answer::from(*e),
        }
    }
}
