//! Every way the public site says no, the one mapping from each to its
//! status, `Retry-After`, heading and reason, and the one place it becomes
//! a page ([`page`], which a replica's forms use too).

use crate::domain::{Field, FieldError, Kind};
use crate::http::{self, Answer, FormError, Reply};
use crate::messages::{Message, MessageId::*};
use crate::public::ReadRefusal;
use crate::render::{FormValues, Renderer};
use crate::tokens::{Secret, TokenError};
use hyper::StatusCode;

/// A refusal of the public site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// One a read page has too (not found, a bad page number, busy, …).
    Read(ReadRefusal),
    /// The form body could not be read.
    Form(FormError),
    /// A signature was refused.
    Sign(SignRefusal),
    /// A withdrawal was refused.
    Withdraw(WithdrawRefusal),
}

/// Why a signature was not recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignRefusal {
    /// The hidden field was filled in.
    Honeypot,
    /// The form token is missing or not this server's.
    Forged,
    /// The form is older than the token's age.
    Expired,
    /// The form came back faster than a person fills it in.
    TooFast,
    /// A field does not parse.
    Field(FieldError),
    /// The circuit's or the site's signing rate is used up.
    Throttled,
    /// This form signed before.
    Used,
    /// An organisation or company of this name has signed.
    Duplicate {
        /// Its kind.
        kind: Kind,
        /// The name as sent.
        name: String,
    },
    /// Too many signatures wait for review.
    QueueFull,
    /// Signing is paused.
    Paused,
    /// The letter is closed.
    Closed,
    /// The store could not write it.
    NotSaved,
    /// The store's writer has stopped: no signature can be recorded.
    Stopped,
    /// A replica could not reach the origin, which alone records.
    OriginUnreachable,
}

/// Why a withdrawal was not done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WithdrawRefusal {
    /// No code was sent (or one too long to be a code).
    CodeMissing,
    /// No signature has this code.
    CodeUnknown,
    /// The store could not write.
    Failed,
    /// The store's writer has stopped: nothing can be removed.
    Stopped,
    /// A replica could not reach the origin, which alone removes.
    OriginUnreachable,
}

impl SignRefusal {
    /// Whether the page shows the form again, with what was typed.
    pub fn shows_form(&self) -> bool {
        !matches!(self, SignRefusal::Used | SignRefusal::Closed)
    }

    /// The field the refusal is about, named on the page.
    pub fn field(&self) -> Option<Field> {
        match self {
            SignRefusal::Field(e) => Some(e.field),
            SignRefusal::Duplicate { .. } => Some(Field::Name),
            _ => None,
        }
    }
}

impl WithdrawRefusal {
    /// Whether the page is the withdrawal form with the reason on it.
    pub fn shows_form(self) -> bool {
        matches!(self, WithdrawRefusal::CodeMissing | WithdrawRefusal::CodeUnknown)
    }
}

impl From<TokenError> for SignRefusal {
    fn from(e: TokenError) -> SignRefusal {
        match e {
            TokenError::Missing | TokenError::Forged => SignRefusal::Forged,
            TokenError::Expired => SignRefusal::Expired,
            TokenError::TooFast => SignRefusal::TooFast,
        }
    }
}

impl From<ReadRefusal> for Refusal {
    fn from(r: ReadRefusal) -> Refusal {
        Refusal::Read(r)
    }
}

