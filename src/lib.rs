//! undersign hosts one open letter and collects its signatures, built to be
//! run as a Tor onion service by people who must not learn anything about
//! their visitors.
//!
//! # Module map
//!
//! Each layer imports only the ones below it; the site and the console never
//! import each other, and the site and the mirror share their read pages
//! and their language routing through [`public`] (the site knows nothing of
//! mirrors).
//!
//! | layer | module | owns |
//! |---|---|---|
//! | wiring | [`app`] | config → store, secret, routers, listeners; start and stop ([`app::serve`]); the offline commands, each saying what it did or failing with a sentence ([`app::commands`]); the data dir opened only with the letter it holds, or amending it (`letter amend`); the data dir owner only from the first byte; [`Error`] |
//! | | [`static_export`] | the offline command `export-static`: a verified snapshot as plain linked files |
//! | routers | [`site`] | the public site: its letter page (cached per language, with the form token), signing, withdrawal, open data files (in `DATA/exports`), its page cache, its refusals |
//! | | [`console`] | the moderation console on its own listener, in one language (`admin_language`): sessions, CSRF, actions; moderators in [`console::auth`] |
//! | | [`replica`] | replica mode: a mirror that also serves the sign and withdrawal forms (tokens of the origin's secret) and hands each `POST`, checked for what needs no store and the circuit's limit, to the origin, relaying its page; nothing of a signature kept |
//! | | [`mirror`] | mirror mode: the read pages from the newest snapshot verified against the origin's key, with its banner and status; the poller (plain HTTP; through `origin_proxy`, a SOCKS5 proxy such as tor's SocksPort; or Tor through `onion`'s dialer for a `.onion` origin), the trust state (`DATA/mirror/trust`: an amendment of the mirrored letter followed, another letter refused) and its refusals, the adopted snapshot's directory (its on-disk index as a [`view::PublicView`], its exports and chunk list) |
//! | read pages | [`public`] | the public GET pages every router serves the same way, over a [`public::Source`]: the letter, lists by kind and page, search, the exports (with their `ETag`), privacy, the snapshot's files, `robots.txt`; the delivery edition (a file per snapshot and language, from the snapshot's names), the numbers (per generation) and the snapshot's badge ([`public::editions`]); the queue for full-list scans; their refusals; the language by path prefix, `Accept-Language` for `/` only ([`public::languages`]) |
//! | snapshots | [`snapshot`] | signed snapshots of the public view for mirrors: the minisign key (`DATA/snapshot.key`), the sequence number, a snapshot streamed into `DATA/snapshots` and signed, the task that keeps it signed, `verify`; its chunk list for mirrors |
//! | proofs | [`proof`] | organisations proving their signature from their own website: the token, the task that fetches each `https://DOMAIN/.well-known/undersign.txt` (HTTPS through `proof_proxy`, bounded) every `proof_check_seconds` or when a moderator asks, and hands what it found to the store |
//! | onion | `onion` (feature `onion`) | arti in-process: the public and console onions, their keys and state under `DATA/onion`, one acceptor per onion whose rendezvous circuits get local ids for the per-circuit limits (`onion/accept.rs`); a dialer for a mirror's onion origin; arti's replay logs kept in memory (`onion/replay.rs`, plain paths in, its own error out) |
//! | plumbing | [`http`] | bodies (in memory, or a file streamed in chunks), the headers every response carries, form and query decoding with limits, the minimum rate of heads and bodies ([`http::MinRate`]), refusal → status, and every router's 404 and 405 with `Allow` ([`http::route`]); the server: one accept loop over any acceptor, connection slots, circuits, timeouts, graceful shutdown |
//! | pages | [`render`] | maud templates over plain view values, the inline stylesheet (with its print rules) and its CSP hash, the exports and the delivery edition written one name at a time, the numbers' SVG charts, the badge; no HTTP, no queries |
//! | words | [`messages`] | the catalogues: typed message id → Fluent message of `locales/TAG/undersign.ftl` (embedded; the list from `build.rs`), English fallback, number style per language; the only place for a page's or a refusal's words |
//! | data | [`view`] | the public view the pages render from: phase, counts, published names, search, generation, the figures by day and country (folded) |
//! | | [`store`] | SQLite, the group-commit writer, every invariant over the data, page order and search indexes and their rebuild, removal for good (`secure_delete`, emptied logs), the letter the data dir belongs to and its versions; implements [`view::PublicView`] |
//! | | [`domain`] | plain data: [`domain::SignatoryName`], [`domain::Kind`], flags, records, phases, audit actions |
//! | leaves | [`config`], [`letter`], [`tokens`], [`limits`], [`proxy_protocol`], [`socks`], [`memory`] | the typed configuration (one declaration per setting, its key, default and check beside it; the command line's options are keys of the same file); the letter's content and its versions ([`letter::History`]); form tokens and withdrawal codes; throttles and queues; tor's PROXY line; the one SOCKS5 dialer (`socks5h://`, names unresolved) of the proofs and of the link to an origin; giving freed memory back after a flood |
//!
//! # One request, start to end
//!
//! ```text
//! http::server::serve   a connection slot, then accept from the acceptor (TCP, Unix socket, onion)
//! http::server          [PROXY line or onion rendezvous -> circuit id, in memory only; per-circuit cap]
//!                       -> http::framing (each head read whole, its size, syntax and length checked) -> hyper HTTP/1.1
//! site::Site::route     the language by path prefix (/es/...; none: English), then by method and path:
//!                       a read page (public::Page::parse) goes to public::Reads::answer, over the site
//!                       as a public::Source; signing and withdrawal are the site's own
//!   GET /               Accept-Language prefers a shipped non-English language: 303 to /TAG/ (once);
//!                       else site's page cache (bytes per language and view generation)
//!                       + tokens::Secret::issue_token,
//!                       sent as cached head, token, cached tail (no copy)
//!   POST /sign          http::form (16 KiB, timed) -> honeypot -> tokens (HMAC, age)
//!                       -> domain::*::parse -> limits (circuit, site)
//!                       -> store::Store::sign: writer thread applies an atomic batch and
//!                          commits it; the syncer thread fsyncs the log (one fsync for
//!                          every group committed meanwhile), then answers
//!                       -> render thank-you page with the withdrawal code (and, for an
//!                          organisation that gave its website, the line that proves it;
//!                          no fetch here: proof::keep_checked fetches on its own task)
//!   a refusal           site::Refusal (a read page's: public::ReadRefusal) -> http::Answer (status, Retry-After, message ids)
//!                       -> messages::Catalogue of the path's language -> render error page (or the form again)
//!   GET /signatories.json  on the blocking pool, in public::Reads's scan queue: site's page cache
//!                       (a file per view generation, built by streaming each_published into
//!                       DATA/exports), then sent from that open file in 64 KiB chunks, ETag the
//!                       run and generation; 304 to a matching If-None-Match
//!   GET /deliver        on the blocking pool, in the scan queue: the current snapshot's names read
//!                       back one at a time (snapshot::read) into an unnamed file per snapshot and
//!                       language (public::editions), sent from it in 64 KiB chunks
//!   GET /snapshot.json  snapshot::Snapshots::current: the file signed last (by snapshot::keep_signed,
//!                       after the view's generation changed), sent from it in 64 KiB chunks,
//!                       ETag its sequence number; 304 to a matching If-None-Match; one
//!                       Range of that version (http::respond_versioned_file)
//!   GET /snapshot.chunks  its chunk list (snapshot::chunks), made once on the blocking pool;
//!                       /snapshot.parts the changed parts a mirror asks for, in one answer
//! http::Headers         the security headers, on every response
//! ```
//!
//! A mirror (`undersign mirror`) serves the same GET routes through the same
//! server with [`mirror::Mirror`] as its router, and the same read handlers
//! ([`public::Reads`]) over what it adopted: pages rendered from the
//! adopted snapshot's index ([`mirror::view::SnapshotView`]) when it was
//! adopted, the exports and the snapshot sent from their files; a task
//! ([`mirror::keep_current`]) polls the origin (a changed snapshot built
//! from the chunks it holds and the changed ones, [`mirror::poll`]), and
//! [`mirror::trust`] judges what it brings. A replica (`undersign replica`)
//! is such a mirror with the forms: [`replica::Replica`] answers `/sign`
//! and `/withdraw` by sending the checked form on to the origin and
//! relaying its page, and hands every other request to the mirror.
//!
//! The console runs in the same process on its own listener with its own
//! router ([`console::Console`]: sign-in, session cookie, CSRF check) and
//! sends every action to `store::Store::moderate`, which goes through the
//! same writer and lands in the audit list. The public listener has no
//! route into it.
//!
//! Nothing here logs a request; the only output is the start-up line and
//! operator-facing errors.

// Deny, not forbid: `memory` makes the crate's one foreign call.
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod config;
pub mod console;
pub mod domain;
pub mod http;
pub mod letter;
pub mod limits;
pub mod memory;
pub mod messages;
pub mod mirror;
#[cfg(feature = "onion")]
pub mod onion;
pub mod proof;
pub mod proxy_protocol;
pub mod public;
pub mod render;
pub mod replica;
pub mod site;
pub mod snapshot;
pub mod socks;
pub mod static_export;
pub mod store;
pub mod tokens;
pub mod view;

pub use app::{load_content, mirror, serve, Error};
