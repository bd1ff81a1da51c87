//! The catalogue: every sentence a visitor or a moderator reads in a
//! refusal, a field error, a flag or the audit list, keyed by a message id.
//! Code names what happened (a [`MessageId`], with its arguments); only this
//! module knows the words. English is the only language for now; the
//! translations issue fills this seam with Fluent catalogues.