impl Refusal {
    /// The status, headers and words of the refusal.
    pub fn answer(&self) -> Answer {
        use StatusCode as S;
        match self {
            Refusal::Read(r) => r.answer(),
            Refusal::Form(e) => Answer::from(*e),
            Refusal::Sign(r) => match r {
                SignRefusal::Honeypot => Answer::new(S::BAD_REQUEST, HoneypotHeading, Honeypot),
                SignRefusal::Forged => Answer::new(S::BAD_REQUEST, TokenForgedHeading, TokenForged),
                SignRefusal::Expired => Answer::new(S::BAD_REQUEST, TokenExpiredHeading, TokenExpired),
                SignRefusal::TooFast => Answer::new(S::BAD_REQUEST, TooFastHeading, TooFast),
                SignRefusal::Field(e) => Answer::new(S::BAD_REQUEST, CheckFormHeading, Field(*e)),
                SignRefusal::Throttled => {
                    Answer::new(S::TOO_MANY_REQUESTS, ThrottledHeading, Throttled).retry_after(60)
                }
                SignRefusal::Used => Answer::new(S::CONFLICT, TokenUsedHeading, TokenUsed),
                SignRefusal::Duplicate { kind, name } => {
                    let id = match kind {
                        Kind::Organization => DuplicateOrganization,
                        Kind::Company => DuplicateCompany,
                        Kind::Individual => DuplicateIndividual,
                    };
                    Answer::new(S::CONFLICT, DuplicateHeading, Message::with(id, "name", name.as_str()))
                }
                SignRefusal::QueueFull => {
                    Answer::new(S::SERVICE_UNAVAILABLE, QueueFullHeading, QueueFull).retry_after(3600)
                }
                SignRefusal::Paused => Answer::new(S::SERVICE_UNAVAILABLE, PausedHeading, Paused),
                SignRefusal::Closed => Answer::new(S::GONE, ClosedHeading, Closed),
                SignRefusal::NotSaved => {
                    Answer::new(S::SERVICE_UNAVAILABLE, NotSavedHeading, NotSaved).retry_after(120)
                }
                SignRefusal::Stopped => {
                    Answer::new(S::SERVICE_UNAVAILABLE, SigningStoppedHeading, SigningStopped)
                }
                SignRefusal::OriginUnreachable => {
                    Answer::new(S::SERVICE_UNAVAILABLE, OriginUnreachableHeading, SignOriginUnreachable)
                        .retry_after(30)
                }
            },
            Refusal::Withdraw(r) => match r {
                WithdrawRefusal::CodeMissing => {
                    Answer::new(S::BAD_REQUEST, WithdrawFailedHeading, WithdrawCodeMissing)
                }
                WithdrawRefusal::CodeUnknown => {
                    Answer::new(S::NOT_FOUND, WithdrawFailedHeading, WithdrawCodeUnknown)
                }
                WithdrawRefusal::Failed => {
                    Answer::new(S::SERVICE_UNAVAILABLE, WithdrawFailedHeading, WithdrawFailed)
                }
                WithdrawRefusal::Stopped => {
                    Answer::new(S::SERVICE_UNAVAILABLE, WithdrawStoppedHeading, WithdrawStopped)
                }
                WithdrawRefusal::OriginUnreachable => {
                    Answer::new(S::SERVICE_UNAVAILABLE, OriginUnreachableHeading, WithdrawOriginUnreachable)
                        .retry_after(30)
                }
            },
        }
    }
}

/// The page of `refusal` in `renderer`'s language. `values` is what the
/// visitor typed, for refusals that show the sign form again (with a new
/// token of `secret`); `closed`: the letter is closed, and a closed letter
/// invites nobody: whatever was wrong with a form sent to it, the answer
/// says it is closed, with no form again.
pub fn page(
    renderer: &Renderer,
    secret: &Secret,
    closed: bool,
    refusal: &Refusal,
    values: Option<&FormValues>,
) -> Reply {
    let answer = refusal.answer();
    let words = renderer.words();
    let closed = closed && matches!(refusal, Refusal::Sign(_));
    let (heading, reason) = if closed {
        (words.get(ClosedHeading), words.get(Closed))
    } else {
        (words.get(answer.heading), words.text(&answer.reason))
    };
    let body = match (refusal, values) {
        (Refusal::Sign(r), Some(values)) if r.shows_form() && !closed => {
            let token = secret.issue_token();
            renderer.sign_refused(&heading, &reason, r.field(), &token, values)
        }
        (Refusal::Withdraw(r), _) if r.shows_form() => renderer.withdraw_form(Some(&reason)),
        _ => renderer.error(&heading, &reason),
    };
    let mut resp = http::html(answer.status, body);
    answer.apply(&mut resp);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FieldProblem;
    use crate::http::Miss;
    use crate::messages::Catalogue;

    #[test]
    fn refusals_map_to_their_status_retry_and_words() {
        let words = Catalogue::ENGLISH;
        let throttled = Refusal::Sign(SignRefusal::Throttled).answer();
        assert_eq!((throttled.status, throttled.retry_after), (StatusCode::TOO_MANY_REQUESTS, Some(60)));
        let stopped = Refusal::Sign(SignRefusal::Stopped).answer();
        assert_eq!(stopped.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(words.get(stopped.heading), "Signing is unavailable");
        let dup = Refusal::Sign(SignRefusal::Duplicate { kind: Kind::Company, name: "Acme".into() }).answer();
        assert_eq!(
            crate::messages::unmarked(&words.text(&dup.reason)),
            "A company named “Acme” has already signed the letter."
        );
        let field = SignRefusal::Field(FieldError::new(Field::Name, FieldProblem::TooLong));
        assert_eq!(
            (field.field(), crate::messages::unmarked(&words.text(&Refusal::Sign(field).answer().reason))),
            (Some(Field::Name), "Name is too long: at most 150 characters.".into())
        );
        assert_eq!(Refusal::Read(ReadRefusal::Miss(Miss::Method("POST"))).answer().allow, Some("POST"));
        assert_eq!(Refusal::Read(ReadRefusal::ScanFailed).answer().status, StatusCode::SERVICE_UNAVAILABLE);
        let not_yet = Refusal::Read(ReadRefusal::SnapshotNotReady).answer();
        assert_eq!((not_yet.status, not_yet.retry_after), (StatusCode::SERVICE_UNAVAILABLE, Some(10)));
        assert!(!SignRefusal::Used.shows_form() && SignRefusal::Paused.shows_form());
    }
}
